/* An official's visits in the portal, for the admins who may see the official. */
#ifndef ADMIN_OFFICIALS_VISITS_H
#define ADMIN_OFFICIALS_VISITS_H

#include "rq_router.h"

/* GET /api/v1/admin/officials/{id}/visits?after=&limit=: 200 {items, next_after}, the visits
 * the official registered that the admin may see (row-level security), newest first, as
 * the lines of every visit list (status, withdrawn included; enterprise, unit, flags,
 * finish_overdue, rating). Raises 404 official-unknown when the admin cannot see the
 * official (another unit's admin), 400 naming a malformed after or limit. */
RQ_HANDLER_DECL(admin_officials_visits_list);

#endif
