// 审计: the city admin finds a change by the request id its answer carried (X-Request-Id, also
// in every error the portal shows), opens it and reads the old and new values side by side;
// a shared link (table and row in the URL) shows a row's history. A county admin has no such
// menu item and the direct URL shows the 403 page; a discipline inspector has it.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, createUser, openBrowser, login, assertClean, field, portalApi, menuNames } from './support.mjs'
import { settledShot } from './ui.mjs'

const { browser, page } = await openBrowser()
const city = createUser('city_admin')
const api = await portalApi(city)
const before = (await api.call('GET', '/api/v1/admin/policy', { expect: 200 })).json.items.find((i) => i.key === 'geofence_m').value
after(async () => {
  await api.call('PUT', '/api/v1/admin/policy/geofence_m', { json: { value: before } })
  await browser.close()
})

test('the city admin finds a change by its request id and compares old and new', async () => {
  const changed = await api.call('PUT', '/api/v1/admin/policy/geofence_m', { json: { value: before + 7 }, expect: 200 })
  const requestId = changed.headers['x-request-id']
  assert.ok(requestId)

  await login(page, city, '/admin/audit')
  await field(page, 'audit-request-id').fill(requestId)
  await page.getByTestId('audit-search').click()
  await page.waitForURL(new RegExp(`request_id=${requestId}`)) // the search is a link
  const rows = page.locator('[data-test="audit-rows"] .el-table__body tr')
  await rows.first().waitFor()
  assert.equal(await rows.count(), 1)
  assert.match(await rows.first().innerText(), /规则阈值[\s\S]*geofence_m[\s\S]*修改[\s\S]*value/)
  await rows.first().click()
  const diff = page.getByTestId('audit-diff')
  await diff.waitFor()
  // the changed column first, its old and new values side by side
  const first = await diff.locator('.el-table__body tr').first().innerText()
  assert.deepEqual(first.split(/\s+/).filter(Boolean), ['value', String(before), String(before + 7)])
  await settledShot(page, 'audit-detail')

  // the row's whole history, from the drawer: a link that can be shared
  await page.getByTestId('audit-row-history').click()
  await page.waitForURL(/table=rq\.policy&row=geofence_m/)
  await page.locator('[data-test="audit-rows"] .el-table__body tr').first().waitFor()
  const url = page.url()
  await page.goto(url)
  await page.locator('[data-test="audit-rows"] .el-table__body tr').first().waitFor()
  assert.match(await page.locator('[data-test="audit-rows"]').innerText(), new RegExp(requestId))
  assertClean(page)
  await page.context().clearCookies()
})

test('a county admin has no 审计; a discipline inspector has', async () => {
  const county = createUser('county_admin', { county: '411502' })
  await login(page, county)
  assert.ok(!(await menuNames(page)).includes('audit'))
  await page.goto(`${BASE}/admin/audit?table=rq.policy`)
  await page.getByTestId('forbidden').waitFor()
  await page.context().clearCookies()

  const inspector = createUser('discipline_inspector')
  await login(page, inspector, '/admin/audit?table=rq.policy&row=geofence_m')
  assert.ok((await menuNames(page)).includes('audit'))
  await page.locator('[data-test="audit-rows"] .el-table__body tr').first().waitFor()
  assertClean(page)
  await page.context().clearCookies()
})
