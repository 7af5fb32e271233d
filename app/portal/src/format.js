// Dates in the city's time (Asia/Shanghai, app/DESIGN.md §6) whatever the browser's zone,
// and the Chinese labels of the API's codes.
const TZ = 'Asia/Shanghai'
const dtf = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
})
const df = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' })

function parts(f, d) {
  const o = {}
  for (const p of f.formatToParts(d)) o[p.type] = p.value
  return o
}

export function fmtTime(v) {
  if (!v) return '—'
  const d = new Date(v)
  if (Number.isNaN(d.getTime())) return String(v)
  const p = parts(dtf, d)
  return `${p.year}-${p.month}-${p.day} ${p.hour === '24' ? '00' : p.hour}:${p.minute}`
}

export function fmtDate(v) {
  if (!v) return '—'
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return v
  const d = new Date(v)
  if (Number.isNaN(d.getTime())) return String(v)
  const p = parts(df, d)
  return `${p.year}-${p.month}-${p.day}`
}

// today in the city, YYYY-MM-DD
export function today() {
  return fmtDate(new Date())
}

export const ACTIVITY = { visit: '参观访问', research: '调研帮扶', inspection: '执法检查' }
export const VISIT_STATUS = { registered: '已登记', confirmed: '企业已确认', disputed: '企业有异议', finished: '已报备结果', withdrawn: '已撤回' }
export const RATING = { satisfied: '满意', basically_satisfied: '基本满意', unsatisfied: '不满意' }
export const CODE_STATUS = { active: '有效', revoked: '已作废' }
export const CLAIM_STATUS = { pending: '待审核', approved: '已通过', rejected: '已驳回' }
export const PRINT_STATUS = { queued: '排队中', running: '生成中', done: '已完成', failed: '失败' }
export const BUSINESS_STATUS = { normal: '正常经营', revoked: '吊销', cancelled: '注销', suspended: '停业', abnormal: '经营异常' }
export const FLAGS = {
  frequency_day: '同日多次入企',
  frequency_week: '同周多次入企',
  frequency_month: '同月多次入企',
  inspection_over_cap: '检查超过年度上限',
  quiet_day_exemption: '无扰日例外检查',
  far_away: '定位距企业较远',
  location_refused: '未提供定位',
  backfill: '补登记',
  official_unverified: '人员未核验',
}

export function label(map, v) {
  if (v === null || v === undefined || v === '') return '—'
  return map[v] || v
}

export const yesNo = (v) => (v === true ? '是' : v === false ? '否' : '—')

// notifications in a portal user's list (rq.outbox kinds addressed to portal users)
export const NOTICE_KIND = {
  case_opened: '新案件待受理',
  case_accepted: '案件已受理',
  case_overdue: '案件办理超期',
  case_escalated: '超期案件提醒市营商办',
  case_reopened: '企业不满意，案件重新办理',
  case_statement_requested: '请提交情况说明',
  case_handed_over: '案件已移交纪检监察',
  case_closed: '案件已办结',
}

// YYYY-MM-DD n days after (before, when negative) a YYYY-MM-DD
export function addDays(day, n) {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

// the city's counties and functional zones (rq.regions, migrations/0018_baseline.sql)
export const COUNTIES = {
  411502: '浉河区',
  411503: '平桥区',
  411521: '罗山县',
  411522: '光山县',
  411523: '新县',
  411524: '商城县',
  411525: '固始县',
  411526: '潢川县',
  411527: '淮滨县',
  411528: '息县',
  411590: '信阳高新技术产业开发区',
  411591: '羊山新区',
  411592: '上天梯非金属矿管理区',
  411593: '南湾湖风景区管理区',
  411594: '鸡公山管理区',
}
export const countyName = (c) => (c ? COUNTIES[c] || c : '市直')
