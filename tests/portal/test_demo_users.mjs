// The demo users deploy/up prints (deploy/lib.sh rq_demo_users): with RUQIMA_DEMO_USERS=0
// (production) none is made; with 1 one of each portal role is made once, every run prints
// the same passwords, and each logs in with its printed password to its own menu.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stack, cli, sql, portalApi, openBrowser, login, menuNames, assertClean } from './support.mjs'

const lib = fileURLToPath(new URL('../../deploy/lib.sh', import.meta.url))

// rq_demo_users over the test stack with the env file envFile: its printed lines
function demoUsers(envFile) {
  const r = spawnSync('bash', ['-c', '. "$1" && rq_layout "$2" && rq_demo_users "$3" "$4"', 'demo', lib, stack.RUQIMA_TEST_STATE_DIR, stack.RUQIMA_TEST_BIN_DIR, envFile], {
    encoding: 'utf8',
    timeout: 120000,
  })
  assert.equal(r.status, 0, r.stderr)
  return r.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [username, role, password] = l.trim().split(/\s+/)
      return { username, role, password }
    })
}

const MENUS = {
  city_admin: ['dashboard', 'enterprises', 'codes', 'claims', 'officials', 'visits', 'cases', 'statistics', 'reports', 'policy', 'users', 'audit'],
  county_admin: ['dashboard', 'enterprises', 'codes', 'claims', 'officials', 'visits', 'cases', 'statistics', 'reports', 'policy'],
  unit_admin: ['dashboard', 'officials', 'visits', 'cases', 'statistics', 'policy'],
  market_supervision: ['dashboard', 'enterprises', 'codes', 'policy'],
  discipline_inspector: ['dashboard', 'visits', 'cases', 'statistics', 'reports', 'policy', 'audit'],
  judicial_analyst: ['dashboard', 'visits', 'cases', 'statistics', 'reports', 'policy'],
}

test('demo users: none in production; one of each role, printed passwords that log in', async () => {
  assert.equal(cli(['demo', 'load']).status, 0)
  const demo = () => sql("SELECT count(*) FROM rq.admin_users WHERE username LIKE 'demo-%'")
  const before = demo()
  const off = join(mkdtempSync(join(tmpdir(), 'ruqima-demo-')), 'ruqima.env')
  writeFileSync(off, readFileSync(stack.RUQIMA_ENV_FILE, 'utf8').replace(/^RUQIMA_DEMO_USERS=.*$/m, '') + 'RUQIMA_DEMO_USERS=0\n', { mode: 0o600 })
  assert.deepEqual(demoUsers(off), [])
  assert.equal(demo(), before)

  const on = join(mkdtempSync(join(tmpdir(), 'ruqima-demo-')), 'ruqima.env')
  writeFileSync(on, readFileSync(stack.RUQIMA_ENV_FILE, 'utf8').replace(/^RUQIMA_DEMO_USERS=.*$/m, '') + 'RUQIMA_DEMO_USERS=1\n', { mode: 0o600 })
  const users = demoUsers(on)
  assert.deepEqual(users.map((u) => u.role).sort(), Object.keys(MENUS).sort())
  assert.deepEqual(demoUsers(on), users) // idempotent: the same users, the same passwords
  for (const u of users) {
    const api = await portalApi(u)
    assert.equal(api.user.role, u.role)
  }
  // the browser: each logs in with the printed password and sees its role's menu
  const { browser, page } = await openBrowser()
  for (const u of users) {
    await page.context().clearCookies()
    await login(page, u)
    assert.deepEqual(await menuNames(page), MENUS[u.role], u.role)
  }
  assertClean(page)
  await browser.close()
})
