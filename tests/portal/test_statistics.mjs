// 统计分析 and 报表's lists: the city admin reads a unit's figures (filters kept in the URL),
// each chart as a table and as a CSV file; a unit admin sees only its unit's; market
// supervision has no 统计分析 (the menu hides it, its URL is the 403 page, the API refuses).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { BASE, createUser, openBrowser, login, menuNames, assertClean, portalApi, sql } from './support.mjs'
import { scene, visit } from './seed.mjs'
import { settledShot } from './ui.mjs'

async function as(user, path) {
  const o = await openBrowser()
  await login(o.page, user, path)
  return o
}

const figure = (page, k) => page.locator(`[data-figure=${k}] .value`).innerText()

test('统计分析: the city admin reads one unit’s figures, charts as tables, a CSV download', async () => {
  const county = '411524'
  const s = await scene({ county, visits: 2 })
  await visit(s.off, s.ent, { far: true })
  const u = createUser('city_admin')
  const o = await as(u, '/admin/statistics')
  await o.page.getByTestId('stats-ready').waitFor({ state: 'attached' })
  // the unit chosen in the filter bar goes into the URL
  await o.page.locator('[data-test=stats-unit]').first().click()
  const unitName = sql("SELECT name FROM rq.units WHERE id = :'p1'", s.unit)
  await o.page.locator('.el-select-dropdown__item:visible').filter({ hasText: unitName }).first().click()
  await o.page.getByTestId('stats-search').click()
  await o.page.waitForURL(new RegExp(`unit_id=${s.unit}`))
  await o.page.waitForFunction(() => document.querySelector('[data-figure=visits] .value')?.textContent.trim() === '3')
  assert.equal(await figure(o.page, 'visits'), '3')
  // the hot spots name the enterprise; the flags count the far-away registration
  await o.page.getByTestId('chart-table-stats-hot-enterprises').click()
  assert.match(await o.page.locator('[data-chart=stats-hot-enterprises] .el-table').innerText(), new RegExp(`${s.ent.name}\\s+3\\b`))
  await o.page.getByTestId('chart-table-stats-flags').click()
  assert.match(await o.page.locator('[data-chart=stats-flags] .el-table').innerText(), /定位距企业较远\s+1\b/)
  const dl = o.page.waitForEvent('download')
  await o.page.getByTestId('chart-download-stats-visits').click()
  const file = await dl
  assert.equal(file.suggestedFilename(), '入企次数（按单位）.csv')
  const csv = readFileSync(await file.path(), 'utf8')
  assert.match(csv, new RegExp(`^\\ufeff名称,入企次数,参观访问,调研帮扶,执法检查,牵头联合检查,参与联合检查\\r\\n${unitName},3,3,0,0,0,0\\r\\n`))
  // a shared link opens the same view
  const again = await o.browser.newContext({ storageState: await o.context.storageState(), viewport: { width: 1366, height: 768 }, ignoreHTTPSErrors: true })
  const p2 = await again.newPage()
  await p2.goto(o.page.url())
  await p2.waitForFunction(() => document.querySelector('[data-figure=visits] .value')?.textContent.trim() === '3')
  await o.page.getByTestId('chart-table-stats-flags').click() // back to the chart
  await settledShot(o.page, 'statistics')
  assertClean(o.page)
  await o.browser.close()
})

test('统计分析: a unit admin sees its unit only; market supervision has no 统计分析 and is refused', async () => {
  const s = await scene({ county: '411525', visits: 1 })
  const ua = createUser('unit_admin', { unit: s.unit })
  const o = await as(ua, '/admin/statistics')
  assert.ok((await menuNames(o.page)).includes('statistics'))
  await o.page.getByTestId('stats-ready').waitFor({ state: 'attached' })
  assert.equal(await figure(o.page, 'visits'), '1')
  assert.equal(await o.page.locator('[data-test=stats-unit]').count(), 0) // no unit to choose
  assertClean(o.page)
  await o.browser.close()

  const ms = createUser('market_supervision')
  const m = await as(ms, '/admin/statistics')
  assert.ok(!(await menuNames(m.page)).includes('statistics'))
  await m.page.getByTestId('forbidden').waitFor()
  const api = await portalApi(ms)
  const r = await api.call('GET', '/api/v1/reporting/statistics/visits')
  assert.equal(r.status, 403)
  assert.ok(r.json.detail)
  assertClean(m.page)
  await m.browser.close()
})

test('报表: 通报表扬 states its rule, 问责名单 lists what the API lists; both download', async () => {
  const analyst = createUser('judicial_analyst')
  const o = await as(analyst, '/admin/reports?tab=praise')
  await o.page.getByTestId('praise-rule').waitFor()
  const min = sql("SELECT rq.policy_value('praise_rated_min')")
  assert.match(await o.page.getByTestId('praise-rule').innerText(), new RegExp(`不少于 ${min} 条`))
  await o.page.getByRole('tab', { name: '问责名单' }).click()
  await o.page.waitForURL(/tab=accountability/)
  const api = await portalApi(analyst)
  const year = new Date().toISOString().slice(0, 4)
  const r = await api.call('GET', `/api/v1/reporting/statistics/accountability?from=${year}-01-01`, { expect: 200 })
  await o.page.locator('[data-test=accountability]').waitFor()
  await o.page.waitForFunction(() => !document.querySelector('[data-test=accountability] .el-loading-mask'))
  assert.equal(await o.page.locator('[data-test=accountability] .el-table__row').count(), r.json.items.length)
  await settledShot(o.page, 'reports-accountability')
  assertClean(o.page)
  await o.browser.close()
})
