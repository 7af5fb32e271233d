// A table over a keyset-paged list route (?after=<next_after>&limit=, answering
// {items, next_after}): the filters live in the URL's query, so a link shares the view, and
// every change of them (or of the page) is a navigation the browser's back button undoes.
//
//   const t = useKeysetTable('/admin/enterprises', { q: '', county: '', verified: '' })
//   t.filters.q = '...'; t.search()          // page 1 with these filters
//   t.next(); t.prev(); t.reload()
//   t.items, t.loading, t.error, t.hasNext, t.page
import { reactive, ref, computed, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { get, errorText } from './api'

export function useKeysetTable(path, defaults = {}, { limit = 20, fixed = {}, transform } = {}) {
  const route = useRoute()
  const router = useRouter()
  const filters = reactive({ ...defaults })
  const items = ref([])
  const nextAfter = ref(null)
  const loading = ref(false)
  const error = ref('')
  const extra = ref({}) // other members of the answer (e.g. `unread`)
  // the cursors of the pages before this one (the URL holds the current one)
  const trail = ref([])
  const routeName = route.name

  function fromQuery(q) {
    for (const k of Object.keys(defaults)) filters[k] = typeof q[k] === 'string' ? q[k] : defaults[k]
  }

  function query(after) {
    const q = {}
    for (const [k, v] of Object.entries(filters)) if (v !== '' && v !== null && v !== undefined && v !== defaults[k]) q[k] = String(v)
    if (after) q.after = after
    return q
  }

  async function load() {
    loading.value = true
    error.value = ''
    const q = route.query
    const params = { ...fixed, limit }
    for (const k of Object.keys(defaults)) if (filters[k] !== '' && filters[k] !== null) params[k] = filters[k]
    if (typeof q.after === 'string') params.after = q.after
    try {
      const r = await get(typeof path === 'function' ? path() : path, params)
      items.value = transform ? transform(r.items || []) : r.items || []
      nextAfter.value = r.next_after ?? null
      const { items: _i, next_after: _n, ...rest } = r
      extra.value = rest
    } catch (e) {
      items.value = []
      nextAfter.value = null
      error.value = errorText(e)
    } finally {
      loading.value = false
    }
  }

  function search() {
    trail.value = []
    router.push({ query: query(null) })
  }
  function reset() {
    Object.assign(filters, defaults)
    search()
  }
  function next() {
    if (!nextAfter.value) return
    trail.value.push(route.query.after || '')
    router.push({ query: query(nextAfter.value) })
  }
  function prev() {
    const before = trail.value.pop()
    router.push({ query: query(before || null) })
  }

  watch(
    () => route.query,
    (q) => {
      if (route.name !== routeName) return
      fromQuery(q)
      if (!q.after) trail.value = []
      load()
    },
    { immediate: true },
  )

  return {
    filters,
    items,
    loading,
    error,
    extra,
    hasNext: computed(() => !!nextAfter.value),
    hasPrev: computed(() => !!route.query.after),
    page: computed(() => (route.query.after ? trail.value.length + 1 : 1)),
    search,
    reset,
    next,
    prev,
    reload: load,
  }
}
