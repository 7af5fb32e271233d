/* Officials' profiles in the portal: the list a unit, county or city admin may see (RLS
 * of lib/sql/policies.sql) and the verification by a unit admin of the official's unit. */
#ifndef ADMIN_OFFICIALS_H
#define ADMIN_OFFICIALS_H

#include "rq_router.h"

/* GET /api/v1/admin/officials?unit_id=&verified=&after=&limit=: keyset-paged by account
 * id. Raises 400 naming a malformed query parameter. */
RQ_HANDLER_DECL(admin_officials_list);
/* POST /api/v1/admin/officials/{id}/verify ({id} the official's account id): 200 with the verified
 * profile. Raises 404 when the actor cannot see such a profile, 403 when they see it but may not
 * verify it (only the city admin or a unit admin of its unit may). */
RQ_HANDLER_DECL(admin_officials_verify);

#endif
