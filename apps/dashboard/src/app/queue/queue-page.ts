import { ChangeDetectionStrategy, Component } from '@angular/core';
import { EmptyState } from '../shell/empty-state';

/** The review queue: customers waiting for a decision, claimed one at a time. */
@Component({
  selector: 'rd-queue-page',
  imports: [EmptyState],
  template: `
    <h1>Queue</h1>
    <rd-empty-state icon="inbox" headline="Queue: no reviews assigned yet">
      Customers sent to review by their score will wait here for an analyst to claim them.
    </rd-empty-state>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class QueuePage {}
