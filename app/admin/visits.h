/* Visits in the portal: the list and the detail of the visits the portal user's role sees
 * by row-level security (lib/sql/policies.sql: a unit admin those their unit entered in, a
 * county admin their county's, the city admin, judicial analysts and discipline inspectors
 * every one). The rating's rater is shown as rq.visit_rating says: the role, the name of a
 * rating that is not anonymous; the phone and an anonymous rater to discipline inspectors
 * only. */
#ifndef ADMIN_VISITS_H
#define ADMIN_VISITS_H

#include "rq_router.h"

extern const char *const admin_visit_statuses[];
extern const char *const admin_activity_types[];
extern const char *const admin_visit_sources[];
extern const char *const admin_visit_flags[];

/* GET /api/v1/admin/visits?status=&activity_type=&from=&to=&source=&enterprise_id=&unit_id=
 * &official_id=&flag=&after=&limit=: newest first, keyset-paged, each line as the
 * mini-program's lists (rq.visit_lines; source platform, or huiqitong for the records
 * imported from 慧企通; unit_id the lead unit, official_id the official's account, flag one of
 * the rules that flagged it). Raises 400 naming a malformed query parameter. */
RQ_HANDLER_DECL(admin_visits_list);
/* GET /api/v1/admin/visits/{id}: the whole visit (rq.visit_read) with its filings, answer
 * and rating. Raises 404 visit-unknown when the actor does not see it. */
RQ_HANDLER_DECL(admin_visits_get);

#endif
