// 报表: a report the timers (here: the operator's CLI) ran is listed for the judicial bureau,
// who downloads its Excel file — the very file the run recorded (its SHA-256). Market
// supervision has no 报表.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createUser, openBrowser, login, assertClean, cli, sql, menuNames } from './support.mjs'
import { settledShot } from './ui.mjs'

const { browser, page } = await openBrowser()
after(() => browser.close())

test('the judicial analyst finds a report run and downloads its XLSX', async () => {
  const r = cli(['report', 'run', 'unit_activity', '--from', '2025-01-01', '--to', '2025-01-31'])
  assert.equal(r.status, 0, r.stderr)
  const run = sql(`SELECT id FROM rq.report_runs WHERE report = 'unit_activity' ORDER BY id DESC LIMIT 1`)
  const sha = sql(`SELECT f->>'sha256' FROM rq.report_runs, jsonb_array_elements(files) f WHERE id = :'p1'::bigint AND f->>'format' = 'xlsx'`, run)

  const analyst = createUser('judicial_analyst')
  await login(page, analyst, '/admin/reports?report=unit_activity')
  const link = page.getByTestId(`report-download-${run}-xlsx`)
  await link.waitFor()
  assert.match(await page.getByTestId('report-runs').innerText(), /入企公务活动统计（按单位）[\s\S]*2025-01-01\s*至 2025-01-31[\s\S]*已完成/)
  await settledShot(page, 'reports')
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()])
  const file = await download.path()
  assert.equal(createHash('sha256').update(readFileSync(file)).digest('hex'), sha)
  assert.match(download.suggestedFilename(), /\.xlsx$/)
  assertClean(page)
  await page.context().clearCookies()
})

test('market supervision has no 报表', async () => {
  const ms = createUser('market_supervision')
  await login(page, ms)
  assert.ok(!(await menuNames(page)).includes('reports'))
  await page.context().clearCookies()
})
