import {
  ChangeDetectionStrategy,
  Component,
  computed,
  debounced,
  effect,
  inject,
  input,
  linkedSignal,
  signal,
  untracked,
} from '@angular/core';
import { DatePipe, DecimalPipe } from '@angular/common';
import { httpResource } from '@angular/common/http';
import { Router, RouterLink } from '@angular/router';
import { MatTableModule } from '@angular/material/table';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { SearchResult } from '@redoubt/contracts/api';
import { parseAs } from '../http/parse';
import { errorMessage } from '../http/api-error';
import { RiskChip } from '../risk/risk-chips';
import { EmptyState } from '../shell/empty-state';

/** How long typing must pause before a search is sent. */
export const SEARCH_DEBOUNCE_MS = 300;
export const SEARCH_PAGE_SIZE = 20;

/** Find customers by anything: name, email, phone, device, card, IP, order id. */
@Component({
  selector: 'rd-search-page',
  imports: [
    DatePipe,
    DecimalPipe,
    RouterLink,
    MatTableModule,
    MatFormFieldModule,
    MatInputModule,
    MatIconModule,
    MatProgressBarModule,
    RiskChip,
    EmptyState,
  ],
  templateUrl: './search-page.html',
  styleUrl: './search-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SearchPage {
  private readonly router = inject(Router);

  /** From the route: /t/:tenant/search?q=… */
  readonly tenant = input.required<string>();
  readonly q = input<string>();

  /** What is in the box right now; reset when the URL's ?q= changes (back/forward). */
  protected readonly term = linkedSignal(() => this.q() ?? '');
  /** Counts edits, so retyping the same text searches again (fresh data, e.g. while a seed runs). */
  private readonly edits = signal(0);
  /** The box once typing has paused; keeps the previous value while waiting. */
  private readonly settled = debounced(() => ({ q: this.term().trim(), edit: this.edits() }), SEARCH_DEBOUNCE_MS);
  protected readonly query = computed(() => this.settled.value().q);

  protected readonly results = httpResource(
    () => {
      const { q } = this.settled.value();
      if (!q) return undefined;
      return {
        url: `/api/tenants/${encodeURIComponent(this.tenant())}/customers/search`,
        params: { q, size: SEARCH_PAGE_SIZE },
      };
    },
    { parse: parseAs(SearchResult) },
  );

  protected readonly columns = ['name', 'email', 'country', 'score', 'action', 'label', 'lastSeen'];
  protected readonly hits = computed(() => (this.results.hasValue() ? this.results.value().hits : []));
  protected readonly error = computed(() => {
    const error = this.results.error();
    return error ? errorMessage(error) : undefined;
  });

  constructor() {
    // Keep the settled query in the URL, so back/forward and shared links restore the search.
    effect(() => {
      const q = this.query();
      if (q === (untracked(this.q) ?? '')) return;
      void this.router.navigate([], {
        queryParams: { q: q || null },
        queryParamsHandling: 'merge',
        replaceUrl: true,
      });
    });
  }

  protected edit(text: string): void {
    this.term.set(text);
    this.edits.update((n) => n + 1);
  }

  protected customerLink(id: string): string[] {
    return ['/t', this.tenant(), 'customers', id];
  }

  protected matchedOn(highlights: Record<string, string[]> | undefined): string {
    return highlights ? Object.keys(highlights).join(', ') : '';
  }
}
