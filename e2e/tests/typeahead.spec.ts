// Typeahead and saved searches end to end: type the start of a customer's device id, pick the
// suggestion (it names the kind that matched), and the search shows that device's customers, each
// counting the others among its linked customers; save the search, find it in the side
// navigation, leave, and open it again: the same search comes back.
// Each screen is attached as a screenshot.
import { expect, test } from '@playwright/test';
import type { Page, TestInfo } from '@playwright/test';
import { signInAs } from './sign-in.ts';

function tenantOf(page: Page): string {
  return new URL(page.url()).pathname.split('/')[2]!;
}

async function shoot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** A device id of a seeded customer, read through the API the dashboard uses. */
async function someDevice(page: Page, tenant: string): Promise<{ device: string; customerId: string }> {
  let found: { device: string; customerId: string } | undefined;
  await expect(async () => {
    const search = await page.request.get(`/api/tenants/${tenant}/customers/search?size=20&sort=score`);
    expect(search.ok()).toBe(true);
    for (const hit of ((await search.json()) as { hits: { id: string }[] }).hits) {
      const profile = await page.request.get(`/api/tenants/${tenant}/customers/${encodeURIComponent(hit.id)}`);
      const devices = ((await profile.json()) as { identifiers: Record<string, string[]> }).identifiers.device ?? [];
      if (devices[0] && devices[0].length >= 8) {
        found = { device: devices[0], customerId: hit.id };
        return;
      }
    }
    throw new Error('no seeded customer with a device yet');
  }).toPass({ timeout: 90_000 });
  return found!;
}

test('type the start of a device id, pick the suggestion; save the search, see it in the navigation, open it', async ({
  page,
}, testInfo) => {
  await signInAs(page, 'analyst');
  const tenant = tenantOf(page);
  const { device } = await someDevice(page, tenant);
  await page.goto(`/t/${tenant}/search`);

  // Keystroke by keystroke, as a person types.
  const box = page.getByTestId('search-input');
  // All of it: demo device ids share long prefixes (rings, households), and the list shows the
  // eight riskiest customers; the whole id still arrives key by key, each pause a suggest request.
  await box.pressSequentially(device, { delay: 40 });
  const option = page
    .getByTestId('search-suggestion')
    .filter({ has: page.getByText(device, { exact: true }) })
    .first();
  await expect(option).toBeVisible();
  await expect(option.locator('.suggest-kind')).toHaveText('Device');
  await shoot(page, testInfo, 'typeahead');
  await option.click();

  await expect(page).toHaveURL(new RegExp(`[?&]q=${encodeURIComponent(device)}(&|$)`));
  await expect(box).toHaveValue(device);
  await expect(page.getByTestId('search-result').first()).toBeVisible();
  await expect(page.getByTestId('search-result').first()).toContainText('matched on identifiers');
  // Everyone listed shares the device: each row's linked customers count at least the others.
  const rows = await page.getByTestId('search-result').count();
  for (const cell of await page.getByTestId('search-linked').all()) {
    expect(Number((await cell.textContent())!.replace(/\D/g, ''))).toBeGreaterThanOrEqual(rows - 1);
  }
  await shoot(page, testInfo, 'typeahead-picked');

  // Save it under a name of our own; it appears in the side navigation.
  const name = `Device ${device.slice(0, 12)} ${testInfo.workerIndex}-${Date.now() % 100_000}`;
  await page.getByTestId('search-save').click();
  await page.getByTestId('save-name').fill(name);
  await page.getByTestId('save-confirm').click();
  await expect(page.getByTestId('search-saved-as')).toContainText(name);
  const saved = page.getByTestId('saved-search').filter({ hasText: name });
  await expect(saved).toBeVisible();
  await shoot(page, testInfo, 'saved-search');

  // Elsewhere, then back through the navigation: the same search, from its first page.
  await page.getByTestId('nav-queue').click();
  await expect(page).toHaveURL(/\/queue/);
  await saved.click();
  await expect(page).toHaveURL(new RegExp(`/t/${tenant}/search\\?q=${encodeURIComponent(device)}$`));
  await expect(box).toHaveValue(device);
  await expect(page.getByTestId('search-result').first()).toBeVisible();
  await expect(page.getByTestId('search-saved-as')).toContainText(name);
  await shoot(page, testInfo, 'saved-search-opened');

  // Deleting it takes it out of the navigation.
  await page.getByTestId('search-unsave').click();
  await expect(saved).toHaveCount(0);
  await expect(page.getByTestId('search-save')).toBeVisible();
});
