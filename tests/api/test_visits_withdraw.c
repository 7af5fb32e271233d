/* 撤回登记: POST /api/v1/registration/visits/{id}/withdraw {reason}. The official withdraws a
 * registration made by mistake within withdraw_window_minutes (a row of rq.policy, 30 by
 * default): the visit becomes `withdrawn` and stays (detail, lists, audit trail), the
 * enterprise's managers are told (outbox, sent by `ruqima notify run`), nothing can be done
 * with it any more (confirm, dispute, edit, finish), and the counting rules no longer count
 * it (yearly inspection cap and day/week/month frequency, for the lead and the participating
 * units). Refused, writing nothing: another official's visit, the enterprise's manager, a
 * portal user; twice; after the window; once the enterprise confirmed or disputed it or the
 * result was filed; with a missing, empty, blank, non-text or too long reason. RUN_SERIAL:
 * it changes thresholds of rq.policy. */
#include "api.h"
#include "codes_support.h"
#include "eval_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct api_resp *withdraw(const char *bearer, const char *visit, const char *reason)
{
	char json[1024];
	snprintf(json, sizeof(json), "{\"reason\":\"%s\"}", reason);
	return vs_call("POST", vs_path(visit, "/withdraw"), bearer, json);
}

/* The visit's withdrawn_at is set (1) or not (0), and how many visit_withdrawn notices
 * it queued: what a refused withdrawal must leave untouched. */
static void assert_withdrawn(const char *visit, int withdrawn, int notices)
{
	const char *p[] = {visit};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.visits WHERE id = $1::bigint"
				       " AND withdrawn_at IS NOT NULL",
				       1, p),
			 withdrawn);
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.visit_units WHERE visit_id ="
				       " $1::bigint AND withdrawn",
				       1, p),
			 withdrawn);
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.outbox WHERE visit_id = $1::bigint"
				       " AND kind = 'visit_withdrawn'",
				       1, p),
			 notices);
}

/* A refusal with status and slug (and a detail holding says, unless NULL) that wrote
 * nothing, not even an audit row; frees r. */
static void assert_refused(struct api_resp *r, long status, const char *slug, const char *says,
			   const char *visit, const char *what)
{
	if (r->status != status)
		fail_msg("%s: %ld %s", what, r->status, r->body);
	api_assert_problem(r, status, slug);
	if (says != NULL && strstr(r->body, says) == NULL)
		fail_msg("%s: no \"%s\" in %s", what, says, r->body);
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	assert_withdrawn(visit, 0, 0);
}

static void test_withdrawn_within_window_stays_and_managers_are_told(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	const char *pm[] = {sc.manager_id};
	char *openid =
	    api_owner_value("SELECT openid FROM rq.accounts WHERE id = $1::bigint", 1, pm);
	char *visit = ev_visit(&sc);

	struct api_resp *r =
	    withdraw(sc.s.off.bearer, visit, "扫错了企业的码，实际进入的是隔壁企业");
	if (r->status != 200)
		fail_msg("withdraw: %ld %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "status"), "withdrawn");
	assert_string_equal(api_json_str(r, "withdrawal.reason"),
			    "扫错了企业的码，实际进入的是隔壁企业");
	assert_non_null(api_json_str(r, "withdrawal.withdrawn_at"));
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "finish_overdue")));
	/* the audit trail: the visit, its unit, the notice; by the official, in this request */
	char *rid = api_request_id(r);
	const char *pa[] = {rid, sc.s.off.account_id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM audit.log WHERE request_id = $1"
			  " AND actor_kind = 'account' AND actor_id = $2"
			  " AND ((table_name = 'rq.visits' AND operation = 'UPDATE'"
			  " AND new_row->>'withdrawal_reason' IS NOT NULL)"
			  " OR (table_name = 'rq.visit_units' AND operation = 'UPDATE')"
			  " OR (table_name = 'rq.outbox' AND operation = 'INSERT'))",
			  2, pa),
	    3);
	free(rid);
	api_free(r);
	assert_withdrawn(visit, 1, 1);
	const char *pv[] = {visit, sc.manager_id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.outbox WHERE visit_id = $1::bigint"
				       " AND account_id = $2::bigint AND kind = 'visit_withdrawn'"
				       " AND payload->>'title' = '入企登记已撤回'",
				       2, pv),
			 1);

	/* it stays in the official's list and in the enterprise's, as withdrawn */
	r = vs_call("GET", VS_VISITS, sc.s.off.bearer, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(ev_joined(r, "status"), "withdrawn");
	api_free(r);
	r = vs_call("GET", EV_BASE "/visits?status=withdrawn", sc.manager, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(ev_joined(r, "id"), visit);
	api_free(r);
	r = vs_call("GET", ev_path(visit, ""), sc.manager, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "status"), "withdrawn");
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "can_answer")));
	assert_string_equal(api_json_str(r, "withdrawal.reason"),
			    "扫错了企业的码，实际进入的是隔壁企业");
	api_free(r);

	/* nothing more happens to it: not confirmed, disputed, edited, finished, withdrawn twice */
	r = vs_call("POST", ev_path(visit, "/confirm"), sc.manager, NULL);
	api_assert_problem(r, 409, "visit-withdrawn");
	api_free(r);
	r = vs_call("POST", ev_path(visit, "/dispute"), sc.manager,
		    "{\"category\":\"never_came\"}");
	api_assert_problem(r, 409, "visit-withdrawn");
	api_free(r);
	r = vs_call("PATCH", vs_path(visit, ""), sc.s.off.bearer, "{\"matter\":\"改一下事项\"}");
	api_assert_problem(r, 409, "visit-withdrawn");
	api_free(r);
	r = vs_call("POST", vs_path(visit, "/finish"), sc.s.off.bearer, "{\"done\":\"已办结\"}");
	api_assert_problem(r, 409, "visit-withdrawn");
	api_free(r);
	r = withdraw(sc.s.off.bearer, visit, "再撤回一次");
	api_assert_problem(r, 409, "already-withdrawn");
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	const char *p1[] = {visit};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.visits WHERE id = $1::bigint"
			  " AND confirmation = 'pending' AND finished_at IS NULL"
			  " AND matter = '了解企业用工情况'"
			  " AND withdrawal_reason = '扫错了企业的码，实际进入的是隔壁企业'",
			  1, p1),
	    1);
	assert_withdrawn(visit, 1, 1);

	/* the notice reaches the manager through the WeChat dispatcher */
	struct ct_run run;
	ct_cli(&run, (const char *const[]){"notify", "run", "--once", NULL});
	assert_int_equal(run.status, 0);
	ct_run_free(&run);
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.outbox WHERE visit_id = $1::bigint"
				       " AND kind = 'visit_withdrawn' AND status = 'sent'",
				       1, p1),
			 1);
	cJSON *all = api_fake_wechat_get("/_messages"), *m;
	int told = 0;
	cJSON_ArrayForEach(m, all)
	{
		const cJSON *to = cJSON_GetObjectItemCaseSensitive(m, "touser");
		const char *text = cJSON_PrintUnformatted(m);
		if (cJSON_IsString(to) && strcmp(to->valuestring, openid) == 0 &&
		    strstr(text, "入企登记已撤回") != NULL)
			told++;
		cJSON_free((void *)text);
	}
	cJSON_Delete(all);
	assert_int_equal(told, 1);
	free(openid);
	free(visit);
	ev_scene_free(&sc);
}

static void test_refused_for_others_and_bad_reasons(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	char *visit = ev_visit(&sc);

	/* another official of the same unit, the enterprise's manager: not their visit */
	struct vs_official other;
	vs_official_new(&other, sc.s.unit.id, NULL, true);
	assert_refused(withdraw(other.bearer, visit, "不是我的"), 404, "visit-unknown", NULL, visit,
		       "another official");
	assert_refused(withdraw(sc.manager, visit, "企业不认可"), 404, "visit-unknown", NULL, visit,
		       "the manager");
	/* a portal user, even the city admin: not a mini-program route */
	struct api_portal city;
	api_portal_login(&city, "wd-city");
	const char *headers[] = {city.cookie_header, city.csrf_header, NULL};
	assert_refused(api_call("POST", vs_path(visit, "/withdraw"), "application/json",
				"{\"reason\":\"市级撤回\"}", headers),
		       403, "forbidden", NULL, visit, "the city admin");
	api_portal_free(&city);

	/* the reason: required, text, not blank, at most 200 characters */
	char exact[1024] = "", too_long[1024];
	for (int i = 0; i < 200; i++)
		memcpy(exact + 3 * i, "错", 4); /* 3 bytes and the NUL */
	snprintf(too_long, sizeof(too_long), "{\"reason\":\"%s错\"}", exact);
	const char *bad[] = {"{}",
			     "{\"reason\":\"\"}",
			     "{\"reason\":\"   \"}",
			     "{\"reason\":7}",
			     "{\"reason\":null}",
			     too_long};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct api_resp *r =
		    vs_call("POST", vs_path(visit, "/withdraw"), sc.s.off.bearer, bad[i]);
		if (r->status != 422)
			fail_msg("%s: %ld %s", bad[i], r->status, r->body);
		api_assert_error_field(r, "reason");
		assert_refused(r, 422, "validation", "reason", visit, bad[i]);
	}

	/* past the window (30 minutes by default), not at 29 */
	const char *pv[] = {visit};
	api_owner_write("UPDATE rq.visits SET registered_at = now() - interval '31 minutes'"
			" WHERE id = $1::bigint",
			1, pv);
	assert_refused(withdraw(sc.s.off.bearer, visit, "重复登记"), 409, "withdraw-window-closed",
		       "30 分钟", visit, "after 31 minutes");
	api_owner_write("UPDATE rq.visits SET registered_at = now() - interval '29 minutes'"
			" WHERE id = $1::bigint",
			1, pv);
	struct api_resp *r = withdraw(sc.s.off.bearer, visit, exact); /* 200 characters */
	if (r->status != 200)
		fail_msg("after 29 minutes: %ld %s", r->status, r->body);
	api_free(r);
	assert_withdrawn(visit, 1, 1);

	/* answered by the enterprise (confirmed, disputed) or finished: it took place */
	char *confirmed = ev_confirmed_visit(&sc);
	assert_refused(withdraw(sc.s.off.bearer, confirmed, "重复登记"), 409, "visit-answered",
		       "企业已确认", confirmed, "confirmed");
	char *disputed = ev_visit(&sc);
	r = vs_call("POST", ev_path(disputed, "/dispute"), sc.manager,
		    "{\"category\":\"wrong_people\"}");
	assert_int_equal(r->status, 200);
	api_free(r);
	assert_refused(withdraw(sc.s.off.bearer, disputed, "重复登记"), 409, "visit-answered",
		       "提出异议", disputed, "disputed");
	char *finished = ev_visit(&sc);
	r = vs_call("POST", vs_path(finished, "/finish"), sc.s.off.bearer, "{\"done\":\"已办结\"}");
	assert_int_equal(r->status, 200);
	api_free(r);
	assert_refused(withdraw(sc.s.off.bearer, finished, "重复登记"), 409, "already-finished",
		       "事后报备", finished, "finished");

	free(confirmed);
	free(disputed);
	free(finished);
	vs_official_free(&other);
	free(visit);
	ev_scene_free(&sc);
}

/* The window is the policy row withdraw_window_minutes, changed like every threshold. */
static void test_window_is_the_policy_row(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	cJSON *body = vs_body(s.ent.token, "visit");
	char *visit = vs_register_ok(s.off.bearer, body);
	const char *pv[] = {visit};
	api_owner_write("UPDATE rq.visits SET registered_at = now() - interval '10 minutes'"
			" WHERE id = $1::bigint",
			1, pv);
	vs_policy_set("withdraw_window_minutes", 5);
	assert_refused(withdraw(s.off.bearer, visit, "重复登记"), 409, "withdraw-window-closed",
		       "5 分钟", visit, "10 minutes, window 5");
	vs_policy_set("withdraw_window_minutes", 15);
	struct api_resp *r = withdraw(s.off.bearer, visit, "重复登记");
	assert_int_equal(r->status, 200);
	api_free(r);
	vs_policy_restore();
	free(visit);
	cJSON_Delete(body);
	vs_scene_free(&s);
}

/* An inspection valid on any day of the month (an exemption for the quiet days). */
static cJSON *inspection(const char *token)
{
	cJSON *b = vs_body(token, "inspection");
	vs_body_exemption(b, "complaint_report");
	return b;
}

/* Registers body; withdraws the visit unless keep. Returns the registration's answer. */
static struct api_resp *register_then(const char *bearer, const cJSON *body, bool keep)
{
	struct api_resp *r = vs_register(bearer, body);
	if (r->status != 201)
		fail_msg("register: %ld %s", r->status, r->body);
	if (!keep) {
		struct api_resp *w = withdraw(bearer, api_json_str(r, "id"), "重复登记");
		assert_int_equal(w->status, 200);
		api_free(w);
	}
	return r;
}

static void test_withdrawn_visits_are_not_counted(void **state)
{
	(void)state;
	/* every frequency threshold at 1: a second visit of the day, week and month would warn */
	vs_policy_set("frequency_day_max", 1);
	vs_policy_set("frequency_week_max", 1);
	vs_policy_set("frequency_month_max", 1);
	struct vs_scene s;
	vs_scene_new(&s);
	cJSON *body = vs_body(s.ent.token, "visit");
	api_free(register_then(s.off.bearer, body, false));
	struct api_resp *r = register_then(s.off.bearer, body, true);
	static const char *const none[] = {NULL};
	vs_assert_flags(r, none);
	api_free(r);
	/* the rule still counts what was not withdrawn */
	r = register_then(s.off.bearer, body, true);
	static const char *const all3[] = {"frequency_day", "frequency_week", "frequency_month",
					   NULL};
	vs_assert_flags(r, all3);
	api_free(r);

	/* the yearly inspection cap (1): a withdrawn inspection leaves it free */
	struct vs_scene t;
	vs_scene_new(&t);
	cJSON *insp = inspection(t.ent.token);
	api_free(register_then(t.off.bearer, insp, false));
	r = register_then(t.off.bearer, insp, true);
	assert_false(vs_has_flag(r, "inspection_over_cap"));
	api_free(r);
	r = vs_register(t.off.bearer, insp);
	api_assert_problem(r, 422, "inspection-cap");
	api_free(r);

	/* a withdrawn joint inspection counts for none of its units: the participating unit's
	 * own inspection is its first this year */
	struct vs_scene j;
	vs_scene_new(&j);
	struct vs_unit part;
	vs_unit_new(&part, NULL);
	struct vs_official op;
	vs_official_new(&op, part.id, "HN-ZF-0009", true);
	cJSON *joint = inspection(j.ent.token);
	vs_body_str(joint, "joint_kind", "joint");
	cJSON_AddItemToArray(cJSON_AddArrayToObject(joint, "participating_unit_ids"),
			     cJSON_CreateString(part.id));
	api_free(register_then(j.off.bearer, joint, false));
	cJSON *alone = inspection(j.ent.token);
	r = register_then(op.bearer, alone, true);
	assert_false(vs_has_flag(r, "inspection_over_cap"));
	assert_false(vs_has_flag(r, "frequency_day"));
	api_free(r);

	vs_policy_restore();
	cJSON_Delete(alone);
	cJSON_Delete(joint);
	cJSON_Delete(insp);
	cJSON_Delete(body);
	vs_official_free(&op);
	vs_scene_free(&j);
	vs_scene_free(&t);
	vs_scene_free(&s);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_withdrawn_within_window_stays_and_managers_are_told),
	    cmocka_unit_test(test_refused_for_others_and_bad_reasons),
	    cmocka_unit_test_teardown(test_window_is_the_policy_row, vs_policy_teardown),
	    cmocka_unit_test_teardown(test_withdrawn_visits_are_not_counted, vs_policy_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
