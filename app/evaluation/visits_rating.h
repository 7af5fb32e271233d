/* The enterprise's rating of a visit (评价): 满意 / 基本满意 / 不满意, one per
 * visit, given by an active manager of the enterprise once the visit is confirmed and
 * within rating_window_days of its registration; changeable once, by its rater, within
 * rating_change_hours (PUT). A 不满意 opens a case (source rating) and notifies the county
 * admins in the same transaction (rq.rating_set,
 * app/evaluation/sql/visits_rating.sql). */
#ifndef EVALUATION_VISITS_RATING_H
#define EVALUATION_VISITS_RATING_H

#include "rq_router.h"

/* POST /api/v1/evaluation/visits/{id}/rating {value: satisfied | basically_satisfied |
 * unsatisfied, comment (1..500, required for unsatisfied), anonymous (default false)}:
 * 201 with the visit's detail. Raises 422 naming a bad field, 404 visit-unknown, 409
 * visit-not-confirmed, rating-window-closed or already-rated. */
RQ_HANDLER_DECL(evaluation_visits_rating_give);
/* PUT /api/v1/evaluation/visits/{id}/rating, the same body: the one change. 200 with the
 * detail (also when nothing changed). Raises 422, 404 visit-unknown, 404 not-rated, 403
 * not-the-rater, 409 rating-already-changed or rating-change-closed. */
RQ_HANDLER_DECL(evaluation_visits_rating_change);

#endif
