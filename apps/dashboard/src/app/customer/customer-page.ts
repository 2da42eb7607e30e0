import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { DatePipe, KeyValuePipe } from '@angular/common';
import { httpResource } from '@angular/common/http';
import { RouterLink } from '@angular/router';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import type { CustomerProfile } from '@redoubt/contracts/api';
import { errorMessage, errorStatus } from '../http/api-error';
import { RiskChip } from '../risk/risk-chips';
import { EmptyState } from '../shell/empty-state';
import { kindStyle } from './network-elements';
import { NetworkGraph } from './network-graph';
import { NotesPanel } from './notes-panel';
import { ScoreChart } from './score-chart';

/** One customer: profile, identifiers, score history, network and notes. */
@Component({
  selector: 'rd-customer-page',
  imports: [
    DatePipe,
    KeyValuePipe,
    RouterLink,
    MatCardModule,
    MatIconModule,
    MatButtonModule,
    MatProgressBarModule,
    RiskChip,
    EmptyState,
    NetworkGraph,
    NotesPanel,
    ScoreChart,
  ],
  templateUrl: './customer-page.html',
  styleUrl: './customer-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CustomerPage {
  /** From the route: /t/:tenant/customers/:id */
  readonly tenant = input.required<string>();
  readonly id = input.required<string>();

  protected readonly profile = httpResource<CustomerProfile>(
    () => `/api/tenants/${encodeURIComponent(this.tenant())}/customers/${encodeURIComponent(this.id())}`,
  );
  protected readonly notFound = computed(() => errorStatus(this.profile.error()) === 404);
  protected readonly error = computed(() => {
    const error = this.profile.error();
    return error ? errorMessage(error) : undefined;
  });

  protected readonly kindStyle = kindStyle;
}
