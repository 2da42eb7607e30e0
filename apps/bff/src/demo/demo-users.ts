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
  /** The role held in each tenant (one per tenant); empty for the platform administrator. */
  grants: readonly { tenant: string; role: Role }[];
  /** Administers every tenant's access and holds no tenant role. */
  platformAdmin?: boolean;
  description: string;
}

const ALL = DEMO_TENANTS.map((t) => t.id);
const everywhere = (role: Exclude<Role, 'service'>) => ALL.map((tenant) => ({ tenant, role }));

export const DEMO_USERS: readonly DemoUser[] = [
  {
    key: 'analyst',
    name: 'Ada Analyst',
    email: 'ada.analyst@demo.redoubt.dev',
    grants: everywhere('analyst'),
    description: 'Searches customers, explores networks, reviews and writes notes for every demo organisation.',
  },
  {
    key: 'lead',
    name: 'Lee Lead',
    email: 'lee.lead@demo.redoubt.dev',
    grants: everywhere('lead'),
    description: 'Everything an analyst can, plus the audit log and team quality figures.',
  },
  ...DEMO_TENANTS.map((t): DemoUser => ({
    key: `merchant-${t.id}`,
    name: `${t.name} merchant`,
    email: `merchant@${t.id}.demo.redoubt.dev`,
    grants: [{ tenant: t.id, role: 'merchant' }],
    description: `Read-only client dashboard of ${t.name} only; no customer details.`,
  })),
  {
    key: 'mixed',
    name: 'Max Mixed',
    email: 'max.mixed@demo.redoubt.dev',
    grants: [
      { tenant: 'acme-shop', role: 'merchant' },
      { tenant: 'globex-travel', role: 'analyst' },
    ],
    description:
      'A merchant of Acme Shop who is also an analyst of Globex Travel: each organisation gets its own role, ' +
      'so no Acme customer details.',
  },
  {
    key: 'admin-acme-shop',
    name: 'Tara Tenant-admin',
    email: 'tara.admin@acme-shop.demo.redoubt.dev',
    grants: [{ tenant: 'acme-shop', role: 'admin' }],
    description: 'Grants and revokes roles in Acme Shop only; sees no customer data.',
  },
  {
    key: 'admin',
    name: 'Ari Admin',
    email: 'ari.admin@demo.redoubt.dev',
    grants: [],
    platformAdmin: true,
    description: 'Platform administrator: grants and revokes access in every organisation; sees no customer data.',
  },
];

/** What the demo login page says a person is. */
export const describeGrants = (user: DemoUser): string =>
  user.platformAdmin ? 'platform admin' : [...new Set(user.grants.map((g) => g.role))].join(' / ');

/** The IAP-style subject the demo proxy signs for a demo user. */
export const demoSubject = (user: DemoUser): string => `accounts.google.com:demo-${user.key}`;

/**
 * Service principals of the demo, for sending events through the API (`POST …/events`) the way a
 * merchant's ingestion client does: the end-to-end journeys sign in as one with
 * `/demo/login?as=ingest-bot`. Not offered on the login page (they are not people). Demo mode only,
 * like everything in this folder: production's service principals are Google service accounts
 * granted the role `service` (README, "Access").
 */
export const DEMO_SERVICES: readonly DemoUser[] = [
  {
    key: 'ingest-bot',
    name: 'Demo ingest bot',
    email: 'ingest-bot@demo.redoubt.dev',
    grants: ALL.map((tenant) => ({ tenant, role: 'service' as const })),
    description: 'Sends events to every demo organisation through the ingest API.',
  },
];
