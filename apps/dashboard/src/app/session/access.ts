// Route guards: they decide what the UI offers. The BFF checks every request again, so these only
// keep people away from screens that would answer 403/404.
import { inject } from '@angular/core';
import { RedirectCommand, Router } from '@angular/router';
import type { CanActivateFn } from '@angular/router';
import type { Me } from '@redoubt/contracts/api';
import { Session } from './session';
import { SECTIONS, canOpenCustomers, homeSection } from '../shell/sections';
import type { Section } from '../shell/sections';

async function principal(): Promise<Me | undefined> {
  const session = inject(Session);
  try {
    return await session.load();
  } catch {
    return undefined;
  }
}

/** `/` → the first tenant's home screen for the user's role. */
export const goHome: CanActivateFn = async () => {
  // Inject before awaiting, since the injection context doesn't survive the `await`.
  const router = inject(Router);
  const me = await principal();
  const first = me?.tenants[0];
  if (!me || !first) return router.parseUrl('/no-access');
  return router.createUrlTree(['/t', first.id, homeSection(me.role)]);
};

/** `/t/:tenant` only for tenants the user was granted. */
export const tenantAccess: CanActivateFn = async (route) => {
  const router = inject(Router);
  const me = await principal();
  const tenant = route.paramMap.get('tenant');
  if (me?.tenants.some((t) => t.id === tenant)) return true;
  // The refused tenant travels in history state, not the URL: the address bar keeps no trace of it.
  return new RedirectCommand(router.parseUrl('/no-access'), { state: { tenant } });
};

/** `/t/:tenant` (no section) → the role's home screen in that tenant. */
export const goTenantHome: CanActivateFn = async (route) => {
  const router = inject(Router);
  const me = await principal();
  const tenant = route.parent?.paramMap.get('tenant') ?? route.paramMap.get('tenant');
  if (!me || !tenant) return router.parseUrl('/no-access');
  return router.createUrlTree(['/t', tenant, homeSection(me.role)]);
};

export function sectionAccess(path: Section['path']): CanActivateFn {
  return async (route) => {
    const router = inject(Router);
    const me = await principal();
    const section = SECTIONS.find((s) => s.path === path);
    if (me && section?.roles.includes(me.role)) return true;
    return home(router, me, route.paramMap.get('tenant'));
  };
}

export const customerAccess: CanActivateFn = async (route) => {
  const router = inject(Router);
  const me = await principal();
  if (canOpenCustomers(me?.role)) return true;
  return home(router, me, route.paramMap.get('tenant'));
};

function home(router: Router, me: Me | undefined, tenant: string | null) {
  if (!me || !tenant) return router.parseUrl('/no-access');
  return router.createUrlTree(['/t', tenant, homeSection(me.role)]);
}
