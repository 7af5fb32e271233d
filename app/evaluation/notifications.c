#include "notifications.h"

#include "rq_notices.h"

/* The account's notifications (lib/rq_notices.c): a manager's notices of the visits to the
 * enterprises they manage now (an unbound enterprise's are gone with the binding), and the
 * decisions on their claims. */
RQ_HANDLER(evaluation_notifications_list)
{
	rq_notices_list(req, resp);
}

RQ_HANDLER(evaluation_notifications_read)
{
	rq_notices_read(req, resp);
}
