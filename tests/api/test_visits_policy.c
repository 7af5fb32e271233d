/* The rules read their thresholds from rq.policy, changed here as the owner and always
 * put back (cmocka teardown). 企业无扰日: an inspection entered on a quiet day is refused
 * without an exemption and flagged with one, whatever today's date (the quiet days are
 * set around the test's day of entry); a geofence and an edit window of the policy's.
 * Runs alone (RUN_SERIAL): other tests must not see the changed thresholds. */
#include "api.h"
#include "visits_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The day of month (city time) of an SQL expression of now(). */
static int day_of(const char *sql_expr)
{
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "SELECT extract(day FROM (%s) AT TIME ZONE 'Asia/Shanghai')::int", sql_expr);
	return (int)api_owner_int(sql, 0, NULL);
}

static void test_quiet_day(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	int today = day_of("now()");
	vs_policy_set("quiet_day_first", today);
	vs_policy_set("quiet_day_last", today);

	cJSON *body = vs_body(s.ent.token, "inspection");
	struct api_resp *r = vs_register(s.off.bearer, body);
	api_assert_problem(r, 422, "quiet-day");
	api_assert_error_field(r, "exemption");
	api_free(r);
	assert_int_equal(vs_account_visit_rows(s.off.account_id), 0);

	/* visits and research are not inspections */
	cJSON *research = vs_body(s.ent.token, "research");
	r = vs_register(s.off.bearer, research);
	assert_int_equal(r->status, 201);
	assert_false(vs_has_flag(r, "quiet_day_exemption"));
	api_free(r);

	/* with an exemption: accepted, flagged, the category kept */
	struct vs_enterprise e2;
	vs_enterprise_new(&e2, true);
	vs_body_str(body, "token", e2.token);
	vs_body_exemption(body, "accident_emergency");
	r = vs_register(s.off.bearer, body);
	assert_int_equal(r->status, 201);
	vs_assert_flags(r, (const char *const[]){"quiet_day_exemption", NULL});
	cJSON *w = vs_warning(r, "quiet_day_exemption", NULL);
	assert_non_null(w);
	assert_non_null(strstr(cJSON_GetObjectItem(w, "message")->valuestring, "事故或突发事件"));
	const char *p[] = {api_json_str(r, "id")};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.visits WHERE id = $1::bigint"
				       " AND exemption_category = 'accident_emergency'"
				       " AND exemption_reason IS NOT NULL"
				       " AND flags = '{quiet_day_exemption}'",
				       1, p),
			 1);
	api_free(r);

	/* the day that counts is the day of entry: a back-fill from 2 days ago is outside */
	struct vs_enterprise e3;
	vs_enterprise_new(&e3, true);
	cJSON *back = vs_body(e3.token, "inspection");
	char *then = vs_time("now() - interval '2 days'");
	vs_body_str(back, "entered_at", then);
	vs_body_str(back, "backfill_reason", "现场无网络");
	r = vs_register(s.off.bearer, back);
	assert_int_equal(r->status, 201);
	vs_assert_flags(r, (const char *const[]){"backfill", NULL});
	api_free(r);
	/* ... and refused when that day is the quiet one */
	int day = day_of("now() - interval '2 days'");
	vs_policy_set("quiet_day_first", day);
	vs_policy_set("quiet_day_last", day);
	struct vs_enterprise e4;
	vs_enterprise_new(&e4, true);
	vs_body_str(back, "token", e4.token);
	r = vs_register(s.off.bearer, back);
	api_assert_problem(r, 422, "quiet-day");
	api_free(r);

	/* no quiet days at all (last before first): no exemption needed today either */
	vs_policy_set("quiet_day_first", 1);
	vs_policy_set("quiet_day_last", 0);
	struct vs_enterprise e5;
	vs_enterprise_new(&e5, true);
	cJSON *plain = vs_body(e5.token, "inspection");
	r = vs_register(s.off.bearer, plain);
	assert_int_equal(r->status, 201);
	vs_assert_flags(r, (const char *const[]){NULL});
	api_free(r);
	/* an exemption outside the quiet days is kept but flags nothing */
	struct vs_enterprise e6;
	vs_enterprise_new(&e6, true);
	vs_body_str(plain, "token", e6.token);
	vs_body_exemption(plain, "permit_check");
	r = vs_register(s.off.bearer, plain);
	assert_int_equal(r->status, 201);
	vs_assert_flags(r, (const char *const[]){NULL});
	api_free(r);

	free(then);
	cJSON_Delete(plain);
	cJSON_Delete(back);
	cJSON_Delete(research);
	cJSON_Delete(body);
	vs_scene_free(&s);
}

static void test_geofence_from_policy(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	vs_policy_set("geofence_m", 50);
	cJSON *body = vs_body(s.ent.token, "visit"); /* 100 m away */
	struct api_resp *r = vs_register(s.off.bearer, body);
	assert_int_equal(r->status, 201);
	vs_assert_flags(r, (const char *const[]){"far_away", NULL});
	assert_int_equal(vs_num(vs_warning(r, "far_away", NULL), "limit"), 50);
	api_free(r);
	cJSON_Delete(body);
	vs_scene_free(&s);
}

static void test_thresholds_from_policy(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	vs_policy_set("frequency_day_max", 2);
	cJSON *body = vs_body(s.ent.token, "visit");
	for (int i = 1; i <= 3; i++) {
		struct api_resp *r = vs_register(s.off.bearer, body);
		assert_int_equal(r->status, 201);
		assert_int_equal(vs_has_flag(r, "frequency_day"), i == 3);
		api_free(r);
	}
	cJSON_Delete(body);
	vs_scene_free(&s);
}

static void test_edit_window_from_policy(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	cJSON *body = vs_body(s.ent.token, "visit");
	char *visit = vs_register_ok(s.off.bearer, body);
	vs_policy_set("edit_window_hours", 0);
	struct api_resp *r =
	    vs_call("PATCH", vs_path(visit, ""), s.off.bearer, "{\"matter\":\"改\"}");
	api_assert_problem(r, 409, "edit-window-closed");
	api_free(r);
	assert_int_equal(vs_rows("rq.visit_edits", "visit_id", visit), 0);
	vs_policy_restore();
	r = vs_call("PATCH", vs_path(visit, ""), s.off.bearer, "{\"matter\":\"改\"}");
	assert_int_equal(r->status, 200);
	api_free(r);
	assert_int_equal(vs_rows("rq.visit_edits", "visit_id", visit), 1);
	free(visit);
	cJSON_Delete(body);
	vs_scene_free(&s);
}

/* The reports read the rules and the visits (every row), never the stored answers of the
 * idempotency keys. */
static void test_report_role_reads_rules_not_answers(void **state)
{
	(void)state;
	PGconn *owner = api_db("owner"), *report = api_db("report");
	char *all = api_sql_value(owner, "SELECT count(*) FROM rq.policy", 0, NULL);
	char *seen = api_sql_value(report, "SELECT count(*) FROM rq.policy", 0, NULL);
	assert_string_equal(seen, all);
	assert_string_not_equal(all, "0");
	free(all);
	free(seen);
	char *state_ = api_sql_state(report, "SELECT count(*) FROM rq.idempotency_keys", 0, NULL);
	assert_string_equal(state_, "42501");
	free(state_);
	PQfinish(owner);
	PQfinish(report);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_quiet_day, vs_policy_teardown),
	    cmocka_unit_test_teardown(test_geofence_from_policy, vs_policy_teardown),
	    cmocka_unit_test_teardown(test_thresholds_from_policy, vs_policy_teardown),
	    cmocka_unit_test_teardown(test_edit_window_from_policy, vs_policy_teardown),
	    cmocka_unit_test(test_report_role_reads_rules_not_answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
