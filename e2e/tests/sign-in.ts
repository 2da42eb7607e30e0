// Signs in through the embedded demo identity proxy the way a person does: open the dashboard,
// get sent to the demo sign-in page, pick a person.
import { expect } from '@playwright/test';
import type { Page } from '@playwright/test';

export const DEMO_PEOPLE = {
  analyst: { name: 'Ada Analyst', email: 'ada.analyst@demo.redoubt.dev' },
  lead: { name: 'Lee Lead', email: 'lee.lead@demo.redoubt.dev' },
  'merchant-acme-shop': { name: 'Acme Shop merchant', email: 'merchant@acme-shop.demo.redoubt.dev' },
  'merchant-globex-travel': { name: 'Globex Travel merchant', email: 'merchant@globex-travel.demo.redoubt.dev' },
  mixed: { name: 'Max Mixed', email: 'max.mixed@demo.redoubt.dev' },
  'admin-acme-shop': { name: 'Tara Tenant-admin', email: 'tara.admin@acme-shop.demo.redoubt.dev' },
  admin: { name: 'Ari Admin', email: 'ari.admin@demo.redoubt.dev' },
} as const;

export type DemoPerson = keyof typeof DEMO_PEOPLE;

export async function signInAs(page: Page, who: DemoPerson): Promise<void> {
  await page.goto('/');
  await expect(page).toHaveURL(/\/demo\/login/);
  await expect(page.getByTestId('demo-banner')).toContainText('DEMO ONLY');
  await page.getByRole('link', { name: new RegExp(DEMO_PEOPLE[who].name) }).click();
  await expect(page).not.toHaveURL(/\/demo\/login/);
  await expect(page.getByTestId('user-menu')).toContainText(DEMO_PEOPLE[who].email);
}
