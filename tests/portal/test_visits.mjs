// 入企记录: the county admin searches the visits by unit, rule flag and enterprise (every
// filter in the URL) and sees a visit's credential photo as a thumbnail through the portal's
// protected route; a county admin of another county is refused the same photo by the server.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, createUser, openBrowser, login, assertClean, portalApi, sql } from './support.mjs'
import { scene, visit, photo } from './seed.mjs'
import { choose, settledShot } from './ui.mjs'

const rows = (page) => page.locator('[data-test=visits] .el-table__row')

test('入企记录: search by unit, flag and enterprise; the photo is a thumbnail; another county is refused it', async () => {
  const county = '411526'
  const a = await scene({ county, visits: 0 })
  const b = await scene({ county, visits: 1 })
  const u = createUser('county_admin', { county })
  const o = await openBrowser()
  await login(o.page, u, '/admin/visits')

  // a photo drawn in the browser, uploaded by the official, attached to a far-away visit
  const png = Buffer.from(
    await o.page.evaluate(() => {
      const c = document.createElement('canvas')
      c.width = 240
      c.height = 160
      const g = c.getContext('2d')
      g.fillStyle = '#d9ecff'
      g.fillRect(0, 0, 240, 160)
      g.fillStyle = '#303133'
      g.font = '24px sans-serif'
      g.fillText('执法证 HN-ZF-0001', 16, 88)
      return c.toDataURL('image/png').split(',')[1]
    }),
    'base64',
  )
  const pic = await photo(a.off, png)
  const far = await visit(a.off, a.ent, { far: true, attachments: [pic] })
  const near = await visit(a.off, a.ent)

  // by unit: unit A's two visits, newest first
  await choose(o.page, 'filter-unit', sql("SELECT name FROM rq.units WHERE id = :'p1'", a.unit))
  await o.page.getByTestId('search').click()
  await o.page.waitForURL(new RegExp(`unit_id=${a.unit}`))
  await o.page.waitForFunction((n) => document.querySelectorAll('[data-test=visits] .el-table__row').length === n, 2)
  assert.match(await rows(o.page).first().innerText(), new RegExp(a.ent.name))
  // and the far-away flag: the one visit
  await choose(o.page, 'filter-flag', '定位距企业较远')
  await o.page.getByTestId('search').click()
  await o.page.waitForURL(/flag=far_away/)
  await o.page.waitForFunction(() => document.querySelectorAll('[data-test=visits] .el-table__row').length === 1)
  assert.match(await rows(o.page).first().innerText(), /定位距企业较远/)
  await settledShot(o.page, 'visits-search')

  // by enterprise, picked from a line: enterprise B's visit only
  await o.page.goto(`${BASE}/admin/visits`)
  await o.page.getByTestId(`pick-enterprise-${b.visits[0]}`).click()
  await o.page.waitForURL(new RegExp(`enterprise_id=${b.ent.id}`))
  await o.page.waitForFunction(() => document.querySelectorAll('[data-test=visits] .el-table__row').length === 1)
  assert.match(await o.page.getByTestId('filter-enterprise').innerText(), new RegExp(`企业：${b.ent.name}`))
  assert.ok(!(await rows(o.page).first().innerText()).includes(a.ent.name))

  // the photo: loaded through the protected route (a real image, 240 × 160)
  await o.page.goto(`${BASE}/admin/visits/${far}`)
  const img = o.page.locator(`[data-test=photo-${pic}] img`)
  await img.waitFor()
  await o.page.waitForFunction((id) => document.querySelector(`[data-test=photo-${id}] img`)?.naturalWidth === 240, pic)
  assert.equal(await img.getAttribute('src'), `/api/v1/admin/attachments/${pic}`)
  await settledShot(o.page, 'visit-photo')
  assertClean(o.page)
  await o.browser.close()

  // another county's admin: the server refuses the photo (and the visit), whatever the URL
  const other = createUser('county_admin', { county: '411502' })
  const api = await portalApi(other)
  const r = await api.call('GET', `/api/v1/admin/attachments/${pic}`)
  assert.equal(r.status, 404)
  assert.match(r.json.detail, /没有这张照片/)
  assert.equal((await api.call('GET', `/api/v1/admin/visits?enterprise_id=${a.ent.id}`, { expect: 200 })).json.items.length, 0)
  assert.ok(near)
})
