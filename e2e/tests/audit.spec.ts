// The lead's audit log end to end: an analyst labels a customer; the lead filters the audit log by
// that analyst and customer, sees the row with before and after, downloads the CSV (the file holds
// the row) and sees the chain badge verified; the Team screen counts that decision in the analyst's
// figures.
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { DEMO_PEOPLE, signInAs } from './sign-in.ts';

/** The analyst's decisions on the Team screen (0 when they have no row yet). */
async function teamDecisions(page: Page, email: string): Promise<number> {
  await expect(page.getByTestId('team-kpis')).toBeVisible();
  const row = page.getByTestId('team-analyst').filter({ hasText: email });
  return (await row.count()) === 0 ? 0 : Number(await row.getByTestId('team-analyst-decisions').textContent());
}

test('the lead finds an analyst’s label in the audit log, with before and after, in the CSV, on a verified chain', async ({
  browser,
}) => {
  const ada = await (await browser.newContext()).newPage();
  await signInAs(ada, 'analyst');
  const tenant = new URL(ada.url()).pathname.split('/')[2]!;
  // The lead's Team screen before the analyst's decision (other journeys may have decided before).
  const lee = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await signInAs(lee, 'lead');
  await lee.goto(`/t/${tenant}/team`);
  const decidedBefore = await teamDecisions(lee, DEMO_PEOPLE.analyst.email);

  await ada.goto(`/t/${tenant}/queue`);
  await expect(async () => {
    await ada.reload();
    await expect(ada.getByTestId('queue-item').first()).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
  const first = ada.getByTestId('queue-item').first();
  const customerId = (await first.getAttribute('data-customer'))!;
  await first.getByTestId('queue-claim').click();
  await expect(ada).toHaveURL(new RegExp(`/customers/${customerId}\\?queue=`));
  await expect(ada.getByTestId('review-status')).toContainText('claimed by', { timeout: 30_000 });
  await ada.getByTestId('review-label').click();
  await ada.getByTestId('label-FRAUDSTER').click();
  const saved = ada.waitForResponse((r) => r.url().endsWith('/reviews') && r.request().method() === 'POST');
  await ada.getByTestId('review-submit').click();
  expect((await saved).status()).toBe(201);

  await lee.goto(`/t/${tenant}/audit`);
  await expect(lee.getByTestId('chain-badge')).toContainText(/Chain verified up to row \d+/);

  // Filter by the analyst and the customer through the form: the filters land in the URL.
  await lee.getByTestId('filter-actor').fill(DEMO_PEOPLE.analyst.email);
  await lee.getByTestId('filter-customer').fill(customerId);
  await lee.getByTestId('filter-apply').click();
  await expect(lee).toHaveURL((url) => url.searchParams.get('actor') === DEMO_PEOPLE.analyst.email);
  await expect(lee).toHaveURL((url) => url.searchParams.get('customer') === customerId);
  const label = lee.getByTestId('audit-row').filter({ hasText: 'review.' }).first();
  await expect(label).toContainText(DEMO_PEOPLE.analyst.email);
  await expect(label).toContainText(customerId);
  await label.click();
  await expect(lee.getByTestId('audit-after')).toContainText('FRAUDSTER');
  await expect(lee.getByTestId('audit-before')).toBeVisible();

  const download = lee.waitForEvent('download');
  await lee.getByTestId('download-csv').click();
  const file = await (await download).path();
  const csv = await readFile(file, 'utf8');
  const rows = csv.trim().split('\r\n');
  expect(rows[0]).toContain('position,at,actor_email');
  expect(
    rows.some((r) => r.includes(DEMO_PEOPLE.analyst.email) && r.includes(customerId) && r.includes('FRAUDSTER')),
  ).toBe(true);

  // The Team screen, from the navigation: the analyst's decision is in the figures, timed from the queue.
  await lee.getByTestId('nav-team').click();
  await expect(lee).toHaveURL(new RegExp(`/t/${tenant}/team$`));
  await expect.poll(() => teamDecisions(lee, DEMO_PEOPLE.analyst.email)).toBe(decidedBefore + 1);
  const row = lee.getByTestId('team-analyst').filter({ hasText: DEMO_PEOPLE.analyst.email });
  await expect(row).toContainText(/\d+ (s|min|h)/);
  await expect(lee.getByTestId('team-decisions-chart').locator('canvas')).toBeVisible();
  await lee.screenshot({ path: test.info().outputPath('team.png'), fullPage: true });
});
