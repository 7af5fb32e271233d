// Each page doing its main job as the role that does it, with a screenshot of each.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BASE, cli, sql, createUser, createUnit, openBrowser, login, shot, assertClean, confirmBox, eventually } from './support.mjs'
import { enterprise, scene, claimRequest, manager, registerCsv, uscc, visit, official } from './seed.mjs'
import { bearerCall } from './support.mjs'

// one browser per test: a clean cookie jar for each role
async function as(user, path) {
  const o = await openBrowser()
  await login(o.page, user, path)
  return o
}

test('首页: the county admin sees its to-do counts and the charts as tables; first load measured', async () => {
  const county = '411522'
  const s = await scene({ county, visits: 2 })
  await visit(s.off, s.ent, { type: 'inspection' }).catch(() => {})
  await enterprise({ county, verified: false })
  await claimRequest(await enterprise({ county }))
  const u = createUser('county_admin', { county })
  const o = await as(u)
  await o.page.getByTestId('dashboard-ready').waitFor({ state: 'attached' })
  const count = (k) => o.page.locator(`[data-todo=${k}] .todo-count`).innerText()
  // what the county has waiting (the shared stack may hold earlier tests' rows too)
  assert.equal(await count('claims'), sql("SELECT count(*) FROM rq.claim_requests c JOIN rq.enterprises e ON e.id = c.enterprise_id WHERE c.status = 'pending' AND e.county_code = :'p1'", county))
  assert.equal(await count('names'), sql("SELECT count(*) FROM rq.enterprises WHERE NOT name_verified AND in_scope AND business_status = 'normal' AND county_code = :'p1'", county))
  assert.notEqual(await count('names'), '0')
  await o.page.getByTestId('chart-table-visits-by-type').click()
  const table = await o.page.locator('[data-chart=visits-by-type] .el-table').innerText()
  const visits = sql("SELECT count(*) FROM rq.visits v JOIN rq.enterprises e ON e.id = v.enterprise_id WHERE e.county_code = :'p1' AND v.activity_type = 'visit' AND v.withdrawn_at IS NULL AND v.entered_at >= date_trunc('month', now())", county)
  assert.notEqual(visits, '0')
  assert.match(table, new RegExp(`参观访问\\s+${visits}\\b`))
  await o.page.getByTestId('chart-table-visits-by-type').click() // back to the chart
  const dl = o.page.waitForEvent('download')
  await o.page.getByTestId('chart-download-visits-by-type').click()
  assert.equal((await dl).suggestedFilename(), '本月入企（按类型）.csv')
  await shot(o.page, 'dashboard-county-admin')

  // first load: a new browser profile (nothing cached) with the session, to the dashboard's data
  const state = await o.context.storageState()
  const cold = await o.browser.newContext({ storageState: state, viewport: { width: 1366, height: 768 }, ignoreHTTPSErrors: true })
  const p2 = await cold.newPage()
  const t0 = Date.now()
  await p2.goto(BASE + '/admin/')
  await p2.getByTestId('dashboard-ready').waitFor({ state: 'attached' })
  const ms = Date.now() - t0
  const nav = await p2.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0]
    const js = performance.getEntriesByType('resource').filter((r) => r.name.endsWith('.js'))
    return { dcl: Math.round(n.domContentLoadedEventEnd), js: js.length, bytes: js.reduce((s, r) => s + r.transferSize, 0) }
  })
  console.log(`first load of the dashboard: ${ms} ms to its data (DOMContentLoaded ${nav.dcl} ms, ${nav.js} scripts, ${nav.bytes} bytes over the wire)`)
  assertClean(o.page)
  await o.browser.close()
})

test('企业: the county admin verifies two names at once', async () => {
  const county = '411523'
  const a = await enterprise({ county, verified: false })
  const b = await enterprise({ county, verified: false })
  const u = createUser('county_admin', { county })
  const o = await as(u, '/admin/enterprises?verified=false')
  await o.page.locator('[data-test=enterprises] .el-table__row', { hasText: a.name }).waitFor()
  await shot(o.page, 'enterprises-to-verify')
  for (const e of [a, b]) await o.page.locator('[data-test=enterprises] .el-table__row', { hasText: e.name }).locator('.el-checkbox').click()
  await o.page.getByTestId('bulk-verify').click()
  await confirmBox(o.page)
  await eventually(() => sql("SELECT count(*) FROM rq.enterprises WHERE id IN (:'p1', :'p2') AND name_verified", a.id, b.id) === '2', 'both verified')
  // the audit trail names the county admin
  assert.equal(sql("SELECT count(*) FROM audit.log l JOIN rq.admin_users u ON l.actor_id = u.id::text WHERE u.username = :'p1' AND l.table_name = 'rq.enterprises' AND l.row_pk IN (:'p2', :'p3')", u.username, a.id, b.id), '2')
  // the detail: codes, managers, visits
  await o.page.goto(`${BASE}/admin/enterprises/${a.id}`)
  await o.page.getByTestId('visit-counts').waitFor()
  assert.equal(await o.page.getByTestId('enterprise-name').innerText(), a.name)
  await shot(o.page, 'enterprise-detail')
  assertClean(o.page)
  await o.browser.close()
})

test('企业: market supervision imports the register, dry run first, with the per-row report', async () => {
  const good = [{ uscc: uscc('411524'), name: '导入测试一有限公司', county: '411524' }, { uscc: uscc('411524'), name: '导入测试二有限公司', county: '411524' }]
  const csv = registerCsv(good) + '91411524XXXXXXXXX0,坏行有限公司,张三,411524,存续,,\n'
  const file = join(mkdtempSync(join(tmpdir(), 'portal-import-')), 'register.csv')
  writeFileSync(file, csv)
  const u = createUser('market_supervision')
  const o = await as(u, '/admin/enterprises/import')
  await o.page.getByTestId('import-file').setInputFiles(file)
  await o.page.getByTestId('dry-run').click()
  await o.page.getByTestId('import-report').waitFor()
  assert.match(await o.page.getByTestId('import-report').innerText(), /检查完成（未导入）：共 3 行/)
  assert.match(await o.page.getByTestId('rejected').innerText(), /4\s+uscc/)
  const inDb = () => sql("SELECT count(*) FROM rq.enterprises WHERE uscc IN (:'p1', :'p2')", good[0].uscc, good[1].uscc)
  assert.equal(inDb(), '0') // a dry run writes nothing
  await shot(o.page, 'enterprise-import-dry-run')
  await o.page.getByTestId('do-import').click()
  await confirmBox(o.page)
  await o.page.getByTestId('import-report').filter({ hasText: '导入完成' }).waitFor()
  assert.equal(inDb(), '2')
  assertClean(o.page)
  await o.browser.close()
})

test('赋码: market supervision reissues a code with a reason and prints the county', async () => {
  const county = '411525'
  const e = await enterprise({ county })
  const serial = sql("SELECT serial FROM rq.codes WHERE enterprise_id = :'p1' AND status = 'active'", e.id)
  const u = createUser('market_supervision')
  const o = await as(u, `/admin/codes?county=${county}`)
  await o.page.getByTestId(`reissue-${serial}`).click()
  await confirmBox(o.page, '海报被雨淋坏')
  await eventually(() => sql("SELECT revoke_reason FROM rq.codes WHERE serial = :'p1'", serial) === '海报被雨淋坏', 'old code revoked with the reason')
  assert.equal(sql("SELECT count(*) FROM rq.codes WHERE enterprise_id = :'p1' AND status = 'active'", e.id), '1')

  await o.page.locator('[data-test=print-county]').click()
  await o.page.locator('.el-select-dropdown__item:visible', { hasText: '固始县' }).click()
  await o.page.getByTestId('queue-print').click()
  await confirmBox(o.page)
  const job = await eventually(() => sql("SELECT id FROM rq.print_jobs WHERE county_code = :'p1' ORDER BY id DESC LIMIT 1", county), 'a job queued')
  const run = cli(['codes', 'print-jobs', 'run', '--once'])
  assert.equal(run.status, 0, run.stderr)
  await o.page.getByTestId(`job-done-${job}`).waitFor({ timeout: 20000 })
  await shot(o.page, 'codes-print-done')
  const dl = o.page.waitForEvent('download')
  await o.page.getByTestId(`download-${job}`).click()
  assert.match((await dl).suggestedFilename(), /\.zip$/)
  assertClean(o.page)
  await o.browser.close()
})

test('认证申请: the county admin approves one claim and rejects another with a reason', async () => {
  const county = '411526'
  const a = await enterprise({ county })
  const b = await enterprise({ county })
  await claimRequest(a, '钱通过')
  await claimRequest(b, '孙驳回')
  const ids = [a, b].map((e) => sql("SELECT id FROM rq.claim_requests WHERE enterprise_id = :'p1'", e.id))
  const u = createUser('county_admin', { county })
  const o = await as(u, '/admin/claims')
  await o.page.getByTestId(`approve-${ids[0]}`).waitFor()
  await shot(o.page, 'claims')
  await o.page.getByTestId(`approve-${ids[0]}`).click()
  await confirmBox(o.page)
  await o.page.getByTestId(`reject-${ids[1]}`).click()
  await confirmBox(o.page, '申请人不是企业工作人员')
  await eventually(() => sql("SELECT string_agg(status || ':' || coalesce(reason, ''), ',' ORDER BY id) FROM rq.claim_requests WHERE id IN (:'p1', :'p2')", ids[0], ids[1]) === 'approved:,rejected:申请人不是企业工作人员', 'decided')
  assertClean(o.page)
  await o.browser.close()
})

test('入企人员: the unit admin verifies a new official of the unit', async () => {
  const unit = await createUnit('411527')
  const off = await official(unit, { verified: false, name: '周待核' })
  const u = createUser('unit_admin', { unit })
  const o = await as(u, '/admin/officials?verified=false')
  await o.page.getByTestId(`verify-${off.id}`).click()
  await confirmBox(o.page)
  await eventually(() => sql("SELECT verified FROM rq.official_profiles WHERE account_id = :'p1'", off.id) === 't', 'verified')
  await o.page.goto(`${BASE}/admin/officials/${off.id}`)
  await o.page.getByTestId('official-history').waitFor()
  await shot(o.page, 'official-detail')
  assertClean(o.page)
  await o.browser.close()
})

test('入企记录: the discipline inspector finds an inspection and reads it in full', async () => {
  const s = await scene({ county: '411528', visits: 0 })
  const id = await visit(s.off, s.ent, { type: 'inspection', matter: '安全生产检查' })
  const m = await manager(s.ent)
  await bearerCall(s.off.bearer, 'PATCH', `/api/v1/registration/visits/${id}`, { json: { matter: '安全生产专项检查' }, expect: 200 })
  await bearerCall(m, 'POST', `/api/v1/evaluation/visits/${id}/confirm`, { json: {}, expect: 200 })
  await bearerCall(m, 'POST', `/api/v1/evaluation/visits/${id}/rating`, { json: { value: 'satisfied' }, expect: 201 })
  const u = createUser('discipline_inspector')
  const o = await as(u, '/admin/visits?activity_type=inspection')
  const row = o.page.locator('[data-test=visits] .el-table__row', { hasText: s.ent.name })
  await row.waitFor()
  await shot(o.page, 'visits')
  await row.locator('a').first().click()
  await o.page.getByTestId('visit-distance').waitFor()
  assert.match(await o.page.getByTestId('visit-distance').innerText(), /距企业登记位置约 100 米/)
  assert.match(await o.page.getByTestId('filings').innerText(), /事前报备[\s\S]*派驻纪检监察组/)
  assert.match(await o.page.getByTestId('answer').innerText(), /已确认[\s\S]*满意/)
  assert.match(await o.page.getByTestId('edits').innerText(), /安全生产检查.*安全生产专项检查/)
  await shot(o.page, 'visit-detail')
  assertClean(o.page)
  await o.browser.close()
})
