// The units (GET /api/v1/admin/units, every portal role), read once per page load for the
// unit filters; reloadUnits() reads them again after a change (用户与单位).
import { ref } from 'vue'
import { get } from './api'

const units = ref([])
let loading = null

async function load() {
  const all = []
  let after = null
  do {
    const r = await get('/admin/units', { limit: 200, after })
    all.push(...r.items)
    after = r.next_after
  } while (after && all.length < 2000)
  units.value = all
}

export function useUnits() {
  if (!loading) {
    loading = load().catch(() => {
      loading = null
    })
  }
  return units
}

// Reads the units again; throws the API's error (the list keeps what it had).
export async function reloadUnits() {
  const p = load()
  loading = p.catch(() => {
    loading = null
  })
  await p
  return units
}
