import { ChangeDetectionStrategy, Component } from '@angular/core';
import { EmptyState } from '../shell/empty-state';

/** The merchant's overview: volumes and accept / review / prevent rates over time. */
@Component({
  selector: 'rd-overview-page',
  imports: [EmptyState],
  template: `
    <h1>Overview</h1>
    <rd-empty-state icon="monitoring" headline="Overview: no figures for this tenant yet">
      Order volume, decision rates and fraud rate will be charted here over time.
    </rd-empty-state>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OverviewPage {}
