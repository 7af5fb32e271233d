/* 公务入企码 through the portal: market supervision issues, revokes and re-issues codes with
 * a cookie and the CSRF token (the old token then answers 410, the new one works, the audit
 * rows name the admin and the request); county admins, mini-program accounts and other
 * actors are refused, in the handler and again in SQL; the list pages by code id. */
#include "api.h"
#include "api_register.h"
#include "codes_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A portal session of the given role (see api_session_login). */
static void login(struct api_session *s, const char *role, const char *county)
{
	api_session_login(s, "codes", role, county);
}

static const char *code_path(const char *enterprise_id, const char *action)
{
	static char path[160];
	snprintf(path, sizeof(path), "/api/v1/admin/enterprises/%s/code%s%s", enterprise_id,
		 action != NULL ? "/" : "", action != NULL ? action : "");
	return path;
}

/* Asserts that every audit row of r's request names the admin as actor and that there are
 * want of them on rq.codes. */
static void assert_audited_by(const struct api_resp *r, const struct api_session *s, long want)
{
	char *rid = api_request_id(r);
	const char *p[] = {rid, s->username};
	assert_int_equal(api_owner_int("SELECT count(*) FROM audit.log l"
				       " JOIN rq.admin_users u ON u.id::text = l.actor_id"
				       " WHERE l.request_id = $1 AND l.table_name = 'rq.codes'"
				       " AND l.actor_kind = 'admin' AND u.username = $2"
				       " AND l.actor_role = 'market_supervision'",
				       2, p),
			 want);
	assert_int_equal(api_owner_int("SELECT count(*) FROM audit.log WHERE request_id = $1"
				       " AND actor_kind IS DISTINCT FROM 'admin'",
				       1, p),
			 0);
	free(rid);
}

static void market_supervision_issues_revokes_and_reissues(void **state)
{
	(void)state;
	struct api_session ms;
	login(&ms, "market_supervision", NULL);
	struct ct_enterprise e;
	ct_enterprise_new(&e, "411525", "normal", true);

	/* without the CSRF token: refused, nothing issued */
	const char *no_csrf[] = {ms.cookie_h, NULL};
	struct api_resp *r = api_call("POST", code_path(e.id, NULL), NULL, NULL, no_csrf);
	assert_int_equal(r->status, 403);
	api_free(r);
	assert_null(ct_active_token(e.id));

	r = api_session_call(&ms, "POST", code_path(e.id, NULL), NULL);
	if (r->status != 201)
		fail_msg("issue: %ld %s", r->status, r->body);
	char *first = strdup(api_json_str(r, "token"));
	char url[512];
	snprintf(url, sizeof(url), "%s/e/%s", api_env("RUQIMA_PUBLIC_BASE_URL"), first);
	assert_string_equal(api_json_str(r, "url"), url);
	assert_non_null(strstr(api_json_str(r, "serial"), "411525-"));
	assert_audited_by(r, &ms, 1);
	api_free(r);
	char *active = ct_active_token(e.id);
	assert_string_equal(active, first);
	free(active);

	/* again: 409, naming the active code */
	r = api_session_call(&ms, "POST", code_path(e.id, NULL), NULL);
	api_assert_problem(r, 409, "code-active");
	api_free(r);

	/* re-issue: the old token answers 410, the new one resolves */
	r = api_session_call(&ms, "POST", code_path(e.id, "reissue"), "{\"reason\":\"   \"}");
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "reason");
	api_free(r);
	r = api_session_call(&ms, "POST", code_path(e.id, "reissue"),
			     "{\"reason\":\"poster damaged by rain\"}");
	if (r->status != 201)
		fail_msg("reissue: %ld %s", r->status, r->body);
	char *second = strdup(api_json_str(r, "token"));
	assert_string_not_equal(second, first);
	assert_non_null(api_json_str(r, "revoked_serial"));
	assert_audited_by(r, &ms, 2); /* the revocation and the new code, one request */
	api_free(r);
	r = api_get(ct_code_path(first), NULL);
	api_assert_problem(r, 410, "code-revoked");
	api_free(r);
	r = api_get(ct_code_path(second), NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "enterprise.name"), e.name);
	api_free(r);

	/* revoke: no active code afterwards, the reason kept */
	r = api_session_call(&ms, "POST", code_path(e.id, "revoke"),
			     "{\"reason\":\"enterprise moved\"}");
	if (r->status != 200)
		fail_msg("revoke: %ld %s", r->status, r->body);
	assert_audited_by(r, &ms, 1);
	api_free(r);
	assert_null(ct_active_token(e.id));
	r = api_get(ct_code_path(second), NULL);
	api_assert_problem(r, 410, "code-revoked");
	api_free(r);
	const char *p[] = {e.id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.codes WHERE enterprise_id ="
				       " $1::bigint AND revoke_reason = 'enterprise moved'",
				       1, p),
			 1);
	/* nothing left to revoke or replace */
	r = api_session_call(&ms, "POST", code_path(e.id, "revoke"), "{\"reason\":\"again\"}");
	api_assert_problem(r, 409, "no-active-code");
	api_free(r);
	r = api_session_call(&ms, "POST", code_path(e.id, "reissue"), "{\"reason\":\"again\"}");
	api_assert_problem(r, 409, "no-active-code");
	api_free(r);
	/* and a fresh issue works again */
	r = api_session_call(&ms, "POST", code_path(e.id, NULL), NULL);
	assert_int_equal(r->status, 201);
	api_free(r);
	free(first);
	free(second);
	api_session_end(&ms);
}

static void issue_refused_with_a_reason(void **state)
{
	(void)state;
	struct api_session ms;
	login(&ms, "market_supervision", NULL);
	struct ct_enterprise unverified, cancelled;
	ct_enterprise_new(&unverified, "411525", "normal", false);
	ct_enterprise_new(&cancelled, "411525", "cancelled", true);
	struct api_resp *r = api_session_call(&ms, "POST", code_path(unverified.id, NULL), NULL);
	api_assert_problem(r, 422, "name-not-verified");
	api_free(r);
	r = api_session_call(&ms, "POST", code_path(cancelled.id, NULL), NULL);
	api_assert_problem(r, 422, "enterprise-not-active");
	assert_non_null(strstr(api_json_str(r, "detail"), "cancelled"));
	api_free(r);
	r = api_session_call(&ms, "POST", code_path("999999999999", NULL), NULL);
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	r = api_session_call(&ms, "POST", code_path("x1", NULL), NULL);
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	assert_null(ct_active_token(unverified.id));
	assert_null(ct_active_token(cancelled.id));
	api_session_end(&ms);
}

static void other_roles_and_bearers_are_refused(void **state)
{
	(void)state;
	struct ct_enterprise e;
	ct_enterprise_new(&e, "411525", "normal", true);
	struct api_session county;
	login(&county, "county_admin", "411525");
	struct api_resp *r = api_session_call(&county, "POST", code_path(e.id, NULL), NULL);
	api_assert_problem(r, 403, "forbidden");
	api_free(r);
	r = api_session_call(&county, "POST", code_path(e.id, "revoke"), "{\"reason\":\"no\"}");
	api_assert_problem(r, 403, "forbidden");
	api_free(r);
	api_session_end(&county);

	/* a mini-program session */
	char *bearer = api_wx_login(api_unique("codes-wx"));
	r = api_post_json(code_path(e.id, NULL), NULL, bearer);
	assert_true(r->status == 401 || r->status == 403);
	api_free(r);
	r = api_post_json(code_path(e.id, "reissue"), "{\"reason\":\"x\"}", bearer);
	assert_true(r->status == 401 || r->status == 403);
	api_free(r);
	free(bearer);
	assert_null(ct_active_token(e.id));

	/* the database refuses too: the wrappers check the actor, whatever the handler did */
	static const char *const actors[] = {
	    "SELECT rq.set_actor('admin', '1', 'unit_admin', '411525', '1', 'codes-test', NULL)",
	    "SELECT rq.set_actor('admin', '1', 'county_admin', '411525', NULL, 'codes-test', NULL)",
	    "SELECT rq.set_actor('account', '1', 'account', NULL, NULL, 'codes-test', NULL)",
	};
	PGconn *app = api_db("app");
	const char *p[] = {e.id};
	for (size_t i = 0; i < sizeof(actors) / sizeof(actors[0]); i++) {
		api_sql_exec(app, "BEGIN", 0, NULL);
		api_sql_exec(app, actors[i], 0, NULL);
		char *st =
		    api_sql_state(app, "SELECT * FROM rq.portal_issue_code($1::bigint)", 1, p);
		assert_string_equal(st, "42501");
		free(st);
		api_sql_exec(app, "ROLLBACK", 0, NULL);
	}
	/* and the app role cannot reach the functions of 0007 directly */
	api_sql_exec(app, "BEGIN", 0, NULL);
	api_sql_exec(app,
		     "SELECT rq.set_actor('admin', '1', 'city_admin', NULL, NULL, 'codes-test',"
		     " NULL)",
		     0, NULL);
	char *st = api_sql_state(app, "SELECT rq.issue_code($1::bigint)", 1, p);
	assert_string_equal(st, "42501");
	free(st);
	api_sql_exec(app, "ROLLBACK", 0, NULL);
	PQfinish(app);
	assert_null(ct_active_token(e.id));
}

/* Finds the item with this serial in a list answer, or NULL. */
static cJSON *item(const struct api_resp *r, const char *serial)
{
	cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r->json, "items"))
	{
		cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "serial");
		if (cJSON_IsString(v) && strcmp(v->valuestring, serial) == 0)
			return e;
	}
	return NULL;
}

static void list_pages_by_code_id(void **state)
{
	(void)state;
	struct api_session ms, xixian;
	login(&ms, "market_supervision", NULL);
	login(&xixian, "county_admin", "411528");
	struct ct_enterprise a, b, c;
	ct_enterprise_new(&a, "411528", "normal", true);
	ct_enterprise_new(&b, "411528", "normal", true);
	ct_enterprise_new(&c, "411525", "normal", true);
	char serial[3][32], code_id[3][24];
	const struct ct_enterprise *all[] = {&a, &b, &c};
	for (int i = 0; i < 3; i++) {
		struct api_resp *r =
		    api_session_call(&ms, "POST", code_path(all[i]->id, NULL), NULL);
		assert_int_equal(r->status, 201);
		snprintf(serial[i], sizeof(serial[i]), "%s", api_json_str(r, "serial"));
		api_free(r);
		const char *p[] = {serial[i]};
		char *id = api_owner_value("SELECT id FROM rq.codes WHERE serial = $1", 1, p);
		snprintf(code_id[i], sizeof(code_id[i]), "%s", id);
		free(id);
	}
	char path[256];
	long after = (long)api_to_i64(code_id[0]) - 1;
	snprintf(path, sizeof(path), "/api/v1/admin/codes?county=411528&after=%ld&limit=1", after);
	struct api_resp *r = api_session_call(&ms, "GET", path, NULL);
	if (r->status != 200)
		fail_msg("list: %ld %s", r->status, r->body);
	cJSON *it = item(r, serial[0]);
	assert_non_null(it);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(it, "uscc")->valuestring, a.uscc);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(it, "enterprise_name")->valuestring,
			    a.name);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(it, "status")->valuestring, "active");
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(it, "printed_at")));
	assert_string_equal(api_json_str(r, "next_after"), code_id[0]);
	api_free(r);
	snprintf(path, sizeof(path), "/api/v1/admin/codes?county=411528&after=%s&limit=1",
		 code_id[0]);
	r = api_session_call(&ms, "GET", path, NULL);
	assert_int_equal(r->status, 200);
	assert_non_null(item(r, serial[1]));
	api_free(r);

	/* a county admin reads their county only */
	snprintf(path, sizeof(path), "/api/v1/admin/codes?after=%ld&limit=200", after);
	r = api_session_call(&xixian, "GET", path, NULL);
	assert_int_equal(r->status, 200);
	assert_non_null(item(r, serial[0]));
	assert_non_null(item(r, serial[1]));
	assert_null(item(r, serial[2]));
	api_free(r);
	r = api_session_call(&xixian, "GET", "/api/v1/admin/codes?county=411525", NULL);
	api_assert_problem(r, 403, "forbidden");
	api_free(r);

	/* status filter */
	r = api_session_call(&ms, "POST", code_path(a.id, "revoke"), "{\"reason\":\"list test\"}");
	assert_int_equal(r->status, 200);
	api_free(r);
	snprintf(path, sizeof(path), "/api/v1/admin/codes?after=%ld&limit=200", after);
	r = api_session_call(&ms, "GET", path, NULL);
	assert_null(item(r, serial[0]));
	assert_non_null(item(r, serial[2]));
	api_free(r);
	snprintf(path, sizeof(path), "/api/v1/admin/codes?status=revoked&after=%ld&limit=200",
		 after);
	r = api_session_call(&ms, "GET", path, NULL);
	assert_non_null(item(r, serial[0]));
	assert_null(item(r, serial[1]));
	api_free(r);
	snprintf(path, sizeof(path), "/api/v1/admin/codes?status=all&after=%ld&limit=200", after);
	r = api_session_call(&ms, "GET", path, NULL);
	assert_non_null(item(r, serial[0]));
	assert_non_null(item(r, serial[1]));
	api_free(r);
	r = api_session_call(&ms, "GET", "/api/v1/admin/codes?status=lost", NULL);
	api_assert_problem(r, 400, "bad-request");
	api_free(r);
	api_session_end(&ms);
	api_session_end(&xixian);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(market_supervision_issues_revokes_and_reissues),
	    cmocka_unit_test(issue_refused_with_a_reason),
	    cmocka_unit_test(other_roles_and_bearers_are_refused),
	    cmocka_unit_test(list_pages_by_code_id),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
