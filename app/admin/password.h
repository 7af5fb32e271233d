/* A portal user's own password (修改密码). */
#ifndef ADMIN_PASSWORD_H
#define ADMIN_PASSWORD_H

#include "rq_router.h"

/* POST /api/v1/admin/password {current_password, new_password}: 200 {sessions_ended}. Every
 * portal role, for itself. The current password is checked (422 password-wrong, field
 * current_password); the new one is 12 to 256 characters (422 naming new_password) and not the
 * current one (422 password-unchanged). The user's other sessions end; this one stays
 * (rq.admin_own_password_set, lib/sql/users.sql; audited, the hash redacted). */
RQ_HANDLER_DECL(admin_password_change);

#endif
