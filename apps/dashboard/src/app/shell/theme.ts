import { DestroyRef, Injectable, computed, effect, inject, signal } from '@angular/core';

/** The analyst's theme: the system setting (prefers-color-scheme) unless they chose one. */
export type ThemeChoice = 'system' | 'light' | 'dark';

/** Where the choice is kept (this browser only; nothing is sent to the server). */
export const THEME_KEY = 'rd-theme';

/** The stored choice; 'system' when none, unreadable storage, or an unknown value. */
export function storedTheme(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): ThemeChoice {
  try {
    const value = storage?.getItem(THEME_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

/**
 * styles.scss makes every colour token light-dark(): `rd-light` / `rd-dark` on <html> pin the
 * color-scheme; neither follows the system. main.ts calls this before bootstrap so a stored
 * choice paints from the first frame.
 */
export function applyTheme(choice: ThemeChoice, root: HTMLElement = document.documentElement): void {
  root.classList.toggle('rd-light', choice === 'light');
  root.classList.toggle('rd-dark', choice === 'dark');
}

@Injectable({ providedIn: 'root' })
export class Theme {
  private readonly media = globalThis.matchMedia?.('(prefers-color-scheme: dark)');
  private readonly systemDark = signal(this.media?.matches ?? false);

  readonly choice = signal<ThemeChoice>(storedTheme());
  /** True when the dark theme is on screen (chosen, or the system's). */
  readonly dark = computed(() => {
    const choice = this.choice();
    return choice === 'dark' || (choice === 'system' && this.systemDark());
  });

  constructor() {
    const follow = (e: MediaQueryListEvent) => this.systemDark.set(e.matches);
    this.media?.addEventListener('change', follow);
    inject(DestroyRef).onDestroy(() => this.media?.removeEventListener('change', follow));
    effect(() => applyTheme(this.choice()));
  }

  /** Keep a choice ('system' forgets it) in this browser. */
  set(choice: ThemeChoice): void {
    this.choice.set(choice);
    try {
      if (choice === 'system') globalThis.localStorage?.removeItem(THEME_KEY);
      else globalThis.localStorage?.setItem(THEME_KEY, choice);
    } catch {
      // Storage refused (private mode, quota): the choice lasts for this page load.
    }
  }

  /** The toolbar's toggle: the other theme than the one on screen, kept. */
  toggle(): void {
    this.set(this.dark() ? 'light' : 'dark');
  }
}
