// End-to-end journeys in Debian's Chromium against the real BFF serving the built dashboard,
// on embedded stores in a throw-away data folder (PGlite, SQLite, the graph engine).
import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const port = Number(process.env.E2E_PORT ?? 8181);
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'redoubt-e2e-'));

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  },
  webServer: {
    // node directly (not npm) so Playwright's stop reaches the server itself.
    command: 'node apps/bff/src/server.ts',
    cwd: '..',
    url: `http://127.0.0.1:${port}/api/health/ready`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(port),
      REDOUBT_DATA_DIR: dataDir,
      DEMO_CUSTOMERS: '1000',
      DEMO_TRICKLE: 'false',
      LOG_LEVEL: 'warn',
    },
  },
});
