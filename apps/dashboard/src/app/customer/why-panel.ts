import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { httpResource } from '@angular/common/http';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { ScoreWhy } from '@redoubt/contracts/api';
import { parseAs } from '../http/parse';
import { errorMessage } from '../http/api-error';
import { formatTime } from '../format/format';
import { RiskChip } from '../risk/risk-chips';
import { networkLines, reasonLines } from './why-words';

/**
 * Why the score, in words: the rules and warnings the latest score events came with, and the
 * network signals (FRAUDSTERs sharing an identifier, the nearest one, the network's FRAUDSTER
 * share) from GET …/customers/:id/why.
 */
@Component({
  selector: 'rd-why-panel',
  imports: [MatButtonModule, MatIconModule, MatProgressBarModule, RiskChip],
  template: `
    @if (why.isLoading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading why this score" />
    }
    @if (error(); as error) {
      <p class="banner error" role="alert" data-testid="why-error"><mat-icon>error</mat-icon>{{ error }}</p>
      <button mat-stroked-button type="button" (click)="why.reload()">Try again</button>
    }
    @if (why.hasValue()) {
      @let w = why.value();
      <h3>Score reasons</h3>
      @for (s of w.scores; track s.eventId) {
        <div class="event" data-testid="why-score">
          <p class="headline">
            <rd-risk-chip [action]="s.action" />
            <span class="figure">{{ s.score }}</span>
            <span class="muted">{{ time(s.at) }}{{ s.source ? ' · ' + s.source : '' }}</span>
          </p>
          <ul>
            @for (line of reasons(s); track $index) {
              <li data-testid="why-reason">{{ line }}</li>
            } @empty {
              <li class="muted">No rules or warnings came with this score.</li>
            }
          </ul>
        </div>
      } @empty {
        <p class="muted" data-testid="why-no-scores">
          @if (w.complete) {
            No score events recorded for this customer.
          } @else {
            No score event among the latest {{ w.scanned }} events.
          }
        </p>
      }
      <h3>Network signals</h3>
      <ul data-testid="why-network">
        @for (line of network(); track $index) {
          <li>{{ line }}</li>
        }
      </ul>
    }
  `,
  styles: `
    :host {
      display: block;
    }
    h3 {
      margin: 12px 0 4px;
      font: var(--mat-sys-title-small);
    }
    h3:first-of-type {
      margin-top: 0;
    }
    .event + .event {
      border-top: 1px solid var(--mat-sys-outline-variant);
    }
    .headline {
      display: flex;
      align-items: center;
      gap: 8px;
      margin: 8px 0 4px;
    }
    .figure {
      font: var(--mat-sys-title-medium);
    }
    .muted {
      color: var(--mat-sys-on-surface-variant);
    }
    ul {
      margin: 0 0 8px;
      padding-left: 20px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class WhyPanel {
  readonly tenant = input.required<string>();
  readonly customerId = input.required<string>();

  protected readonly why = httpResource(
    () => `/api/tenants/${encodeURIComponent(this.tenant())}/customers/${encodeURIComponent(this.customerId())}/why`,
    { parse: parseAs(ScoreWhy) },
  );
  protected readonly error = computed(() => {
    const error = this.why.error();
    return error ? errorMessage(error) : undefined;
  });
  protected readonly network = computed(() => (this.why.hasValue() ? networkLines(this.why.value().network) : []));
  protected readonly reasons = reasonLines;
  protected readonly time = (iso: string) => formatTime(iso);
}
