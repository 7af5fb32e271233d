#include "rq_auth.h"

#include "rq_outcome.h"

#include "rq_config.h"
#include "rq_db.h"
#include "rq_log.h"
#include "rq_num.h"
#include "rq_token.h"
#include "rq_wechat.h"

#include <crypt.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Tokens are stored only as their SHA-256 (computed by PostgreSQL's sha256()). The session's
 * actor, or the anonymous one when there is no live session (actor_kind NULL), becomes the
 * transaction's actor context in the same statement (rq.set_actor, as lib/rq_db.c sets it
 * from req->actor when a later transaction opens), and the transaction it opens has no
 * rq.set_actor step before it: each is a PL/pgSQL call of ~100,000 instructions. */
static struct rq_stmt st_session_resolve = RQ_STMT_SETTING_ACTOR(
    "rq_session_resolve",
    "SELECT s.actor_kind, s.account_id, s.admin_user_id, s.role, s.county_code, s.unit_id,"
    "       coalesce(s.csrf_hash = sha256(convert_to($3, 'UTF8')), false) AS csrf_ok,"
    "       rq.set_actor(coalesce(s.actor_kind, 'anonymous'), CASE WHEN s.actor_kind = 'admin'"
    "                    THEN s.admin_user_id ELSE s.account_id END::text, s.role,"
    "                    s.county_code, s.unit_id::text, $4, $5) AS actor_set,"
    "       current_setting('rq.actor_session', true) AS session_proof"
    "  FROM (VALUES (1)) AS one"
    "  LEFT JOIN rq.session_resolve(sha256(convert_to($1, 'UTF8')), $2::int, $6::boolean) s"
    "  ON true",
    6);
/* The same on a replica (the statistics connection of a RQ_ROUTE_REPLICA route), which
 * cannot write: the session without noting its activity, how long ago that was noted, and
 * the replica's lag (lib/sql/replica.sql). */
static struct rq_stmt st_session_peek =
    RQ_STMT("rq_session_peek",
	    "SELECT s.actor_kind, s.account_id, s.admin_user_id, s.role, s.county_code, s.unit_id,"
	    "       coalesce(s.csrf_hash = sha256(convert_to($3, 'UTF8')), false) AS csrf_ok,"
	    "       s.seen_ago, l.lag_seconds"
	    "  FROM rq.replica_lag() l"
	    "  LEFT JOIN rq.session_peek(sha256(convert_to($1, 'UTF8')), $2::int, $4::boolean) s"
	    "  ON true",
	    4);
/* A replica's answer is taken while the primary noted the session's activity less than this
 * many seconds ago; then the primary is asked, which notes it again (rq.session_resolve
 * touches after 30 s): an idle timeout is kept to within a minute plus the replica's lag. */
enum { REPLICA_SEEN_MAX = 60 };
static struct rq_stmt st_session_create =
    RQ_STMT("rq_session_create",
	    "SELECT rq.session_create(sha256(convert_to($1, 'UTF8')), $2, $3::bigint, $4::bigint,"
	    "       sha256(convert_to($5, 'UTF8')), $6::int, $7, $8::boolean) AS id",
	    8);
static struct rq_stmt st_sessions_end_dev =
    RQ_STMT("rq_sessions_end_dev", "SELECT rq.sessions_end_dev() AS ended", 0);
static struct rq_stmt st_session_end =
    RQ_STMT("rq_session_end", "SELECT rq.session_end(sha256(convert_to($1, 'UTF8')))", 1);
static struct rq_stmt st_account_login =
    RQ_STMT("rq_account_login", "SELECT rq.account_login($1, $2) AS id", 2);
static struct rq_stmt st_account_me = RQ_STMT(
    "rq_account_me",
    "SELECT id, to_json(created_at) #>> '{}' AS created_at,"
    " to_json(last_login_at) #>> '{}' AS last_login_at FROM rq.accounts WHERE id = $1::bigint",
    1);
static struct rq_stmt st_admin_me =
    RQ_STMT("rq_admin_me",
	    "SELECT id, username, role, county_code, unit_id FROM rq.admin_users"
	    " WHERE id = $1::bigint",
	    1);
/* Portal login: the attempt's reservation in the login counters (committed before the
 * password is checked) and the user, then the outcome (lib/sql/auth.sql). */
static struct rq_stmt st_login_begin =
    RQ_STMT("rq_login_begin",
	    "SELECT retry_after, id, lower($1) AS username, password_hash, role, active,"
	    " admin_locked FROM rq.login_begin($1, $2, $3::int, $4::int)",
	    4);
static struct rq_stmt st_login_end =
    RQ_STMT("rq_login_end", "SELECT rq.login_end($1, $2, $3::bigint, $4::boolean)", 4);

/* The session's actor from a row of st_session_resolve or st_session_peek. */
static void actor_from_row(struct rq_req *req, const PGresult *res, const char *token,
			   bool via_cookie)
{
	struct rq_actor *a = &req->actor;
	a->kind = rq_strdup(req->arena, rq_sql_val(res, 0, "actor_kind"));
	bool admin = strcmp(a->kind, "admin") == 0;
	const char *id = rq_sql_val(res, 0, admin ? "admin_user_id" : "account_id");
	a->id = id != NULL ? rq_strdup(req->arena, id) : NULL;
	const char *v = rq_sql_val(res, 0, "role");
	a->role = v != NULL ? rq_strdup(req->arena, v) : NULL;
	v = rq_sql_val(res, 0, "county_code");
	a->county = v != NULL ? rq_strdup(req->arena, v) : NULL;
	v = rq_sql_val(res, 0, "unit_id");
	a->unit = v != NULL ? rq_strdup(req->arena, v) : NULL;
	a->via_cookie = via_cookie;
	a->csrf_ok = strcmp(rq_sql_val(res, 0, "csrf_ok"), "t") == 0;
	a->session_token = rq_strdup(req->arena, token);
}

/* A number column of the first row; infinity when it cannot be read (never trusted). */
static double number_of(const PGresult *res, const char *col)
{
	double v;
	const char *s = rq_sql_val(res, 0, col);
	return s != NULL && rq_parse_double(s, &v) == 0 ? v : 1e300;
}

/* The session looked up on the replica, without writing. True when its answer stands: the
 * replica lags no more than RUQIMA_REPLICA_MAX_LAG (a session ended on the primary is ended
 * there within that time) and has the session, whose activity the primary noted less than
 * REPLICA_SEEN_MAX seconds ago. Otherwise (a session opened a moment ago, a replica down or
 * behind) the primary decides. */
static bool resolve_on_replica(struct rq_req *req, const char *const *params, const char *token,
			       bool via_cookie)
{
	const char *peek[] = {params[0], params[1], params[2], params[5]};
	PGresult *res = rq_db_exec(req->stats_db, &st_session_peek, peek);
	if (res == NULL)
		return false;
	bool taken = false;
	if (rq_sql_ok(res) && PQntuples(res) == 1 &&
	    !PQgetisnull(res, 0, PQfnumber(res, "actor_kind")) &&
	    number_of(res, "lag_seconds") <= req->cfg->replica_max_lag &&
	    number_of(res, "seen_ago") < REPLICA_SEEN_MAX) {
		actor_from_row(req, res, token, via_cookie);
		taken = true;
	} else if (!rq_sql_ok(res)) {
		rq_log_event("warn", "session lookup on the replica failed",
			     PQresultErrorMessage(res));
	}
	PQclear(res);
	return taken;
}

int rq_auth_resolve(struct rq_req *req)
{
	const char *token = NULL;
	bool via_cookie = false;
	const char *authz = rq_req_header(req, "Authorization");
	if (authz != NULL && strncasecmp(authz, "Bearer ", 7) == 0) { /* schemes ignore case */
		token = authz + 7;
	} else {
		token = rq_req_cookie(req, RQ_SESSION_COOKIE);
		via_cookie = token != NULL;
	}
	if (!rq_token_wellformed(token))
		return 0;
	char idle[16];
	snprintf(idle, sizeof(idle), "%d", req->cfg->session_idle);
	const char *params[] = {token,
				idle,
				rq_req_header(req, "X-CSRF-Token"),
				req->request_id,
				req->client_addr,
				req->cfg->dev_login ? "true" : "false"};
	if (req->stats_db != NULL && req->route != NULL && (req->route->flags & RQ_ROUTE_REPLICA) &&
	    resolve_on_replica(req, params, token, via_cookie))
		return 0;
	PGresult *res = rq_sql(req, &st_session_resolve, params);
	if (res == NULL)
		return -1;
	if (!rq_sql_ok(res)) {
		rq_log_event("error", "session lookup failed", PQresultErrorMessage(res));
		return -1;
	}
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, PQfnumber(res, "actor_kind")))
		return 0; /* anonymous, as the transaction's actor context now says */
	actor_from_row(req, res, token, via_cookie);
	/* the proof of the session for the audit trigger, for the request's later transactions */
	const char *proof = rq_sql_val(res, 0, "session_proof");
	req->actor.session_proof = proof != NULL ? rq_strdup(req->arena, proof) : NULL;
	return 0;
}

/* Creates a session for the actor; writes the token (and CSRF token for the portal).
 * Returns 0, or answers the failure and returns -1. */
static int create_session(struct rq_req *req, struct rq_resp *resp, const char *kind,
			  const char *account_id, const char *admin_id, bool dev, char *token,
			  char *csrf)
{
	if (rq_token_new(token) != 0 || (csrf != NULL && rq_token_new(csrf) != 0)) {
		rq_log_event("error", "no randomness for a session token", NULL);
		rq_problem(req, resp, 500, "internal", "Internal error", "系统内部错误，无法登录");
		return -1;
	}
	char ttl[16];
	snprintf(ttl, sizeof(ttl), "%d", req->cfg->session_ttl);
	const char *params[] = {token, kind, account_id,       admin_id,
				csrf,  ttl,  req->client_addr, dev ? "true" : "false"};
	PGresult *res = rq_sql(req, &st_session_create, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return -1;
	}
	return 0;
}

/* Finds or creates the account for openid and answers with a new bearer session (dev: made
 * by the development login, and marked so). */
static void login_account(struct rq_req *req, struct rq_resp *resp, const char *openid,
			  const char *unionid, bool dev)
{
	const char *params[] = {openid, unionid != NULL && *unionid != '\0' ? unionid : NULL};
	PGresult *res = rq_sql(req, &st_account_login, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	const char *account_id = rq_strdup(req->arena, rq_sql_val(res, 0, "id"));
	char token[RQ_TOKEN_LEN + 1];
	if (create_session(req, resp, "account", account_id, NULL, dev, token, NULL) != 0)
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "token", token);
	cJSON_AddStringToObject(o, "token_type", "Bearer");
	cJSON_AddNumberToObject(o, "expires_in", req->cfg->session_ttl);
	cJSON_AddNumberToObject(o, "idle_timeout", req->cfg->session_idle);
	cJSON *acct = cJSON_AddObjectToObject(o, "account");
	cJSON_AddStringToObject(acct, "id", account_id);
	rq_resp_json(req, resp, 200, o);
}

RQ_HANDLER(rq_auth_wx_login)
{
	/* Without the mini-program's credentials no code can be exchanged: a server that
	 * cannot log anybody in says so, rather than "WeChat did not answer". */
	if (req->cfg->wx_appid[0] == '\0' || req->cfg->wx_secret[0] == '\0') {
		rq_log_event("error", "wx-login: RUQIMA_WX_APPID or RUQIMA_WX_SECRET is not set",
			     NULL);
		rq_outcome_refuse(req, resp, "wechat-not-configured", NULL, NULL);
		return;
	}
	cJSON *errors = rq_errors_new();
	const char *code = rq_json_string(req->json, "code", true, 1, 128, errors);
	if (code == NULL) {
		rq_problem_invalid(req, resp, errors);
		return;
	}
	cJSON_Delete(errors);
	/* WeChat is called before any transaction is opened: no connection idles in a
	 * transaction while a remote API answers. */
	struct rq_wx_session wx;
	switch (rq_wx_jscode2session(req->cfg, code, &wx)) {
	case RQ_WX_OK:
		login_account(req, resp, wx.openid, wx.unionid, false);
		return;
	case RQ_WX_INVALID_CODE:
		rq_problem(req, resp, 401, "wx-invalid-code", "Login code rejected",
			   "微信登录凭证无效、已过期或已使用，请重新登录");
		return;
	case RQ_WX_RATE_LIMITED:
		rq_problem(req, resp, 429, "wx-rate-limited", "Too many logins",
			   "微信正在限制该用户登录，请一分钟后再试");
		rq_resp_header(resp, "Retry-After", "60");
		return;
	case RQ_WX_BLOCKED:
		rq_problem(req, resp, 403, "wx-blocked", "Login refused",
			   "微信将该用户标记为高风险用户，不能登录");
		return;
	case RQ_WX_BUSY:
	case RQ_WX_UNREACHABLE:
		rq_problem(req, resp, 503, "wx-unavailable", "WeChat unavailable",
			   "微信登录服务未响应，请稍后重试");
		rq_resp_header(resp, "Retry-After", "2");
		return;
	case RQ_WX_ERROR:
		rq_problem(req, resp, 502, "wx-error", "WeChat error",
			   "微信拒绝了登录请求，已通知运维人员");
		return;
	}
}

RQ_HANDLER(rq_auth_dev_login)
{
	if (!req->cfg->dev_login) {
		rq_problem(req, resp, 404, "not-found", "Not found", RQ_MSG_NO_ENDPOINT);
		return;
	}
	cJSON *errors = rq_errors_new();
	const char *openid = rq_json_string(req->json, "openid", true, 1, 128, errors);
	if (openid == NULL) {
		rq_problem_invalid(req, resp, errors);
		return;
	}
	cJSON_Delete(errors);
	login_account(req, resp, openid, NULL, true);
}

void rq_auth_worker_start(struct rq_db *db, const struct rq_config *cfg)
{
	if (cfg->dev_login || rq_db_conn(db) == NULL)
		return;
	PGresult *res = rq_db_exec(db, &st_sessions_end_dev, NULL);
	const char *ended = rq_sql_ok(res) ? rq_sql_val(res, 0, "ended") : NULL;
	if (ended == NULL)
		rq_log_event("warn", "could not end the development login's sessions",
			     res != NULL ? PQresultErrorMessage(res) : "no connection");
	else if (strcmp(ended, "0") != 0)
		rq_log_event("info", "development login off: its sessions ended", ended);
	PQclear(res);
}

RQ_HANDLER(rq_auth_logout)
{
	const char *params[] = {req->actor.session_token};
	PGresult *res = rq_sql(req, &st_session_end, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	if (req->actor.via_cookie)
		rq_resp_header(resp, "Set-Cookie",
			       RQ_SESSION_COOKIE "=; Path=/api/; Max-Age=0; HttpOnly; Secure; "
						 "SameSite=Strict");
	resp->status = 204;
}

RQ_HANDLER(rq_auth_me)
{
	bool admin = strcmp(req->actor.kind, "admin") == 0;
	const char *params[] = {req->actor.id};
	PGresult *res = rq_sql(req, admin ? &st_admin_me : &st_account_me, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	if (PQntuples(res) != 1) {
		rq_problem(req, resp, 401, "unauthenticated", "Authentication required",
			   "会话所属的用户已不存在");
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", req->actor.kind);
	if (admin) {
		cJSON *u = cJSON_AddObjectToObject(o, "user");
		cJSON_AddStringToObject(u, "id", rq_sql_val(res, 0, "id"));
		cJSON_AddStringToObject(u, "username", rq_sql_val(res, 0, "username"));
		cJSON_AddStringToObject(u, "role", rq_sql_val(res, 0, "role"));
		rq_json_add_column(u, res, 0, "county_code");
		rq_json_add_column(u, res, 0, "unit_id");
	} else {
		cJSON *a = cJSON_AddObjectToObject(o, "account");
		cJSON_AddStringToObject(a, "id", rq_sql_val(res, 0, "id"));
		rq_json_add_column(a, res, 0, "created_at");
		rq_json_add_column(a, res, 0, "last_login_at");
	}
	rq_resp_json(req, resp, 200, o);
}

int rq_password_hash(const char *password, char *out, size_t cap)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, setting, sizeof(setting)) == NULL)
		return -1;
	struct crypt_data data;
	memset(&data, 0, sizeof(data));
	const char *h = crypt_r(password, setting, &data);
	if (h == NULL || h[0] == '*' || strlen(h) >= cap)
		return -1;
	memcpy(out, h, strlen(h) + 1);
	return 0;
}

const char *const rq_admin_roles[] = {
    "city_admin",	    "county_admin",	"unit_admin", "market_supervision",
    "discipline_inspector", "judicial_analyst", NULL};

bool rq_username_ok(const char *username)
{
	size_t n = strlen(username);
	return n >= 3 && n <= 64 &&
	       strspn(username, "abcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

int rq_password_new(char password[RQ_PASSWORD_LEN + 1], char *hash, size_t cap)
{
	char token[RQ_TOKEN_LEN + 1];
	int rc = rq_token_new(token);
	if (rc == 0) {
		memcpy(password, token, RQ_PASSWORD_LEN);
		password[RQ_PASSWORD_LEN] = '\0';
		rc = rq_password_hash(password, hash, cap);
	}
	memset(token, 0, sizeof(token));
	return rc;
}

bool rq_password_verify(struct rq_arena *a, const char *password, const char *hash)
{
	struct crypt_data *data = rq_alloc(a, sizeof(*data));
	const char *h = crypt_r(password, hash, data);
	if (h == NULL || h[0] == '*')
		return false;
	size_t n = strlen(hash);
	if (strlen(h) != n)
		return false;
	unsigned char diff = 0;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(h[i] ^ hash[i]);
	return diff == 0;
}

/* A yescrypt hash of nothing anyone knows: unknown usernames cost as much as known ones. */
static const char *dummy_hash(void)
{
	static char hash[CRYPT_OUTPUT_SIZE];
	if (hash[0] == '\0' && rq_password_hash("no such user", hash, sizeof(hash)) != 0)
		memcpy(hash, "$y$j9T$", 8);
	return hash;
}

static void unauthorized_login(struct rq_req *req, struct rq_resp *resp)
{
	rq_problem(req, resp, 401, "invalid-credentials", "Login failed", "用户名或密码错误");
}

/* Unknown, deactivated, locked by an admin with a wrong password, or a wrong password: one
 * answer, after the same work (a yescrypt check), so that it tells no name apart. */
RQ_HANDLER(rq_auth_admin_login)
{
	cJSON *errors = rq_errors_new();
	const char *username = rq_json_string(req->json, "username", true, 1, 64, errors);
	const char *password = rq_json_string(req->json, "password", true, 1, 256, errors);
	if (username == NULL || password == NULL) {
		rq_problem_invalid(req, resp, errors);
		return;
	}
	cJSON_Delete(errors);
	char pair_free[16], max_delay[16];
	snprintf(pair_free, sizeof(pair_free), "%d", req->cfg->login_max_failures);
	snprintf(max_delay, sizeof(max_delay), "%d", req->cfg->login_lockout);
	const char *params[] = {username, req->client_addr, pair_free, max_delay};
	/* committed at once: the attempt is counted before its password is checked, so
	 * parallel tries cannot pass a limit together, and a worker that dies still counts it */
	PGresult *res = rq_sql_final(req, &st_login_begin, params);
	if (!rq_sql_one(req, resp, res))
		return;
	const char *retry = rq_sql_val(res, 0, "retry_after");
	if (retry == NULL || strcmp(retry, "0") != 0) {
		const char *args[] = {retry != NULL ? rq_strdup(req->arena, retry) : "1", NULL};
		rq_log_event("warn", "portal login throttled", username);
		rq_outcome_refuse(req, resp, "login-throttled", args, NULL);
		return;
	}
	const char *active = rq_sql_val(res, 0, "active");
	const char *id =
	    active != NULL && strcmp(active, "t") == 0 ? rq_sql_val(res, 0, "id") : NULL;
	const char *hash = id != NULL ? rq_sql_val(res, 0, "password_hash") : NULL;
	bool ok = rq_password_verify(req->arena, password, hash != NULL ? hash : dummy_hash()) &&
		  hash != NULL;
	const char *end[] = {username, req->client_addr, id, ok ? "true" : "false"};
	PGresult *r2 = rq_sql(req, &st_login_end, end);
	if (!rq_sql_ok(r2)) {
		rq_problem_sql(req, resp, r2);
		return;
	}
	if (!ok) {
		req->commit_on_error = true; /* the user's failed_attempts, audited */
		rq_log_event("warn", "portal login failed", username);
		unauthorized_login(req, resp);
		return;
	}
	if (strcmp(rq_sql_val(res, 0, "admin_locked"), "t") == 0) {
		/* Locked by the city admin until unlocked: said only to whoever knows the
		 * password (to anyone else it is a wrong password), without Retry-After. */
		req->commit_on_error = true;
		rq_problem(req, resp, 423, "account-locked", "Account locked",
			   "账号已被管理员锁定，请联系市营商办解锁");
		return;
	}
	const char *user_id = rq_strdup(req->arena, id);
	const char *role = rq_strdup(req->arena, rq_sql_val(res, 0, "role"));
	char token[RQ_TOKEN_LEN + 1], csrf[RQ_TOKEN_LEN + 1];
	if (create_session(req, resp, "admin", NULL, user_id, false, token, csrf) != 0)
		return;
	rq_resp_header(resp, "Set-Cookie",
		       rq_printf(req->arena,
				 RQ_SESSION_COOKIE "=%s; Path=/api/; Max-Age=%d; HttpOnly; Secure; "
						   "SameSite=Strict",
				 token, req->cfg->session_ttl));
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "csrf_token", csrf);
	cJSON_AddNumberToObject(o, "expires_in", req->cfg->session_ttl);
	cJSON *u = cJSON_AddObjectToObject(o, "user");
	cJSON_AddStringToObject(u, "id", user_id);
	cJSON_AddStringToObject(u, "username", rq_sql_val(res, 0, "username"));
	cJSON_AddStringToObject(u, "role", role);
	rq_resp_json(req, resp, 200, o);
}
