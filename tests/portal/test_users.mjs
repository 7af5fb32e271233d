// 用户与单位: the city admin creates a portal user and sees its generated password once (it
// logs in with it; the page keeps it nowhere afterwards), locks and unlocks a user (each
// confirmed first; the login answers 423 while locked), resets a password, and creates a
// unit in a discipline group. A role that does not manage users has no such menu item, and
// the direct URL shows the 403 page.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, createUser, openBrowser, login, assertClean, field, http, sql, unique, menuNames } from './support.mjs'
import { choose, answerBox, settledShot } from './ui.mjs'

const { browser, page } = await openBrowser()
after(() => browser.close())

const city = createUser('city_admin')

const loginStatus = async (username, password) => (await http('POST', '/api/v1/admin/login', { json: { username, password } })).status

test('the city admin creates a county admin and sees its password once', async () => {
  await login(page, city, '/admin/users')
  const username = unique('zhang.san')
  await page.getByTestId('user-create').click()
  await field(page, 'user-username').fill(username)
  await choose(page, 'user-role', '县区营商办')
  await choose(page, 'user-county', '浉河区')
  await page.getByTestId('user-save').click()
  const pw = page.getByTestId('new-password')
  await pw.waitFor()
  const password = (await pw.innerText()).trim()
  assert.match(password, /^\S{24}$/)
  await settledShot(page, 'users-password-once')
  // the password is the user's: it logs in
  assert.equal(await loginStatus(username, password), 200)
  assert.equal(sql(`SELECT role || '/' || county_code FROM rq.admin_users WHERE username = :'p1'`, username), 'county_admin/411502')
  await page.getByTestId('password-done').click()
  await pw.waitFor({ state: 'hidden' })
  await page.getByTestId(`user-${username}`).waitFor()
  // shown once: nothing on the page has it any more
  assert.ok(!(await page.content()).includes(password), 'the password stayed on the page')
  assertClean(page)
})

test('the city admin locks a user (confirmed first), who cannot log in until unlocked', async () => {
  const victim = createUser('market_supervision')
  await page.goto(`${BASE}/admin/users?q=${victim.username}`)
  await page.getByTestId(`user-lock-${victim.username}`).click()
  // cancelling changes nothing
  await answerBox(page, '取消')
  assert.equal(sql(`SELECT admin_locked FROM rq.admin_users WHERE username = :'p1'`, victim.username), 'f')
  await page.getByTestId(`user-lock-${victim.username}`).click()
  await answerBox(page, '锁定')
  await page.waitForFunction((u) => document.querySelector(`[data-test="user-state-${u}"]`)?.textContent.trim() === '已锁定', victim.username)
  assert.equal(await loginStatus(victim.username, victim.password), 423)
  await settledShot(page, 'users-locked')

  await page.getByTestId(`user-unlock-${victim.username}`).click()
  await answerBox(page, '解锁')
  await page.waitForFunction((u) => document.querySelector(`[data-test="user-state-${u}"]`)?.textContent.trim() === '正常', victim.username)
  assert.equal(await loginStatus(victim.username, victim.password), 200)

  // a new password: shown once, the old one stops working
  await page.getByTestId(`user-reset-${victim.username}`).click()
  await answerBox(page, '重置')
  const fresh = (await page.getByTestId('new-password').innerText()).trim()
  await page.getByTestId('password-done').click()
  assert.equal(await loginStatus(victim.username, victim.password), 401)
  assert.equal(await loginStatus(victim.username, fresh), 200)
  assertClean(page)
})

test('the city admin creates a unit in a discipline group', async () => {
  await page.goto(`${BASE}/admin/users/units`)
  const name = unique('市测试局')
  await page.getByTestId('unit-create').click()
  await field(page, 'unit-name').fill(name)
  await choose(page, 'unit-county', '平桥区')
  await page.locator('[data-test="unit-group"] input').first().fill('派驻第九纪检监察组')
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '派驻第九纪检监察组' }).first().click()
  await page.getByTestId('unit-save').click()
  await page.getByTestId(`unit-${name}`).waitFor()
  assert.equal(sql(`SELECT county_code || '/' || discipline_group || '/' || active FROM rq.units WHERE name = :'p1'`, name), '411503/派驻第九纪检监察组/true')
  await settledShot(page, 'units')
  assertClean(page)
  await page.context().clearCookies()
})

test('a judicial analyst has no 用户与单位, and its URL is the 403 page', async () => {
  const analyst = createUser('judicial_analyst')
  await login(page, analyst)
  assert.ok(!(await menuNames(page)).includes('users'))
  await page.goto(`${BASE}/admin/users`)
  await page.getByTestId('forbidden').waitFor()
  assertClean(page)
  await page.context().clearCookies()
})
