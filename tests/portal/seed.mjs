// Data for the browser tests, made the way the platform makes it: the register through the
// CLI import, names verified and codes issued through the portal API, officials and
// managers through the mini-program API (the fake WeChat server logs them in).
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import assert from 'node:assert/strict'
import { cli, sql, unique, cityAdmin, createUnit, wxLogin, bearerCall } from './support.mjs'

// GB 32100: 17 characters of this alphabet and a check character
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
let usccSeq = 0
export function uscc(county = '411502') {
  let tag = ''
  let v = Date.now() * 7919 + process.pid
  for (let i = 0; i < 4; i++, v = Math.floor(v / 31)) tag += ALPHABET[v % 31]
  usccSeq += 1
  const body = `91${county}${tag}${String(usccSeq % 100000).padStart(5, '0')}`
  let sum = 0
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(body[i]) * WEIGHTS[i]
  return body + ALPHABET[(31 - (sum % 31)) % 31]
}

export const LAT = 32.1285
export const LON = 114.091

// CSV text of the register (the bureau's columns, in Chinese)
export function registerCsv(rows) {
  const lines = ['统一社会信用代码,企业名称,法定代表人,县区代码,经营状态,纬度,经度']
  for (const r of rows) lines.push([r.uscc, r.name, r.legal_rep || '张测试', r.county || '411502', r.status || '存续', r.lat ?? LAT, r.lon ?? LON].join(','))
  return lines.join('\n') + '\n'
}

export function importRegister(rows) {
  const dir = mkdtempSync(join(tmpdir(), 'ruqima-portal-'))
  const file = join(dir, 'register.csv')
  writeFileSync(file, registerCsv(rows))
  const r = cli(['import', 'enterprises', file])
  rmSync(dir, { recursive: true, force: true })
  assert.equal(r.status, 0, `import: ${r.stdout} ${r.stderr}`)
}

// An enterprise of the register: {id, uscc, name, county, legal_rep, token?}
export async function enterprise({ county = '411502', verified = true, coded = true, name } = {}) {
  const e = { uscc: uscc(county), name: name || unique('测试企业').replace(/-/g, '') + '有限公司', county, legal_rep: '张测试' }
  importRegister([e])
  e.id = sql("SELECT id FROM rq.enterprises WHERE uscc = :'p1'", e.uscc)
  const api = await cityAdmin()
  if (verified) await api.call('POST', `/api/v1/admin/enterprises/${e.id}/verify`, { expect: 200 })
  if (verified && coded) {
    await api.call('POST', `/api/v1/admin/enterprises/${e.id}/code`, { expect: 201 })
    e.token = sql("SELECT token FROM rq.codes WHERE enterprise_id = :'p1' AND status = 'active'", e.id)
  }
  return e
}

// An official of a unit (mini-program account with a profile): {bearer, id, name}
export async function official(unit, { verified = true, name = '王入企' } = {}) {
  const openid = unique('portal-off')
  const bearer = await wxLogin(openid)
  await bearerCall(bearer, 'PUT', '/api/v1/registration/profile', {
    json: { name, unit_id: String(unit), post: '执法科员', cert_no: 'HN-ZF-0001', phone: '13912345678' },
    expect: 201,
  })
  const id = sql("SELECT id FROM rq.accounts WHERE openid = :'p1'", openid)
  if (verified) await (await cityAdmin()).call('POST', `/api/v1/admin/officials/${id}/verify`, { expect: 200 })
  return { bearer, id, name, unit }
}

// A visit the official registers at the enterprise's code (with the photos of attachment ids
// the official uploaded): its id
export async function visit(off, ent, { type = 'visit', matter = '了解企业用工情况', far = false, attachments } = {}) {
  const body = { token: ent.token, activity_type: type, matter, location: { latitude: LAT + (far ? 0.03 : 0.0009), longitude: LON, accuracy: 15 } }
  if (attachments) body.attachment_ids = attachments
  if (type === 'inspection') {
    body.legal_basis = '《安全生产法》第六十五条'
    body.exemption = { category: 'complaint_report', reason: '群众实名举报存在重大安全隐患' } // today may be a quiet day
  }
  const r = await bearerCall(off.bearer, 'POST', '/api/v1/registration/visits', { json: body, headers: { 'Idempotency-Key': unique('vkey') } })
  if (r.status !== 201) throw new Error(`register: ${r.status} ${r.text}`)
  return r.json.id
}

// A manager bound to the enterprise with the slip's activation code: the bearer
export async function manager(ent) {
  const bearer = await wxLogin(unique('portal-mgr'))
  const r = cli(['codes', 'activation-code', '--uscc', ent.uscc])
  const code = /activation code: (\S+)/.exec(r.stdout)
  assert.ok(code, `activation-code: ${r.stdout} ${r.stderr}`)
  await bearerCall(bearer, 'POST', '/api/v1/evaluation/enterprises/claim', {
    json: { uscc: ent.uscc, legal_rep: ent.legal_rep, name: '李管理', phone: '13800001111', activation_code: code[1] },
    expect: 201,
  })
  return bearer
}

// A claim request without an activation code, waiting for the county (202): the claimant's bearer
export async function claimRequest(ent, name = '赵申请') {
  const bearer = await wxLogin(unique('portal-claim'))
  await bearerCall(bearer, 'POST', '/api/v1/evaluation/enterprises/claim', {
    json: { uscc: ent.uscc, legal_rep: ent.legal_rep, name, phone: '13800002222' },
    expect: 202,
  })
  return bearer
}

// A unit of the county with a verified official, an enterprise with a code and n visits
export async function scene({ county = '411502', visits = 1, type = 'visit' } = {}) {
  const unit = await createUnit(county)
  const off = await official(unit)
  const ent = await enterprise({ county })
  const ids = []
  for (let i = 0; i < visits; i++) ids.push(await visit(off, ent, { type }))
  return { unit, off, ent, visits: ids }
}

// A photo the official uploads (POST /api/v1/registration/attachments): its id
export async function photo(off, png) {
  const r = await bearerCall(off.bearer, 'POST', '/api/v1/registration/attachments', { body: png, contentType: 'image/png' })
  if (r.status !== 201) throw new Error(`upload: ${r.status} ${r.text}`)
  return r.json.id
}
