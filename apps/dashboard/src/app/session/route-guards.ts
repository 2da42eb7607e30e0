// Route guards (not the not-granted page, not the administrators' Access page): they decide what
// the UI offers. The BFF checks every request again, so these only
// keep people away from screens that would answer 403/404. Roles belong to the grant: every
// decision below uses the role held in the tenant of the URL.
import { inject } from '@angular/core';
import { RedirectCommand, Router } from '@angular/router';
import type { ActivatedRouteSnapshot, CanActivateFn } from '@angular/router';
import type { Me } from '@redoubt/contracts/api';
import { Session, roleIn } from './session';
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

/** `/` → the first tenant's home screen for the role held there; the platform admin → Access. */
export const goHome: CanActivateFn = async () => {
  // Inject before awaiting, since the injection context doesn't survive the `await`.
  const router = inject(Router);
  const me = await principal();
  const first = me?.tenants[0];
  if (first) return router.createUrlTree(['/t', first.id, homeSection(first.role)]);
  if (me?.platformAdmin) return router.parseUrl('/admin/access');
  return router.parseUrl('/not-granted');
};

/** `/t/:tenant` only for tenants the user holds a role in. */
export const tenantGuard: CanActivateFn = async (route) => {
  const router = inject(Router);
  const me = await principal();
  const tenant = route.paramMap.get('tenant');
  if (roleIn(me, tenant)) return true;
  // The refused tenant travels in history state, not the URL: the address bar keeps no trace of it.
  return new RedirectCommand(router.parseUrl('/not-granted'), { state: { tenant } });
};

/** `/admin` (every tenant's access) only for the platform administrator. */
export const platformAdminGuard: CanActivateFn = async () => {
  const router = inject(Router);
  const me = await principal();
  if (me?.platformAdmin) return true;
  return router.parseUrl('/');
};

/** `/t/:tenant` (no section) → the home screen of the role held in that tenant. */
export const goTenantHome: CanActivateFn = async (route) => {
  const router = inject(Router);
  const me = await principal();
  const tenant = route.parent?.paramMap.get('tenant') ?? route.paramMap.get('tenant');
  const role = roleIn(me, tenant);
  if (!tenant || !role) return router.parseUrl('/not-granted');
  return router.createUrlTree(['/t', tenant, homeSection(role)]);
};

export function sectionGuard(path: Section['path']): CanActivateFn {
  return async (route) => {
    const router = inject(Router);
    const me = await principal();
    const tenant = route.paramMap.get('tenant');
    const role = roleIn(me, tenant);
    const section = SECTIONS.find((s) => s.path === path);
    if (role && section?.roles.includes(role)) return true;
    return home(router, me, tenant);
  };
}

export const customerGuard: CanActivateFn = async (route) => {
  const router = inject(Router);
  const me = await principal();
  const tenant = route.paramMap.get('tenant');
  if (canOpenCustomers(roleIn(me, tenant))) return true;
  return home(router, me, tenant);
};

function home(router: Router, me: Me | undefined, tenant: string | null) {
  const role = roleIn(me, tenant);
  if (!tenant || !role) return router.parseUrl('/not-granted');
  return router.createUrlTree(['/t', tenant, homeSection(role)]);
}

/**
 * Starts fetching the code of every screen this navigation opens (the shell and the section),
 * then lets the navigation on. The router loads a route's component only once all guards have
 * passed, so without this the shell's and the screen's chunks are fetched one after the other
 * after /api/me has answered; with it they download while the guards wait for /api/me. The
 * router's own loadComponent call then finds the modules loaded. Nothing is shown that the
 * guards refuse: the code is public, the data is not.
 */
export const prefetchScreens: CanActivateFn = (route) => {
  for (let r: ActivatedRouteSnapshot | null = route; r; r = r.firstChild) {
    const loading = r.routeConfig?.loadComponent?.();
    // A failed fetch is the router's to report when it loads the screen for real.
    if (loading instanceof Promise) loading.catch(() => undefined);
  }
  return true;
};
