// Each kind of demo user signs in through the demo identity proxy and sees what the role allows;
// the BFF refuses the rest whatever the page shows.
import { expect, test } from '@playwright/test';
import { signInAs } from './sign-in.ts';
import type { DemoPerson } from './sign-in.ts';

const expectations: { who: DemoPerson; nav: string[]; hidden: string[]; searchStatus: number }[] = [
  { who: 'analyst', nav: ['search', 'queue'], hidden: ['audit', 'overview'], searchStatus: 200 },
  { who: 'lead', nav: ['search', 'queue', 'audit', 'overview'], hidden: [], searchStatus: 200 },
  { who: 'merchant-acme-shop', nav: ['overview'], hidden: ['search', 'queue', 'audit'], searchStatus: 403 },
  { who: 'merchant-globex-travel', nav: ['overview'], hidden: ['search', 'queue', 'audit'], searchStatus: 403 },
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

test('the admin lands on Access, lists the users and reads no customer data', async ({ page }) => {
  await signInAs(page, 'admin');
  await expect(page).toHaveURL(/\/t\/[^/]+\/access$/);
  await expect(page.getByTestId('nav-access')).toBeVisible();
  for (const item of ['search', 'queue', 'audit', 'overview'])
    await expect(page.getByTestId(`nav-${item}`)).toHaveCount(0);
  await expect(page.getByTestId('access-user').filter({ hasText: 'ada.analyst@demo.redoubt.dev' })).toContainText(
    'analyst',
  );
  await expect(page.getByTestId('grant-email')).toBeVisible();
  const tenant = new URL(page.url()).pathname.split('/')[2];
  const response = await page.request.get(`/api/tenants/${tenant}/customers/search?q=a`);
  expect(response.status()).toBe(403);

  // A grant and its revocation go through (the XSRF token travels with both writes).
  await page.getByTestId('grant-email').fill('new.lead@demo.redoubt.dev');
  await page.getByTestId('grant-role').selectOption('lead');
  await page.getByTestId('grant-submit').click();
  const granted = page.getByTestId('access-user').filter({ hasText: 'new.lead@demo.redoubt.dev' });
  await expect(granted).toContainText('lead');
  await expect(granted).toContainText(tenant);
  await granted.getByTestId('access-revoke').click();
  await expect(page.getByTestId('access-done')).toContainText('no longer has access');
  await expect(granted.getByTestId('access-revoke')).toHaveCount(0);
});

test('a merchant cannot read another organisation, even by typing its address', async ({ page }) => {
  await signInAs(page, 'merchant-acme-shop');
  const response = await page.request.get('/api/tenants/globex-travel/overview');
  expect([403, 404]).toContain(response.status());
  await page.goto('/t/globex-travel/overview');
  await expect(page).not.toHaveURL(/globex-travel/);
});
