// Who is logged in, and the CSRF token the login answered. The session itself is the
// HttpOnly cookie (Path=/api/, never readable here); the CSRF token must be sent as
// X-CSRF-Token on every state-changing request (lib/rq_app.c), so it is kept for this
// origin's tabs in localStorage until logout or until the server says the session ended.
import { reactive } from 'vue'

const CSRF_KEY = 'ruqima.portal.csrf'

export const session = reactive({
  user: null, // {id, username, role, county_code, unit_id}
  csrf: readCsrf(),
  checked: false, // /auth/me asked once since the page loaded
})

function readCsrf() {
  try {
    return localStorage.getItem(CSRF_KEY)
  } catch {
    return null
  }
}

export function setSession(user, csrf) {
  session.user = user
  session.checked = true
  if (csrf !== undefined) {
    session.csrf = csrf
    try {
      localStorage.setItem(CSRF_KEY, csrf)
    } catch {
      /* private mode: the token lives in memory only */
    }
  }
}

export function clearSession() {
  session.user = null
  session.csrf = null
  session.checked = true
  try {
    localStorage.removeItem(CSRF_KEY)
  } catch {
    /* nothing kept */
  }
}
