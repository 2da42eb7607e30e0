// Only the ECharts parts the dashboard draws, so the chart chunk stays small (the full build is
// ~1 MB). Loaded lazily by ngx-echarts the first time a chart appears.
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, GridComponent, TooltipComponent, CanvasRenderer]);

export { echarts };
