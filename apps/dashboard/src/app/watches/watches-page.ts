import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { CountPipe, DayPipe, TimePipe } from '../format/pipes';
import { HttpClient, httpResource } from '@angular/common/http';
import { RouterLink } from '@angular/router';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { firstValueFrom } from 'rxjs';
import type { SharedMarkList, Watch, WatchList, WatchTarget } from '@redoubt/contracts/watches';
import { errorMessage } from '../http/api-error';
import { EmptyState } from '../shell/empty-state';

/** "customer ann", "component around ann", "email mule@example.com". */
export function targetText(target: WatchTarget): string {
  switch (target.type) {
    case 'customer':
      return `customer ${target.customerId}`;
    case 'component':
      return `component around ${target.customerId}`;
    case 'identifier':
      return `${target.kind} ${target.value}`;
  }
}

/**
 * The analyst's watches ("tripwires") with the links that set them off, newest first; and the
 * tenant's identifiers marked as shared infrastructure (left out of every network), reversible here.
 */
@Component({
  selector: 'rd-watches-page',
  imports: [TimePipe, DayPipe, CountPipe, RouterLink, MatButtonModule, MatIconModule, MatProgressBarModule, EmptyState],
  templateUrl: './watches-page.html',
  styleUrl: './watches-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class WatchesPage {
  /** From the route: /t/:tenant/watches */
  readonly tenant = input.required<string>();

  private readonly http = inject(HttpClient);
  private readonly base = computed(() => `/api/tenants/${encodeURIComponent(this.tenant())}`);
  protected readonly watches = httpResource<WatchList>(() => `${this.base()}/watches`);
  protected readonly marks = httpResource<SharedMarkList>(() => `${this.base()}/shared-infrastructure`);
  protected readonly message = signal<string | undefined>(undefined);
  protected readonly error = computed(() => {
    const error = this.watches.error() ?? this.marks.error();
    return error ? errorMessage(error) : undefined;
  });
  protected readonly targetText = targetText;

  protected customerOf(watch: Watch): string | undefined {
    return 'customerId' in watch.target ? watch.target.customerId : undefined;
  }

  protected async unpin(watch: Watch): Promise<void> {
    await this.remove(`${this.base()}/watches/${encodeURIComponent(watch.id)}`, `Unpinned ${targetText(watch.target)}`);
    this.watches.reload();
  }

  protected async unmark(id: string, text: string): Promise<void> {
    await this.remove(
      `${this.base()}/shared-infrastructure/${encodeURIComponent(id)}`,
      `${text} is traversed again in every network`,
    );
    this.marks.reload();
  }

  private async remove(url: string, done: string): Promise<void> {
    this.message.set(undefined);
    try {
      await firstValueFrom(this.http.delete(url));
      this.message.set(done);
    } catch (error) {
      this.message.set(errorMessage(error));
    }
  }
}
