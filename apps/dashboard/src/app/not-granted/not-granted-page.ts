import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { Session } from '../session/session';
import { errorMessage } from '../http/api-error';

/**
 * The not-granted page (/not-granted): shown when /api/me failed, or the user holds no role in any
 * (or the requested) tenant. Not to be confused with the route guards (session/route-guards.ts) or
 * the administrators' Access page (admin/access-page.ts).
 */
@Component({
  selector: 'rd-not-granted-page',
  imports: [RouterLink, MatButtonModule, MatIconModule],
  template: `
    <section class="panel">
      <mat-icon class="icon">lock</mat-icon>
      @if (problem(); as problem) {
        <h1>Cannot load your account</h1>
        <p data-testid="not-granted-error">{{ problem }}</p>
        <!-- A full page load: IAP (or the demo identity proxy) sends a signed-out person to sign in. -->
        <a mat-flat-button href="/">Try again</a>
      } @else if (tenant()) {
        <h1>No access to “{{ tenant() }}”</h1>
        <p>Your account has no grant for this tenant. Ask an administrator if you need it.</p>
        <a mat-flat-button routerLink="/">Go to your tenants</a>
      } @else {
        <h1>No tenants yet</h1>
        <p>Your account ({{ session.me()?.email }}) has not been granted any tenant. Ask an administrator.</p>
      }
    </section>
  `,
  styles: `
    .panel {
      max-width: 560px;
      margin: 96px auto;
      padding: 32px;
      text-align: center;
    }
    .icon {
      font-size: 48px;
      width: 48px;
      height: 48px;
      color: var(--mat-sys-outline);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotGrantedPage {
  protected readonly session = inject(Session);
  /** The tenant a link asked for and the user has no grant for (navigation state; kept on reload). */
  protected readonly tenant = signal(
    refusedTenant(inject(Router).currentNavigation()?.extras.state) ?? refusedTenant(history.state),
  );
  protected readonly problem = computed(() => {
    const error = this.session.error();
    return error === undefined ? undefined : errorMessage(error);
  });
}

function refusedTenant(state: unknown): string | undefined {
  const tenant = (state as { tenant?: unknown } | null | undefined)?.tenant;
  return typeof tenant === 'string' ? tenant : undefined;
}
