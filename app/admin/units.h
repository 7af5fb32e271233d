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

#endif
