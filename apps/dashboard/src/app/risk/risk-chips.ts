import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { Action, Label } from '@redoubt/contracts/api';

const LABEL_TEXT: Record<Label, string> = {
  FRAUDSTER: 'Fraudster',
  POTENTIALLY_FRAUDULENT: 'Potentially fraudulent',
  GENUINE: 'Genuine',
  POTENTIALLY_GENUINE: 'Potentially genuine',
  UNLABELLED: 'Unlabelled',
};

/** Colour family of a decision or label: the same four tones across chips, chart and network. */
export function riskTone(value: Action | Label | undefined): 'prevent' | 'review' | 'allow' | 'neutral' {
  switch (value) {
    case 'PREVENT':
    case 'FRAUDSTER':
      return 'prevent';
    case 'REVIEW':
    case 'POTENTIALLY_FRAUDULENT':
      return 'review';
    case 'ALLOW':
    case 'GENUINE':
    case 'POTENTIALLY_GENUINE':
      return 'allow';
    default:
      return 'neutral';
  }
}

export function labelText(label: Label): string {
  return LABEL_TEXT[label];
}

/** A small coloured pill for an action (ALLOW / REVIEW / PREVENT) or a label. */
@Component({
  selector: 'rd-risk-chip',
  template: `{{ text() }}`,
  host: { '[class]': '"chip " + tone()' },
  styles: `
    :host {
      display: inline-block;
      padding: 2px 10px;
      border-radius: 12px;
      font: var(--mat-sys-label-medium);
      white-space: nowrap;
      border: 1px solid currentColor;
    }
    :host(.prevent) {
      color: var(--rd-prevent);
    }
    :host(.review) {
      color: var(--rd-review);
    }
    :host(.allow) {
      color: var(--rd-allow);
    }
    :host(.neutral) {
      color: var(--rd-neutral);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RiskChip {
  readonly action = input<Action>();
  readonly label = input<Label>();
  protected readonly tone = computed(() => riskTone(this.action() ?? this.label()));
  protected readonly text = computed(() => {
    const label = this.label();
    return this.action() ?? (label ? labelText(label) : '');
  });
}
