// Deciding and labelling end to end: the queue (claim the riskiest, read why, label FRAUDSTER, the
// next item opens), a second analyst's stale write (412: what changed and by whom, re-applied), and
// a cluster labelled from the network with its preview, then reverted.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { signInAs } from './sign-in.ts';

function tenantOf(page: Page): string {
  return new URL(page.url()).pathname.split('/')[2]!;
}

/** Opens the Queue screen and waits until the demo seeding has queued someone. */
async function openQueue(page: Page): Promise<void> {
  await page.getByTestId('nav-queue').click();
  await expect(page).toHaveURL(/\/queue$/);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('queue-item').first()).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
}

test('an analyst claims the riskiest queued customer, reads why, labels them FRAUDSTER and the next item opens', async ({
  page,
}) => {
  await signInAs(page, 'analyst');
  await openQueue(page);
  // The default sort is network risk: the first row is the riskiest, with its reason in words.
  const first = page.getByTestId('queue-item').first();
  const customerId = await first.getAttribute('data-customer');
  await expect(first.getByTestId('queue-why')).toContainText(/REVIEW|POTENTIALLY/);
  await expect(first.getByTestId('queue-risk')).not.toHaveText('—');
  await first.getByTestId('queue-claim').click();

  await expect(page).toHaveURL(new RegExp(`/customers/${customerId}\\?queue=risk$`));
  await expect(page.getByTestId('review-status')).toContainText('claimed by ada.analyst@demo.redoubt.dev');
  await page.getByTestId('review-label').click();
  await page.getByTestId('label-FRAUDSTER').click();
  await page.getByTestId('review-submit').click();

  // The next item of the queue opens on its own, claimed by the same analyst.
  await expect(page).not.toHaveURL(new RegExp(`/customers/${customerId}\\?`));
  await expect(page).toHaveURL(/\/customers\/[^/?]+\?queue=risk$/);
  await expect(page.getByTestId('review-status')).toContainText('claimed by ada.analyst@demo.redoubt.dev');

  // The labelled customer's history holds the review.
  await page.goto(`/t/${tenantOf(page)}/customers/${customerId}`);
  await expect(page.getByTestId('review-entry').first()).toContainText('FRAUDSTER');
});

test('a second analyst with a stale view gets a 412, sees what changed and by whom, and re-applies', async ({
  browser,
}) => {
  const ada = await browser.newContext();
  const lee = await browser.newContext();
  const adaPage = await ada.newPage();
  const leePage = await lee.newPage();
  await signInAs(adaPage, 'analyst');
  await signInAs(leePage, 'lead');
  await openQueue(adaPage);
  const customerId = (await adaPage.getByTestId('queue-item').last().getAttribute('data-customer'))!;
  const url = `/t/${tenantOf(adaPage)}/customers/${customerId}`;
  await adaPage.goto(url);
  await leePage.goto(url);
  await expect(adaPage.getByTestId('review-status')).toBeVisible();
  await expect(leePage.getByTestId('review-status')).toBeVisible();

  // Ada decides with the shortcut: a, then Enter to confirm.
  await adaPage.getByTestId('review-status').click();
  await adaPage.keyboard.press('a');
  await expect(adaPage.getByTestId('review-confirm')).toContainText('ALLOW');
  const saved = adaPage.waitForResponse((r) => r.url().endsWith('/reviews') && r.request().method() === 'POST');
  await adaPage.keyboard.press('Enter');
  expect((await saved).status()).toBe(201);

  // Lee still sees the version from before Ada's decision.
  await leePage.getByTestId('decide-PREVENT').click();
  const stale = leePage.waitForResponse((r) => r.url().endsWith('/reviews') && r.request().method() === 'POST');
  await leePage.getByTestId('review-submit').click();
  expect((await stale).status()).toBe(412);
  const conflict = leePage.getByTestId('review-conflict');
  await expect(conflict).toContainText('ada.analyst@demo.redoubt.dev changed this customer');
  await expect(conflict).toContainText('decision');
  await leePage.getByTestId('review-reapply').click();
  await expect(conflict).toHaveCount(0);
  await expect(leePage.getByTestId('review-entry').first()).toContainText('lee.lead@demo.redoubt.dev');
  await expect(leePage.getByTestId('review-entry').first()).toContainText('PREVENT');
  await ada.close();
  await lee.close();
});

test('a cluster is labelled from the network with a preview, then the batch is reverted', async ({ page }) => {
  await signInAs(page, 'analyst');
  await openQueue(page);
  // A queued customer with links: the network shows the component to select.
  const customerId = await page.getByTestId('queue-item').first().getAttribute('data-customer');
  await page.goto(`/t/${tenantOf(page)}/customers/${customerId}`);
  await expect(page.getByTestId('network-canvas').locator('canvas').first()).toBeVisible();
  await page.getByTestId('select-component').click();
  await expect(page.getByTestId('cluster-selected')).not.toHaveText(/^0 /);
  await page.getByTestId('cluster-label').click();
  await page.getByRole('option', { name: 'Potentially fraudulent' }).click();
  await page.getByTestId('cluster-preview').click();
  const preview = page.getByTestId('cluster-preview-result');
  await expect(preview).toContainText('Fraud share');
  await expect(preview).toContainText('Order value involved');
  await page.getByTestId('cluster-apply').click();
  await expect(page.getByTestId('cluster-applied')).toContainText('Labelled');
  await page.getByTestId('cluster-revert').click();
  await expect(page.getByTestId('cluster-applied')).toContainText('Batch reverted');
});
