// 案件: a case from the enterprise's 不满意 to its determination, each step in the browser by
// the role that takes it — the county admin accepts it, records the follow-up and opens the
// investigation; the unit admin answers with the unit's statement; the city admin
// determines it (confirmed first: it cannot be undone). The buttons are the case's
// allowed_actions: the judicial analyst reads the case and gets none.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, createUser, openBrowser, login, assertClean, field, portalApi, sql } from './support.mjs'
import { choose, answerBox, settledShot } from './ui.mjs'
import { unsatisfiedCase } from './scene.mjs'

const { browser, page } = await openBrowser()
after(() => browser.close())

const scene = await unsatisfiedCase()
const id = scene.caseId

async function act(action) {
  await page.getByTestId(`case-action-${action}`).click()
  await page.getByTestId('case-action-submit').waitFor()
}

async function submit({ confirm = false } = {}) {
  await page.getByTestId('case-action-submit').click()
  if (confirm) await answerBox(page, '确定提交')
}

async function statusIs(text) {
  await page.waitForFunction(
    ([t]) => {
      const el = document.querySelector('[data-test="case-status"]')
      return el && el.textContent.trim() === t
    },
    [text],
  )
}

const dbStatus = () => sql(`SELECT status FROM rq.cases WHERE id = :'p1'::bigint`, id)

test('the county admin finds the new case, accepts it and records the follow-up', async () => {
  const county = createUser('county_admin', { county: '411502' })
  await login(page, county)
  await page.goto(`${BASE}/admin/cases?status=open`)
  await page.getByTestId(`case-open-${id}`).waitFor()
  await settledShot(page, 'cases-list-county-admin')
  await page.getByTestId(`case-open-${id}`).click()
  await page.waitForURL(new RegExp(`/admin/cases/${id}$`))
  await statusIs('待受理')
  await settledShot(page, 'case-open-county-admin')

  await act('accept')
  await submit()
  await statusIs('待回访')
  assert.equal(dbStatus(), 'follow_up')

  await act('follow_up')
  await choose(page, 'case-field-method', '电话回访')
  await field(page, 'case-field-contact_person').fill('企业办公室王主任')
  await field(page, 'case-field-enterprise_says').fill('希望核实检查人员的态度问题')
  await choose(page, 'case-field-wish', '要求调查')
  await submit()
  await statusIs('待研判')
  assert.equal(dbStatus(), 'analysis')
  // the follow-up is on the timeline, in Chinese
  const timeline = await page.getByTestId('case-timeline').innerText()
  assert.match(timeline, /联系人\s+企业办公室王主任/)
  assert.match(timeline, /企业诉求\s+要求调查/)

  await act('investigate')
  await choose(page, 'case-field-classification', '态度作风')
  await field(page, 'case-field-question').fill('请说明入企检查人员当日的工作态度')
  await submit()
  await statusIs('调查申诉中')
  await settledShot(page, 'case-investigation-county-admin')
  assertClean(page)
  await page.context().clearCookies()
})

test('the unit admin answers the statement request of its unit', async () => {
  const unitAdmin = createUser('unit_admin', { unit: scene.unit })
  await login(page, unitAdmin, '/admin/cases/statements')
  await page.getByTestId(`statement-case-${id}`).click()
  await page.waitForURL(new RegExp(`/admin/cases/${id}$`))
  await act('statement')
  await field(page, 'case-field-text').fill('经核实，检查人员当日按规定出示证件，已对其进行提醒教育。')
  await submit({ confirm: true })
  await page.getByTestId('case-no-action').waitFor()
  assert.equal(sql(`SELECT status FROM rq.case_statements WHERE case_id = :'p1'::bigint`, id), 'submitted')
  assertClean(page)
  await page.context().clearCookies()
})

test('the city admin determines the case after the county admin referred it', async () => {
  // the county refers it (its own page step is the same dialog as above)
  const county = await portalApi(createUser('county_admin', { county: '411502' }))
  await county.call('POST', `/api/v1/complaints/cases/${id}/refer`, { json: { summary: '单位已说明，情况基本属实' }, expect: 200 })

  const city = createUser('city_admin')
  await login(page, city, `/admin/cases/${id}`)
  await statusIs('待审核认定')
  await act('determine')
  await page.getByTestId('case-option-outcome-substantiated').click()
  await field(page, 'case-field-measures').fill('对检查人员批评教育，单位通报整改')
  await settledShot(page, 'case-determine-city-admin')
  await submit({ confirm: true })
  await statusIs('已办结')
  assert.match(await page.getByTestId('case-determination').innerText(), /属实/)
  assert.equal(sql(`SELECT status || '/' || outcome FROM rq.cases WHERE id = :'p1'::bigint`, id), 'closed/substantiated')
  await settledShot(page, 'case-closed-city-admin')
  assertClean(page)
  await page.context().clearCookies()
})

test('the judicial analyst reads the case and may take no action on it', async () => {
  const analyst = createUser('judicial_analyst')
  await login(page, analyst, `/admin/cases/${id}`)
  await statusIs('已办结')
  await page.getByTestId('case-no-action').waitFor()
  assert.equal(await page.getByTestId('case-actions').locator('button').count(), 0)
  assertClean(page)
  await page.context().clearCookies()
})
