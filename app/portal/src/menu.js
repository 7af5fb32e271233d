// The portal's menu: ONE definition of every item — its title, its route, the roles that see
// it — from which the side menu, the routes and the 403 page are all made (router.js,
// layout/Layout.vue). The roles mirror the route tables of the API (app/admin/routes.c and
// the other families'): the portal hides what a role may not do, the server still refuses
// it. A page's sub-pages (detail, import) are its `children` and take its roles.
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

export const MENU = [
  { name: 'dashboard', title: '首页', path: '/', roles: ALL_ROLES, component: () => import('./pages/Dashboard.vue') },
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
  // 案件, 统计分析, 报表, 规则, 用户与单位, 审计: items of their own, added here
]

// the menu items a role sees, in order
export function menuFor(role) {
  return MENU.filter((m) => m.roles.includes(role))
}

export function allowed(roles, role) {
  return !roles || roles.includes(role)
}
