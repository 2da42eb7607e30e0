// The analyst's desk end to end: search, narrow by a facet, page on, and share the URL into a
// fresh browser context that shows the same page; back returns to the page before. Then a
// customer's Activity tab pages through the timeline. Each screen is attached as a screenshot.
import { expect, test } from '@playwright/test';
import type { Page, TestInfo } from '@playwright/test';
import { signInAs } from './sign-in.ts';

function tenantOf(page: Page): string {
  return new URL(page.url()).pathname.split('/')[2]!;
}

async function shoot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  // Written into the test's output folder (kept after the run) and attached to the report.
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** Waits for the first start's demo seed to finish, so counts stop moving between two contexts. */
async function seeded(page: Page): Promise<void> {
  await expect(async () => {
    const status = (await (await page.request.get('/api/demo/status')).json()) as { state: string };
    expect(status.state).toBe('ready');
  }).toPass({ timeout: 90_000 });
}

/** The names on the result rows, in order. */
async function rowNames(page: Page): Promise<string[]> {
  return page.getByTestId('search-result').locator('a').allTextContents();
}

test('search, filter by a facet, page on, and the shared URL shows the same page', async ({
  page,
  browser,
}, testInfo) => {
  await signInAs(page, 'analyst');
  await seeded(page);
  const tenant = tenantOf(page);
  await page.goto(`/t/${tenant}/search`);

  await page.getByTestId('search-input').fill('a');
  await expect(page).toHaveURL(/[?&]q=a(&|$)/);
  await expect(page.getByTestId('search-result').first()).toBeVisible();
  const total = page.getByTestId('search-total');
  await expect(total).toContainText('1–20');
  await shoot(page, testInfo, 'search');

  // ALLOW is the most common decision: enough customers for a second page.
  const allow = page.getByTestId('facet-action-ALLOW');
  const allowCount = Number((await allow.locator('.count').textContent())!.replace(/\D/g, ''));
  expect(allowCount).toBeGreaterThan(20);
  await allow.click();
  await expect(page).toHaveURL(/[?&]action=ALLOW(&|$)/);
  await expect(allow).toHaveAttribute('aria-pressed', 'true');
  await expect(total).toContainText(`${allowCount.toLocaleString('en-US')} customers`);
  await expect(page.getByTestId('search-score').first()).toContainText('ALLOW');
  await shoot(page, testInfo, 'search-filtered');
  const firstPage = await rowNames(page);

  await page.getByTestId('search-next').click();
  await expect(page).toHaveURL(/[?&]page=2(&|$)/);
  await expect(total).toContainText('21–');
  await expect(page.getByTestId('search-page')).toContainText('Page 2 of');
  await expect.poll(() => rowNames(page)).not.toEqual(firstPage);
  const secondPage = await rowNames(page);
  await shoot(page, testInfo, 'search-page-2');

  // Someone else opens the link: their own session, the same search and the same page.
  const shared = page.url();
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signInAs(otherPage, 'analyst');
  await otherPage.goto(shared);
  await expect(otherPage.getByTestId('search-input')).toHaveValue('a');
  await expect(otherPage.getByTestId('facet-action-ALLOW')).toHaveAttribute('aria-pressed', 'true');
  await expect(otherPage.getByTestId('search-page')).toContainText('Page 2 of');
  await expect.poll(() => rowNames(otherPage)).toEqual(secondPage);
  await shoot(otherPage, testInfo, 'search-shared');
  await other.close();

  // Back returns to the first page of the filtered search.
  await page.goBack();
  await expect(page).not.toHaveURL(/[?&]page=2/);
  await expect(page.getByTestId('search-page')).toContainText('Page 1 of');
  await expect.poll(() => rowNames(page)).toEqual(firstPage);
});

test('the Activity tab pages through a customer’s timeline, newest first, filtered by type', async ({
  page,
}, testInfo) => {
  await signInAs(page, 'analyst');
  await seeded(page);
  const tenant = tenantOf(page);

  // A customer with more than one page of events: the riskiest customers have the busiest histories.
  const search = await page.request.get(`/api/tenants/${tenant}/customers/search?action=PREVENT&size=100`);
  const { hits } = (await search.json()) as { hits: { id: string }[] };
  let busy: string | undefined;
  for (const hit of hits) {
    const timeline = await page.request.get(`/api/tenants/${tenant}/customers/${hit.id}/timeline?limit=20`);
    if (((await timeline.json()) as { next?: string }).next) {
      busy = hit.id;
      break;
    }
  }
  expect(busy, 'a demo customer with more than 20 events').toBeDefined();

  await page.goto(`/t/${tenant}/customers/${busy}`);
  await expect(page.getByTestId('customer-name')).not.toBeEmpty();
  await page.getByRole('tab', { name: 'Activity' }).click();
  const count = page.getByTestId('activity-count');
  await expect(count).toContainText('20 events loaded');
  await expect(count).toContainText('older events not loaded yet');
  await expect(page.getByTestId('activity-event').first()).toBeVisible();
  await shoot(page, testInfo, 'activity');

  // Newest first.
  const times = await page
    .getByTestId('activity-event')
    .evaluateAll((rows) => rows.map((row) => Date.parse(row.getAttribute('data-at') ?? '')));
  expect(times.length).toBeGreaterThan(1);
  expect([...times].sort((a, b) => b - a)).toEqual(times);

  // The button goes away when the last page arrives, which may be a page the list's own scroll
  // asked for: a click on a button that vanished in between is retried, never waited on.
  const more = page.getByTestId('activity-more');
  await expect(async () => {
    if (await more.isVisible()) await more.click({ timeout: 1_000 });
    await expect(count).toContainText('the whole history', { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  const loaded = Number((await count.textContent())!.match(/(\d+) events/)![1]);
  expect(loaded).toBeGreaterThan(20);

  // Filter by the type of the newest event: only rows of that type remain.
  const type = (await page.getByTestId('activity-event').first().getAttribute('data-type'))!;
  await page.getByTestId(`activity-type-${type}`).click();
  await expect(count).toContainText(`of the ${loaded} loaded`);
  const types = await page
    .getByTestId('activity-event')
    .evaluateAll((rows) => [...new Set(rows.map((row) => row.getAttribute('data-type')))]);
  expect(types).toEqual([type]);
  await shoot(page, testInfo, 'activity-orders');
});

test('the keyboard drives the desk: / to search, j and Enter to open, g q and g s, ? lists the shortcuts', async ({
  page,
}, testInfo) => {
  await signInAs(page, 'analyst');
  await seeded(page);
  const tenant = tenantOf(page);
  await page.goto(`/t/${tenant}/queue`);
  await page.locator('body').click({ position: { x: 5, y: 300 } });

  await page.keyboard.press('g');
  await page.keyboard.press('s');
  await expect(page).toHaveURL(new RegExp(`/t/${tenant}/search`));
  await page.keyboard.press('/');
  const box = page.getByTestId('search-input');
  await expect(box).toBeFocused();
  // Typed into the box, j and g q are text, not shortcuts.
  await page.keyboard.type('ja');
  await expect(box).toHaveValue('ja');
  await box.fill('a');
  await expect(page.getByTestId('search-result').first()).toBeVisible();

  await box.blur();
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await expect(page.getByTestId('search-result').nth(1)).toBeFocused();
  await page.keyboard.press('k');
  await expect(page.getByTestId('search-result').first()).toBeFocused();
  await shoot(page, testInfo, 'keyboard-search');
  const name = (await page.getByTestId('search-result').first().locator('a').textContent())!.trim();
  // A late search answer can redraw the rows and drop the picked one's focus; pick it again then.
  await expect(async () => {
    const picked = await page
      .getByTestId('search-result')
      .first()
      .evaluate((row) => row.matches(':focus'));
    if (!picked) {
      await page.keyboard.press('j');
      await page.keyboard.press('k');
    }
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/customers\//, { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId('customer-name')).toHaveText(name);

  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Keyboard shortcuts');
  await expect(dialog).toContainText('Go to the queue');
  await shoot(page, testInfo, 'keyboard-help');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  await page.keyboard.press('g');
  await page.keyboard.press('q');
  await expect(page).toHaveURL(new RegExp(`/t/${tenant}/queue`));
});
