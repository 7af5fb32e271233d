/* The mini-program's notification list: the outbox rows addressed to the account (new,
 * edited and finished visits to the enterprises it manages now, queued by the registration
 * family; the decisions on its claims), with their read state and the unread count. */
#ifndef EVALUATION_NOTIFICATIONS_H
#define EVALUATION_NOTIFICATIONS_H

#include "rq_router.h"

/* GET /api/v1/evaluation/notifications?limit=&after=&unread=true|false: newest first,
 * keyset-paged; {items, next_after, unread}, each item {id, kind, visit_id, enterprise_id,
 * case_id, claim_id, payload, created_at, read, read_at}. A visit's notice of an
 * enterprise the account no longer manages is not listed. Raises 400 naming a malformed
 * parameter. */
RQ_HANDLER_DECL(evaluation_notifications_list);
/* POST /api/v1/evaluation/notifications/{id}/read: marks it read (the first time only)
 * and answers it. Raises 404 notification-unknown unless it is the account's (and, a
 * visit's notice, of an enterprise it manages now). */
RQ_HANDLER_DECL(evaluation_notifications_read);

#endif
