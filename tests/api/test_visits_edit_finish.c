/* After the registration: PATCH /visits/{id} changes the matter and the credential photos
 * within the edit window (a visible history row, a notification per manager, audit rows)
 * and is 409 after it; POST /visits/{id}/finish files the result (2 'after' filings, a
 * notification, the detail's result) once, 409 the second time; another official's visit
 * is 404 on every route. */
#include "api.h"
#include "visits_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t count_of(const char *sql, const char *visit_id)
{
	const char *p[] = {visit_id};
	return api_owner_int(sql, 1, p);
}

static void test_edit_within_window(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	char *mgr = NULL;
	free(vs_manager_new(&s.ent, &mgr));
	char *a1 = vs_attachment_new(s.off.account_id);
	char *a2 = vs_attachment_new(s.off.account_id);
	cJSON *body = vs_body(s.ent.token, "research");
	cJSON_AddItemToArray(cJSON_AddArrayToObject(body, "attachment_ids"),
			     cJSON_CreateString(a1));
	char *visit = vs_register_ok(s.off.bearer, body);

	char json[256];
	snprintf(json, sizeof(json),
		 "{\"matter\":\"调研企业融资需求\",\"attachment_ids\":[\"%s\"]}", a2);
	struct api_resp *r = vs_call("PATCH", vs_path(visit, ""), s.off.bearer, json);
	if (r->status != 200)
		fail_msg("edit: %ld %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "matter"), "调研企业融资需求");
	cJSON *edits = cJSON_GetObjectItem(r->json, "edits");
	assert_int_equal(cJSON_GetArraySize(edits), 1);
	cJSON *e0 = cJSON_GetArrayItem(edits, 0);
	assert_string_equal(cJSON_GetObjectItem(e0, "matter_before")->valuestring,
			    "了解企业用工情况");
	assert_string_equal(cJSON_GetObjectItem(e0, "matter_after")->valuestring,
			    "调研企业融资需求");
	assert_string_equal(
	    cJSON_GetArrayItem(cJSON_GetObjectItem(e0, "attachments_before"), 0)->valuestring, a1);
	assert_string_equal(
	    cJSON_GetArrayItem(cJSON_GetObjectItem(e0, "attachments_after"), 0)->valuestring, a2);
	assert_true(api_audit_rows_of(r) >= 4); /* visit, 2 attachment links, edit, outbox */
	api_free(r);

	assert_int_equal(count_of("SELECT count(*) FROM rq.visit_edits WHERE visit_id = $1::bigint"
				  " AND matter_before = '了解企业用工情况'",
				  visit),
			 1);
	const char *pm[] = {visit, mgr};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.outbox WHERE visit_id = $1::bigint"
				       " AND account_id = $2::bigint AND kind = 'visit_edited'",
				       2, pm),
			 1);
	const char *pa[] = {visit, a1, a2};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.visit_attachments"
			  " WHERE visit_id = $1::bigint AND ((attachment_id = $2::bigint"
			  " AND removed_at IS NOT NULL) OR (attachment_id = $3::bigint"
			  " AND removed_at IS NULL))",
			  3, pa),
	    2);

	/* the detail keeps the history; the same matter again is no edit */
	r = vs_call("PATCH", vs_path(visit, ""), s.off.bearer, "{\"matter\":\"调研企业融资需求\"}");
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "edits")), 1);
	api_free(r);
	assert_int_equal(vs_rows("rq.visit_edits", "visit_id", visit), 1);

	/* nothing else can change; bad values are refused */
	/* a member the edit does not take is named (test_infra_json_body has the rest) */
	r = vs_call("PATCH", vs_path(visit, ""), s.off.bearer,
		    "{\"activity_type\":\"inspection\"}");
	api_assert_problem(r, 400, "unknown-field");
	api_assert_error_field(r, "activity_type");
	api_free(r);
	const char *bad[][2] = {
	    {"{}", "matter"},
	    {"{\"matter\":\"\"}", "matter"},
	    {"{\"matter\":7}", "matter"},
	    {"{\"attachment_ids\":[\"x\"]}", "attachment_ids"},
	    {"{\"attachment_ids\":[\"999999999\"]}", "attachment_ids"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = vs_call("PATCH", vs_path(visit, ""), s.off.bearer, bad[i][0]);
		if (r->status != 422)
			fail_msg("%s: %ld %s", bad[i][0], r->status, r->body);
		api_assert_error_field(r, bad[i][1]);
		api_free(r);
	}
	assert_int_equal(vs_rows("rq.visit_edits", "visit_id", visit), 1);
	assert_int_equal(count_of("SELECT count(*) FROM rq.visits WHERE id = $1::bigint"
				  " AND activity_type = 'research'",
				  visit),
			 1);
	free(visit);
	free(a1);
	free(a2);
	free(mgr);
	cJSON_Delete(body);
	vs_scene_free(&s);
}

static void test_edit_after_window(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	cJSON *body = vs_body(s.ent.token, "visit");
	char *visit = vs_register_ok(s.off.bearer, body);
	const char *p[] = {visit};
	/* 71 hours after the registration: still open (72 by default) */
	api_owner_write("UPDATE rq.visits SET registered_at = now() - interval '71 hours'"
			" WHERE id = $1::bigint",
			1, p);
	struct api_resp *r =
	    vs_call("PATCH", vs_path(visit, ""), s.off.bearer, "{\"matter\":\"一\"}");
	assert_int_equal(r->status, 200);
	api_free(r);
	api_owner_write("UPDATE rq.visits SET registered_at = now() - interval '73 hours'"
			" WHERE id = $1::bigint",
			1, p);
	r = vs_call("PATCH", vs_path(visit, ""), s.off.bearer, "{\"matter\":\"二\"}");
	api_assert_problem(r, 409, "edit-window-closed");
	api_free(r);
	assert_int_equal(count_of("SELECT count(*) FROM rq.visits WHERE id = $1::bigint"
				  " AND matter = '一'",
				  visit),
			 1);
	assert_int_equal(vs_rows("rq.visit_edits", "visit_id", visit), 1);
	free(visit);
	cJSON_Delete(body);
	vs_scene_free(&s);
}

static void test_finish_once(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	char *mgr = NULL;
	free(vs_manager_new(&s.ent, &mgr));
	cJSON *body = vs_body(s.ent.token, "inspection");
	vs_body_exemption(body, "permit_check");
	char *visit = vs_register_ok(s.off.bearer, body);
	char *photo = vs_attachment_new(s.off.account_id);

	/* bad results first: nothing filed */
	char *long1001 = malloc(1002);
	memset(long1001, 'x', 1001);
	long1001[1001] = '\0';
	char big[1100];
	snprintf(big, sizeof(big), "{\"done\":\"%s\"}", long1001);
	const char *bad[][2] = {
	    {"{}", "done"},
	    {"{\"done\":\"\"}", "done"},
	    {big, "done"},
	    {"{\"done\":\"ok\",\"findings\":5}", "findings"},
	    {"{\"done\":\"ok\",\"attachment_ids\":[\"999999999\"]}", "attachment_ids"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct api_resp *r =
		    vs_call("POST", vs_path(visit, "/finish"), s.off.bearer, bad[i][0]);
		if (r->status != 422)
			fail_msg("case %zu: %ld %s", i, r->status, r->body);
		api_assert_error_field(r, bad[i][1]);
		api_free(r);
	}
	assert_int_equal(count_of("SELECT count(*) FROM rq.filings WHERE visit_id = $1::bigint"
				  " AND phase = 'after'",
				  visit),
			 0);

	char json[256];
	snprintf(json, sizeof(json),
		 "{\"done\":\"检查了消防设施\",\"findings\":\"灭火器过期\","
		 "\"measures\":\"责令十日内更换\",\"attachment_ids\":[\"%s\"]}",
		 photo);
	struct api_resp *r = vs_call("POST", vs_path(visit, "/finish"), s.off.bearer, json);
	if (r->status != 200)
		fail_msg("finish: %ld %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "status"), "finished");
	assert_string_equal(api_json_str(r, "result.done"), "检查了消防设施");
	assert_string_equal(api_json_str(r, "result.findings"), "灭火器过期");
	assert_string_equal(api_json_str(r, "result.measures"), "责令十日内更换");
	assert_non_null(api_json_str(r, "result.finished_at"));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "filings")), 4);
	api_free(r);
	const char *pf[] = {visit, s.unit.id, s.unit.discipline_group};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.filings WHERE visit_id = $1::bigint"
			  " AND phase = 'after' AND unit_id = $2::bigint AND"
			  " ((recipient = 'unit' AND discipline_group IS NULL) OR"
			  " (recipient = 'discipline_group' AND discipline_group = $3))",
			  3, pf),
	    2);
	const char *pm[] = {visit, mgr};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.outbox WHERE visit_id = $1::bigint"
				       " AND account_id = $2::bigint AND kind = 'visit_finished'",
				       2, pm),
			 1);
	const char *pp[] = {visit, photo};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.visit_attachments"
				       " WHERE visit_id = $1::bigint AND attachment_id = $2::bigint"
				       " AND purpose = 'result'",
				       2, pp),
			 1);

	/* the detail shows it; a second finish is refused and changes nothing */
	r = api_get(vs_path(visit, ""), s.off.bearer);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "result.done"), "检查了消防设施");
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "finish_overdue")));
	api_free(r);
	r = vs_call("POST", vs_path(visit, "/finish"), s.off.bearer, "{\"done\":\"再来一次\"}");
	api_assert_problem(r, 409, "already-finished");
	api_free(r);
	assert_int_equal(vs_rows("rq.filings", "visit_id", visit), 4);
	assert_int_equal(count_of("SELECT count(*) FROM rq.visits WHERE id = $1::bigint"
				  " AND result_done = '检查了消防设施'",
				  visit),
			 1);
	assert_int_equal(count_of("SELECT count(*) FROM rq.outbox WHERE visit_id = $1::bigint"
				  " AND kind = 'visit_finished'",
				  visit),
			 1);
	free(long1001);
	free(photo);
	free(visit);
	free(mgr);
	cJSON_Delete(body);
	vs_scene_free(&s);
}

/* Not finished within finish_due_hours (168): the list and the detail say so. */
static void test_finish_overdue(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	cJSON *body = vs_body(s.ent.token, "visit");
	char *visit = vs_register_ok(s.off.bearer, body);
	struct api_resp *r = api_get(vs_path(visit, ""), s.off.bearer);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "finish_overdue")));
	api_free(r);
	const char *p[] = {visit};
	api_owner_write("UPDATE rq.visits SET registered_at = now() - interval '169 hours'"
			" WHERE id = $1::bigint",
			1, p);
	r = api_get(vs_path(visit, ""), s.off.bearer);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "finish_overdue")));
	api_free(r);
	free(visit);
	cJSON_Delete(body);
	vs_scene_free(&s);
}

static void test_another_officials_visit(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	cJSON *body = vs_body(s.ent.token, "visit");
	char *visit = vs_register_ok(s.off.bearer, body);
	struct vs_official other;
	vs_official_new(&other, s.unit.id, "HN-9", true);

	struct api_resp *r = api_get(vs_path(visit, ""), other.bearer);
	api_assert_problem(r, 404, "visit-unknown");
	api_free(r);
	r = api_get(vs_path(visit, "/official"), other.bearer);
	api_assert_problem(r, 404, "visit-unknown");
	api_free(r);
	r = vs_call("PATCH", vs_path(visit, ""), other.bearer, "{\"matter\":\"篡改\"}");
	api_assert_problem(r, 404, "visit-unknown");
	api_free(r);
	r = vs_call("POST", vs_path(visit, "/finish"), other.bearer, "{\"done\":\"篡改\"}");
	api_assert_problem(r, 404, "visit-unknown");
	api_free(r);
	/* unknown and malformed ids alike */
	const char *ids[] = {"999999999", "abc", "0", "-1"};
	for (int i = 0; i < 4; i++) {
		r = api_get(vs_path(ids[i], ""), s.off.bearer);
		api_assert_problem(r, 404, "visit-unknown");
		api_free(r);
	}
	assert_int_equal(count_of("SELECT count(*) FROM rq.visits WHERE id = $1::bigint"
				  " AND matter = '了解企业用工情况' AND finished_at IS NULL",
				  visit),
			 1);
	assert_int_equal(vs_rows("rq.visit_edits", "visit_id", visit), 0);
	assert_int_equal(vs_rows("rq.filings", "visit_id", visit), 2);
	/* without a session: 401 */
	r = api_get(vs_path(visit, ""), NULL);
	assert_int_equal(r->status, 401);
	api_free(r);
	free(visit);
	cJSON_Delete(body);
	vs_official_free(&other);
	vs_scene_free(&s);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_edit_within_window),
	    cmocka_unit_test(test_edit_after_window),
	    cmocka_unit_test(test_finish_once),
	    cmocka_unit_test(test_finish_overdue),
	    cmocka_unit_test(test_another_officials_visit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
