#include "notifications.h"

#include "rq_notices.h"

RQ_HANDLER(admin_notifications_list)
{
	rq_notices_list(req, resp);
}

RQ_HANDLER(admin_notifications_read)
{
	rq_notices_read(req, resp);
}
