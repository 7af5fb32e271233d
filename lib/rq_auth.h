/* Sessions (mini-program bearer tokens and portal cookies) and the login endpoints. */
#ifndef RQ_AUTH_H
#define RQ_AUTH_H

#include "rq_attr.h"

#include "rq_http.h"
#include "rq_router.h"

#define RQ_SESSION_COOKIE "rq_session"

/* Resolves the request's bearer token or session cookie into req->actor and re-applies
 * the actor context. An absent, malformed, expired or ended session leaves the actor
 * anonymous. Returns 0, or -1 when the database is unreachable. */
int rq_auth_resolve(struct rq_req *req) RQ_MUST_USE;

/* POST /api/v1/auth/wx-login {code}. Raises 401 (invalid code), 429 (WeChat rate limit),
 * 403 (blocked user), 503 (WeChat busy or unreachable), 422 (bad body). */
RQ_HANDLER_DECL(rq_auth_wx_login);
/* POST /api/v1/auth/dev-login {openid}: 404 unless RUQIMA_DEV_LOGIN=1. */
RQ_HANDLER_DECL(rq_auth_dev_login);
/* POST /api/v1/auth/logout: ends the session (and clears the portal cookie). */
RQ_HANDLER_DECL(rq_auth_logout);
/* GET /api/v1/auth/me: who the session belongs to. */
RQ_HANDLER_DECL(rq_auth_me);
/* POST /api/v1/admin/login {username, password}. Raises 401 on bad credentials, 423 with
 * Retry-After while the user is locked out after repeated failures. */
RQ_HANDLER_DECL(rq_auth_admin_login);

/* Hashes password with yescrypt into out (cap bytes). Returns 0 or -1. */
int rq_password_hash(const char *password, char *out, size_t cap) RQ_MUST_USE;
/* True when password matches the stored crypt(3) hash (constant-time comparison). */
bool rq_password_verify(struct rq_arena *a, const char *password, const char *hash);

#endif
