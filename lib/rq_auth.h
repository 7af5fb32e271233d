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

struct rq_db;
struct rq_config;
/* A worker's start: a pool running without the development login (RUQIMA_DEV_LOGIN=0) ends
 * every session the development login made (rq.sessions_end_dev), which rq_auth_resolve
 * refuses anyway. Logs a failure; needs a connection (nothing happens without one). */
void rq_auth_worker_start(struct rq_db *db, const struct rq_config *cfg);

/* POST /api/v1/auth/wx-login {code}. Raises 401 (invalid code), 429 (WeChat rate limit),
 * 403 (blocked user), 503 (WeChat busy or unreachable), 422 (bad body). */
RQ_HANDLER_DECL(rq_auth_wx_login);
/* POST /api/v1/auth/dev-login {openid}: 404 unless RUQIMA_DEV_LOGIN=1. */
RQ_HANDLER_DECL(rq_auth_dev_login);
/* POST /api/v1/auth/logout: ends the session (and clears the portal cookie). */
RQ_HANDLER_DECL(rq_auth_logout);
/* GET /api/v1/auth/me: who the session belongs to. */
RQ_HANDLER_DECL(rq_auth_me);
/* POST /api/v1/admin/login {username, password}. Raises 401 on bad credentials (an unknown
 * or deactivated user, or a wrong password, also of a user locked by the city admin), 429
 * login-throttled with Retry-After while the attempt's address, username or both have
 * failed too often (rq.login_begin: the same for every username), 423 without Retry-After
 * for the right password of a user locked by the city admin. */
RQ_HANDLER_DECL(rq_auth_admin_login);

/* The portal roles (rq.admin_users.role), NULL-terminated. */
extern const char *const rq_admin_roles[];

/* The rule of portal usernames (rq.admin_users' CHECK): 3 to 64 characters, each a
 * lower-case letter a-z, a digit, '_', '.' or '-'. */
bool rq_username_ok(const char *username);
/* What a username breaking the rule is told (the portal's errors[].message). */
#define RQ_MSG_USERNAME                                                                            \
	"用户名须为 3 到 64 个字符，只能使用小写英文字母 a-z、数字 0-9、下划线 _、点 . 或连字符 -"

/* A generated portal password: RQ_PASSWORD_LEN characters of a random token (144 bits),
 * shown once, and its yescrypt hash in hash (cap bytes). Returns 0, or -1 without
 * randomness or a hash. */
enum { RQ_PASSWORD_LEN = 24 };
int rq_password_new(char password[RQ_PASSWORD_LEN + 1], char *hash, size_t cap) RQ_MUST_USE;

/* Hashes password with yescrypt into out (cap bytes). Returns 0 or -1. */
int rq_password_hash(const char *password, char *out, size_t cap) RQ_MUST_USE;
/* True when password matches the stored crypt(3) hash (constant-time comparison). */
bool rq_password_verify(struct rq_arena *a, const char *password, const char *hash);

#endif
