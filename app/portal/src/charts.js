// ECharts, only the parts the portal draws (tree-shaken), on canvas. Tooltips are drawn on
// the canvas too (renderMode 'richText'): HTML tooltips carry inline style attributes,
// which the portal's CSP refuses.
import * as echarts from 'echarts/core'
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { GridComponent, TooltipComponent, LegendComponent, DatasetComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, LineChart, PieChart, GridComponent, TooltipComponent, LegendComponent, DatasetComponent, CanvasRenderer])

export { echarts }

export const tooltip = (trigger = 'axis') => ({ trigger, renderMode: 'richText' })
