/* The portal user's notification list (e.g. a county admin's case_opened notices of the new
 * cases of their county), read in the portal and by the complaints work: lib/rq_notices.c. */
#ifndef ADMIN_NOTIFICATIONS_H
#define ADMIN_NOTIFICATIONS_H

#include "rq_router.h"

/* GET /api/v1/admin/notifications?unread=&after=&limit=: the actor's notifications newest
 * first, keyset-paged: {items, next_after, unread}, each item {id, kind, visit_id,
 * enterprise_id, case_id, claim_id, payload, created_at, read, read_at}; unread counts all
 * the unread ones. Every portal role. Raises 400 naming a malformed query parameter. */
RQ_HANDLER_DECL(admin_notifications_list);
/* POST /api/v1/admin/notifications/{id}/read: marks it read (the first time only) and
 * answers it. Raises 404 notification-unknown unless it is the actor's. */
RQ_HANDLER_DECL(admin_notifications_read);

#endif
