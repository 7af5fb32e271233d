/* The visit-rule policy (app/DESIGN.md §5): thresholds every portal user may read and only the city
 * admin may change, city-wide or (inspection_year_max) per unit. Every change is audited. */
#ifndef ADMIN_POLICY_H
#define ADMIN_POLICY_H

#include "rq_router.h"

/* GET /api/v1/admin/policy: {items: [every threshold], overrides: [every per-unit value]}. */
RQ_HANDLER_DECL(admin_policy_get);
/* PUT /api/v1/admin/policy/{key} {value}: 200 with the item. Raises 404 for an unknown key,
 * 422 (field value) unless value is an integer in [min_value, max_value], 403 for anyone but
 * the city admin (route, and again in rq.policy_set). */
RQ_HANDLER_DECL(admin_policy_put);
/* PUT /api/v1/admin/policy/{key}/units/{unit_id} {value: integer | null}: sets (or, for
 * null, removes) a unit's override; 200 with {unit_id, unit_name, key, value,
 * effective_value, updated_at, updated_by}. Raises 404 for an unknown key or unit, 422
 * /problems/policy-not-overridable for a key without per-unit values, 422 (field value) as
 * above. */
RQ_HANDLER_DECL(admin_policy_put_unit);

#endif
