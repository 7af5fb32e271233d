/* The notification list of the acting recipient — a mini-program account (GET
 * /api/v1/evaluation/notifications) or a portal user (GET /api/v1/admin/notifications) —
 * and marking one read: the one implementation both families' handlers call. The rows are
 * rq.outbox's, read through rq.notification_lines and rq.notification_read
 * (lib/sql/notifications.sql); row-level security shows each recipient only their own. */
#ifndef RQ_NOTICES_H
#define RQ_NOTICES_H

#include "rq_http.h"

/* Answers 200 {items, next_after, unread}: the actor's notifications newest first, keyset
 * paged (the route declares RQ_QUERY_PAGE), only the unread ones with ?unread=1 (read ones
 * with 0), and unread, how many of all of them are unread. */
void rq_notices_list(struct rq_req *req, struct rq_resp *resp);

/* Marks notification {id} read (the first time only) and answers it, 200. Raises 404
 * notification-unknown when it is not the actor's (another recipient's, or a manager's
 * notice of a visit to an enterprise they no longer manage). */
void rq_notices_read(struct rq_req *req, struct rq_resp *resp);

#endif
