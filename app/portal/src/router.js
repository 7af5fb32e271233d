// Routes made from the menu (menu.js). Every page but the login needs a session: without
// one (or when the server says it ended) the user goes to the login page and, logged in,
// back to where they were. A route the role may not see still opens — showing the 403 page
// (layout/Layout.vue), so a shared link tells its reader why it shows nothing.
import { createRouter, createWebHistory } from 'vue-router'
import { MENU } from './menu'
import { session, setSession, clearSession } from './session'
import { fetchMe, onSessionEnded } from './api'
import Layout from './layout/Layout.vue'
import Login from './pages/Login.vue'

function pageRoutes() {
  const out = []
  for (const item of MENU) {
    out.push({ path: item.path === '/' ? '' : item.path.slice(1), name: item.name, component: item.component, meta: { title: item.title, roles: item.roles, menu: item.name } })
    for (const c of item.children || []) {
      out.push({
        path: `${item.path.slice(1)}/${c.path}`,
        name: c.name,
        component: c.component,
        meta: { title: c.title, roles: c.roles || item.roles, menu: item.name, parent: item },
      })
    }
  }
  return out
}

const routes = [
  { path: '/login', name: 'login', component: Login, meta: { public: true, title: '登录' } },
  {
    path: '/',
    component: Layout,
    children: [
      ...pageRoutes(),
      { path: 'password', name: 'password', component: () => import('./pages/Password.vue'), meta: { title: '修改密码' } },
      { path: ':rest(.*)*', name: 'not-found', component: () => import('./pages/NotFound.vue'), meta: { title: '页面不存在' } },
    ],
  },
]

const router = createRouter({ history: createWebHistory('/admin/'), routes })

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  if (!session.checked) {
    try {
      const me = await fetchMe()
      if (me) setSession(me)
      else clearSession()
    } catch {
      session.checked = true // the server is down: the login page says so when used
    }
  }
  if (!session.user) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  return true
})

router.afterEach((to) => {
  document.title = `${to.meta.title ? to.meta.title + ' · ' : ''}公务入企码管理平台`
})

// The session ended under the user (idle, expired, ended elsewhere): log in again, come back.
onSessionEnded(() => {
  const here = router.currentRoute.value
  if (here.name === 'login') return clearSession()
  // leave the page first: its layout reads the user until it is gone
  router.replace({ name: 'login', query: { redirect: here.fullPath, expired: '1' } }).finally(clearSession)
})

export default router
