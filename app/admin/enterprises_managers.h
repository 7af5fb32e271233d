/* An enterprise's managers in the portal: a county office (or the city admin) ends a
 * manager's binding, e.g. when the person left the company. */
#ifndef ADMIN_ENTERPRISES_MANAGERS_H
#define ADMIN_ENTERPRISES_MANAGERS_H

#include "rq_router.h"

/* POST /api/v1/admin/enterprises/{id}/managers/{binding_id}/unbind {reason}: ends the
 * binding (kept as history with who ended it and why, audited); the account no longer
 * manages the enterprise, nor acts for it. Answers 200 with the enterprise as GET
 * /api/v1/admin/enterprises/{id} does. Raises 404 for an enterprise outside the admin's
 * county (or none) and for a binding that is not the enterprise's, 409 when the binding
 * was ended already, 422 naming reason when it is missing or not 1 to 200 characters. */
RQ_HANDLER_DECL(admin_enterprises_managers_unbind);

#endif
