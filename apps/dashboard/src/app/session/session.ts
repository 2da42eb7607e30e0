import { HttpClient } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { Me } from '@redoubt/contracts/api';

/** The role a person holds in one tenant (each tenant its own: roles belong to the grant). */
export type Role = Me['tenants'][number]['role'];

/** The person's role in that tenant, or undefined where they hold none. */
export function roleIn(me: Me | undefined, tenant: string | null | undefined): Role | undefined {
  return tenant ? me?.tenants.find((t) => t.id === tenant)?.role : undefined;
}

/**
 * Who is signed in. Loaded once per page load (IAP or the demo proxy decides the identity; the BFF
 * re-checks grants on every request, so a stale copy here only affects what the UI offers).
 */
@Injectable({ providedIn: 'root' })
export class Session {
  private readonly http = inject(HttpClient);
  private readonly current = signal<Me | undefined>(undefined);
  private readonly failure = signal<unknown>(undefined);
  private pending?: Promise<Me>;

  readonly me = this.current.asReadonly();
  readonly error = this.failure.asReadonly();
  /** True for the platform administrator (administers every tenant's access, reads no tenant data). */
  readonly platformAdmin = computed(() => this.current()?.platformAdmin === true);
  /** True once an API call answered 401 after sign-in: the IAP (or demo) session has ended. */
  readonly expired = signal(false);

  /** Resolves with the principal; every caller shares one request per page load. */
  load(): Promise<Me> {
    // Checked against the contract: the roles and tenants decide every screen offered. The checker
    // (TypeBox and the schemas, ~100 kB) is a lazy chunk fetched alongside the answer, so the
    // initial bundle stays small.
    this.pending ??= Promise.all([firstValueFrom(this.http.get<unknown>('/api/me')), import('./me-check')])
      .then(([body, check]) => check.checkMe(body))
      .then(
        (me) => {
          this.current.set(me);
          this.failure.set(undefined);
          return me;
        },
        (error: unknown) => {
          // Kept, not retried: every guard of this navigation would ask again. "Try again" reloads.
          this.failure.set(error);
          throw error;
        },
      );
    return this.pending;
  }
}
