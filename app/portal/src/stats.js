// The statistics' filters (GET /api/v1/reporting/statistics/*: from, to, county, unit_id,
// group_by) kept in the URL's query, so a link shares the view; each change is a navigation
// the back button undoes. A county admin's figures are its county's and a unit admin's its
// unit's whatever they ask (the server decides): the page does not offer what would not apply.
import { reactive, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { today } from './format'

export const GROUPS = { unit: '按单位', county: '按县区' }

export function statsDefaults() {
  const to = today()
  return { from: to.slice(0, 4) + '-01-01', to, county: '', unit_id: '', group_by: 'unit' }
}

// useStatsFilters(load): load(params) runs on the first view and on every change of the URL
export function useStatsFilters(load) {
  const route = useRoute()
  const router = useRouter()
  const defaults = statsDefaults()
  const filters = reactive({ ...defaults })
  const routeName = route.name

  function params() {
    const p = {}
    for (const [k, v] of Object.entries(filters)) if (v !== '' && v !== null) p[k] = v
    return p
  }
  function search() {
    const q = {}
    for (const [k, v] of Object.entries(filters)) if (v !== '' && v !== defaults[k]) q[k] = v
    // the page's other members of the query (a tab, a list's cursor) stay
    const rest = Object.fromEntries(Object.entries(route.query).filter(([k]) => !(k in defaults) && k !== 'after'))
    router.push({ query: { ...rest, ...q } })
  }
  function reset() {
    Object.assign(filters, defaults)
    search()
  }
  watch(
    () => route.query,
    (q) => {
      if (route.name !== routeName) return
      for (const k of Object.keys(defaults)) filters[k] = typeof q[k] === 'string' && q[k] !== '' ? q[k] : defaults[k]
      load(params())
    },
    { immediate: true },
  )
  return { filters, search, reset, params }
}

// "0.8734" → "87.3%"; null → "—"
export const percent = (v) => (v === null || v === undefined || v === '' ? '—' : `${(Number(v) * 100).toFixed(1)}%`)
