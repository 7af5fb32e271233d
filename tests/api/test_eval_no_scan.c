/* 未扫码入企: a manager reports an entry made without a scan for the enterprise they act
 * for; it opens a case (source no_scan) with the photos and notifies the county admin.
 * Refused: a time in the future or malformed, missing facts, an unknown unit, photos that
 * are not the reporter's own unused uploads, an account that manages no enterprise. */
#include "api.h"
#include "eval_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORTS EV_BASE "/no-scan-reports"

/* An upload of account_id as the owner would record it (the bytes do not matter here). */
static char *attachment_of(const char *account_id)
{
	const char *p[] = {account_id};
	PGconn *c = api_owner_tx();
	char *id = api_sql_value(c,
				 "INSERT INTO rq.attachments (account_id, sha256, content_type,"
				 " size_bytes) VALUES ($1::bigint, repeat('ab', 32), 'image/jpeg',"
				 " 1000) RETURNING id",
				 1, p);
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
	return id;
}

static int64_t cases_of(const char *enterprise_id)
{
	return vs_rows("rq.cases", "enterprise_id", enterprise_id);
}

static void test_report_opens_case(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	char *admin = ev_county_admin(sc.s.ent.m.county);
	char *a1 = attachment_of(sc.manager_id);
	char *at = vs_time("now() - interval '2 hours'");
	char body[1024];
	snprintf(body, sizeof(body),
		 "{\"occurred_at\":\"%s\",\"unit_id\":\"%s\",\"people\":\"两名身穿制服的男子\","
		 "\"what_happened\":\"未扫码直接进入车间检查并拍照\",\"attachment_ids\":[\"%s\"]}",
		 at, sc.s.unit.id, a1);
	struct api_resp *r = vs_call("POST", REPORTS, sc.manager, body);
	assert_int_equal(r->status, 201);
	assert_string_equal(api_json_str(r, "source"), "no_scan");
	assert_string_equal(api_json_str(r, "status"), "open");
	assert_string_equal(api_json_str(r, "enterprise_id"), sc.s.ent.m.id);
	assert_string_equal(api_json_str(r, "unit_id"), sc.s.unit.id);
	assert_string_equal(api_json_str(r, "people"), "两名身穿制服的男子");
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r->json, "visit_id")));
	cJSON *att = cJSON_GetObjectItemCaseSensitive(r->json, "attachment_ids");
	assert_int_equal(cJSON_GetArraySize(att), 1);
	assert_string_equal(cJSON_GetArrayItem(att, 0)->valuestring, a1);
	char *case_id = strdup(api_json_str(r, "id"));
	assert_true(api_audit_rows_of(r) >= 3); /* case, event, attachment link */
	api_free(r);
	assert_int_equal(ev_admin_notices(admin, case_id), 1);
	const char *p[] = {case_id, sc.manager_id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.cases WHERE id = $1::bigint"
				       " AND reporter_account_id = $2::bigint"
				       " AND occurred_at < now() - interval '1 hour'",
				       2, p),
			 1);
	/* the same photo cannot serve twice */
	r = vs_call("POST", REPORTS, sc.manager, body);
	assert_int_equal(r->status, 422);
	api_assert_error_field(r, "attachment_ids");
	api_free(r);
	/* the unit is optional */
	snprintf(body, sizeof(body),
		 "{\"occurred_at\":\"%s\",\"people\":\"不认识\",\"what_happened\":\"询问后离开\"}",
		 at);
	r = vs_call("POST", REPORTS, sc.manager, body);
	assert_int_equal(r->status, 201);
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r->json, "unit_id")));
	api_free(r);
	assert_int_equal(cases_of(sc.s.ent.m.id), 2);
	free(case_id);
	free(at);
	free(a1);
	free(admin);
	ev_scene_free(&sc);
}

static void test_report_refused(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	char *future = vs_time("now() + interval '1 day'");
	char *past = vs_time("now() - interval '1 day'");
	char *foreign = attachment_of(sc.s.off.account_id);
	struct {
		char body[512];
		const char *field;
	} bad[7];
	snprintf(bad[0].body, sizeof(bad[0].body),
		 "{\"occurred_at\":\"%s\",\"people\":\"甲\",\"what_happened\":\"乙\"}", future);
	bad[0].field = "occurred_at";
	snprintf(bad[1].body, sizeof(bad[1].body),
		 "{\"occurred_at\":\"昨天下午\",\"people\":\"甲\",\"what_happened\":\"乙\"}");
	bad[1].field = "occurred_at";
	snprintf(bad[2].body, sizeof(bad[2].body),
		 "{\"occurred_at\":\"%s\",\"what_happened\":\"乙\"}", past);
	bad[2].field = "people";
	snprintf(bad[3].body, sizeof(bad[3].body), "{\"occurred_at\":\"%s\",\"people\":\"甲\"}",
		 past);
	bad[3].field = "what_happened";
	snprintf(bad[4].body, sizeof(bad[4].body),
		 "{\"occurred_at\":\"%s\",\"people\":\"甲\",\"what_happened\":\"乙\","
		 "\"unit_id\":\"999999999\"}",
		 past);
	bad[4].field = "unit_id";
	snprintf(bad[5].body, sizeof(bad[5].body),
		 "{\"occurred_at\":\"%s\",\"people\":\"甲\",\"what_happened\":\"乙\","
		 "\"unit_id\":\"x\"}",
		 past);
	bad[5].field = "unit_id";
	snprintf(bad[6].body, sizeof(bad[6].body),
		 "{\"occurred_at\":\"%s\",\"people\":\"甲\",\"what_happened\":\"乙\","
		 "\"attachment_ids\":[\"%s\"]}",
		 past, foreign);
	bad[6].field = "attachment_ids";
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct api_resp *r = vs_call("POST", REPORTS, sc.manager, bad[i].body);
		if (r->status != 422)
			fail_msg("%s: %ld %s", bad[i].body, r->status, r->body);
		api_assert_error_field(r, bad[i].field);
		api_free(r);
	}
	assert_int_equal(cases_of(sc.s.ent.m.id), 0);
	/* an account that manages nothing (the official) */
	char body[256];
	snprintf(body, sizeof(body),
		 "{\"occurred_at\":\"%s\",\"people\":\"甲\",\"what_happened\":\"乙\"}", past);
	struct api_resp *r = vs_call("POST", REPORTS, sc.s.off.bearer, body);
	api_assert_problem(r, 409, "no-enterprise-selected");
	api_free(r);
	free(future);
	free(past);
	free(foreign);
	ev_scene_free(&sc);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_report_opens_case),
	    cmocka_unit_test(test_report_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
