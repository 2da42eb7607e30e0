import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { HttpClient, httpResource } from '@angular/common/http';
import { MatTableModule } from '@angular/material/table';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { firstValueFrom } from 'rxjs';
import { errorMessage } from '../http/api-error';
import { Session } from '../session/session';
import { EmptyState } from '../shell/empty-state';

/** One entry of the user directory, as GET /api/admin/users answers (apps/bff/src/routes/admin.ts). */
export interface DirectoryUser {
  readonly email: string;
  readonly sub: string | null;
  readonly kind: 'user' | 'service';
  readonly role: 'analyst' | 'lead' | 'merchant' | 'admin' | 'service';
  readonly tenants: readonly string[];
  readonly disabled: boolean;
}

/** Roles a person can be granted here; service principals are provisioned with `npm run admin`. */
export const GRANTABLE_ROLES = ['analyst', 'lead', 'merchant', 'admin'] as const;
export type GrantableRole = (typeof GRANTABLE_ROLES)[number];

/**
 * Who may use Redoubt: every user with their role and tenants, a form granting a role on this
 * tenant, and a revoke button per user. The BFF audits each change in the tenant's log.
 */
@Component({
  selector: 'rd-access-page',
  imports: [
    MatTableModule,
    MatFormFieldModule,
    MatInputModule,
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    EmptyState,
  ],
  templateUrl: './access-page.html',
  styleUrl: './access-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AccessPage {
  private readonly http = inject(HttpClient);
  private readonly session = inject(Session);

  /** From the route: /t/:tenant/access */
  readonly tenant = input.required<string>();

  protected readonly directory = httpResource<{ users: DirectoryUser[] }>(() => '/api/admin/users');
  protected readonly users = computed(() => (this.directory.hasValue() ? this.directory.value().users : []));
  protected readonly loadError = computed(() => {
    const error = this.directory.error();
    return error ? errorMessage(error) : undefined;
  });
  protected readonly columns = ['email', 'role', 'tenants', 'status', 'revoke'];
  protected readonly roles = GRANTABLE_ROLES;
  protected readonly me = computed(() => this.session.me()?.email);

  protected readonly email = signal('');
  protected readonly role = signal<GrantableRole>('analyst');
  /** The write in flight ('grant' or the email being revoked), so buttons can't double-send. */
  protected readonly busy = signal<string | undefined>(undefined);
  protected readonly writeError = signal<string | undefined>(undefined);
  protected readonly done = signal<string | undefined>(undefined);
  protected readonly canGrant = computed(() => !this.busy() && this.email().trim().length > 0);

  protected pickRole(value: string): void {
    const role = GRANTABLE_ROLES.find((r) => r === value);
    if (role) this.role.set(role);
  }

  protected async grant(): Promise<void> {
    const email = this.email().trim();
    if (!email || this.busy()) return;
    const body = { email, role: this.role(), tenant: this.tenant() };
    const ok = await this.write('grant', '/api/admin/grants', body);
    if (ok) {
      this.email.set('');
      this.done.set(`${email} is now ${body.role} on ${body.tenant}`);
    }
  }

  /** Removes the user's grant on this tenant (grants on other tenants stay). */
  protected async revoke(user: DirectoryUser): Promise<void> {
    if (this.busy()) return;
    const ok = await this.write(user.email, '/api/admin/revocations', { email: user.email, tenant: this.tenant() });
    if (ok) this.done.set(`${user.email} no longer has access to ${this.tenant()}`);
  }

  protected canRevoke(user: DirectoryUser): boolean {
    return !user.disabled && user.email !== this.me() && user.tenants.includes(this.tenant());
  }

  private async write(what: string, url: string, body: object): Promise<boolean> {
    this.busy.set(what);
    this.writeError.set(undefined);
    this.done.set(undefined);
    try {
      await firstValueFrom(this.http.post<DirectoryUser>(url, body));
      this.directory.reload();
      return true;
    } catch (error) {
      this.writeError.set(errorMessage(error));
      return false;
    } finally {
      this.busy.set(undefined);
    }
  }
}
