// The ECharts build DreamSeed Admin serves: only the chart types and components
// the dashboard draws (the full bundle is 1 MB and costs ~0.4 s of main-thread
// time on each page load). It defines the global `echarts` that charming's WASM
// renderer calls. Add a chart type here before using it from Rust.
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, PieChart } from 'echarts/charts';
// No title, dataset or aria component: our charts are named and described by the
// page itself (aria-labelledby a summary), and their data is in their series.
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart, HeatmapChart, LineChart, PieChart,
  GridComponent, LegendComponent, TooltipComponent, VisualMapComponent,
  CanvasRenderer,
]);

globalThis.echarts = echarts;
