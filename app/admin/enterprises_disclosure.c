#include "enterprises_disclosure.h"

#include "enterprises.h"
#include "rq_disclosure.h"

RQ_HANDLER(admin_enterprises_disclosure)
{
	/* the enterprise as it is now, read in the same transaction */
	if (rq_disclosure_put(req, resp) == 0)
		admin_enterprises_get(req, resp);
}
