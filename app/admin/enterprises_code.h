/* An enterprise's 公务入企码 in the portal: issue, revoke and re-issue by market supervision
 * and city admins (the CLI's `ruqima codes issue|revoke|reissue`). */
#ifndef ADMIN_ENTERPRISES_CODE_H
#define ADMIN_ENTERPRISES_CODE_H

#include "rq_router.h"

/* POST /api/v1/admin/enterprises/{id}/code: 201 {enterprise_id, serial, token, url}.
 * Raises 404 for no such enterprise, 409 when it has an active code, 422 when it is out of
 * scope (个体工商户), not in normal operation or its name is not verified (problem types say
 * which). */
RQ_HANDLER_DECL(admin_enterprises_code_issue);
/* POST /api/v1/admin/enterprises/{id}/code/revoke {reason}: 200 {enterprise_id,
 * revoked_serial}. Raises 404 for no such enterprise, 409 when it has no active code, 422
 * on a bad reason. */
RQ_HANDLER_DECL(admin_enterprises_code_revoke);
/* POST /api/v1/admin/enterprises/{id}/code/reissue {reason}: revokes the active code and
 * issues a new one in one transaction; 201 {enterprise_id, serial, token, url,
 * revoked_serial}. Raises as issue, and 409 when there is no active code to replace. */
RQ_HANDLER_DECL(admin_enterprises_code_reissue);

#endif
