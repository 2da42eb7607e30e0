// Watches end to end: an analyst pins a customer on the customer page; a merchant's ingestion
// client (the demo's service principal, /demo/login?as=ingest-bot, demo mode only) sends an event
// through the API that links a new customer to the pinned customer's identifier; the analyst's open
// page shows the notification without a reload, the Watches screen lists the link that set it off,
// and the linked customer is in the review queue with that link as the reason.
import { expect, test } from '@playwright/test';
import type { Page, TestInfo } from '@playwright/test';
import type { CustomerProfile, ReviewHistory } from '@redoubt/contracts/api';
import { signInAs } from './sign-in.ts';

async function shoot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** An event that gives `customerId` one of the pinned customer's identifiers. */
function linkingEvent(customerId: string, profile: CustomerProfile): { event: object; kind: string; value: string } {
  const base = { eventId: `e2e-watch-${customerId}`, customerId, timestamp: new Date().toISOString() };
  const ids = profile.identifiers;
  if (ids['device']?.[0]) {
    const value = ids['device'][0];
    return { event: { ...base, type: 'device', device: { deviceId: value } }, kind: 'device', value };
  }
  if (ids['card']?.[0]) {
    const value = ids['card'][0];
    return {
      event: { ...base, type: 'paymentMethod', paymentMethod: { instrumentId: value, methodType: 'card' } },
      kind: 'card',
      value,
    };
  }
  const value = profile.email ?? ids['email']![0]!;
  return { event: { ...base, type: 'customer', customer: { name: customerId, email: value } }, kind: 'email', value };
}

test('a pinned customer: a linked event ingested through the API notifies the analyst and queues the newcomer', async ({
  page,
  playwright,
  baseURL,
}, testInfo) => {
  await signInAs(page, 'analyst');
  const search = page.getByTestId('search-input');
  await expect(async () => {
    await search.fill('');
    await search.fill('a');
    await expect(page.getByTestId('search-result').first()).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
  await page.getByTestId('search-result').first().click();
  await expect(page.getByTestId('network-canvas').locator('canvas').first()).toBeVisible();
  const [, , tenant, , encodedId] = new URL(page.url()).pathname.split('/');
  const pinnedId = decodeURIComponent(encodedId!);

  await page.getByTestId('pin-customer').click();
  await expect(page.getByTestId('pin-message')).toContainText('Pinned');
  await expect(page.getByTestId('pin-customer')).toHaveAttribute('aria-pressed', 'true');

  const profile = (await (
    await page.request.get(`/api/tenants/${tenant}/customers/${encodeURIComponent(pinnedId)}`)
  ).json()) as CustomerProfile;
  const newcomer = `e2e-newcomer-${Date.now()}`;
  const { event, kind } = linkingEvent(newcomer, profile);

  // The merchant's ingestion client: a service principal, no browser session.
  const bot = await playwright.request.newContext({ baseURL });
  await bot.get('/demo/login?as=ingest-bot', { maxRedirects: 0 });
  const sent = await bot.post(`/api/tenants/${tenant}/events`, { data: event });
  expect(sent.status(), await sent.text()).toBe(200);
  expect(((await sent.json()) as { accepted: number }).accepted).toBe(1);
  // A service principal reads no customer data.
  expect((await bot.get(`/api/tenants/${tenant}/watches`)).status()).toBe(403);
  await bot.dispose();

  await expect(page.getByTestId('live-toast')).toContainText(`Watch: customer ${newcomer} linked ${kind}`);
  await shoot(page, testInfo, 'watch-notification');

  await page.getByRole('link', { name: 'Watches' }).click();
  const watch = page.getByTestId('watch').filter({ hasText: `customer ${pinnedId}` });
  await expect(watch.getByTestId('watch-hit').filter({ hasText: newcomer })).toContainText(kind);
  await shoot(page, testInfo, 'watches-screen');

  // In the queue, with the link as the reason.
  const reviews = (await (
    await page.request.get(`/api/tenants/${tenant}/customers/${newcomer}/reviews`)
  ).json()) as ReviewHistory;
  expect(reviews.state.status).toBe('open');
  expect(reviews.state.queueReason).toContain(`into a watched customer (c:${pinnedId})`);
  await watch.getByTestId('watch-hit').filter({ hasText: newcomer }).getByRole('link').click();
  await expect(page.getByTestId('review-status')).toContainText('open');
  await shoot(page, testInfo, 'newcomer-queued');

  // Unpinned again, so a rerun against the same data starts clean.
  await page.goto(`/t/${tenant}/watches`);
  await watch.getByTestId('unpin').click();
  await expect(page.getByTestId('watches-message')).toContainText(`Unpinned customer ${pinnedId}`);
});
