/* The enterprise's answer to a visit: confirmed as registered, or disputed with a reason
 * category (wrong_people, wrong_matter, never_came, other + reason), which opens a case
 * (source dispute) seen by the county admin, the unit admin and discipline inspectors and
 * notifies the county admin. An answer is final; bad input writes nothing. */
#include "api.h"
#include "eval_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t answers_of(const char *visit_id)
{
	return vs_rows("rq.visit_answers", "visit_id", visit_id);
}

static void test_confirm(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	char *id = ev_visit(&sc);
	struct api_resp *r = vs_call("POST", ev_path(id, "/confirm"), sc.manager, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "confirmation"), "confirmed");
	assert_string_equal(api_json_str(r, "status"), "confirmed");
	assert_string_equal(api_json_str(r, "answer.decision"), "confirmed");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r->json, "can_rate")));
	assert_true(api_audit_rows_of(r) >= 2); /* the answer and the visit */
	api_free(r);
	const char *p[] = {id, sc.manager_id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.visit_answers WHERE visit_id ="
				       " $1::bigint AND account_id = $2::bigint",
				       2, p),
			 1);
	/* final: neither a second confirmation nor a dispute afterwards */
	r = vs_call("POST", ev_path(id, "/confirm"), sc.manager, NULL);
	api_assert_problem(r, 409, "already-answered");
	api_free(r);
	r = vs_call("POST", ev_path(id, "/dispute"), sc.manager, "{\"category\":\"never_came\"}");
	api_assert_problem(r, 409, "already-answered");
	api_free(r);
	assert_int_equal(vs_rows("rq.cases", "visit_id", id), 0);
	/* the official sees the confirmation in their own detail */
	r = api_get(vs_path(id, ""), sc.s.off.bearer);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "confirmation"), "confirmed");
	api_free(r);
	free(id);
	ev_scene_free(&sc);
}

static void test_dispute_opens_case(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	char *admin = ev_county_admin(sc.s.ent.m.county);
	char *elsewhere = ev_county_admin("411503");
	char *id = ev_visit(&sc);
	struct api_resp *r =
	    vs_call("POST", ev_path(id, "/dispute"), sc.manager,
		    "{\"category\":\"wrong_people\",\"reason\":\"来的不是登记的两位同志\"}");
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "confirmation"), "disputed");
	assert_string_equal(api_json_str(r, "answer.reason_category"), "wrong_people");
	cJSON *cases = cJSON_GetObjectItemCaseSensitive(r->json, "cases");
	assert_int_equal(cJSON_GetArraySize(cases), 1);
	cJSON *c = cJSON_GetArrayItem(cases, 0);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(c, "source")->valuestring, "dispute");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(c, "status")->valuestring, "open");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(c, "unit_id")->valuestring,
			    sc.s.unit.id);
	char *case_id = strdup(cJSON_GetObjectItemCaseSensitive(c, "id")->valuestring);
	api_free(r);
	const char *p[] = {case_id, sc.manager_id, sc.s.ent.m.id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.cases WHERE id = $1::bigint"
			  " AND reporter_account_id = $2::bigint"
			  " AND enterprise_id = $3::bigint AND category = 'wrong_people'",
			  3, p),
	    1);
	assert_int_equal(vs_rows("rq.case_events", "case_id", case_id), 1);
	assert_int_equal(ev_admin_notices(admin, case_id), 1);
	assert_int_equal(ev_admin_notices(elsewhere, case_id), 0);

	/* who sees the case, asked as the application role */
	const char *pc[] = {case_id};
	const char *sql = "SELECT count(*) FROM rq.cases WHERE id = $1::bigint";
	PGconn *db = ev_app_as("admin", admin, "county_admin", sc.s.ent.m.county, NULL);
	assert_int_equal(api_sql_int(db, sql, 1, pc), 1);
	/* the county admin reads the notice addressed to them */
	const char *pa[] = {case_id};
	assert_int_equal(
	    api_sql_int(db, "SELECT count(*) FROM rq.outbox WHERE case_id = $1::bigint", 1, pa), 1);
	PQfinish(db);
	db = ev_app_as("admin", elsewhere, "county_admin", "411503", NULL);
	assert_int_equal(api_sql_int(db, sql, 1, pc), 0);
	assert_int_equal(
	    api_sql_int(db, "SELECT count(*) FROM rq.outbox WHERE case_id = $1::bigint", 1, pa), 0);
	PQfinish(db);
	db = ev_app_as("admin", "1", "unit_admin", NULL, sc.s.unit.id);
	assert_int_equal(api_sql_int(db, sql, 1, pc), 1);
	PQfinish(db);
	db = ev_app_as("admin", "1", "discipline_inspector", NULL, NULL);
	assert_int_equal(api_sql_int(db, sql, 1, pc), 1);
	PQfinish(db);
	/* the official whose visit it is sees the case about it (the complaints family shows
	 * them what is addressed to them); another official does not */
	db = ev_app_as("account", sc.s.off.account_id, "account", NULL, NULL);
	assert_int_equal(api_sql_int(db, sql, 1, pc), 1);
	PQfinish(db);
	struct vs_official other;
	vs_account_new(&other);
	db = ev_app_as("account", other.account_id, "account", NULL, NULL);
	assert_int_equal(api_sql_int(db, sql, 1, pc), 0);
	PQfinish(db);
	vs_official_free(&other);
	free(case_id);
	free(admin);
	free(elsewhere);
	free(id);
	ev_scene_free(&sc);
}

static void test_dispute_bad_input(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	char *id = ev_visit(&sc);
	const char *bad[][2] = {
	    {"{}", "category"},
	    {"{\"category\":\"rude\"}", "category"},
	    {"{\"category\":\"other\"}", "reason"},
	    {"{\"category\":\"wrong_matter\",\"reason\":\"  \"}", "reason"},
	    {"{\"category\":\"never_came\",\"reason\":7}", "reason"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct api_resp *r =
		    vs_call("POST", ev_path(id, "/dispute"), sc.manager, bad[i][0]);
		assert_int_equal(r->status, 422);
		api_assert_error_field(r, bad[i][1]);
		api_free(r);
	}
	assert_int_equal(answers_of(id), 0);
	assert_int_equal(vs_rows("rq.cases", "visit_id", id), 0);
	const char *p[] = {id};
	char *conf =
	    api_owner_value("SELECT confirmation FROM rq.visits WHERE id = $1::bigint", 1, p);
	assert_string_equal(conf, "pending");
	free(conf);
	/* never_came needs no text */
	struct api_resp *r =
	    vs_call("POST", ev_path(id, "/dispute"), sc.manager, "{\"category\":\"never_came\"}");
	assert_int_equal(r->status, 200);
	api_free(r);
	free(id);
	ev_scene_free(&sc);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_confirm),
	    cmocka_unit_test(test_dispute_opens_case),
	    cmocka_unit_test(test_dispute_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
