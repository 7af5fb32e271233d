// What the pages' ECharts options share, apart from ECharts itself (charts.js), which
// ChartCard loads only when it draws: a page's own code does not wait for the library.
// Tooltips are drawn on the canvas (renderMode 'richText'): HTML tooltips carry inline
// style attributes, which the portal's CSP refuses.
export const tooltip = (trigger = 'axis') => ({ trigger, renderMode: 'richText' })
