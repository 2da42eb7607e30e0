import { ChangeDetectionStrategy, Component, effect, inject, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { MatListModule } from '@angular/material/list';
import { MatIconModule } from '@angular/material/icon';
import type { SavedSearch } from '@redoubt/contracts/api';
import { SavedSearches } from '../search/saved-searches';
import { savedToUrl } from '../search/search-query';

/** The analyst's saved searches in the side navigation; each opens the search screen as it was saved. */
@Component({
  selector: 'rd-saved-searches-nav',
  imports: [RouterLink, MatListModule, MatIconModule],
  template: `
    @if (saved.list().length) {
      <mat-nav-list aria-labelledby="saved-searches-title" data-testid="saved-searches">
        <h2 matSubheader id="saved-searches-title" class="title">Saved searches</h2>
        @for (s of saved.list(); track s.id) {
          <a
            mat-list-item
            data-testid="saved-search"
            [routerLink]="['/t', tenant(), 'search']"
            [queryParams]="params(s)"
            [title]="s.name"
          >
            <mat-icon matListItemIcon>bookmark</mat-icon>
            <span matListItemTitle>{{ s.name }}</span>
          </a>
        }
      </mat-nav-list>
    }
  `,
  styles: `
    .title {
      margin: 0;
      font: var(--mat-sys-title-small);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SavedSearchesNav {
  protected readonly saved = inject(SavedSearches);
  readonly tenant = input.required<string>();

  constructor() {
    effect(() => this.saved.tenant.set(this.tenant()));
  }

  protected params(search: SavedSearch) {
    return savedToUrl(search.query);
  }
}
