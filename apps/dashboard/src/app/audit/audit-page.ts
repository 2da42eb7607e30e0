import { ChangeDetectionStrategy, Component } from '@angular/core';
import { EmptyState } from '../shell/empty-state';

/** The audit log: who did what, when, before and after (team leads only). */
@Component({
  selector: 'rd-audit-page',
  imports: [EmptyState],
  template: `
    <h1>Audit</h1>
    <rd-empty-state icon="policy" headline="Audit log: no entries to show yet">
      Decisions, labels and notes will be listed here with their author and time.
    </rd-empty-state>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AuditPage {}
