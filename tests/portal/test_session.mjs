// The session as the portal lives it: every state-changing request carries the CSRF token the
// login answered (and one without it changes nothing); a session that ends under the user
// sends them to the login and, logged in again, back to the page they were on.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, sql, http, createUser, createUnit, openBrowser, login, shot, assertClean, confirmBox, eventually, field } from './support.mjs'
import { official } from './seed.mjs'

test('state-changing requests carry X-CSRF-Token; a wrong one changes nothing and asks to log in', async () => {
  const unit = await createUnit('411502')
  const a = await official(unit, { verified: false, name: '吴甲' })
  const b = await official(unit, { verified: false, name: '郑乙' })
  const u = createUser('unit_admin', { unit })
  const o = await openBrowser()
  await login(o.page, u, '/admin/officials?verified=false')
  const token = await o.page.evaluate(() => localStorage.getItem('ruqima.portal.csrf'))
  const sent = o.page.waitForRequest((r) => r.method() === 'POST' && r.url().includes(`/officials/${a.id}/verify`))
  await o.page.getByTestId(`verify-${a.id}`).click()
  await confirmBox(o.page)
  assert.equal((await sent).headers()['x-csrf-token'], token)
  await eventually(() => sql("SELECT verified FROM rq.official_profiles WHERE account_id = :'p1'", a.id) === 't', 'verified')

  // a token that is not the session's: 403 csrf, nothing written, back to the login
  await o.page.evaluate(() => localStorage.setItem('ruqima.portal.csrf', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'))
  await o.page.reload() // the portal reads the token once per page load
  await o.page.getByTestId(`verify-${b.id}`).click()
  await confirmBox(o.page)
  await o.page.waitForURL(/\/admin\/login\?redirect=.*expired=1/)
  assert.equal(sql("SELECT verified FROM rq.official_profiles WHERE account_id = :'p1'", b.id), 'f')
  assertClean(o.page)
  await o.browser.close()
})

test('a session that ends sends the user to the login and back to the same page', async () => {
  const u = createUser('city_admin')
  const o = await openBrowser()
  await login(o.page, u, '/admin/claims?status=rejected')
  // the session ends elsewhere (logout with the same cookie, as another tab would)
  const cookie = (await o.context.cookies()).find((c) => c.name === 'rq_session')
  const csrf = await o.page.evaluate(() => localStorage.getItem('ruqima.portal.csrf'))
  const r = await http('POST', '/api/v1/auth/logout', { json: {}, headers: { Cookie: `rq_session=${cookie.value}`, 'X-CSRF-Token': csrf } })
  assert.equal(r.status, 204)
  // the next request answers 401: the login page says why and keeps where the user was
  await o.page.locator('[data-menu=codes]').click()
  await o.page.waitForURL(/\/admin\/login\?redirect=(%2F|\/)codes&expired=1$/)
  assert.match(await o.page.getByTestId('login-notice').innerText(), /登录已过期/)
  await shot(o.page, 'login-expired')
  await field(o.page, 'username').fill(u.username)
  await field(o.page, 'password').fill(u.password)
  await o.page.getByTestId('login').click()
  await o.page.waitForURL(`${BASE}/admin/codes`)
  await o.page.getByTestId('codes').waitFor()
  assertClean(o.page)
  await o.browser.close()
})

test('修改密码: the user changes their password in the portal and logs in with the new one', async () => {
  const u = createUser('judicial_analyst')
  const o = await openBrowser()
  await login(o.page, u)
  await o.page.getByTestId('user-menu').click()
  await o.page.getByText('修改密码', { exact: true }).click()
  await field(o.page, 'current-password').fill('wrong password')
  await field(o.page, 'new-password').fill('一个新的密码-2026-xyz')
  await field(o.page, 'confirm-password').fill('一个新的密码-2026-xyz')
  await o.page.getByTestId('change-password').click()
  await o.page.getByText('当前密码不正确').first().waitFor()
  await shot(o.page, 'password-wrong')
  await field(o.page, 'current-password').fill(u.password)
  await o.page.getByTestId('change-password').click()
  await o.page.getByText('密码已修改').waitFor()
  const r = await http('POST', '/api/v1/admin/login', { json: { username: u.username, password: '一个新的密码-2026-xyz' } })
  assert.equal(r.status, 200)
  assertClean(o.page)
  await o.browser.close()
})
