// Each kind of demo user signs in through the demo identity proxy and sees what the role allows;
// the BFF refuses the rest whatever the page shows.
import { expect, test } from '@playwright/test';
import { signInAs } from './sign-in.ts';
import type { DemoPerson } from './sign-in.ts';

const expectations: { who: DemoPerson; nav: string[]; hidden: string[]; searchStatus: number }[] = [
  // Staff read the overview of every tenant they hold, as its merchant does.
  { who: 'analyst', nav: ['search', 'queue', 'watches', 'overview'], hidden: ['audit', 'team'], searchStatus: 200 },
  { who: 'lead', nav: ['search', 'queue', 'watches', 'audit', 'team', 'overview'], hidden: [], searchStatus: 200 },
  {
    who: 'merchant-acme-shop',
    nav: ['overview'],
    hidden: ['search', 'queue', 'watches', 'audit', 'team'],
    searchStatus: 403,
  },
  {
    who: 'merchant-globex-travel',
    nav: ['overview'],
    hidden: ['search', 'queue', 'watches', 'audit', 'team'],
    searchStatus: 403,
  },
];

for (const { who, nav, hidden, searchStatus } of expectations) {
  test(`${who} signs in and sees only what the role allows`, async ({ page }) => {
    await signInAs(page, who);
    for (const item of nav) await expect(page.getByTestId(`nav-${item}`)).toBeVisible();
    for (const item of hidden) await expect(page.getByTestId(`nav-${item}`)).toHaveCount(0);
    const tenant = new URL(page.url()).pathname.split('/')[2];
    expect(tenant).toBeTruthy();
    const response = await page.request.get(`/api/tenants/${tenant}/customers/search?q=a`);
    expect(response.status()).toBe(searchStatus);
  });
}

test("the platform admin lands on every organisation's Access, reads no customer data in any", async ({ page }) => {
  await signInAs(page, 'admin');
  await expect(page).toHaveURL(/\/admin\/access$/);
  await expect(page.getByTestId('nav-access')).toBeVisible();
  for (const item of ['search', 'queue', 'audit', 'overview'])
    await expect(page.getByTestId(`nav-${item}`)).toHaveCount(0);
  const ada = page.getByTestId('access-user').filter({ hasText: 'ada.analyst@demo.redoubt.dev' });
  await expect(ada.getByTestId('access-grant')).toHaveCount(2);
  for (const tenant of ['acme-shop', 'globex-travel']) {
    const response = await page.request.get(`/api/tenants/${tenant}/customers/search?q=a`);
    expect(response.status()).toBe(404);
  }

  // A grant in one organisation and its revocation go through (the XSRF token travels with both).
  await page.getByTestId('grant-email').fill('new.lead@demo.redoubt.dev');
  await page.getByTestId('grant-role').selectOption('lead');
  await page.getByTestId('grant-tenant').selectOption('globex-travel');
  await page.getByTestId('grant-submit').click();
  const granted = page.getByTestId('access-user').filter({ hasText: 'new.lead@demo.redoubt.dev' });
  await expect(granted.getByTestId('access-grant')).toHaveCount(1);
  await expect(granted.getByTestId('access-grant')).toContainText('Globex Travel');
  await expect(granted.getByTestId('access-grant')).toContainText('lead');
  await granted.getByTestId('access-revoke').click();
  await expect(page.getByTestId('access-done')).toContainText('is no longer lead in Globex Travel');
  await expect(granted.getByTestId('access-grant')).toHaveCount(0);
});

test("a merchant of one organisation who is an analyst of another gets each one's screens", async ({ page }) => {
  await signInAs(page, 'mixed');
  // Sorted by tenant id, acme-shop comes first: the merchant's overview.
  await expect(page).toHaveURL(/\/t\/acme-shop\/overview$/);
  await expect(page.getByTestId('nav-search')).toHaveCount(0);
  expect((await page.request.get('/api/tenants/acme-shop/customers/search?q=a')).status()).toBe(403);
  expect((await page.request.get('/api/tenants/globex-travel/customers/search?q=a')).status()).toBe(200);
  await page.goto('/t/acme-shop/search');
  await expect(page).toHaveURL(/\/t\/acme-shop\/overview$/);

  await page.getByTestId('tenant-select').click();
  await page.getByRole('option', { name: /Globex Travel/ }).click();
  await expect(page).toHaveURL(/\/t\/globex-travel\/(search|overview)$/);
  await page.goto('/t/globex-travel/search');
  await expect(page.getByTestId('nav-search')).toBeVisible();
  await expect(page.getByTestId('search-input')).toBeVisible();
});

test('a tenant admin administers its own organisation only', async ({ page }) => {
  await signInAs(page, 'admin-acme-shop');
  await expect(page).toHaveURL(/\/t\/acme-shop\/access$/);
  // Only Acme Shop's grants are shown, and only Acme Shop is offered.
  const options = await page.getByTestId('grant-tenant').locator('option').allTextContents();
  expect(options.map((o) => o.trim())).toEqual(['Acme Shop']);
  await expect(page.getByTestId('access-grant').filter({ hasText: 'Globex Travel' })).toHaveCount(0);
  // The BFF refuses a grant elsewhere whatever the page offers.
  const xsrf = (await page.context().cookies()).find((c) => c.name.endsWith('XSRF-TOKEN'))?.value ?? '';
  const elsewhere = await page.request.post('/api/admin/grants', {
    data: { email: 'eve@demo.redoubt.dev', tenant: 'globex-travel', role: 'analyst' },
    headers: { 'x-xsrf-token': xsrf, origin: new URL(page.url()).origin },
  });
  expect(elsewhere.status()).toBe(404);
  expect((await page.request.get('/api/tenants/acme-shop/customers/search?q=a')).status()).toBe(403);
});

test('a merchant cannot read another organisation, even by typing its address', async ({ page }) => {
  await signInAs(page, 'merchant-acme-shop');
  // The real route: its own tenant answers 200; another one 404, like a tenant that does not exist.
  expect((await page.request.get('/api/tenants/acme-shop/overview')).status()).toBe(200);
  const response = await page.request.get('/api/tenants/globex-travel/overview');
  expect(response.status()).toBe(404);
  const nobody = await page.request.get('/api/tenants/no-such-org/overview');
  expect((await response.json()).error).toBe((await nobody.json()).error);
  await page.goto('/t/globex-travel/overview');
  await expect(page).not.toHaveURL(/globex-travel/);
});
