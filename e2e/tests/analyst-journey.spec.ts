// The walking skeleton end to end: sign in through the demo identity proxy, search the embedded
// index, open a customer (profile store + graph engine), add a note (PGlite) and see it persist.
import { expect, test } from '@playwright/test';
import { signInAs } from './sign-in.ts';

test('an analyst searches, opens a customer, sees the network and adds a note that persists', async ({ page }) => {
  await signInAs(page, 'analyst');

  const search = page.getByTestId('search-input');
  await expect(search).toBeVisible();
  // The demo seeds in the background; the first letters of common names match once it has begun.
  await expect(async () => {
    await search.fill('');
    await search.fill('a');
    await expect(page.getByTestId('search-result').first()).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 60_000 });

  const first = page.getByTestId('search-result').first();
  await first.click();

  await expect(page.getByTestId('customer-name')).not.toBeEmpty();
  const canvas = page.getByTestId('network-canvas');
  await expect(canvas).toBeVisible();
  await expect(canvas.locator('canvas').first()).toBeVisible();

  const body = `Checked device overlap ${Date.now()}`;
  await page.getByTestId('note-input').fill(body);
  await page.getByTestId('note-submit').click();
  await expect(page.getByTestId('note').filter({ hasText: body })).toBeVisible();

  await page.reload();
  await expect(page.getByTestId('note').filter({ hasText: body })).toBeVisible();
});
