/* The mini-program's notification list: the outbox rows addressed to the account
 * (new, edited and finished visits to enterprises it manages, queued by the registration
 * family), with their read state. */
#ifndef EVALUATION_NOTIFICATIONS_H
#define EVALUATION_NOTIFICATIONS_H

#include "rq_router.h"

/* GET /api/v1/evaluation/notifications?limit=&after=&unread=true|false: newest first,
 * keyset-paged; each {id, kind, visit_id, enterprise_id, payload, created_at, read,
 * read_at}. Raises 400 naming a malformed parameter. */
RQ_HANDLER_DECL(evaluation_notifications_list);
/* POST /api/v1/evaluation/notifications/{id}/read: marks it read (the first time only)
 * and answers it. Raises 404 notification-unknown unless it is the account's. */
RQ_HANDLER_DECL(evaluation_notifications_read);

#endif
