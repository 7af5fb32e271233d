/* Units (departments): the city admin keeps the list officials choose from. */
#ifndef ADMIN_UNITS_H
#define ADMIN_UNITS_H

#include "rq_http.h"

/* GET /api/v1/admin/units?after=&limit=: keyset-paginated by id. */
void admin_units_list(struct rq_req *req, struct rq_resp *resp);
/* POST /api/v1/admin/units {name, county_code?, discipline_group?}: 201 with the unit.
 * Raises 422 on bad fields or an unknown county, 409 when the name exists there. */
void admin_units_create(struct rq_req *req, struct rq_resp *resp);

#endif
