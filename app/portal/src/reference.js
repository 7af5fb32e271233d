// Reference lists the forms choose from: every unit (GET /admin/units, paged 200 at a time)
// and the city's regions (GET /admin/regions), each fetched once per page load.
import { get } from './api'

let unitsOnce = null
let regionsOnce = null

// every unit, active or not: [{id, name, county_code, discipline_group, active}]
export function allUnits({ fresh = false } = {}) {
  if (!unitsOnce || fresh) {
    unitsOnce = (async () => {
      const out = []
      let after = null
      // bounded: 50 pages of 200 units is far more than a city has
      for (let i = 0; i < 50; i++) {
        const r = await get('/admin/units', { limit: 200, after })
        out.push(...(r.items || []))
        if (!r.next_after) break
        after = r.next_after
      }
      return out
    })()
    unitsOnce.catch(() => (unitsOnce = null))
  }
  return unitsOnce
}

// the regions: [{code, name, kind, parent_code}], the city first
export function allRegions() {
  if (!regionsOnce) {
    regionsOnce = get('/admin/regions').then((r) => r.items || [])
    regionsOnce.catch(() => (regionsOnce = null))
  }
  return regionsOnce
}
