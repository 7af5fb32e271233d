// The complaints family's codes in Chinese (app/complaints, README "Complaints"), and the
// portal's actions on a case: what each asks for, whether it cannot be undone.
export const CASE_STATUS = {
  open: '待受理',
  follow_up: '待回访',
  analysis: '待研判',
  investigation: '调查申诉中',
  determination: '待审核认定',
  handed_over: '已移交纪检',
  closed: '已办结',
}
export const CASE_SOURCE = { rating: '不满意评价', dispute: '登记异议', no_scan: '未扫码入企' }
export const CLASSIFICATION = {
  repeat_inspection: '重复检查',
  over_frequency: '超频次',
  quiet_day_breach: '无扰日违规',
  attitude: '态度作风',
  solicitation: '吃拿卡要',
  no_scan_entry: '未扫码入企',
  false_registration: '登记不实',
  misunderstanding_cleared: '误解已消除',
  other: '其他',
}
export const METHOD = { phone: '电话回访', on_site: '实地回访', written: '书面回访' }
export const WISH = { apology: '要求道歉', correction: '要求纠正', investigation: '要求调查', nothing_further: '无进一步要求' }
export const OUTCOME = { substantiated: '属实', partly_substantiated: '部分属实', unsubstantiated: '不属实' }
export const DISPOSITION = {
  reminder_talk: '谈话提醒',
  criticism_education: '批评教育',
  admonishment: '诫勉',
  circulated_criticism: '通报批评',
  organisational: '组织处理',
  transferred: '移送',
  no_action: '不予处理',
}
export const CLOSING = { merged: '合并办结', resolved: '研判办结', determined: '认定办结', disposed: '处置办结' }
export const STATEMENT_STATUS = { pending: '待提交', submitted: '已提交' }
export const HANDLING_RATING = { satisfied: '满意', unsatisfied: '不满意' }

// what a step recorded, field by field (rq.case_records.data)
export const RECORD_FIELD = {
  handler: '承办人',
  handler_id: '承办人编号',
  target_case_id: '并入案件',
  reason: '理由',
  method: '回访方式',
  contacted_at: '回访时间',
  contact_person: '联系人',
  enterprise_says: '企业意见',
  wish: '企业诉求',
  classification: '问题分类',
  explanation: '向企业说明',
  question: '需说明的问题',
  unit_id: '单位',
  text: '内容',
  summary: '调查小结',
  outcome: '认定结果',
  responsible_unit_id: '责任单位',
  responsible_official_id: '责任人员',
  measures: '处理措施',
  clue: '问题线索',
  disposition: '处置方式',
  note: '说明',
  value: '评价',
  comment: '意见',
  attachment_ids: '照片',
}
const RECORD_VALUE = { method: METHOD, wish: WISH, classification: CLASSIFICATION, outcome: OUTCOME, disposition: DISPOSITION, value: HANDLING_RATING }
export function recordValue(field, v) {
  if (Array.isArray(v)) return v.length ? `${v.length} 张` : '—'
  const map = RECORD_VALUE[field]
  return (map && map[v]) || (v === null || v === undefined || v === '' ? '—' : String(v))
}

// The actions the portal takes on a case (rq.case_transitions; appeal, add_info and rate
// are the mini-program's), in the order the buttons show. final: the step cannot be undone,
// so the portal asks once more before sending it.
export const CASE_ACTIONS = {
  accept: { label: '受理', path: 'accept', type: 'primary', final: false },
  follow_up: { label: '登记回访', path: 'follow-up', type: 'primary', final: false },
  investigate: { label: '转入调查', path: 'investigate', type: 'warning', final: false },
  close: { label: '研判办结', path: 'close', type: 'success', final: true },
  statement: { label: '提交情况说明', path: 'statement', type: 'primary', final: true },
  refer: { label: '提请审核认定', path: 'refer', type: 'primary', final: false },
  determine: { label: '审核认定', path: 'determine', type: 'primary', final: true },
  hand_over: { label: '认定并移交纪检', path: 'hand-over', type: 'danger', final: true },
  dispose: { label: '处置', path: 'dispose', type: 'primary', final: true },
  merge: { label: '合并到其他案件', path: 'merge', type: 'default', final: true },
}
