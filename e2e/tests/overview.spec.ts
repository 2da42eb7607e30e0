// The merchant dashboard end to end: each demo merchant signs in, sees its own figures as KPI cards
// and charts, changes the range, downloads the CSV, and cannot reach the other organisation's
// overview, neither through the API's real route nor by typing the page's address.
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { signInAs } from './sign-in.ts';

const merchants = [
  { who: 'merchant-acme-shop', tenant: 'acme-shop', other: 'globex-travel' },
  { who: 'merchant-globex-travel', tenant: 'globex-travel', other: 'acme-shop' },
] as const;

for (const { who, tenant, other } of merchants) {
  test(`${who} sees its own figures, changes the range, downloads the CSV`, async ({ page }) => {
    await signInAs(page, who);
    await expect(page).toHaveURL(new RegExp(`/t/${tenant}/overview$`));
    // The demo seeds as the server starts: wait until its orders show in the cards.
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId('kpi-orders')).toBeVisible();
      const orders = (await page.getByTestId('kpi-orders').locator('.value').textContent()) ?? '0';
      expect(Number(orders.replace(/[^0-9]/g, ''))).toBeGreaterThan(0);
    }).toPass({ timeout: 90_000 });
    for (const kpi of ['allow', 'review', 'prevent', 'fraud', 'chargebacks', 'prevented']) {
      await expect(page.getByTestId(`kpi-${kpi}`)).toBeVisible();
    }
    await expect(page.getByTestId('overview-volume-chart').locator('canvas')).toBeVisible();
    await expect(page.getByTestId('overview-decisions-chart').locator('canvas')).toBeVisible();
    await expect(page.getByTestId('overview-by-country')).toBeVisible();
    // Read-only: no analyst control, no link to a customer page.
    await expect(page.locator('a[href*="/customers/"]')).toHaveCount(0);

    // The API answers with this tenant's figures only.
    const own = await page.request.get(`/api/tenants/${tenant}/overview?interval=day`);
    expect(own.status()).toBe(200);
    expect((await own.json()).tenant).toBe(tenant);

    // A 30-day range by day.
    const next = page.waitForRequest((r) => r.url().includes(`/api/tenants/${tenant}/overview?`));
    await page.getByTestId('range-30d').click();
    const request = await next;
    const params = new URL(request.url()).searchParams;
    expect(params.get('interval')).toBe('day');
    const days = (Date.parse(params.get('to')!) - Date.parse(params.get('from')!)) / 86_400_000;
    expect(days).toBeGreaterThan(29);
    await expect(page.getByTestId('kpi-orders')).toBeVisible();

    const downloading = page.waitForEvent('download');
    await page.getByTestId('overview-csv').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${tenant}-overview-.*-day\\.csv$`));
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toMatch(/^start,local,orders,/);
    expect(lines.length).toBeGreaterThan(29);

    // The other organisation: the real route answers 404 exactly like a tenant that does not exist.
    const theirs = await page.request.get(`/api/tenants/${other}/overview`);
    const nobody = await page.request.get('/api/tenants/no-such-org/overview');
    expect(theirs.status()).toBe(404);
    expect(nobody.status()).toBe(404);
    const { requestId: _a, ...theirsBody } = await theirs.json();
    const { requestId: _b, ...nobodyBody } = await nobody.json();
    expect(theirsBody).toEqual(nobodyBody);
    expect((await page.request.get(`/api/tenants/${other}/overview.csv`)).status()).toBe(404);
    await page.goto(`/t/${other}/overview`);
    await expect(page).not.toHaveURL(new RegExp(other));
  });
}
