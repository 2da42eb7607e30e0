import type { Role } from '../session/session';

/** A top-level screen of a tenant, with the roles allowed to use it (the BFF enforces the same). */
export interface Section {
  readonly path: 'search' | 'queue' | 'audit' | 'overview';
  readonly label: string;
  readonly icon: string;
  readonly roles: readonly Role[];
}

export const SECTIONS: readonly Section[] = [
  { path: 'search', label: 'Search', icon: 'search', roles: ['analyst', 'lead', 'admin'] },
  { path: 'queue', label: 'Queue', icon: 'inbox', roles: ['analyst', 'lead', 'admin'] },
  { path: 'audit', label: 'Audit', icon: 'policy', roles: ['lead', 'admin'] },
  { path: 'overview', label: 'Overview', icon: 'monitoring', roles: ['merchant', 'lead', 'admin'] },
];

export function sectionsFor(role: Role | undefined): Section[] {
  return role ? SECTIONS.filter((s) => s.roles.includes(role)) : [];
}

/** Customer pages belong to the investigators; merchants only see their aggregate overview. */
export function canOpenCustomers(role: Role | undefined): boolean {
  return role !== undefined && role !== 'merchant';
}

/** Where a role lands after sign-in or a tenant switch. */
export function homeSection(role: Role): Section['path'] {
  return sectionsFor(role)[0]?.path ?? 'overview';
}
