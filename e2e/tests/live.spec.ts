// The live network in two browsers: an analyst and a lead open the same customer; each sees the
// other as "also viewing"; the lead's note arrives in the analyst's page as a toast without a
// reload; when the lead leaves, the analyst's "also viewing" empties.
// New links arriving from ingest are covered by apps/bff/src/routes/live.test.ts (ingest -> stream)
// and live-network.spec.ts (merged into the drawn graph): the demo has no service principal to
// ingest through the API from a browser test.
import { expect, test } from '@playwright/test';
import { DEMO_PEOPLE, signInAs } from './sign-in.ts';

test('a colleague on the same customer shows as "also viewing", and their note arrives live', async ({ browser }) => {
  const ada = await (await browser.newContext()).newPage();
  const lee = await (await browser.newContext()).newPage();
  await signInAs(ada, 'analyst');
  await signInAs(lee, 'lead');

  const search = ada.getByTestId('search-input');
  await expect(async () => {
    await search.fill('');
    await search.fill('a');
    await expect(ada.getByTestId('search-result').first()).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
  await ada.getByTestId('search-result').first().click();
  await expect(ada.getByTestId('network-canvas').locator('canvas').first()).toBeVisible();
  const url = new URL(ada.url());
  const customerId = decodeURIComponent(url.pathname.split('/').pop()!);

  await lee.goto(url.pathname);
  await expect(lee.getByTestId('network-canvas').locator('canvas').first()).toBeVisible();
  await expect(ada.getByTestId('also-viewing')).toContainText(DEMO_PEOPLE.lead.email);
  await expect(lee.getByTestId('also-viewing')).toContainText(DEMO_PEOPLE.analyst.email);

  const body = `Same device as the chargeback ring ${Date.now()}`;
  await lee.getByTestId('note-input').fill(body);
  await lee.getByTestId('note-submit').click();
  await expect(lee.getByTestId('note').filter({ hasText: body })).toBeVisible();
  await expect(ada.getByTestId('live-toast')).toContainText(`${DEMO_PEOPLE.lead.email} added a note on ${customerId}`);

  await lee.close();
  await expect(ada.getByTestId('also-viewing')).toHaveCount(0);
});
