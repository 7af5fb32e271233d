// The units (GET /api/v1/admin/units, every portal role), read once per page load for the
// unit filters.
import { ref } from 'vue'
import { get } from './api'

const units = ref([])
let loading = null

export function useUnits() {
  if (!loading) {
    loading = (async () => {
      const all = []
      let after = null
      do {
        const r = await get('/admin/units', { limit: 200, after })
        all.push(...r.items)
        after = r.next_after
      } while (after && all.length < 2000)
      units.value = all
    })().catch(() => {
      loading = null
    })
  }
  return units
}
