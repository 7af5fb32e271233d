/* An enterprise's choice about the public disclosure (双公开) in the portal: a county office
 * (or the city admin) sets whether its name is shown at its visits, e.g. on the enterprise's
 * written request (lib/rq_disclosure.h). */
#ifndef ADMIN_ENTERPRISES_DISCLOSURE_H
#define ADMIN_ENTERPRISES_DISCLOSURE_H

#include "rq_router.h"

/* PUT /api/v1/admin/enterprises/{id}/disclosure {opt_out}: sets it (audited; unchanged, no
 * row written) and answers 200 with the enterprise as GET /api/v1/admin/enterprises/{id}
 * does. Raises 404 enterprise-unknown for an enterprise outside the admin's county (or
 * none), 422 naming opt_out when it is missing or not a boolean. */
RQ_HANDLER_DECL(admin_enterprises_disclosure);

#endif
