/* County name verification (核对企业名称): a county admin lists their county's enterprises
 * awaiting verification, corrects a name, marks it verified; another county's enterprise is
 * answered 404 (and is invisible to the application role under row-level security); city
 * admins see and verify every county. */
#include "api.h"
#include "api_register.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A portal session of the given role (see api_session_login). */
static void login(struct api_session *s, const char *role, const char *county)
{
	api_session_login(s, "verify", role, county);
}

/* Three fresh enterprises: two in 固始 (411525), one in 息县 (411528); ids into ids[]. */
static char uscc[3][19];
static char ids[3][24];

static int setup(void **state)
{
	(void)state;
	api_uscc_new("411525", uscc[0]);
	api_uscc_new("411525", uscc[1]);
	api_uscc_new("411528", uscc[2]);
	char csv[1024];
	snprintf(csv, sizeof(csv),
		 "uscc,name,county_code\n%s,固始核对测试甲有限公司,411525\n"
		 "%s,固始核对测试乙有限公司,411525\n%s,息县核对测试丙有限公司,411528\n",
		 uscc[0], uscc[1], uscc[2]);
	char *path = api_write_temp(csv, strlen(csv));
	int rc = api_cli_import(path, NULL, NULL);
	unlink(path);
	free(path);
	if (rc != 0)
		return -1;
	for (int i = 0; i < 3; i++) {
		char *id = api_enterprise_id(uscc[i]);
		if (id == NULL)
			return -1;
		snprintf(ids[i], sizeof(ids[i]), "%s", id);
		free(id);
	}
	return 0;
}

/* GET the list from just before our first enterprise. */
static struct api_resp *list(const struct api_session *s, const char *extra)
{
	char path[256];
	long first = (long)api_to_i64(ids[0]);
	snprintf(path, sizeof(path), "/api/v1/admin/enterprises?after=%ld&limit=200%s", first - 1,
		 extra);
	return api_session_call(s, "GET", path, NULL);
}

static void county_admin_lists_only_their_county(void **state)
{
	(void)state;
	struct api_session gushi;
	login(&gushi, "county_admin", "411525");
	struct api_resp *r = list(&gushi, "&verified=false");
	if (r->status != 200)
		fail_msg("list: %ld %s", r->status, r->body);
	assert_non_null(api_list_item(r, ids[0]));
	assert_non_null(api_list_item(r, ids[1]));
	assert_null(api_list_item(r, ids[2]));
	cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r->json, "items"))
	{
		assert_string_equal(cJSON_GetObjectItemCaseSensitive(e, "county_code")->valuestring,
				    "411525");
		assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(e, "name_verified")));
	}
	cJSON *mine = api_list_item(r, ids[0]);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(mine, "uscc")->valuestring, uscc[0]);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(mine, "name")->valuestring,
			    "固始核对测试甲有限公司");
	api_free(r);

	/* asking for another county is refused */
	r = list(&gushi, "&county=411528");
	api_assert_problem(r, 403, "forbidden");
	api_free(r);
	r = list(&gushi, "&verified=perhaps");
	api_assert_problem(r, 400, "bad-request");
	api_free(r);

	/* keyset pagination: one at a time */
	char path[256];
	snprintf(path, sizeof(path), "/api/v1/admin/enterprises?after=%ld&limit=1",
		 (long)api_to_i64(ids[0]) - 1);
	r = api_session_call(&gushi, "GET", path, NULL);
	assert_int_equal(r->status, 200);
	assert_non_null(api_list_item(r, ids[0]));
	assert_string_equal(api_json_str(r, "next_after"), ids[0]);
	api_free(r);
	api_session_end(&gushi);
}

static void county_admin_renames_and_verifies(void **state)
{
	(void)state;
	struct api_session gushi;
	login(&gushi, "county_admin", "411525");
	char path[128], verify[128];
	snprintf(path, sizeof(path), "/api/v1/admin/enterprises/%s", ids[1]);
	snprintf(verify, sizeof(verify), "/api/v1/admin/enterprises/%s/verify", ids[1]);

	struct api_resp *r = api_session_call(&gushi, "PATCH", path, "{\"name\":\"  \"}");
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "name");
	api_free(r);
	r = api_session_call(&gushi, "PATCH", path, "{}");
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "name");
	api_free(r);

	r = api_session_call(&gushi, "PATCH", path,
			     "{\"name\":\"固始核对测试乙（更正）有限公司\"}");
	if (r->status != 200)
		fail_msg("rename: %ld %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "name"), "固始核对测试乙（更正）有限公司");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(r->json, "name_verified")));
	assert_int_equal(api_audit_rows_of(r), 1);
	char *rid = api_request_id(r);
	const char *p[] = {rid};
	char *who = api_owner_value("SELECT actor_role || ':' || (new_row->>'name') FROM audit.log"
				    " WHERE request_id = $1",
				    1, p);
	assert_string_equal(who, "county_admin:固始核对测试乙（更正）有限公司");
	free(who);
	free(rid);
	api_free(r);

	r = api_session_call(&gushi, "POST", verify, NULL);
	if (r->status != 200)
		fail_msg("verify: %ld %s", r->status, r->body);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r->json, "name_verified")));
	assert_int_equal(api_audit_rows_of(r), 1);
	api_free(r);
	/* again: the same answer, nothing written */
	r = api_session_call(&gushi, "POST", verify, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);

	/* verified: no longer awaiting */
	r = list(&gushi, "&verified=false");
	assert_null(api_list_item(r, ids[1]));
	api_free(r);
	r = list(&gushi, "&verified=true");
	assert_non_null(api_list_item(r, ids[1]));
	api_free(r);

	/* a later correction must be verified again */
	r = api_session_call(&gushi, "PATCH", path, "{\"name\":\"固始核对测试乙有限公司\"}");
	assert_int_equal(r->status, 200);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(r->json, "name_verified")));
	api_free(r);
	api_session_end(&gushi);
}

static void another_countys_enterprise_is_not_found(void **state)
{
	(void)state;
	struct api_session gushi;
	login(&gushi, "county_admin", "411525");
	char path[128], verify[128];
	snprintf(path, sizeof(path), "/api/v1/admin/enterprises/%s", ids[2]);
	snprintf(verify, sizeof(verify), "/api/v1/admin/enterprises/%s/verify", ids[2]);
	struct api_resp *r = api_session_call(&gushi, "PATCH", path, "{\"name\":\"不该改的名字\"}");
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	r = api_session_call(&gushi, "POST", verify, NULL);
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	/* exactly like an id that does not exist */
	r = api_session_call(&gushi, "POST", "/api/v1/admin/enterprises/999999999999/verify", NULL);
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	r = api_session_call(&gushi, "POST", "/api/v1/admin/enterprises/abc/verify", NULL);
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	const char *p[] = {ids[2]};
	char *v = api_owner_value("SELECT name || ',' || name_verified FROM rq.enterprises"
				  " WHERE id = $1::bigint",
				  1, p);
	assert_string_equal(v, "息县核对测试丙有限公司,false");
	free(v);
	api_session_end(&gushi);
}

static void row_level_security_confines_a_county_admin(void **state)
{
	(void)state;
	PGconn *app = api_db("app");
	const char *p[] = {ids[0], ids[2]};
	api_sql_exec(app, "BEGIN", 0, NULL);
	api_sql_exec(app,
		     "SELECT rq.set_actor('admin', '1', 'county_admin', '411525', NULL, 'rls-test',"
		     " '127.0.0.1')",
		     0, NULL);
	/* no WHERE on the county: the policy alone hides 息县's row */
	char *n = api_sql_value(app,
				"SELECT count(*) FROM rq.enterprises WHERE id IN ($1::bigint,"
				" $2::bigint)",
				2, p);
	assert_string_equal(n, "1");
	free(n);
	n = api_sql_value(app, "SELECT count(*) FROM rq.enterprises WHERE county_code <> '411525'",
			  0, NULL);
	assert_string_equal(n, "0");
	free(n);
	const char *other[] = {ids[2]};
	assert_int_equal(api_sql_exec(app,
				      "UPDATE rq.enterprises SET name_verified = true"
				      " WHERE id = $1::bigint",
				      1, other),
			 0);
	/* nor can a row be moved out of the county */
	const char *mine[] = {ids[0]};
	char *sqlstate = api_sql_state(
	    app, "UPDATE rq.enterprises SET county_code = '411528' WHERE id = $1::bigint", 1, mine);
	assert_string_equal(sqlstate, "42501");
	free(sqlstate);
	api_sql_exec(app, "ROLLBACK", 0, NULL);

	/* without an actor context, nothing at all */
	n = api_sql_value(app, "SELECT count(*) FROM rq.enterprises", 0, NULL);
	assert_string_equal(n, "0");
	free(n);
	PQfinish(app);
}

static void city_admin_sees_and_verifies_every_county(void **state)
{
	(void)state;
	struct api_session city, ms;
	login(&city, "city_admin", NULL);
	login(&ms, "market_supervision", NULL);
	struct api_resp *r = list(&city, "&county=411528");
	assert_int_equal(r->status, 200);
	assert_non_null(api_list_item(r, ids[2]));
	assert_null(api_list_item(r, ids[0]));
	api_free(r);
	r = list(&ms, "");
	assert_int_equal(r->status, 200);
	assert_non_null(api_list_item(r, ids[0]));
	assert_non_null(api_list_item(r, ids[2]));
	api_free(r);

	char verify[128];
	snprintf(verify, sizeof(verify), "/api/v1/admin/enterprises/%s/verify", ids[2]);
	r = api_session_call(&city, "POST", verify, NULL);
	assert_int_equal(r->status, 200);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r->json, "name_verified")));
	api_free(r);
	/* market supervision imports, it does not verify */
	r = api_session_call(&ms, "POST", verify, NULL);
	api_assert_problem(r, 403, "forbidden");
	api_free(r);
	api_session_end(&city);
	api_session_end(&ms);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(county_admin_lists_only_their_county),
	    cmocka_unit_test(county_admin_renames_and_verifies),
	    cmocka_unit_test(another_countys_enterprise_is_not_found),
	    cmocka_unit_test(row_level_security_confines_a_county_admin),
	    cmocka_unit_test(city_admin_sees_and_verifies_every_county),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
