/* Units (departments): the city admin keeps the list officials choose from. */
#ifndef ADMIN_UNITS_H
#define ADMIN_UNITS_H

#include "rq_router.h"

/* GET /api/v1/admin/units?after=&limit=: 200 {items, next_after}, keyset-paginated by id.
 * Raises 400 naming a malformed after or limit. */
RQ_HANDLER_DECL(admin_units_list);
/* POST /api/v1/admin/units {name, county_code?, discipline_group?}: 201 with the unit.
 * Raises 422 on bad fields or an unknown county, 409 when the name exists there. */
RQ_HANDLER_DECL(admin_units_create);
/* PATCH /api/v1/admin/units/{id} {name?, county_code?, discipline_group?, active?} (city
 * admin; rq.unit_change of app/admin/sql/units.sql): 200 with the unit. A member given is
 * set (county_code and discipline_group null to clear, active false to deactivate), one
 * left out is kept. Raises 400 unknown-field naming any other member (the route declares
 * its members), 422 naming a bad member (or when none is given) or an unknown county, 404
 * unit-unknown, 409 unit-name-taken when another unit of the same county (or of the city
 * level) has the name. */
RQ_HANDLER_DECL(admin_units_patch);

/* Adds "county_code: not a county of the city" to errors when county (not NULL) is no
 * region of rq.regions. Returns 0, or -1 after answering a failed query (errors deleted). */
int admin_county_check(struct rq_req *req, struct rq_resp *resp, const char *county,
		       cJSON *errors) RQ_MUST_USE;
/* The same for unit_id: unit (not NULL) must be an active unit. */
int admin_unit_active_check(struct rq_req *req, struct rq_resp *resp, const char *unit,
			    cJSON *errors) RQ_MUST_USE;

#endif
