// "What changed since the last review" end to end: an analyst reviews a customer; a merchant's
// ingestion client (the demo's service principal, /demo/login?as=ingest-bot) then sends an event
// that gives the customer a new device; the open page draws it without a reload, and "Since last
// review" counts that one link and draws it differently (the canvas changes); pressed again it
// clears the marks. The time slider set a day back draws the network without that link, and "now"
// draws it again. (Links read from the BFF are compared by their firstSeen: network-tools.spec.ts.)
import { expect, test } from '@playwright/test';
import { signInAs } from './sign-in.ts';

test('"since last review" marks the link that arrived after the last review; the time slider takes it away', async ({
  page,
  playwright,
  baseURL,
}, testInfo) => {
  test.setTimeout(120_000);
  await signInAs(page, 'analyst');
  const search = page.getByTestId('search-input');
  await expect(async () => {
    await search.fill('');
    await search.fill('e');
    await expect(page.getByTestId('search-result').nth(1)).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
  await page.getByTestId('search-result').nth(1).click();
  const canvas = page.getByTestId('network-canvas');
  await expect(canvas.locator('canvas').first()).toBeVisible();
  // What cytoscape has drawn: its canvas layers' pixels (not a screenshot, which scrolling shifts).
  const drawn = () => canvas.evaluate((el) => [...el.querySelectorAll('canvas')].map((c) => c.toDataURL()).join('|'));
  const [, , tenant, , encodedId] = new URL(page.url()).pathname.split('/');
  const customerId = decodeURIComponent(encodedId!);

  // The review: ALLOW with the keyboard shortcut.
  await expect(page.getByTestId('review-status')).toBeVisible();
  await page.getByTestId('review-status').click();
  await page.keyboard.press('a');
  await expect(page.getByTestId('review-confirm')).toContainText('ALLOW');
  const saved = page.waitForResponse((r) => r.url().endsWith('/reviews') && r.request().method() === 'POST');
  await page.keyboard.press('Enter');
  expect((await saved).status()).toBe(201);

  // Right after the review nothing drawn is newer.
  await page.getByTestId('since-review').click();
  await expect(page.getByTestId('since-text')).toContainText('0 links new since the last review');
  await page.getByTestId('since-review').click();
  await expect(page.getByTestId('since-text')).toHaveCount(0);

  // The graph keeps seconds: the new link is a second or more after the review.
  await page.waitForTimeout(1_200);
  const device = `e2e-since-${Date.now()}`;
  const bot = await playwright.request.newContext({ baseURL });
  await bot.get('/demo/login?as=ingest-bot', { maxRedirects: 0 });
  const sent = await bot.post(`/api/tenants/${tenant}/events`, {
    data: {
      eventId: `e2e-since-${device}`,
      type: 'device',
      customerId,
      timestamp: new Date().toISOString(),
      device: { deviceId: device },
    },
  });
  expect(sent.status(), await sent.text()).toBe(200);
  await bot.dispose();

  // Drawn live, without a reload.
  await expect(page.getByTestId('live-toast')).toContainText(`New link: customer ${customerId} uses device ${device}`);
  await page.getByTestId('network-table-toggle').click();
  await expect(page.getByTestId('network-row').filter({ hasText: device })).toHaveCount(1);
  const plain = await drawn();

  await page.getByTestId('since-review').click();
  await expect(page.getByTestId('since-review')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('since-text')).toContainText('1 link new since the last review');
  await expect(page.getByTestId('since-text')).toContainText('ada.analyst@demo.redoubt.dev');
  // The link and its new device are drawn in the highlight: the picture is not the same.
  await expect.poll(async () => (await drawn()) === plain, { timeout: 10_000 }).toBe(false);
  const marked = await drawn();
  const shot = testInfo.outputPath('since-last-review.png');
  await page.screenshot({ path: shot, fullPage: true });
  await testInfo.attach('since-last-review', { path: shot, contentType: 'image/png' });

  await page.getByTestId('since-review').click();
  await expect(page.getByTestId('since-text')).toHaveCount(0);
  // The marks are gone again.
  await expect.poll(async () => (await drawn()) === marked, { timeout: 10_000 }).toBe(false);
  const now = await drawn();

  // The time slider: the network as of a day ago is read from the BFF (asOf) and has no link first
  // seen today, so the new device is not drawn; back at "now" it is again.
  const asOf = (days: string) =>
    page.waitForResponse(
      (r) =>
        r.url().includes('/network?') &&
        (days === '0' ? !r.url().includes('asOf=') : r.url().includes('asOf=')) &&
        r.status() === 200,
    );
  let read = asOf('1');
  await page.getByTestId('network-as-of').fill('1');
  await read;
  await expect(page.getByTestId('network-as-of-text')).not.toHaveText('now');
  await expect(page.getByTestId('network-row').filter({ hasText: device })).toHaveCount(0);
  await expect.poll(async () => (await drawn()) === now, { timeout: 10_000 }).toBe(false);
  read = asOf('0');
  await page.getByTestId('network-as-of').fill('0');
  await read;
  await expect(page.getByTestId('network-as-of-text')).toHaveText('now');
  await expect(page.getByTestId('network-row').filter({ hasText: device })).toHaveCount(1);
});
