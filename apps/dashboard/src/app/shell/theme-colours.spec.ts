import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIGHT_COLOURS, THEME_TOKENS, injectThemeColours, readThemeColours, themedChart } from './theme-colours';
import { DARK } from './theme-colours.testing';
import { Theme, applyTheme } from './theme';
import { scoreChartOptions } from '../customer/score-chart';

const root = () => document.documentElement;

@Component({
  selector: 'rd-colours-host',
  template: '',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
class ColoursHost {
  readonly colours = injectThemeColours();
}

describe('theme colours', () => {
  beforeEach(() => applyTheme('system'));
  afterEach(() => {
    for (const token of Object.values(THEME_TOKENS)) root().style.removeProperty(token);
    applyTheme('system');
    localStorage.clear();
  });

  it('reads each token from the page as a colour, and keeps the light value where a token is missing', () => {
    root().style.setProperty('--rd-prevent', '#ff8a80');
    root().style.setProperty('--mat-sys-on-surface', 'rgb(227, 226, 230)');
    const colours = readThemeColours(root());
    expect(colours.prevent).toBe('rgb(255, 138, 128)');
    expect(colours.text).toBe('rgb(227, 226, 230)');
    expect(colours.allow).toBe(LIGHT_COLOURS.allow);
    // The probe element is gone again.
    expect(root().querySelectorAll(':scope > span')).toHaveLength(0);
  });

  it('reads them again when the theme changes', () => {
    const fixture = TestBed.createComponent(ColoursHost);
    root().style.setProperty('--rd-prevent', '#c62828');
    expect(fixture.componentInstance.colours().prevent).toBe('rgb(198, 40, 40)');
    // What the dark theme's light-dark() pairs resolve to, then the switch.
    root().style.setProperty('--rd-prevent', '#ff8a80');
    TestBed.inject(Theme).set('dark');
    TestBed.tick();
    expect(root().classList.contains('rd-dark')).toBe(true);
    expect(fixture.componentInstance.colours().prevent).toBe('rgb(255, 138, 128)');
  });

  it('draws text, axes, legend and tooltip in the theme colours, and the series from the same palette', () => {
    const chart: Record<string, unknown> = themedChart(
      { xAxis: { type: 'time' }, yAxis: [{ type: 'value' }, { type: 'value' }], legend: { top: 0 }, tooltip: {} },
      DARK,
    );
    expect(chart).toMatchObject({
      textStyle: { color: DARK.text },
      xAxis: { type: 'time', axisLabel: { color: DARK.mutedText } },
      yAxis: [{ type: 'value' }, { axisLine: { lineStyle: { color: DARK.line } } }],
      legend: { top: 0, textStyle: { color: DARK.text } },
      tooltip: { backgroundColor: DARK.surface, textStyle: { color: DARK.text } },
    });

    const score = scoreChartOptions(
      [
        { at: '2026-10-01T00:00:00.000Z', score: 90, action: 'PREVENT' },
        { at: '2026-10-02T00:00:00.000Z', score: 10, action: 'ALLOW' },
      ],
      DARK,
    );
    expect(score).toMatchObject({
      textStyle: { color: DARK.text },
      series: [
        {
          lineStyle: { color: DARK.neutral },
          data: [{ itemStyle: { color: DARK.prevent } }, { itemStyle: { color: DARK.allow } }],
        },
      ],
    });
  });
});
