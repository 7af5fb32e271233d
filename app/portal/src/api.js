// The one client of the portal API (app/openapi.yaml): cookie session, X-CSRF-Token on every
// request that changes state, problem+json errors turned into ApiError whose `detail` is the
// Chinese sentence the server wrote for people. A 401 (session ended, idle or expired) or a
// CSRF refusal hands over to the handler the router installs: back to the login, and back
// to the page afterwards.
import { session } from './session'

const BASE = '/api/v1'

// what to say when a response carries no detail of its own (nginx and the pools always
// send one; a proxy or a dropped connection may not)
const FALLBACK = {
  0: '无法连接服务器，请检查网络后重试',
  400: '请求有误，请检查填写的内容',
  401: '登录已过期，请重新登录',
  403: '您没有进行此操作的权限',
  404: '要找的内容不存在或您无权查看',
  409: '当前状态下不能进行此操作，请刷新后重试',
  413: '提交的内容过大',
  422: '填写的内容有误，请检查后重试',
  429: '操作过于频繁，请稍后再试',
  500: '系统内部错误，请稍后重试',
}

export class ApiError extends Error {
  constructor(status, problem, requestId) {
    const detail = (problem && problem.detail) || FALLBACK[status] || FALLBACK[status >= 500 ? 500 : 400]
    super(detail)
    this.status = status
    this.detail = detail
    this.type = (problem && problem.type) || ''
    this.errors = (problem && Array.isArray(problem.errors) && problem.errors) || []
    this.allowedActions = problem && problem.allowed_actions
    this.requestId = (problem && problem.request_id) || requestId || ''
    this.retryAfter = null
  }
  // the problem type's last segment: '/problems/csrf' → 'csrf'
  get kind() {
    return this.type.split('/').pop()
  }
  // the messages of a validation problem by field: {name: '...'}
  fieldErrors() {
    const out = {}
    for (const e of this.errors) if (e && e.field) out[e.field] = e.message
    return out
  }
}

let onSessionLost = null
// installed by the router: what to do when the server says the session is gone
export function onSessionEnded(fn) {
  onSessionLost = fn
}

function buildUrl(path, query) {
  const url = new URL(BASE + path, window.location.origin)
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue
      url.searchParams.set(k, String(v))
    }
  }
  return url.pathname + url.search
}

// api(method, path, {query, json, body, contentType}) → parsed JSON (null for 204)
export async function api(method, path, opts = {}) {
  const headers = { Accept: 'application/json, application/problem+json' }
  let body
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.json)
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = opts.contentType || 'application/octet-stream'
    body = opts.body
  }
  if (method !== 'GET' && method !== 'HEAD' && session.csrf) headers['X-CSRF-Token'] = session.csrf
  let resp
  try {
    resp = await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      cache: 'no-store',
    })
  } catch {
    throw new ApiError(0, null, '')
  }
  return answer(resp, opts)
}

// a response → its JSON (null for 204), or ApiError
async function answer(resp, opts) {
  if (resp.status === 204) return null
  const type = resp.headers.get('Content-Type') || ''
  let data = null
  if (type.includes('json')) data = await resp.json().catch(() => null)
  if (!resp.ok) {
    const err = new ApiError(resp.status, data, resp.headers.get('X-Request-Id'))
    err.retryAfter = resp.headers.get('Retry-After')
    const lost = (resp.status === 401 && !opts.noSessionRedirect) || (resp.status === 403 && err.kind === 'csrf')
    if (lost && onSessionLost) onSessionLost(err)
    throw err
  }
  return data
}

export const get = (path, query, opts) => api('GET', path, { ...opts, query })
export const post = (path, json, opts) => api('POST', path, { ...opts, json: json === undefined ? {} : json })
export const put = (path, json, opts) => api('PUT', path, { ...opts, json })
export const patch = (path, json, opts) => api('PATCH', path, { ...opts, json })
export const del = (path, opts) => api('DELETE', path, opts)

// The text to show for any error thrown by api() (or anything else).
export function errorText(e) {
  if (e instanceof ApiError) return e.requestId ? `${e.detail}（请求编号 ${e.requestId}）` : e.detail
  return '页面出错了，请刷新后重试'
}

// Who is logged in (GET /api/v1/auth/me); null when nobody is.
export async function fetchMe() {
  // the page load's first answer (public/early.js), once
  const first = window.ruqimaFirstMe
  window.ruqimaFirstMe = null
  try {
    const opts = { noSessionRedirect: true }
    const early = first ? await first.catch(() => null) : null
    const me = early ? await answer(early, opts) : await api('GET', '/auth/me', opts)
    return me && me.kind === 'admin' ? me.user : null
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null
    throw e
  }
}
