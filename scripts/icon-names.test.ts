import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dashboardIconNames, iconNamesIn } from './icon-names.ts';

test('icon names are read from mat-icon text, interpolations, icon attributes and icon lines', () => {
  const names = iconNamesIn(`
    <mat-icon>search</mat-icon>
    <mat-icon aria-hidden="true">{{ dark() ? 'light_mode' : 'dark_mode' }}</mat-icon>
    <rd-empty-state icon="person_off" headline="x" />
    { value: 'order', text: 'Orders', icon: 'shopping_cart' },
    readonly icon = input('info');
    <p>{{ 'plain' }}</p>
  `);
  assert.deepEqual([...names].sort(), [
    'dark_mode',
    'info',
    'light_mode',
    'order',
    'person_off',
    'search',
    'shopping_cart',
  ]);
});

test('every icon the dashboard names is in the committed font subset (else run python3 scripts/subset-icons.py)', () => {
  const subset = JSON.parse(readFileSync(new URL('../apps/dashboard/src/icons.json', import.meta.url), 'utf8')) as {
    icons: string[];
    notIcons: string[];
  };
  const judged = new Set([...subset.icons, ...subset.notIcons]);
  assert.deepEqual(
    dashboardIconNames().filter((name) => !judged.has(name)),
    [],
  );
});
