#include "attachments.h"

#include "rq_attachment.h"

RQ_HANDLER(admin_attachments_get)
{
	rq_attachment_send(req, resp);
}
