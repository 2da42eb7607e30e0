import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { HttpClient, httpResource } from '@angular/common/http';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { firstValueFrom } from 'rxjs';
import type { NewWatch, Watch, WatchList } from '@redoubt/contracts/watches';
import { errorMessage } from '../http/api-error';

/**
 * Pins the customer, or the whole component around them, as a watch (POST …/watches): any new
 * link into it notifies the analyst live and queues the customer of the link. Pressed again, unpins.
 */
@Component({
  selector: 'rd-pin-button',
  imports: [MatButtonModule, MatIconModule],
  template: `
    <span class="pins" role="group" aria-label="Watch this customer">
      @for (kind of kinds; track kind.type) {
        @let w = watchFor(kind.type);
        <button
          mat-stroked-button
          type="button"
          [attr.data-testid]="'pin-' + kind.type"
          [attr.aria-pressed]="w !== undefined"
          [disabled]="busy()"
          (click)="toggle(kind.type, w)"
        >
          <mat-icon>{{ w ? 'push_pin' : 'keep' }}</mat-icon>
          {{ w ? kind.pinned : kind.label }}
        </button>
      }
      @if (message(); as m) {
        <span class="message" role="status" data-testid="pin-message">{{ m }}</span>
      }
    </span>
  `,
  styles: `
    .pins {
      display: inline-flex;
      gap: 8px;
      align-items: center;
      flex-wrap: wrap;
    }
    .message {
      color: var(--mat-sys-on-surface-variant);
      font-size: 13px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PinButton {
  readonly tenant = input.required<string>();
  readonly customerId = input.required<string>();

  private readonly http = inject(HttpClient);
  protected readonly busy = signal(false);
  protected readonly message = signal<string | undefined>(undefined);
  protected readonly kinds = [
    { type: 'customer', label: 'Pin customer', pinned: 'Pinned' },
    { type: 'component', label: 'Watch component', pinned: 'Watching component' },
  ] as const;

  private readonly url = computed(() => `/api/tenants/${encodeURIComponent(this.tenant())}/watches`);
  protected readonly watches = httpResource<WatchList>(() => this.url());

  protected watchFor(type: 'customer' | 'component'): Watch | undefined {
    if (!this.watches.hasValue()) return undefined;
    const id = this.customerId();
    return this.watches
      .value()
      .watches.find((w) => w.target.type === type && 'customerId' in w.target && w.target.customerId === id);
  }

  protected async toggle(type: 'customer' | 'component', existing: Watch | undefined): Promise<void> {
    this.busy.set(true);
    this.message.set(undefined);
    try {
      if (existing) {
        await firstValueFrom(this.http.delete(`${this.url()}/${encodeURIComponent(existing.id)}`));
        this.message.set(type === 'customer' ? 'Unpinned' : 'No longer watching the component');
      } else {
        const body: NewWatch = { target: { type, customerId: this.customerId() } };
        await firstValueFrom(this.http.post<Watch>(this.url(), body));
        this.message.set(
          type === 'customer'
            ? 'Pinned: new links into this customer will notify you'
            : 'Watching: new links into this component will notify you',
        );
      }
      this.watches.reload();
    } catch (error) {
      this.message.set(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }
}
