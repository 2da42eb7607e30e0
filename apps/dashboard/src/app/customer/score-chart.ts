import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { NgxEchartsDirective, provideEchartsCore } from 'ngx-echarts';
import type { EChartsCoreOption } from 'echarts/core';
import type { CustomerProfile } from '@redoubt/contracts/api';
import { LIGHT_COLOURS, injectThemeColours, themedChart } from '../shell/theme-colours';
import type { ThemeColours } from '../shell/theme-colours';

type ScorePoint = CustomerProfile['scores'][number];

/** ECharts options for a score history: points coloured by the action each score led to, in the theme's colours. */
export function scoreChartOptions(scores: readonly ScorePoint[], c: ThemeColours = LIGHT_COLOURS): EChartsCoreOption {
  const points = [...scores].sort((a, b) => a.at.localeCompare(b.at));
  const actionColour = { ALLOW: c.allow, REVIEW: c.review, PREVENT: c.prevent };
  return themedChart(
    {
      animation: false,
      grid: { left: 40, right: 16, top: 16, bottom: 28 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'time', axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', min: 0, max: (v: { max: number }) => Math.max(100, Math.ceil(v.max)) },
      series: [
        {
          type: 'line',
          name: 'Score',
          showSymbol: true,
          symbolSize: 7,
          lineStyle: { color: c.neutral },
          data: points.map((p) => ({
            value: [p.at, p.score],
            itemStyle: { color: actionColour[p.action] },
          })),
        },
      ],
    },
    c,
  );
}

/** A small line chart of a customer's score over time. */
@Component({
  selector: 'rd-score-chart',
  imports: [NgxEchartsDirective],
  providers: [provideEchartsCore({ echarts: () => import('./echarts-setup').then((m) => m.echarts) })],
  template: `
    @if (scores().length === 0) {
      <p class="empty">No scores recorded yet.</p>
    } @else {
      <div echarts class="chart" data-testid="score-chart" [options]="options()"></div>
    }
  `,
  styles: `
    .chart {
      height: 200px;
    }
    .empty {
      color: var(--mat-sys-on-surface-variant);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ScoreChart {
  readonly scores = input.required<readonly ScorePoint[]>();
  private readonly colours = injectThemeColours();
  protected readonly options = computed(() => scoreChartOptions(this.scores(), this.colours()));
}
