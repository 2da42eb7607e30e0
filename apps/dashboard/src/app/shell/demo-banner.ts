import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject } from '@angular/core';
import { CountPipe, SharePipe } from '../format/pipes';
import { httpResource } from '@angular/common/http';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { DemoStatus } from '@redoubt/contracts/api';
import { parseAs } from '../http/parse';

/** How often the banner asks again while the demo is seeding. */
export const DEMO_POLL_MS = 2_000;

/**
 * While the first start seeds the demo stores, says so with the progress (GET /api/demo/status),
 * so a short search result reads as "still loading", not as the whole data; gone once ready.
 */
@Component({
  selector: 'rd-demo-banner',
  imports: [CountPipe, SharePipe, MatIconModule, MatProgressBarModule],
  template: `
    @if (status(); as s) {
      @if (s.state === 'seeding') {
        <div class="banner seeding" role="status" data-testid="demo-seeding">
          <mat-icon aria-hidden="true">hourglass_top</mat-icon>
          <span>
            Loading the demo data: {{ s.customersLoaded | count }} of {{ s.customersTarget | count }} customers ({{
              s.progress | share
            }}, {{ s.eventsLoaded | count }} events). Search and counts grow until it is done.
          </span>
          <mat-progress-bar mode="determinate" [value]="s.progress * 100" aria-label="Demo data loaded" />
        </div>
      } @else if (s.state === 'failed') {
        <p class="banner error" role="alert" data-testid="demo-failed">
          <mat-icon aria-hidden="true">error</mat-icon>
          Loading the demo data failed{{ s.error ? ': ' + s.error : '' }}. What is loaded so far is shown; restart the
          server to try again.
        </p>
      }
    }
  `,
  styles: `
    .seeding {
      display: grid;
      grid-template-columns: auto 1fr;
      align-items: center;
      gap: 4px 8px;
    }
    .seeding mat-progress-bar {
      grid-column: 1 / -1;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DemoBanner {
  protected readonly resource = httpResource(() => '/api/demo/status', { parse: parseAs(DemoStatus) });
  /** The last answer; a failed poll keeps the previous one rather than hiding the banner. */
  protected readonly status = computed(() => (this.resource.hasValue() ? this.resource.value() : undefined));

  constructor() {
    let timer: ReturnType<typeof setTimeout> | undefined;
    inject(DestroyRef).onDestroy(() => clearTimeout(timer));
    // Ask again while seeding (or after a failed request); stop once the answer is final.
    effect(() => {
      const state = this.status()?.state;
      const failedRequest = this.resource.status() === 'error';
      clearTimeout(timer);
      if (state === 'seeding' || failedRequest) timer = setTimeout(() => this.resource.reload(), DEMO_POLL_MS);
    });
  }
}
