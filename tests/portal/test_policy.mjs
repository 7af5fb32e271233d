// 规则: the city admin changes a visit-rule threshold in its dialog (within its range; the
// change is in the database at once and audited as the admin), keeps the calendar of working
// days (adds a holiday, removes it after a confirmation), and sees the quiet days and the
// exemption categories. A county admin reads the same page without a way to change it.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, createUser, openBrowser, login, assertClean, field, sql, portalApi } from './support.mjs'
import { answerBox, settledShot } from './ui.mjs'

const { browser, page } = await openBrowser()
const city = createUser('city_admin')
const before = sql(`SELECT value FROM rq.policy WHERE key = 'frequency_week_max'`)
after(async () => {
  // the threshold as the test found it
  const api = await portalApi(city)
  await api.call('PUT', '/api/v1/admin/policy/frequency_week_max', { json: { value: Number(before) } })
  await browser.close()
})

const valueShown = (key) => page.getByTestId(`policy-value-${key}`).innerText()

test('the city admin edits a threshold of the visit rules', async () => {
  await login(page, city, '/admin/policy')
  assert.equal(await valueShown('frequency_week_max'), before)
  const next = Number(before) === 5 ? 6 : 5
  await page.getByTestId('policy-edit-frequency_week_max').click()
  const input = field(page, 'policy-new-value')
  await input.fill(String(next))
  await input.press('Tab')
  await settledShot(page, 'policy-edit')
  await page.getByTestId('policy-save').click()
  await page.waitForFunction(([k, v]) => document.querySelector(`[data-test="policy-value-${k}"]`)?.textContent.trim() === v, ['frequency_week_max', String(next)])
  assert.equal(sql(`SELECT value FROM rq.policy WHERE key = 'frequency_week_max'`), String(next))
  // audited as this admin
  const actor = sql(
    `SELECT l.actor_id = u.id::text FROM audit.log l JOIN rq.admin_users u ON u.username = :'p1'` +
      ` WHERE l.table_name = 'rq.policy' AND l.row_pk = 'frequency_week_max' ORDER BY l.id DESC LIMIT 1`,
    city.username,
  )
  assert.equal(actor, 't')
  assertClean(page)
})

test('the quiet days and the exemption categories are shown', async () => {
  await page.goto(`${BASE}/admin/policy?tab=quiet`)
  const first = sql(`SELECT value FROM rq.policy WHERE key = 'quiet_day_first'`)
  const last = sql(`SELECT value FROM rq.policy WHERE key = 'quiet_day_last'`)
  await page.getByTestId('quiet-days').waitFor()
  assert.equal((await page.getByTestId('quiet-days').innerText()).trim(), `${first} 日至 ${last} 日`)
  assert.match(await page.locator('body').innerText(), /国家安全[\s\S]*转办移送/)
})

test('the city admin adds a holiday to the calendar and removes it', async () => {
  const day = '2031-10-08'
  await page.goto(`${BASE}/admin/policy?tab=calendar&year=2031`)
  await page.getByTestId('calendar-summary').waitFor()
  const days = () => page.getByTestId('calendar-summary').innerText()
  assert.match(await days(), /2031 年共 \d+ 个工作日/)
  const workingBefore = Number(/共 (\d+) 个工作日/.exec(await days())[1])

  await page.getByTestId('calendar-add').click()
  const picker = field(page, 'calendar-day')
  await picker.fill(day)
  await picker.press('Enter')
  await page.getByTestId('calendar-kind-holiday').click()
  await field(page, 'calendar-name').fill('国庆节')
  await page.getByTestId('calendar-save').click()
  await page.getByTestId(`calendar-day-${day}`).waitFor()
  assert.equal(sql(`SELECT kind || '/' || name FROM rq.calendar_days WHERE day = :'p1'`, day), 'holiday/国庆节')
  // a Wednesday off: one working day fewer
  await page.waitForFunction((n) => /共 (\d+) 个工作日/.exec(document.querySelector('[data-test="calendar-summary"]').textContent)?.[1] === String(n), workingBefore - 1)
  await settledShot(page, 'policy-calendar')

  await page.getByTestId(`calendar-delete-${day}`).click()
  await answerBox(page, '删除')
  await page.getByTestId(`calendar-day-${day}`).waitFor({ state: 'detached' })
  assert.equal(sql(`SELECT count(*) FROM rq.calendar_days WHERE day = :'p1'`, day), '0')
  assertClean(page)
  await page.context().clearCookies()
})

test('a county admin reads the rules and cannot change them', async () => {
  const county = createUser('county_admin', { county: '411502' })
  await login(page, county, '/admin/policy')
  await page.getByTestId('policy-value-geofence_m').waitFor()
  assert.equal(await page.locator('[data-test^="policy-edit-"]').count(), 0)
  await page.goto(`${BASE}/admin/policy?tab=calendar&year=2025`)
  await page.getByTestId('calendar-summary').waitFor()
  assert.equal(await page.getByTestId('calendar-add').count(), 0)
  assertClean(page)
  await page.context().clearCookies()
})
