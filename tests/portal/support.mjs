// What the portal's browser tests share: the test stack (tests/stack/start writes its
// settings to RUQIMA_TEST_STACK_FILE), the CLI (portal users), the API over HTTPS with the
// stack's own CA, and a headless Debian chromium driven by playwright-core at 1366×768 in
// Asia/Shanghai. Every page a test shows is saved as a PNG in RUQIMA_PORTAL_SCREENSHOTS
// (printed). Run by ctest (tests/CMakeLists.txt): `ctest -R portal.` in build-test/.
import { readFileSync, mkdirSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { request as httpsRequest } from 'node:https'
import { join } from 'node:path'
import assert from 'node:assert/strict'

// playwright-core is installed by `npm ci` into the build tree (PORTAL_TEST_MODULES)
const modules = process.env.PORTAL_TEST_MODULES
if (!modules) throw new Error('PORTAL_TEST_MODULES is not set: run through ctest')
const { chromium, selectors } = createRequire(join(modules, 'noop.js'))('playwright-core')
// the portal marks what tests use with data-test="..." (page.getByTestId)
selectors.setTestIdAttribute('data-test')

function readEnvFile(file) {
  const out = {}
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim())
    if (!m) continue
    let v = m[2]
    if (/^".*"$/.test(v) || /^'.*'$/.test(v)) v = v.slice(1, -1)
    out[m[1]] = v
  }
  return out
}

const stackFile = process.env.RUQIMA_TEST_STACK_FILE
if (!stackFile) throw new Error('RUQIMA_TEST_STACK_FILE is not set: run through ctest')
export const stack = readEnvFile(stackFile)
// the stack's settings and the owner's DSN, which lives in a file of its own (deploy/lib.sh)
export const settings = { ...readEnvFile(stack.RUQIMA_ENV_FILE), ...readEnvFile(stack.RUQIMA_OWNER_ENV_FILE) }
export const BASE = stack.RUQIMA_TEST_BASE_URL
const CA = readFileSync(stack.RUQIMA_TEST_CA_FILE)

export const SHOTS = process.env.RUQIMA_PORTAL_SCREENSHOTS || join(process.cwd(), 'portal-screenshots')
mkdirSync(SHOTS, { recursive: true })

let seq = 0
// a name no other test (nor an earlier run against the same stack) has taken
export function unique(prefix) {
  seq += 1
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${seq}`.toLowerCase()
}

// ruqima CLI of the test build, with the stack's env file; returns {status, stdout, stderr}
export function cli(args, input) {
  const r = spawnSync(join(stack.RUQIMA_TEST_BIN_DIR, 'ruqima'), args, {
    env: { PATH: process.env.PATH, LANG: 'C.UTF-8', RUQIMA_ENV_FILE: stack.RUQIMA_ENV_FILE, ASAN_OPTIONS: 'detect_leaks=0' },
    input,
    encoding: 'utf8',
    timeout: 60000,
  })
  return { status: r.status, stdout: r.stdout || '', stderr: r.stderr || '' }
}

// One value (first column of the first row) of a query as the database owner; params are
// passed as psql variables (:'p1', :'p2', ...), never spliced into the text.
export function sql(query, ...params) {
  const args = ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', settings.RUQIMA_OWNER_DSN]
  params.forEach((p, i) => args.push('-v', `p${i + 1}=${p}`))
  const r = spawnSync('psql', args, { input: query, encoding: 'utf8', timeout: 30000 })
  if (r.status !== 0) throw new Error(`psql: ${r.stderr}`)
  return r.stdout.trim()
}

// A new portal user of a role: {username, password, role}
export function createUser(role, { county, unit, prefix } = {}) {
  const username = unique(prefix || role.replace(/_/g, '-'))
  const args = ['user', 'add', '--username', username, '--role', role]
  if (county) args.push('--county', county)
  if (unit) args.push('--unit', String(unit))
  const r = cli(args)
  assert.equal(r.status, 0, `user add: ${r.stderr}`)
  const m = /^password: (\S+)$/m.exec(r.stdout)
  assert.ok(m, `no password in: ${r.stdout}`)
  return { username, password: m[1], role }
}

// A request to the stack: {status, headers, json, text}
export function http(method, path, { json, body, contentType, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const h = { ...headers }
    let data
    if (json !== undefined) {
      data = Buffer.from(JSON.stringify(json))
      h['Content-Type'] = 'application/json'
    } else if (body !== undefined) {
      data = Buffer.isBuffer(body) ? body : Buffer.from(body)
      h['Content-Type'] = contentType || 'application/octet-stream'
    }
    if (data) h['Content-Length'] = data.length
    const req = httpsRequest(new URL(path, BASE), { method, headers: h, ca: CA, timeout: 30000 }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let parsed = null
        try {
          parsed = text ? JSON.parse(text) : null
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode, headers: res.headers, json: parsed, text })
      })
    })
    req.on('error', reject)
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)))
    if (data) req.write(data)
    req.end()
  })
}

// The API as a portal user (cookie + CSRF), for a test's own set-up and checks.
export async function portalApi(user) {
  const r = await http('POST', '/api/v1/admin/login', { json: { username: user.username, password: user.password } })
  assert.equal(r.status, 200, `login ${user.username}: ${r.text}`)
  const cookie = String(r.headers['set-cookie']).split(';')[0]
  const csrf = r.json.csrf_token
  const call = async (method, path, opts = {}) => {
    const res = await http(method, path, { ...opts, headers: { Cookie: cookie, 'X-CSRF-Token': csrf, ...(opts.headers || {}) } })
    if (opts.expect !== undefined) assert.equal(res.status, opts.expect, `${method} ${path}: ${res.text}`)
    return res
  }
  return { cookie, csrf, user: r.json.user, call }
}

// A mini-program account through the fake WeChat server: its bearer token.
export async function wxLogin(openid) {
  const r = await http('POST', '/api/v1/auth/wx-login', { json: { code: `ok:${openid}` } })
  assert.equal(r.status, 200, `wx-login: ${r.text}`)
  return r.json.token
}

export async function bearerCall(token, method, path, opts = {}) {
  const res = await http(method, path, { ...opts, headers: { Authorization: `Bearer ${token}`, ...(opts.headers || {}) } })
  if (opts.expect !== undefined) assert.equal(res.status, opts.expect, `${method} ${path}: ${res.text}`)
  return res
}

// A headless chromium page at 1366×768. Content-Security-Policy violations and page errors
// are collected: a test ends with assertClean(page) (the CSP must never be broken).
export async function openBrowser({ width = 1366, height = 768 } = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.RUQIMA_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  })
  const context = await browser.newContext({
    viewport: { width, height },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ignoreHTTPSErrors: true,
    acceptDownloads: true,
  })
  const page = await context.newPage()
  page.setDefaultTimeout(20000)
  page.problems = []
  page.on('console', (m) => {
    const t = m.text()
    if (/Content.Security.Policy|Refused to/i.test(t)) page.problems.push(`CSP: ${t}`)
  })
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`))
  return { browser, context, page }
}

export function assertClean(page) {
  assert.deepEqual(page.problems, [], 'the page broke its CSP or threw')
}

// Logs in through the login page; resolves when the menu shows.
export async function login(page, user, path = '/admin/') {
  await page.goto(BASE + path)
  await page.waitForURL(/\/admin\/login/)
  await field(page, 'username').fill(user.username)
  await field(page, 'password').fill(user.password)
  await page.getByTestId('login').click()
  await page.getByTestId('menu').waitFor()
}

// The text field marked data-test=id (Element Plus puts the attribute on the <input> itself,
// or on a wrapper)
export function field(page, id) {
  return page.locator(`input[data-test="${id}"], textarea[data-test="${id}"], [data-test="${id}"] input, [data-test="${id}"] textarea`).first()
}

// The side menu's item names, in order
export async function menuNames(page) {
  return page.locator('[data-test=menu] [data-menu]').evaluateAll((els) => els.map((e) => e.dataset.menu))
}

// A screenshot of the page, saved as SHOTS/<name>.png (the path is printed)
export async function shot(page, name) {
  const file = join(SHOTS, `${name}.png`)
  await page.screenshot({ path: file })
  console.log(`screenshot: ${file}`)
  return file
}

let cityApi = null
// The API as a city admin of the test's own (created once per test file), for set-up.
export async function cityAdmin() {
  if (!cityApi) cityApi = await portalApi(createUser('city_admin', { prefix: 'setup-city' }))
  return cityApi
}

// A new unit (of a county, or of the city level without one): its id
export async function createUnit(county = null, name = unique('单位')) {
  const api = await cityAdmin()
  const r = await api.call('POST', '/api/v1/admin/units', { json: { name, county_code: county, discipline_group: `${name}纪检监察组` }, expect: 201 })
  return r.json.id
}

// Confirms the open Element Plus message box (after typing text into its prompt, if given)
export async function confirmBox(page, text) {
  const box = page.locator('.el-message-box').last()
  await box.waitFor()
  if (text !== undefined) await box.locator('.el-message-box__input input').fill(text)
  const el = await box.elementHandle()
  await box.locator('.el-message-box__btns .el-button--primary').click()
  // this box closes (another may open: an error the action met)
  await el.waitForElementState('hidden')
}

// Waits until the condition (a function returning a value or a promise) is truthy
export async function eventually(fn, what, ms = 15000) {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > end) throw new Error(`not so after ${ms} ms: ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}
