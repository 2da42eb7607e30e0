import { ChangeDetectionStrategy, Component, computed, inject, input, linkedSignal, signal } from '@angular/core';
import { HttpClient, httpResource } from '@angular/common/http';
import { MatTableModule } from '@angular/material/table';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { firstValueFrom } from 'rxjs';
import { DirectoryListing, PERSON_ROLES } from '@redoubt/contracts/api';
import type { DirectoryEntry, PersonRole, TenantGrant } from '@redoubt/contracts/api';
import { parseAs } from '../http/parse';
import { errorMessage } from '../http/api-error';
import { Session } from '../session/session';
import { EmptyState } from '../shell/empty-state';

/** Roles a person can be granted here; service principals are provisioned with `npm run admin`. */
export const GRANTABLE_ROLES: readonly PersonRole[] = PERSON_ROLES;

/**
 * Who may use Redoubt, per tenant: every person the caller administers with the role held in each
 * tenant (a tenant's administrator sees its own tenants only, the platform administrator all), a
 * form granting a role in one tenant, and a revoke button per grant. Roles belong to the grant: a
 * grant in one tenant never changes the role held in another. The BFF refuses anything outside the
 * caller's tenants and audits each change.
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

  /** From the route: /t/:tenant/access (a tenant's administrator); undefined on /admin/access. */
  readonly tenant = input<string>();

  // Checked against the contract: an administrator acts on what this list says people hold.
  protected readonly directory = httpResource(() => '/api/admin/users', { parse: parseAs(DirectoryListing) });
  protected readonly users = computed(() => (this.directory.hasValue() ? this.directory.value().users : []));
  /** Tenants the caller may grant in, as the BFF says. */
  protected readonly tenants = computed(() => (this.directory.hasValue() ? this.directory.value().tenants : []));
  protected readonly loadError = computed(() => {
    const error = this.directory.error();
    return error ? errorMessage(error) : undefined;
  });
  protected readonly columns = computed(() =>
    this.session.platformAdmin() ? ['email', 'grants', 'status', 'account'] : ['email', 'grants', 'status'],
  );
  protected readonly roles = GRANTABLE_ROLES;
  protected readonly me = computed(() => this.session.me()?.email);
  protected readonly platformAdmin = this.session.platformAdmin;

  protected readonly email = signal('');
  protected readonly role = signal<PersonRole>('analyst');
  /** The tenant the form grants in: the page's tenant, else the first one administered; the user may pick another. */
  private readonly defaultTenant = computed(() => this.tenant() ?? this.tenants()[0]?.id);
  protected readonly grantTenant = linkedSignal(() => this.defaultTenant());
  /** The write in flight, so buttons can't double-send. */
  protected readonly busy = signal<string | undefined>(undefined);
  protected readonly writeError = signal<string | undefined>(undefined);
  protected readonly done = signal<string | undefined>(undefined);
  protected readonly canGrant = computed(
    () => !this.busy() && this.email().trim().length > 0 && this.grantTenant() !== undefined,
  );

  protected tenantName(id: string): string {
    return this.tenants().find((t) => t.id === id)?.name ?? id;
  }

  protected pickRole(value: string): void {
    const role = GRANTABLE_ROLES.find((r) => r === value);
    if (role) this.role.set(role);
  }

  protected pickTenant(value: string): void {
    if (this.tenants().some((t) => t.id === value)) this.grantTenant.set(value);
  }

  protected async grant(): Promise<void> {
    const email = this.email().trim();
    const tenant = this.grantTenant();
    if (!email || !tenant || this.busy()) return;
    const body = { email, tenant, role: this.role() };
    const ok = await this.write('grant', '/api/admin/grants', body);
    if (ok) {
      this.email.set('');
      this.done.set(`${email} is now ${body.role} in ${this.tenantName(tenant)}`);
    }
  }

  /** Removes the user's role in that tenant (roles in other tenants stay). */
  protected async revoke(user: DirectoryEntry, grant: TenantGrant): Promise<void> {
    if (this.busy()) return;
    const ok = await this.write(`${user.email} ${grant.tenant}`, '/api/admin/revocations', {
      email: user.email,
      tenant: grant.tenant,
    });
    if (ok) this.done.set(`${user.email} is no longer ${grant.role} in ${this.tenantName(grant.tenant)}`);
  }

  /** Platform administrators only: stop (or allow again) the person signing in at all. */
  protected async setDisabled(user: DirectoryEntry, disabled: boolean): Promise<void> {
    if (this.busy()) return;
    const ok = await this.write(user.email, '/api/admin/user-status', { email: user.email, disabled });
    if (ok) this.done.set(`${user.email} ${disabled ? 'can no longer sign in' : 'can sign in again'}`);
  }

  protected canRevoke(user: DirectoryEntry): boolean {
    return !this.busy() && user.email !== this.me();
  }

  private async write(what: string, url: string, body: object): Promise<boolean> {
    this.busy.set(what);
    this.writeError.set(undefined);
    this.done.set(undefined);
    try {
      await firstValueFrom(this.http.post<DirectoryEntry>(url, body));
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
