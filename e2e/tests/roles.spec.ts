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

test('a merchant cannot read another organisation, even by typing its address', async ({ page }) => {
  await signInAs(page, 'merchant-acme-shop');
  const response = await page.request.get('/api/tenants/globex-travel/overview');
  expect([403, 404]).toContain(response.status());
  await page.goto('/t/globex-travel/overview');
  await expect(page).not.toHaveURL(/globex-travel/);
});
