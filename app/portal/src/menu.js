// The portal's menu: ONE definition of every item — its title, its route, the roles that see
// it — from which the side menu, the routes and the 403 page are all made (router.js,
// layout/Layout.vue). The roles mirror the route tables of the API (app/admin/routes.c and
// the other families'): the portal hides what a role may not do, the server still refuses
// it. A page's sub-pages (detail, import) are its `children` and take its roles.
import Dashboard from './pages/Dashboard.vue'

export const ROLES = {
  city_admin: '市营商办',
  county_admin: '县区营商办',
  unit_admin: '部门系统管理员',
  market_supervision: '市场监管局',
  discipline_inspector: '纪检监察',
  judicial_analyst: '市司法局',
}
export const ALL_ROLES = Object.keys(ROLES)

// app/admin/routes.c: register_readers, claim_deciders, official_readers, visit_readers
const REGISTER_READERS = ['market_supervision', 'city_admin', 'county_admin']
const CLAIM_DECIDERS = ['county_admin', 'city_admin']
const OFFICIAL_READERS = ['unit_admin', 'county_admin', 'city_admin']
const VISIT_READERS = ['unit_admin', 'county_admin', 'city_admin', 'discipline_inspector', 'judicial_analyst']
// app/complaints/routes.c: case_readers, statement_readers, inbox_readers
const CASE_READERS = ['city_admin', 'county_admin', 'unit_admin', 'discipline_inspector', 'judicial_analyst']
const STATEMENT_READERS = ['unit_admin', 'county_admin', 'city_admin', 'discipline_inspector']
const INBOX_READERS = ['discipline_inspector', 'city_admin']
// app/reporting/routes.c: report_readers; app/admin/routes.c: audit_readers
const REPORT_READERS = ['city_admin', 'judicial_analyst', 'discipline_inspector', 'county_admin']
const AUDIT_READERS = ['city_admin', 'discipline_inspector']
// app/reporting/statistics.c: reporting_statistics_readers
const STATS_READERS = ['city_admin', 'judicial_analyst', 'discipline_inspector', 'county_admin', 'unit_admin']

export const MENU = [
  // the first page after every login: in the main chunk, no round trip before its data is asked
  { name: 'dashboard', title: '首页', path: '/', roles: ALL_ROLES, component: Dashboard },
  {
    name: 'enterprises',
    title: '企业',
    path: '/enterprises',
    roles: REGISTER_READERS,
    component: () => import('./pages/Enterprises.vue'),
    children: [
      { name: 'enterprise-import', path: 'import', title: '导入企业名录', roles: ['market_supervision', 'city_admin'], component: () => import('./pages/EnterpriseImport.vue') },
      { name: 'enterprise-detail', path: ':id', title: '企业详情', roles: CLAIM_DECIDERS, component: () => import('./pages/EnterpriseDetail.vue') },
    ],
  },
  { name: 'codes', title: '赋码', path: '/codes', roles: REGISTER_READERS, component: () => import('./pages/Codes.vue') },
  { name: 'claims', title: '认证申请', path: '/claims', roles: CLAIM_DECIDERS, component: () => import('./pages/Claims.vue') },
  {
    name: 'officials',
    title: '入企人员',
    path: '/officials',
    roles: OFFICIAL_READERS,
    component: () => import('./pages/Officials.vue'),
    children: [{ name: 'official-detail', path: ':id', title: '人员详情', component: () => import('./pages/OfficialDetail.vue') }],
  },
  {
    name: 'visits',
    title: '入企记录',
    path: '/visits',
    roles: VISIT_READERS,
    component: () => import('./pages/Visits.vue'),
    children: [{ name: 'visit-detail', path: ':id', title: '入企详情', component: () => import('./pages/VisitDetail.vue') }],
  },
  {
    name: 'cases',
    title: '案件',
    path: '/cases',
    roles: CASE_READERS,
    component: () => import('./pages/Cases.vue'),
    children: [
      { name: 'case-statements', path: 'statements', title: '情况说明', roles: STATEMENT_READERS, component: () => import('./pages/CaseStatements.vue') },
      { name: 'case-inbox', path: 'inbox', title: '移交纪检', roles: INBOX_READERS, component: () => import('./pages/CaseInbox.vue') },
      { name: 'case-detail', path: ':id', title: '案件详情', component: () => import('./pages/CaseDetail.vue') },
    ],
  },
  { name: 'statistics', title: '统计分析', path: '/statistics', roles: STATS_READERS, component: () => import('./pages/Statistics.vue') },
  { name: 'reports', title: '报表', path: '/reports', roles: REPORT_READERS, component: () => import('./pages/Reports.vue') },
  // every portal role reads the rules and the calendar; the city admin changes them
  { name: 'policy', title: '规则', path: '/policy', roles: ALL_ROLES, component: () => import('./pages/Policy.vue') },
  {
    name: 'users',
    title: '用户与单位',
    tab: '用户', // its tab beside 单位 (components/OpsTabs.vue)
    path: '/users',
    roles: ['city_admin'],
    component: () => import('./pages/Users.vue'),
    children: [{ name: 'units', path: 'units', title: '单位', component: () => import('./pages/Units.vue') }],
  },
  { name: 'audit', title: '审计', path: '/audit', roles: AUDIT_READERS, component: () => import('./pages/Audit.vue') },
]

// the menu items a role sees, in order
export function menuFor(role) {
  return MENU.filter((m) => m.roles.includes(role))
}

export function allowed(roles, role) {
  return !roles || roles.includes(role)
}
