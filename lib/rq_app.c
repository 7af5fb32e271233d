#include "rq_app.h"

#include "rq_auth.h"
#include "rq_config.h"
#include "rq_db.h"
#include "rq_input.h"
#include "rq_num.h"
#include "rq_token.h"

#include <stdbool.h>
#include <string.h>
#include <stdint.h>
#include <strings.h>
#include <unistd.h>

static bool method_has_body(const char *m)
{
	return strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0;
}

static bool method_changes_state(const char *m)
{
	return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}

/* application/json, optionally with charset=utf-8 (any case). */
static bool content_type_is_json(const char *ct)
{
	static const char json[] = "application/json";
	if (strncasecmp(ct, json, sizeof(json) - 1) != 0)
		return false;
	const char *rest = ct + sizeof(json) - 1;
	while (*rest == ' ')
		rest++;
	if (*rest == '\0')
		return true;
	if (*rest != ';')
		return false;
	rest++;
	while (*rest == ' ')
		rest++;
	return strcasecmp(rest, "charset=utf-8") == 0 || strcasecmp(rest, "charset=\"utf-8\"") == 0;
}

static void delete_json(void *p)
{
	cJSON_Delete(p);
}

/* True when the JSON text has a \u0000 escape: cJSON would decode it into a NUL inside a
 * string, silently cutting the value short for every C string function after it.
 * Backslashes occur only inside JSON strings, so a plain scan of the escapes suffices. */
static bool has_nul_escape(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (s[i] != '\\')
			continue;
		if (s[i + 1] == 'u' && i + 5 < n && memcmp(s + i + 2, "0000", 4) == 0)
			return true;
		i++; /* skip the escaped character, so "\\\\u0000" is not taken for one */
	}
	return false;
}

/* Raises 415 or 400 when a JSON route gets anything but a JSON object, or one with a key
 * twice or a member the route does not take (rq_input_body_check). Returns 0 if fine. */
static int parse_json_body(struct rq_req *req, struct rq_resp *resp)
{
	if (!content_type_is_json(req->content_type)) {
		rq_problem(req, resp, 415, "unsupported-media-type", "Unsupported media type",
			   "请以 application/json（UTF-8）格式发送请求体");
		return -1;
	}
	if (has_nul_escape(req->body, req->body_len)) {
		rq_problem(req, resp, 400, "malformed-json", "Malformed JSON",
			   "请求体含有 NUL 字符（\\u0000），任何字段都不接受");
		return -1;
	}
	/* cJSON's "require NUL-terminated" check wants the NUL inside the length, so pass
	 * len + 1 (the body is NUL-terminated) and refuse NUL bytes within the body. */
	const char *end = NULL;
	req->json = memchr(req->body, '\0', req->body_len) != NULL
			? NULL
			: cJSON_ParseWithLengthOpts(req->body, req->body_len + 1, &end, 1);
	if (req->json == NULL || !cJSON_IsObject(req->json)) {
		if (req->json != NULL) {
			cJSON_Delete(req->json);
			req->json = NULL;
		}
		rq_problem(req, resp, 400, "malformed-json", "Malformed JSON",
			   "请求体不是格式正确的 JSON 对象");
		return -1;
	}
	rq_arena_cleanup(req->arena, delete_json, req->json);
	return rq_input_body_check(req, resp);
}

static bool role_allowed(const struct rq_route *route, const char *role)
{
	if (route->roles == NULL)
		return true;
	for (const char *const *r = route->roles; *r != NULL; r++)
		if (role != NULL && strcmp(*r, role) == 0)
			return true;
	return false;
}

/* Raises 401/403/503 when the session does not satisfy the route. Returns 0 if fine. */
static int check_access(struct rq_req *req, struct rq_resp *resp)
{
	const struct rq_route *route = req->route;
	if (rq_auth_resolve(req) != 0) {
		rq_problem_unavailable(req, resp, rq_db_retry_after(req->db));
		return -1;
	}
	bool anonymous = strcmp(req->actor.kind, "anonymous") == 0;
	if (route->auth == RQ_AUTH_NONE)
		return 0;
	if (anonymous) {
		rq_problem(req, resp, 401, "unauthenticated", "Authentication required",
			   "请先登录：会话不存在、已过期或已结束");
		rq_resp_header(resp, "WWW-Authenticate", "Bearer realm=\"ruqima\"");
		return -1;
	}
	bool is_admin = strcmp(req->actor.kind, "admin") == 0;
	if ((route->auth == RQ_AUTH_ACCOUNT && is_admin) ||
	    (route->auth == RQ_AUTH_ADMIN && !is_admin) || !role_allowed(route, req->actor.role)) {
		rq_problem(req, resp, 403, "forbidden", "Forbidden", "您的角色无权使用此接口");
		return -1;
	}
	if (req->actor.via_cookie && method_changes_state(req->method) && !req->actor.csrf_ok) {
		rq_problem(req, resp, 403, "csrf", "CSRF check failed",
			   "请在 X-CSRF-Token 请求头中发送登录时获得的令牌");
		return -1;
	}
	return 0;
}

static long route_max_body(const struct rq_config *cfg, const struct rq_route *route)
{
	return (route->flags & RQ_ROUTE_UPLOAD) ? cfg->attachment_max_bytes : cfg->max_body;
}

long rq_app_max_body(const struct rq_app *app, const struct rq_config *cfg)
{
	long most = cfg->max_body;
	for (size_t i = 0; i < app->nroutes; i++)
		if (route_max_body(cfg, &app->routes[i]) > most)
			most = route_max_body(cfg, &app->routes[i]);
	return most;
}

static void dispatch(const struct rq_app *app, struct rq_req *req, struct rq_resp *resp,
		     enum rq_parse_status parsed)
{
	switch (parsed) {
	case RQ_PARSE_OK:
	case RQ_PARSE_TOO_LARGE: /* answered below, with the cap of the route */
		break;
	case RQ_PARSE_BAD_LENGTH:
		rq_problem(req, resp, 400, "bad-request", "Bad request", "Content-Length 无效");
		return;
	case RQ_PARSE_SHORT_BODY:
		rq_problem(req, resp, 400, "bad-request", "Bad request",
			   "请求体短于 Content-Length 声明的长度");
		return;
	}

	const char *allow = NULL;
	switch (rq_router_match(app->routes, app->nroutes, req, &req->route, &allow)) {
	case RQ_MATCH_OK:
		break;
	case RQ_MATCH_NOT_FOUND:
		rq_problem(req, resp, 404, "not-found", "Not found", RQ_MSG_NO_ENDPOINT);
		return;
	case RQ_MATCH_BAD_METHOD:
		rq_problem(req, resp, 405, "method-not-allowed", "Method not allowed",
			   rq_printf(req->arena, "此接口只接受 %s 请求", allow));
		rq_resp_header(resp, "Allow", allow);
		return;
	}
	long cap = route_max_body(req->cfg, req->route);
	if (parsed == RQ_PARSE_TOO_LARGE || req->body_len > (size_t)cap) {
		rq_problem(req, resp, 413, "too-large", "Request body too large",
			   rq_printf(req->arena, "请求体不能超过 %ld 字节", cap));
		return;
	}
	/* Who may ask comes before what was asked: 401/403 outrank body errors. */
	if (check_access(req, resp) != 0)
		return;
	if ((req->route->flags & RQ_ROUTE_JSON) && method_has_body(req->method) &&
	    parse_json_body(req, resp) != 0)
		return;
	/* the declared path and query parameters, as the handler's own checks came after the
	 * body's */
	if (rq_input_check(req, resp) != 0)
		return;
	req->route->handler(req, resp);
}

void rq_app_handle(const struct rq_app *app, struct rq_req *req, struct rq_resp *resp,
		   enum rq_parse_status parsed)
{
	req->family = app->family;
	req->actor.kind = "anonymous";
	if (req->request_id == NULL) {
		/* Outside nginx (tests, direct socket use) there is no $request_id. */
		char id[33];
		req->request_id = rq_random_hex(id, 16) == 0 ? rq_strdup(req->arena, id) : "none";
	}
	dispatch(app, req, resp, parsed);
	bool commit = (resp->status < 400 && !resp->aborted) || req->commit_on_error;
	if (rq_sql_finish(req, commit) != 0 && commit) {
		if (resp->streamed) { /* its status went out already */
			rq_resp_stream_abort(req, resp, "the transaction did not commit");
			return;
		}
		rq_problem(req, resp, 503, "not-saved", "Not saved", "修改未能保存，请稍后重试");
		rq_resp_header(resp, "Retry-After", "1");
	}
}

static struct rq_stmt st_migration_level =
    RQ_STMT("rq_migration_level",
	    "SELECT coalesce(max(version), 0) AS level FROM public.schema_migrations", 0);

static struct rq_stmt st_replica_lag = RQ_STMT(
    "rq_replica_lag", "SELECT in_recovery, lag_seconds, replay_paused FROM rq.replica_lag()", 0);

/* The statistics connection's database (a replica when RUQIMA_STATS_DSN names one): whether
 * the statistics answer now ("ok"), or 503 for a replica too far behind ("lagging") or out
 * of reach ("unavailable"). The pool itself is healthy either way. */
static cJSON *replica_health(struct rq_req *req)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "max_lag_seconds", req->cfg->replica_max_lag);
	PGresult *res = rq_db_exec(req->stats_db, &st_replica_lag, NULL);
	if (!rq_sql_ok(res) || PQntuples(res) != 1) {
		cJSON_AddStringToObject(o, "state", "unavailable");
		PQclear(res);
		return o;
	}
	double lag;
	if (rq_parse_double(rq_sql_val(res, 0, "lag_seconds"), &lag) != 0)
		lag = -1;
	cJSON_AddStringToObject(o, "state", lag > req->cfg->replica_max_lag ? "lagging" : "ok");
	cJSON_AddBoolToObject(o, "standby", strcmp(rq_sql_val(res, 0, "in_recovery"), "t") == 0);
	cJSON_AddNumberToObject(o, "lag_seconds", lag);
	cJSON_AddBoolToObject(o, "replay_paused",
			      strcmp(rq_sql_val(res, 0, "replay_paused"), "t") == 0);
	PQclear(res);
	return o;
}

RQ_HANDLER(rq_health)
{
	PGresult *res = rq_sql(req, &st_migration_level, NULL);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", "ok");
	cJSON_AddStringToObject(o, "family", req->family);
	cJSON_AddStringToObject(o, "version", RUQIMA_VERSION);
	cJSON_AddNumberToObject(o, "pid", (double)getpid());
	cJSON_AddBoolToObject(o, "database", 1);
	int64_t level = 0;
	if (rq_parse_i64(rq_sql_val(res, 0, "level"), 0, INT32_MAX, &level) != 0)
		level = -1;
	cJSON_AddNumberToObject(o, "migration", (double)level);
	if (req->stats_db != NULL)
		cJSON_AddItemToObject(o, "replica", replica_health(req));
	rq_resp_json(req, resp, 200, o);
}
