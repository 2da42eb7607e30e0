// axe-core on every main screen, for every role that uses it, in the light and the dark theme:
// no serious or critical violation of WCAG 2.x A/AA (contrast included). The dark theme is reached
// both ways an analyst gets it: the system setting (prefers-color-scheme) and the toolbar toggle,
// which is kept across a reload. Each screen is attached as a screenshot per theme.
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import type { Page, TestInfo } from '@playwright/test';
import { signInAs } from './sign-in.ts';
import type { DemoPerson } from './sign-in.ts';

type Theme = 'light' | 'dark';

async function shoot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** The serious and critical violations on the page, one line each (rule, impact, first targets). */
async function axe(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}: ${v.nodes
          .slice(0, 3)
          .map((n) => `${n.target.join(' ')}${n.failureSummary ? ` [${n.failureSummary.replace(/\s+/g, ' ')}]` : ''}`)
          .join('; ')}`,
    );
}

/** The theme on screen, read from the page background's luminance. */
async function shownTheme(page: Page): Promise<Theme> {
  // Page code as text: the e2e suite is type-checked without the DOM library.
  const rgb = (await page.evaluate('getComputedStyle(document.body).backgroundColor')) as string;
  const [r, g, b] = (rgb.match(/[\d.]+/g) ?? []).map(Number);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128 ? 'dark' : 'light';
}

async function seeded(page: Page): Promise<void> {
  await expect(async () => {
    const status = (await (await page.request.get('/api/demo/status')).json()) as { state: string };
    expect(status.state).toBe('ready');
  }).toPass({ timeout: 90_000 });
}

function tenantOf(page: Page): string {
  return new URL(page.url()).pathname.split('/')[2]!;
}

/** A screen: how to open it and what says it has settled. */
interface Screen {
  name: string;
  open: (page: Page, tenant: string) => Promise<void>;
}

const SCREENS: Record<string, Screen> = {
  search: {
    name: 'search',
    open: async (page, tenant) => {
      await page.goto(`/t/${tenant}/search?q=a`);
      await expect(page.getByTestId('search-result').first()).toBeVisible();
    },
  },
  customer: {
    name: 'customer',
    open: async (page, tenant) => {
      await page.goto(`/t/${tenant}/search?q=a`);
      await page.getByTestId('search-result').first().locator('a').first().click();
      await expect(page.getByTestId('customer-name')).toBeVisible();
      await expect(page.getByTestId('why-network')).toBeVisible();
      await expect(page.getByTestId('network-canvas')).toBeVisible();
    },
  },
  queue: {
    name: 'queue',
    open: async (page, tenant) => {
      await page.goto(`/t/${tenant}/queue`);
      await expect(page.getByTestId('queue-item').first()).toBeVisible();
    },
  },
  audit: {
    name: 'audit',
    open: async (page, tenant) => {
      await page.goto(`/t/${tenant}/audit`);
      await expect(page.getByTestId('chain-badge')).toBeVisible();
    },
  },
  overview: {
    name: 'overview',
    open: async (page, tenant) => {
      await page.goto(`/t/${tenant}/overview`);
      await expect(page.getByTestId('overview-kpis')).toBeVisible();
    },
  },
  access: {
    name: 'access',
    open: async (page, tenant) => {
      await page.goto(`/t/${tenant}/access`);
      await expect(page.getByTestId('access-user').first()).toBeVisible();
    },
  },
};

const ROLES: { who: DemoPerson; screens: (keyof typeof SCREENS)[] }[] = [
  { who: 'lead', screens: ['search', 'customer', 'queue', 'audit', 'overview'] },
  { who: 'analyst', screens: ['search', 'customer', 'queue'] },
  { who: 'merchant-acme-shop', screens: ['overview'] },
  { who: 'admin-acme-shop', screens: ['access'] },
];

for (const { who, screens } of ROLES) {
  test(`${who}: ${screens.join(', ')} have no serious or critical axe violation, light and dark`, async ({
    page,
  }, testInfo) => {
    test.setTimeout(180_000);
    await signInAs(page, who);
    await seeded(page);
    const tenant = tenantOf(page);
    const failures: string[] = [];
    for (const theme of ['light', 'dark'] as Theme[]) {
      // The system setting decides while the analyst has not chosen (shell/theme.ts).
      await page.emulateMedia({ colorScheme: theme });
      for (const key of screens) {
        const screen = SCREENS[key];
        await screen.open(page, tenant);
        expect(await shownTheme(page), `${screen.name} follows the system's ${theme} setting`).toBe(theme);
        await shoot(page, testInfo, `${who}-${screen.name}-${theme}`);
        for (const line of await axe(page)) failures.push(`${screen.name} (${theme}): ${line}`);
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
  });
}

test('the toolbar toggle switches to the dark theme, keeps it after a reload, and the dark screens pass axe', async ({
  page,
}, testInfo) => {
  await signInAs(page, 'analyst');
  await seeded(page);
  const tenant = tenantOf(page);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(`/t/${tenant}/search?q=a`);
  await expect(page.getByTestId('search-result').first()).toBeVisible();
  expect(await shownTheme(page)).toBe('light');

  const toggle = page.getByTestId('theme-toggle');
  await expect(toggle).toHaveAccessibleName('Switch to the dark theme');
  await toggle.click();
  await expect(page.locator('html')).toHaveClass(/rd-dark/);
  await expect(toggle).toHaveAccessibleName('Switch to the light theme');
  expect(await shownTheme(page)).toBe('dark');

  // Kept in this browser: a reload (the system still says light) comes back dark.
  await page.reload();
  await expect(page.getByTestId('search-result').first()).toBeVisible();
  await expect(page.locator('html')).toHaveClass(/rd-dark/);
  await shoot(page, testInfo, 'search-dark-chosen');
  expect(await axe(page)).toEqual([]);

  // Back to the system's setting from the user menu.
  await page.getByTestId('user-menu').click();
  await page.getByTestId('theme-system').click();
  await expect(page.locator('html')).not.toHaveClass(/rd-dark/);
  expect(await shownTheme(page)).toBe('light');
});
