// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import angular from 'angular-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.angular/**',
      'data/**',
      'tmp/**',
      'test-results/**',
      'playwright-report/**',
      'coverage/**',
    ],
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A nested test never runs as intended; a focused one silences the rest of the suite.
      'no-restricted-properties': [
        'error',
        { object: 'it', property: 'only', message: 'No focused tests' },
        { object: 'test', property: 'only', message: 'No focused tests' },
        { object: 'describe', property: 'only', message: 'No focused tests' },
      ],
    },
  },
  {
    // The BFF's layering (README, Architecture): routes, adapters, services and views reach plugins
    // only through the decorators those declare (app.profiles, …), and production code never
    // imports the embedded demo (apps/bff/src/demo/, loaded by app.ts in demo mode only).
    files: ['apps/bff/src/{routes,adapters,services,views,ports,domain}/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/plugins/**'],
              allowTypeImports: true,
              message: 'Read the service from its decorator (app.…)',
            },
            { group: ['**/demo/**'], message: 'Production code never imports the demo' },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/bff/src/*.ts', 'apps/bff/src/{plugins,cli,db,schemas}/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/demo/**'], message: 'Production code never imports the demo' }] },
      ],
    },
  },
  {
    files: ['apps/dashboard/**/*.ts'],
    extends: [...angular.configs.tsRecommended],
    languageOptions: { globals: { ...globals.browser } },
    processor: angular.processInlineTemplates,
    rules: {
      '@angular-eslint/directive-selector': ['error', { type: 'attribute', prefix: 'rd', style: 'camelCase' }],
      '@angular-eslint/component-selector': ['error', { type: 'element', prefix: 'rd', style: 'kebab-case' }],
    },
  },
  {
    files: ['apps/dashboard/**/*.html'],
    extends: [...angular.configs.templateRecommended, ...angular.configs.templateAccessibility],
  },
  {
    files: ['**/*.{js,mjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
  },
);
