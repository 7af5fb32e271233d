/* Officials' profiles in the portal: the list a unit, county or city admin may see (RLS
 * of lib/sql/policies.sql) with each official's visits, and what a unit admin of the
 * official's unit (or the city admin) changes: verified or not, active or deactivated
 * (rq.official_change, app/admin/sql/officials.sql). */
#ifndef ADMIN_OFFICIALS_H
#define ADMIN_OFFICIALS_H

#include <libpq-fe.h>

#include "rq_router.h"

/* GET /api/v1/admin/officials?unit_id=&verified=&active=&after=&limit=: keyset-paged by
 * account id; each profile with visits (how many the admin may see, withdrawn ones left
 * out) and last_entered_at. Raises 400 naming a malformed query parameter. */
RQ_HANDLER_DECL(admin_officials_list);
/* GET /api/v1/admin/officials/{id} ({id} the official's account id): 200 with the profile
 * as in the list. Raises 404 official-unknown when the actor cannot see such a profile
 * (another unit's admin, another county's). */
RQ_HANDLER_DECL(admin_officials_get);
/* POST /api/v1/admin/officials/{id}/verify: 200 with the verified profile. Raises 404 when
 * the actor cannot see such a profile, 403 when they see it but may not change it (only the
 * city admin or a unit admin of its unit may). */
RQ_HANDLER_DECL(admin_officials_verify);
/* POST /api/v1/admin/officials/{id}/unverify: 200 with the profile, no longer verified (its
 * registrations are flagged official_unverified again). Raises 404 and 403 as verify. */
RQ_HANDLER_DECL(admin_officials_unverify);
/* POST /api/v1/admin/officials/{id}/deactivate {reason}: 200 with the profile, deactivated
 * (the official left: registrations are refused with 403 official-deactivated; a profile
 * deactivated already keeps its first reason). Raises 422 naming reason when it is missing,
 * empty, blank or over 200 characters, then 404 and 403 as verify. */
RQ_HANDLER_DECL(admin_officials_deactivate);
/* POST /api/v1/admin/officials/{id}/reactivate: 200 with the profile, active again. Raises
 * 404 and 403 as verify. */
RQ_HANDLER_DECL(admin_officials_reactivate);

/* The profile of account id as the actor sees it (RLS), or NULL after answering (404
 * official-unknown, or the failed query). */
PGresult *admin_official_visible(struct rq_req *req, struct rq_resp *resp, const char *id);

#endif
