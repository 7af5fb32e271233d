// The case the case tests start from, opened the way the platform opens one (seed.mjs): an
// official registers a visit at an enterprise's code, a manager bound by the slip's
// activation code confirms it and rates it 不满意 — which opens the case the county admin
// then works in the portal.
import assert from 'node:assert/strict'
import { sql, createUnit, bearerCall } from './support.mjs'
import { enterprise, official, visit, manager } from './seed.mjs'

// {caseId, visitId, unit (its id), ent, off}
export async function unsatisfiedCase() {
  const unit = await createUnit('411502')
  const off = await official(unit, { name: '张入企' })
  const ent = await enterprise()
  const mgr = await manager(ent)
  const visitId = await visit(off, ent)
  await bearerCall(mgr, 'POST', `/api/v1/evaluation/visits/${visitId}/confirm`, { json: {}, expect: 200 })
  await bearerCall(mgr, 'POST', `/api/v1/evaluation/visits/${visitId}/rating`, {
    json: { value: 'unsatisfied', comment: '检查人员态度生硬，反复索要材料' },
    expect: 201,
  })
  const caseId = sql(`SELECT id FROM rq.cases WHERE visit_id = :'p1'::bigint`, visitId)
  assert.ok(caseId, 'the rating opened no case')
  return { caseId, visitId, unit, ent, off }
}
