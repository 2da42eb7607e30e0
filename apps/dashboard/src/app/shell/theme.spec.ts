import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { provideRouter } from '@angular/router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Shell } from './shell';
import { THEME_KEY, Theme, applyTheme, storedTheme } from './theme';

/** A prefers-color-scheme query whose answer the test changes. */
function systemScheme(dark: boolean) {
  const listeners = new Set<(e: MediaQueryListEvent) => void>();
  const query = {
    matches: dark,
    addEventListener: (_: string, l: (e: MediaQueryListEvent) => void) => listeners.add(l),
    removeEventListener: (_: string, l: (e: MediaQueryListEvent) => void) => listeners.delete(l),
  };
  vi.stubGlobal('matchMedia', () => query);
  return {
    change(next: boolean) {
      query.matches = next;
      for (const l of listeners) l({ matches: next } as MediaQueryListEvent);
    },
  };
}

const root = () => document.documentElement;

describe('theme', () => {
  beforeEach(() => {
    localStorage.clear();
    applyTheme('system');
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    localStorage.clear();
    applyTheme('system');
  });

  it('reads the stored choice; anything else, or storage that throws, is the system setting', () => {
    expect(storedTheme({ getItem: () => 'dark' })).toBe('dark');
    expect(storedTheme({ getItem: () => 'light' })).toBe('light');
    expect(storedTheme({ getItem: () => 'purple' })).toBe('system');
    expect(storedTheme({ getItem: () => null })).toBe('system');
    expect(
      storedTheme({
        getItem: () => {
          throw new Error('denied');
        },
      }),
    ).toBe('system');
  });

  it('follows the system until a choice is made, then keeps the choice in this browser', () => {
    const system = systemScheme(true);
    const theme = TestBed.inject(Theme);
    TestBed.tick();
    expect(theme.choice()).toBe('system');
    expect(theme.dark()).toBe(true);
    expect(root().classList.contains('rd-dark')).toBe(false);
    expect(root().classList.contains('rd-light')).toBe(false);

    system.change(false);
    expect(theme.dark()).toBe(false);

    theme.toggle();
    TestBed.tick();
    expect(theme.dark()).toBe(true);
    expect(localStorage.getItem(THEME_KEY)).toBe('dark');
    expect(root().classList.contains('rd-dark')).toBe(true);

    theme.toggle();
    TestBed.tick();
    expect(localStorage.getItem(THEME_KEY)).toBe('light');
    expect(root().classList.contains('rd-light')).toBe(true);
    expect(root().classList.contains('rd-dark')).toBe(false);
    // The system turning dark no longer matters once the analyst chose.
    system.change(true);
    expect(theme.dark()).toBe(false);

    theme.set('system');
    TestBed.tick();
    expect(localStorage.getItem(THEME_KEY)).toBeNull();
    expect(root().className).not.toMatch(/rd-(light|dark)/);
    expect(theme.dark()).toBe(true);
  });

  it('a new page load starts from the stored choice', () => {
    systemScheme(false);
    localStorage.setItem(THEME_KEY, 'dark');
    const theme = TestBed.inject(Theme);
    TestBed.tick();
    expect(theme.choice()).toBe('dark');
    expect(root().classList.contains('rd-dark')).toBe(true);
  });

  it('the shell toolbar has a toggle that names what it does and switches the theme', async () => {
    systemScheme(false);
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()],
    });
    const fixture = TestBed.createComponent(Shell);
    await fixture.whenStable();
    const button = () => fixture.nativeElement.querySelector('[data-testid="theme-toggle"]') as HTMLButtonElement;
    expect(button().getAttribute('aria-label')).toBe('Switch to the dark theme');
    expect(button().textContent?.trim()).toBe('dark_mode');

    button().click();
    await fixture.whenStable();
    expect(root().classList.contains('rd-dark')).toBe(true);
    expect(localStorage.getItem(THEME_KEY)).toBe('dark');
    expect(button().getAttribute('aria-label')).toBe('Switch to the light theme');
    expect(button().textContent?.trim()).toBe('light_mode');
  });
});
