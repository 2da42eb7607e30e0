import type { Role } from '../session/session';

/**
 * A top-level screen of a tenant, with the roles allowed to use it. Mirrors the BFF's access table
 * (apps/bff/src/access.ts), which enforces it: a role listed here but not there meets only 403s.
 */
export interface Section {
  readonly path: 'search' | 'queue' | 'watches' | 'audit' | 'team' | 'overview' | 'access';
  readonly label: string;
  readonly icon: string;
  readonly roles: readonly Role[];
}

// Admins administer access only: no customer, queue, audit, team or overview data. Staff (analysts
// and leads) read the overview of every tenant they hold, as its merchant does (access.ts).
export const SECTIONS: readonly Section[] = [
  { path: 'search', label: 'Search', icon: 'search', roles: ['analyst', 'lead'] },
  { path: 'queue', label: 'Queue', icon: 'inbox', roles: ['analyst', 'lead'] },
  // Their own watches (tripwires) and the tenant's shared-infrastructure marks.
  { path: 'watches', label: 'Watches', icon: 'push_pin', roles: ['analyst', 'lead'] },
  { path: 'audit', label: 'Audit', icon: 'policy', roles: ['lead'] },
  // The team's work figures (GET …/quality): leads only, like the audit log.
  { path: 'team', label: 'Team', icon: 'speed', roles: ['lead'] },
  { path: 'overview', label: 'Overview', icon: 'monitoring', roles: ['merchant', 'analyst', 'lead'] },
  { path: 'access', label: 'Access', icon: 'manage_accounts', roles: ['admin'] },
];

export function sectionsFor(role: Role | undefined): Section[] {
  return role ? SECTIONS.filter((s) => s.roles.includes(role)) : [];
}

/** Customer pages belong to the investigators; merchants and admins never read customer data. */
export function canOpenCustomers(role: Role | undefined): boolean {
  return role === 'analyst' || role === 'lead';
}

/** Where a role lands after sign-in or a tenant switch. */
export function homeSection(role: Role): Section['path'] {
  return sectionsFor(role)[0]?.path ?? 'overview';
}
