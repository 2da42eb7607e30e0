// The embedded demo's organisations and people, in one place: the demo seeder creates these
// tenants, the identity proxy offers these people, and they are provisioned at start.
import type { Role } from '../principal.ts';

export const DEMO_TENANTS: readonly { id: string; name: string }[] = [
  { id: 'acme-shop', name: 'Acme Shop' },
  { id: 'globex-travel', name: 'Globex Travel' },
];

export interface DemoUser {
  /** What the login page and `/demo/login?as=` call this person. */
  key: string;
  name: string;
  email: string;
  role: Exclude<Role, 'service'>;
  tenants: readonly string[];
  description: string;
}

const ALL = DEMO_TENANTS.map((t) => t.id);

export const DEMO_USERS: readonly DemoUser[] = [
  {
    key: 'analyst',
    name: 'Ada Analyst',
    email: 'ada.analyst@demo.redoubt.dev',
    role: 'analyst',
    tenants: ALL,
    description: 'Searches customers, explores networks, reviews and writes notes for every demo organisation.',
  },
  {
    key: 'lead',
    name: 'Lee Lead',
    email: 'lee.lead@demo.redoubt.dev',
    role: 'lead',
    tenants: ALL,
    description: 'Everything an analyst can, plus the audit log and team quality figures.',
  },
  ...DEMO_TENANTS.map((t): DemoUser => ({
    key: `merchant-${t.id}`,
    name: `${t.name} merchant`,
    email: `merchant@${t.id}.demo.redoubt.dev`,
    role: 'merchant',
    tenants: [t.id],
    description: `Read-only client dashboard of ${t.name} only; no customer details.`,
  })),
  {
    key: 'admin',
    name: 'Ari Admin',
    email: 'ari.admin@demo.redoubt.dev',
    role: 'admin',
    tenants: ALL,
    description: 'Grants and revokes access; sees no customer data.',
  },
];

/** The IAP-style subject the demo proxy signs for a demo user. */
export const demoSubject = (user: DemoUser): string => `accounts.google.com:demo-${user.key}`;
