// Colours for what draws on a canvas (ECharts here; cytoscape can use the same reader): a canvas
// cannot use CSS variables, so the theme's tokens are resolved when a chart is rendered, and read
// again when the theme changes (Theme.dark()). The tokens are light-dark() pairs (styles.scss), so
// the same token gives the colour with AA contrast on the surface of the theme on screen.
import { ElementRef, computed, inject } from '@angular/core';
import type { Signal } from '@angular/core';
import { Theme } from './theme';

/** What a chart draws with, and the CSS custom property each comes from. */
export const THEME_TOKENS = {
  allow: '--rd-allow',
  review: '--rd-review',
  prevent: '--rd-prevent',
  neutral: '--rd-neutral',
  primary: '--mat-sys-primary',
  tertiary: '--mat-sys-tertiary',
  text: '--mat-sys-on-surface',
  mutedText: '--mat-sys-on-surface-variant',
  line: '--mat-sys-outline-variant',
  surface: '--mat-sys-surface-container-high',
} as const;

export type ThemeColours = Record<keyof typeof THEME_TOKENS, string>;

/** The light theme's values: used where a token cannot be read (no style sheet, as in unit tests). */
export const LIGHT_COLOURS: ThemeColours = {
  allow: '#2e7d32',
  review: '#a84300',
  prevent: '#c62828',
  neutral: '#546e7a',
  primary: '#005cbb',
  tertiary: '#8b5000',
  text: '#1a1b1f',
  mutedText: '#44474e',
  line: '#c4c6d0',
  surface: '#e9e7eb',
};

/**
 * The tokens as colours a canvas accepts, for the theme on screen at `host` (its color-scheme
 * decides each light-dark() pair). A probe element resolves each token through `color`.
 */
export function readThemeColours(host: Element = document.documentElement): ThemeColours {
  const doc = host.ownerDocument;
  const view = doc.defaultView;
  if (!view) return { ...LIGHT_COLOURS };
  const declared = view.getComputedStyle(host);
  const probe = doc.createElement('span');
  probe.style.display = 'none';
  host.appendChild(probe);
  try {
    const colours = { ...LIGHT_COLOURS };
    for (const [name, token] of Object.entries(THEME_TOKENS) as [keyof ThemeColours, string][]) {
      const value = declared.getPropertyValue(token).trim();
      if (!value) continue;
      probe.style.color = '';
      probe.style.color = value;
      const resolved = view.getComputedStyle(probe).color;
      // A value the engine cannot resolve (no light-dark() support) keeps the light one.
      colours[name] = probe.style.color && resolved ? resolved : colours[name];
    }
    return colours;
  } finally {
    probe.remove();
  }
}

type Axis = Record<string, unknown>;
const axisTheme =
  (c: ThemeColours) =>
  (axis: Axis): Axis => ({
    ...axis,
    axisLabel: { ...(axis['axisLabel'] as object), color: c.mutedText },
    axisLine: { lineStyle: { color: c.line } },
    splitLine: { lineStyle: { color: c.line } },
    nameTextStyle: { color: c.mutedText },
  });

/**
 * ECharts options drawn in the theme's colours: text, axes, grid lines, legend and tooltip (the
 * series set their own colours from the same palette). ECharts' defaults are dark grey text,
 * unreadable on the dark theme's surface.
 */
export function themedChart<T extends Record<string, unknown>>(option: T, c: ThemeColours): T {
  const axes = (value: unknown) =>
    value === undefined ? undefined : Array.isArray(value) ? value.map(axisTheme(c)) : axisTheme(c)(value as Axis);
  const xAxis = axes(option['xAxis']);
  const yAxis = axes(option['yAxis']);
  return {
    ...option,
    textStyle: { color: c.text },
    ...(xAxis && { xAxis }),
    ...(yAxis && { yAxis }),
    ...(option['legend'] !== undefined && {
      legend: { ...(option['legend'] as object), textStyle: { color: c.text }, pageTextStyle: { color: c.text } },
    }),
    ...(option['tooltip'] !== undefined && {
      tooltip: {
        ...(option['tooltip'] as object),
        backgroundColor: c.surface,
        borderColor: c.line,
        textStyle: { color: c.text },
      },
    }),
  };
}

/** For a component that draws: the theme's colours at its host, read again when the theme changes. */
export function injectThemeColours(): Signal<ThemeColours> {
  const theme = inject(Theme);
  const host = inject<ElementRef<Element>>(ElementRef).nativeElement;
  return computed(() => {
    // Theme's effect has set the <html> class before views refresh, so the tokens are the new theme's.
    theme.dark();
    return readThemeColours(host);
  });
}
