// What the case tests start from, made the way the platform makes it: a unit, an enterprise
// with a code (as the owner, audited as the test), an official who registers a visit with
// the mini-program's API, a manager bound by the slip's activation code who confirms the
// visit and rates it 不满意 — which opens the case the county admin then works in the portal.
import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { sql, unique, wxLogin, bearerCall } from './support.mjs'

// A write as the owner in its own audited transaction (the system actor, request id
// portal-test); the last line the statement printed (e.g. RETURNING id).
export function ownerWrite(query, ...params) {
  const out = sql(`BEGIN;\nSELECT rq.set_actor('system', 'portal-test', 'owner', NULL, NULL, 'portal-test', NULL);\n${query};\nCOMMIT;`, ...params)
  return out.split('\n').pop().trim()
}

// A valid credit code no one used before (GB 32100: weights 3^i mod 31).
const USCC = '0123456789ABCDEFGHJKLMNPQRTUWXY'
export function newUscc(county = '411502') {
  let s = `91${county}MB`
  for (let i = 0; i < 7; i++) s += USCC[randomInt(31)]
  let sum = 0
  let w = 1
  for (const ch of s) {
    sum += USCC.indexOf(ch) * w
    w = (w * 3) % 31
  }
  return s + USCC[(31 - (sum % 31)) % 31]
}

export const LAT = 32.123
export const LON = 114.07
export const LEGAL_REP = '王法人测试'

// an active unit: {id, name}
export function newUnit(group = null) {
  const name = unique('入企测试局')
  const id = group
    ? ownerWrite(`INSERT INTO rq.units (name, discipline_group) VALUES (:'p1', :'p2') RETURNING id`, name, group)
    : ownerWrite(`INSERT INTO rq.units (name) VALUES (:'p1') RETURNING id`, name)
  return { id, name }
}

// a verified enterprise of county 411502 standing at LAT, LON, with an active code:
// {id, uscc, name, token}
export function newEnterprise() {
  const uscc = newUscc()
  const name = `案件测试企业${uscc.slice(10)}有限公司`
  const id = ownerWrite(
    `INSERT INTO rq.enterprises (uscc, name, legal_rep, county_code, business_status, name_verified, latitude, longitude)` +
      ` VALUES (:'p1', :'p2', :'p3', '411502', 'normal', true, ${LAT}, ${LON}) RETURNING id`,
    uscc,
    name,
    LEGAL_REP,
  )
  const code = ownerWrite(`SELECT rq.issue_code(:'p1'::bigint)`, id)
  const token = sql(`SELECT token FROM rq.codes WHERE id = :'p1'::bigint`, code)
  return { id, uscc, name, token }
}

// an official of the unit with a profile: {bearer, accountId, name}
export async function newOfficial(unit, name = '张入企') {
  const openid = unique('portal-off')
  const bearer = await wxLogin(openid)
  await bearerCall(bearer, 'PUT', '/api/v1/registration/profile', {
    json: { name, unit_id: String(unit.id), post: '执法科员', cert_no: 'HN-ZF-0001', phone: '13912345678' },
    expect: 201,
  })
  return { bearer, accountId: sql(`SELECT id FROM rq.accounts WHERE openid = :'p1'`, openid), name }
}

// a manager bound to the enterprise with a fresh activation code: {bearer}
export async function newManager(ent) {
  const bearer = await wxLogin(unique('portal-mgr'))
  const code = ownerWrite(`SELECT rq.activation_code_create(:'p1'::bigint)`, ent.id)
  await bearerCall(bearer, 'POST', '/api/v1/evaluation/enterprises/claim', {
    json: { uscc: ent.uscc, legal_rep: LEGAL_REP, name: '李管理', phone: '13800138000', activation_code: code },
    expect: 201,
  })
  return { bearer }
}

// A visit the official registered and the manager confirmed and rated 不满意: the case it
// opened, {caseId, visitId, unit, ent, official, manager}.
export async function unsatisfiedCase({ group = '派驻案件测试纪检监察组' } = {}) {
  const unit = newUnit(group)
  const ent = newEnterprise()
  const official = await newOfficial(unit)
  const manager = await newManager(ent)
  const r = await bearerCall(official.bearer, 'POST', '/api/v1/registration/visits', {
    json: { token: ent.token, activity_type: 'visit', matter: '了解企业用工情况', location: { latitude: LAT + 0.0009, longitude: LON, accuracy: 15 } },
    headers: { 'Idempotency-Key': unique('portal-key') },
  })
  assert.equal(r.status, 201, `register: ${r.text}`)
  const visitId = r.json.id
  await bearerCall(manager.bearer, 'POST', `/api/v1/evaluation/visits/${visitId}/confirm`, { json: {}, expect: 200 })
  await bearerCall(manager.bearer, 'POST', `/api/v1/evaluation/visits/${visitId}/rating`, {
    json: { value: 'unsatisfied', comment: '检查人员态度生硬，反复索要材料' },
    expect: 201,
  })
  const caseId = sql(`SELECT id FROM rq.cases WHERE visit_id = :'p1'::bigint`, visitId)
  assert.ok(caseId, 'the rating opened no case')
  return { caseId, visitId, unit, ent, official, manager }
}
