/* Anonymous ratings with their raters, for discipline inspectors — the one role that may
 * know who rated anonymously (app/DESIGN.md §5, §7; row-level security of
 * rq.evaluation_raters). */
#ifndef ADMIN_ANONYMOUS_RATINGS_H
#define ADMIN_ANONYMOUS_RATINGS_H

#include "rq_router.h"

/* GET /api/v1/admin/anonymous-ratings?after=&limit=: newest visit first, keyset-paged by
 * visit id; each {id (the visit's), enterprise {id, name}, unit {id, name}, value, label,
 * comment, rated_at, changed_at, rater {account_id, name, phone, role, role_label}}.
 * Discipline inspectors only (403 for every other role). Raises 400 naming a malformed
 * query parameter. */
RQ_HANDLER_DECL(admin_anonymous_ratings_list);

#endif
