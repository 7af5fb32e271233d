/* POST /api/v1/admin/enterprises/import: a CSV body (UTF-8 or GBK) from market supervision
 * or a city admin, answered with a report; dry_run and strict write nothing; the writes are
 * audited under the request's id and the portal user; other roles, other media types and
 * a missing CSRF token are refused. */
#include "api.h"
#include "api_register.h"
#include "visits_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH "/api/v1/admin/enterprises/import"

/* A portal session of the given role (see api_session_login). */
static void login(struct api_session *s, const char *role, const char *county)
{
	api_session_login(s, "import-portal", role, county);
}

static void logout(struct api_session *s)
{
	api_session_end(s);
}

/* Asserts an entry of rejected[] (or errors[]) with this line and field. */
static void assert_rejected(const struct api_resp *r, const char *list, int line, const char *field)
{
	cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r->json, list))
	{
		cJSON *l = cJSON_GetObjectItemCaseSensitive(e, "line");
		cJSON *f = cJSON_GetObjectItemCaseSensitive(e, "field");
		cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "message");
		if (cJSON_IsNumber(l) && (int)l->valuedouble == line && cJSON_IsString(f) &&
		    strcmp(f->valuestring, field) == 0 && cJSON_IsString(m))
			return;
	}
	fail_msg("%s[] has no line %d / %s: %s", list, line, field, r->body);
}

static void market_supervision_imports_with_a_report(void **state)
{
	(void)state;
	struct api_session s;
	login(&s, "market_supervision", NULL);
	char a[19], b[19], csv[2048];
	api_uscc_new("411521", a);
	api_uscc_new("411521", b);
	snprintf(csv, sizeof(csv),
		 "统一社会信用代码,企业名称,县区代码,经营状态\r\n"
		 "%s,罗山门户导入测试甲有限公司,411521,存续\r\n"
		 "%s,罗山门户导入测试乙有限公司,411521,歇业\r\n"
		 "%s,罗山门户导入测试甲（重复）,411521,存续\r\n"
		 "91411521MA9F0000ZZ,坏代码,411521,存续\r\n",
		 a, b, a);
	struct api_resp *r = api_session_import(&s, NULL, "text/csv; charset=utf-8", csv);
	if (r->status != 200)
		fail_msg("import: %ld %s", r->status, r->body);
	assert_int_equal((int)vs_num(r->json, "rows"), 4);
	assert_int_equal((int)vs_num(r->json, "inserted"), 2);
	assert_int_equal((int)vs_num(r->json, "updated"), 0);
	assert_int_equal((int)vs_num(r->json, "unchanged"), 0);
	assert_string_equal(api_json_str(r, "encoding"), "UTF-8");
	assert_rejected(r, "rejected", 4, "uscc");
	assert_rejected(r, "rejected", 5, "uscc");
	/* audited under this request, as the portal user */
	assert_int_equal(api_audit_rows_of(r), 2);
	char *rid = api_request_id(r);
	const char *p[] = {rid};
	char *role = api_owner_value(
	    "SELECT DISTINCT actor_role FROM audit.log WHERE request_id = $1", 1, p);
	assert_string_equal(role, "market_supervision");
	free(role);
	free(rid);
	api_free(r);
	const char *pb[] = {b};
	char *st =
	    api_owner_value("SELECT business_status FROM rq.enterprises WHERE uscc = $1", 1, pb);
	assert_string_equal(st, "suspended");
	free(st);

	/* again: nothing changes, nothing is audited */
	r = api_session_import(&s, NULL, "text/csv", csv);
	assert_int_equal(r->status, 200);
	assert_int_equal((int)vs_num(r->json, "unchanged"), 2);
	assert_int_equal((int)vs_num(r->json, "inserted"), 0);
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	logout(&s);
}

static void gbk_body(void **state)
{
	(void)state;
	struct api_session s;
	login(&s, "city_admin", NULL);
	char a[19], csv[512];
	api_uscc_new("411502", a);
	/* the name 信阳GBK测试 in GBK */
	snprintf(csv, sizeof(csv),
		 "uscc,name,county_code\r\n%s,\xd0\xc5\xd1\xf4"
		 "GBK\xb2\xe2\xca\xd4,411502\r\n",
		 a);
	struct api_resp *r = api_session_import(&s, NULL, "text/csv", csv);
	if (r->status != 200)
		fail_msg("import: %ld %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "encoding"), "GB18030");
	assert_int_equal((int)vs_num(r->json, "inserted"), 1);
	api_free(r);
	const char *p[] = {a};
	char *name = api_owner_value("SELECT name FROM rq.enterprises WHERE uscc = $1", 1, p);
	assert_string_equal(name, "信阳GBK测试");
	free(name);
	logout(&s);
}

static void dry_run_and_strict_write_nothing(void **state)
{
	(void)state;
	struct api_session s;
	login(&s, "market_supervision", NULL);
	char a[19], csv[1024];
	api_uscc_new("411522", a);
	snprintf(csv, sizeof(csv),
		 "uscc,name,county_code\n%s,光山门户干跑测试,411522\n%s,坏县区,999999\n", a,
		 api_uscc_new("411522", (char[19]){0}));

	struct api_resp *r = api_session_import(&s, "?dry_run=1", "text/csv", csv);
	assert_int_equal(r->status, 200);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r->json, "dry_run")));
	assert_int_equal((int)vs_num(r->json, "inserted"), 1);
	assert_rejected(r, "rejected", 3, "county_code");
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	char *id = api_enterprise_id(a);
	assert_null(id);

	r = api_session_import(&s, "?strict=1", "text/csv", csv);
	api_assert_problem(r, 422, "validation");
	assert_rejected(r, "errors", 3, "county_code");
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	id = api_enterprise_id(a);
	assert_null(id);
	logout(&s);
}

static void refusals(void **state)
{
	(void)state;
	struct api_session ms, county;
	login(&ms, "market_supervision", NULL);
	login(&county, "county_admin", "411502");
	const char *csv = "uscc,name,county_code\n";

	struct api_resp *r = api_session_import(&ms, NULL, "application/json", "{}");
	api_assert_problem(r, 415, "unsupported-media-type");
	api_free(r);

	r = api_session_import(&ms, "?dry_run=maybe", "text/csv", csv);
	api_assert_problem(r, 400, "bad-request");
	api_assert_error_field(r, "dry_run");
	api_free(r);

	r = api_session_import(&ms, NULL, "text/csv", "企业名称,县区代码\n甲,411502\n");
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "file");
	api_free(r);

	r = api_session_import(&ms, NULL, "text/csv", "");
	api_assert_problem(r, 422, "validation");
	api_free(r);

	/* a county admin may not import */
	r = api_session_import(&county, NULL, "text/csv", csv);
	api_assert_problem(r, 403, "forbidden");
	api_free(r);

	/* no CSRF token */
	const char *headers[] = {ms.cookie_h, NULL};
	r = api_call("POST", PATH, "text/csv", csv, headers);
	api_assert_problem(r, 403, "csrf");
	api_free(r);

	/* no session */
	r = api_call("POST", PATH, "text/csv", csv, NULL);
	api_assert_problem(r, 401, "unauthenticated");
	api_free(r);
	logout(&ms);
	logout(&county);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(market_supervision_imports_with_a_report),
	    cmocka_unit_test(gbk_body),
	    cmocka_unit_test(dry_run_and_strict_write_nothing),
	    cmocka_unit_test(refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
