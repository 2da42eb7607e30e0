// The Workspace domain check (IAP_ALLOWED_DOMAINS, the `hd` claim) and machine callers together:
// service accounts carry no `hd`, so they are let in only by exact email through
// IAP_ALLOWED_SERVICE_ACCOUNTS; a person without `hd` stays out (docs/decisions/0005-tenant-isolation.md).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { IAP_HEADER } from '../../src/plugins/auth/iap-verifier.ts';
import { subjectOf, testIdentities } from '../support/identities.ts';
import type { TestIdentities } from '../support/identities.ts';
import { baseConfig, fakeServices } from '../auth/fake-services.ts';

const BOT = 'ingest-bot@merchant-proj.iam.gserviceaccount.com';
const OTHER_BOT = 'stray@other-proj.iam.gserviceaccount.com';

describe('IAP_ALLOWED_SERVICE_ACCOUNTS beside IAP_ALLOWED_DOMAINS', () => {
  let ids: TestIdentities;
  let app: FastifyInstance;
  const me = async (claims: Record<string, unknown>) =>
    (await app.inject({ url: '/api/me', headers: { [IAP_HEADER]: await ids.sign(claims) } })).statusCode;

  before(async () => {
    ids = await testIdentities();
    const config = ids.configure(baseConfig);
    app = await buildApp({
      config: {
        ...config,
        iap: { ...config.iap, allowedDomains: ['bank.test'], allowedServiceAccounts: [BOT] },
      } as never,
      services: fakeServices([{ id: 'acme-shop', name: 'Acme' }], { users: ids.directory }),
      auth: ids.auth,
      logger: false,
    });
    // Provisioned with a role /api/me admits, so that only the identity check can refuse them.
    for (const email of ['ana@bank.test', 'ana@gmail.test', BOT, OTHER_BOT]) {
      await ids.headers({ email, role: 'analyst', tenant: 'acme-shop' });
    }
  });
  after(() => app.close());

  const who = (email: string) => ({ sub: subjectOf(email), email });

  test('a person of the allowed domain signs in', async () => {
    assert.equal(await me({ ...who('ana@bank.test'), hd: 'bank.test' }), 200);
  });

  test('a listed service account (no hd) signs in, in any letter case', async () => {
    assert.equal(await me(who(BOT)), 200);
    assert.equal(await me(who(BOT.toUpperCase())), 200);
  });

  test('an unlisted service account is refused', async () => {
    assert.equal(await me(who(OTHER_BOT)), 401);
  });

  test('a person without hd is still refused, and hd of another domain is not rescued by the list', async () => {
    assert.equal(await me(who('ana@gmail.test')), 401);
    assert.equal(await me({ ...who(BOT), hd: 'evil.test' }), 401);
  });
});
