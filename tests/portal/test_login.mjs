// Logging in, the role-driven menu, the 403 page of a direct URL, logging out, and Chinese
// that renders in real glyphs (no tofu).
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, createUser, createUnit, openBrowser, login, menuNames, shot, assertClean, field } from './support.mjs'

const { browser, page } = await openBrowser()
after(() => browser.close())

test('a wrong password is refused with the server’s Chinese detail', async () => {
  const u = createUser('city_admin')
  await page.goto(BASE + '/admin/')
  await page.waitForURL(/\/admin\/login/)
  await shot(page, 'login')
  await field(page, 'username').fill(u.username)
  await field(page, 'password').fill('not the password')
  await page.getByTestId('login').click()
  await page.getByTestId('login-error').waitFor()
  assert.match(await page.getByTestId('login-error').innerText(), /用户名或密码错误/)
  assertClean(page)
})

test('the city admin logs in, sees every menu item of the portal, and logs out', async () => {
  const u = createUser('city_admin')
  await login(page, u)
  assert.deepEqual(await menuNames(page), ['dashboard', 'enterprises', 'codes', 'claims', 'officials', 'visits', 'cases', 'statistics', 'reports', 'policy', 'users', 'audit'])
  await shot(page, 'dashboard-city-admin')
  await page.getByTestId('user-menu').click()
  await page.getByTestId('logout').click()
  await page.waitForURL(/\/admin\/login\?bye=1/)
  // the session is over: a page of the portal sends back to the login
  await page.goto(BASE + '/admin/visits')
  await page.waitForURL(/\/admin\/login\?redirect=/)
  assertClean(page)
})

test('market supervision does not see 入企记录, and its direct URL is the 403 page', async () => {
  const u = createUser('market_supervision')
  await login(page, u)
  const names = await menuNames(page)
  assert.deepEqual(names, ['dashboard', 'enterprises', 'codes', 'policy'])
  await page.goto(BASE + '/admin/visits?status=registered')
  await page.getByTestId('forbidden').waitFor()
  assert.match(await page.getByTestId('forbidden').innerText(), /403 无权访问/)
  assert.match(page.url(), /\/admin\/visits\?status=registered$/) // the URL stays
  await shot(page, 'forbidden-market-supervision')
  assertClean(page)
})

test('a unit admin sees its own menu; the login page of a deep link comes back to it', async () => {
  const unit = await createUnit('411502')
  const u = createUser('unit_admin', { unit })
  await page.context().clearCookies()
  await login(page, u, '/admin/officials?verified=false')
  assert.match(page.url(), /\/admin\/officials\?verified=false$/)
  assert.deepEqual(await menuNames(page), ['dashboard', 'officials', 'visits', 'cases', 'statistics', 'policy'])
  assertClean(page)
})

test('Chinese renders in real glyphs, not tofu boxes', async () => {
  // each character drawn with the page's font must differ from the box of a code point
  // that has no glyph in any font (U+0378 is unassigned)
  const result = await page.evaluate(() => {
    const font = getComputedStyle(document.body).fontFamily
    const draw = (ch) => {
      const c = document.createElement('canvas')
      c.width = c.height = 48
      const g = c.getContext('2d')
      g.font = `32px ${font}`
      g.fillText(ch, 4, 38)
      return c.toDataURL()
    }
    const tofu = draw('\u0378')
    return [...'公务入企码登录首页企业赋码认证申请入企人员记录'].filter((ch) => draw(ch) === tofu)
  })
  assert.deepEqual(result, [], 'characters drawn as tofu')
  await shot(page, 'chinese-glyphs')
})
