/* The case chain from opening to the enterprise's rating of the handling, for each source
 * (不满意 rating, dispute, no-scan report), through the API alone: 受理 and 回访 by the county
 * admin, 分析研判 closing or investigating, the unit's 情况说明 and the official's 申诉, 审核认定
 * by the city admin, 移交 to the discipline inspectors and their 处置, and the manager's rating of
 * the handling. Each transition writes one timeline event and is audited with its actor and
 * request id; the parties concerned are notified; a no-scan report found true leaves an
 * accountability entry against the unit (and the official named), one found untrue none. */
#include "api.h"
#include "cases_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Audit rows of request rid on table, all with actor (kind admin, id admin_id). */
static void assert_audited(const char *rid, const char *admin_id, const char *table)
{
	const char *p[] = {rid, table, admin_id};
	assert_true(api_owner_int("SELECT count(*) FROM audit.log WHERE request_id = $1"
				  " AND table_name = $2 AND actor_kind = 'admin'"
				  " AND actor_id = $3",
				  3, p) >= 1);
	const char *q[] = {rid, admin_id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM audit.log WHERE request_id = $1"
				       " AND actor_id IS DISTINCT FROM $2",
				       2, q),
			 0);
}

/* Notifications of kind about case_id to the admin, or to the account. */
static int64_t notices(const char *kind, const char *case_id, const char *admin_id,
		       const char *account_id)
{
	const char *p[] = {kind, case_id, admin_id, account_id};
	return api_owner_int("SELECT count(*) FROM rq.outbox WHERE kind = $1"
			     " AND case_id = $2::bigint AND (admin_user_id = $3::bigint"
			     " OR account_id = $4::bigint)",
			     4, p);
}

static const char *enterprise_path(const char *case_id, const char *suffix)
{
	static char path[256];
	snprintf(path, sizeof(path), CS_BASE "/enterprise/cases/%s%s", case_id, suffix);
	return path;
}

static void rate_handling(const struct cs_scene *s, const char *case_id, const char *json,
			  const char *status)
{
	struct api_resp *r =
	    vs_call("POST", enterprise_path(case_id, "/rating"), s->ev.manager, json);
	if (r->status != 200)
		fail_msg("rating: %ld %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "status"), status);
	api_free(r);
}

static void test_rating_case_whole_chain(void **state)
{
	(void)state;
	struct cs_scene s;
	cs_scene_new(&s);
	char *visit = NULL;
	char *id = cs_open(&s, "rating", false, &visit);
	assert_int_equal(notices("case_opened", id, s.county.id, NULL), 1);

	/* the county admin's list and the case's next steps */
	struct api_resp *r = mt_portal_get(&s.county.p, CS_BASE "/cases?status=open&source=rating");
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(ev_joined(r, "id"), id));
	api_free(r);
	r = cs_get(&s.county, id);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "status"), "open");
	assert_string_equal(cs_joined(r, "allowed_actions"), "accept,merge");
	assert_string_equal(api_json_str(r, "visit.id"), visit);
	assert_string_equal(api_json_str(r, "rating.value"), "unsatisfied");
	api_free(r);

	int64_t events = cs_events(id);
	char *rid = cs_act_ok(&s.county, id, "accept", "{}", "follow_up");
	assert_audited(rid, s.county.id, "rq.cases");
	assert_audited(rid, s.county.id, "rq.case_events");
	free(rid);
	assert_int_equal(cs_events(id), events + 1);
	assert_int_equal(notices("case_accepted", id, NULL, s.ev.manager_id), 1);

	char *at = vs_time("now() - interval '30 minutes'");
	char body[1024];
	snprintf(body, sizeof(body),
		 "{\"method\":\"on_site\",\"contacted_at\":\"%s\",\"contact_person\":\"李总\","
		 "\"enterprise_says\":\"检查人员态度生硬\",\"wish\":\"apology\"}",
		 at);
	rid = cs_act_ok(&s.county, id, "follow-up", body, "analysis");
	assert_audited(rid, s.county.id, "rq.case_records");
	free(rid);
	rid = cs_act_ok(
	    &s.county, id, "investigate",
	    "{\"classification\":\"attitude\",\"question\":\"请说明入企经过及人员态度问题\"}",
	    "investigation");
	free(rid);
	assert_int_equal(notices("case_statement_requested", id, s.unit.id, NULL), 1);
	assert_int_equal(notices("case_statement_requested", id, NULL, s.ev.s.off.account_id), 1);

	/* the unit admin's request, and its answer */
	r = mt_portal_get(&s.unit.p, CS_BASE "/statements?status=pending");
	assert_int_equal(r->status, 200);
	assert_string_equal(ev_joined(r, "case_id"), id);
	api_free(r);
	r = cs_get(&s.unit, id);
	assert_string_equal(cs_joined(r, "allowed_actions"), "statement");
	api_free(r);
	rid = cs_act_ok(&s.unit, id, "statement", "{\"text\":\"已约谈当事人，态度问题属实\"}",
			"investigation");
	assert_audited(rid, s.unit.id, "rq.case_statements");
	free(rid);

	/* the official's 申诉 in the mini-program */
	char path[256];
	snprintf(path, sizeof(path), CS_BASE "/official/cases/%s", id);
	r = vs_call("GET", path, s.ev.s.off.bearer, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(cs_joined(r, "allowed_actions"), "appeal");
	api_free(r);
	snprintf(path, sizeof(path), CS_BASE "/official/cases/%s/appeal", id);
	r = vs_call("POST", path, s.ev.s.off.bearer,
		    "{\"text\":\"当日企业人员不在，并非态度问题\"}");
	assert_int_equal(r->status, 200);
	assert_string_equal(cs_joined(r, "allowed_actions"), "");
	char *appeal_rid = api_request_id(r);
	api_free(r);
	const char *ap[] = {appeal_rid, s.ev.s.off.account_id};
	assert_true(api_owner_int("SELECT count(*) FROM audit.log WHERE request_id = $1"
				  " AND actor_kind = 'account' AND actor_id = $2",
				  2, ap) >= 2);
	free(appeal_rid);

	free(cs_act_ok(&s.county, id, "refer", "{\"summary\":\"调查完毕，提请认定\"}",
		       "determination"));
	rid = cs_act_ok(
	    &s.city, id, "determine",
	    "{\"outcome\":\"partly_substantiated\",\"measures\":\"责令整改，当面致歉\"}", "closed");
	assert_audited(rid, s.city.id, "rq.cases");
	free(rid);
	assert_int_equal(notices("case_closed", id, NULL, s.ev.manager_id), 1);
	assert_int_equal(notices("case_closed", id, s.unit.id, NULL), 1);
	/* a rating case leaves no accountability entry: that is for no-scan reports */
	const char *p[] = {id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.accountability_entries"
				       " WHERE case_id = $1::bigint",
				       1, p),
			 0);

	/* the enterprise: its list, the closed case, and its rating of the handling */
	r = vs_call("GET", CS_BASE "/enterprise/cases", s.ev.manager, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(ev_joined(r, "id"), id);
	api_free(r);
	r = vs_call("GET", enterprise_path(id, ""), s.ev.manager, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "determination.outcome"), "partly_substantiated");
	assert_string_equal(cs_joined(r, "allowed_actions"), "rate,reopen");
	api_free(r);
	rate_handling(&s, id, "{\"value\":\"satisfied\",\"comment\":\"处理及时\"}", "closed");
	/* a rating of the handling closes nothing again: no second closing notice */
	assert_int_equal(notices("case_closed", id, NULL, s.ev.manager_id), 1);
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.case_ratings"
				       " WHERE case_id = $1::bigint AND value = 'satisfied'",
				       1, p),
			 1);
	/* the timeline: one event per step after the opening */
	assert_int_equal(cs_events(id), events + 8);
	free(at);
	free(visit);
	free(id);
	cs_scene_free(&s);
}

static void test_dispute_case_closed_at_analysis(void **state)
{
	(void)state;
	struct cs_scene s;
	cs_scene_new(&s);
	char *id = cs_open(&s, "dispute", false, NULL);
	free(cs_act_ok(&s.county, id, "accept", "{}", "follow_up"));
	cs_follow_up(&s.county, id, "张会计", "记错了日期", "nothing_further");
	char *rid = cs_act_ok(&s.county, id, "close",
			      "{\"classification\":\"misunderstanding_cleared\","
			      "\"explanation\":\"经回访核实，系企业记错日期，误解已消除\"}",
			      "closed");
	assert_audited(rid, s.county.id, "rq.cases");
	free(rid);
	struct api_resp *r = vs_call("GET", enterprise_path(id, ""), s.ev.manager, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "closing"), "resolved");
	assert_string_equal(api_json_str(r, "classification"), "misunderstanding_cleared");
	/* the explanation is the enterprise's to read */
	assert_non_null(strstr(r->body, "误解已消除"));
	api_free(r);
	/* the list filters by classification */
	r = mt_portal_get(&s.county.p,
			  CS_BASE "/cases?classification=misunderstanding_cleared&source=dispute");
	assert_non_null(strstr(ev_joined(r, "id"), id));
	api_free(r);
	rate_handling(&s, id, "{\"value\":\"satisfied\"}", "closed");
	free(id);
	cs_scene_free(&s);
}

static int64_t entries(const char *case_id, const char *unit_id)
{
	const char *p[] = {case_id, unit_id};
	return api_owner_int("SELECT count(*) FROM rq.accountability_entries"
			     " WHERE case_id = $1::bigint AND unit_id = $2::bigint"
			     " AND withdrawn_at IS NULL",
			     2, p);
}

static void test_no_scan_determined_true_and_untrue(void **state)
{
	(void)state;
	struct cs_scene s;
	cs_scene_new(&s);
	char *id = cs_open(&s, "no_scan", false, NULL);
	cs_take_to_closed(&s, id, "substantiated");
	assert_int_equal(entries(id, s.ev.s.unit.id), 1);
	rate_handling(&s, id, "{\"value\":\"satisfied\"}", "closed");

	char *other = cs_open(&s, "no_scan", false, NULL);
	cs_take_to_closed(&s, other, "unsubstantiated");
	const char *p[] = {other};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.accountability_entries"
				       " WHERE case_id = $1::bigint",
				       1, p),
			 0);
	/* the unit admin reads the entry against their unit, the official the one naming them */
	PGconn *c = ev_app_as("admin", s.unit.id, "unit_admin", NULL, s.ev.s.unit.id);
	const char *q[] = {id};
	assert_int_equal(api_sql_int(c,
				     "SELECT count(*) FROM rq.accountability_entries"
				     " WHERE case_id = $1::bigint",
				     1, q),
			 1);
	PQfinish(c);
	free(other);
	free(id);
	cs_scene_free(&s);
}

static void test_no_scan_handed_over_and_disposed(void **state)
{
	(void)state;
	struct cs_scene s;
	cs_scene_new(&s);
	char *id = cs_open(&s, "no_scan", false, NULL);
	free(cs_act_ok(&s.county, id, "accept", "{}", "follow_up"));
	char body[1024];
	cs_follow_up(&s.county, id, "赵主任", "两人未扫码进入仓库", "investigation");
	cs_take_to_determination(&s, id, "no_scan_entry");
	snprintf(body, sizeof(body),
		 "{\"outcome\":\"substantiated\",\"responsible_official_id\":\"%s\","
		 "\"measures\":\"全市通报\",\"clue\":\"执法人员未扫码入企，单位已承认\"}",
		 s.ev.s.off.account_id);
	char *rid = cs_act_ok(&s.city, id, "hand-over", body, "handed_over");
	assert_audited(rid, s.city.id, "rq.case_records");
	free(rid);
	assert_int_equal(notices("case_handed_over", id, s.discipline.id, NULL), 1);
	const char *p[] = {id, s.ev.s.off.account_id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.accountability_entries"
				       " WHERE case_id = $1::bigint AND account_id = $2::bigint",
				       2, p),
			 1);

	/* the discipline inspectors' inbox, with the clue */
	struct api_resp *r = mt_portal_get(&s.discipline.p, CS_BASE "/inbox");
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(ev_joined(r, "id"), id));
	assert_non_null(strstr(r->body, "单位已承认"));
	api_free(r);
	r = cs_get(&s.discipline, id);
	assert_string_equal(cs_joined(r, "allowed_actions"), "dispose");
	api_free(r);
	rid =
	    cs_act_ok(&s.discipline, id, "dispose",
		      "{\"disposition\":\"admonishment\",\"note\":\"对当事人诫勉谈话\"}", "closed");
	assert_audited(rid, s.discipline.id, "rq.cases");
	free(rid);
	r = mt_portal_get(&s.discipline.p, CS_BASE "/inbox?status=closed");
	assert_non_null(strstr(ev_joined(r, "id"), id));
	api_free(r);
	r = cs_get(&s.city, id);
	assert_string_equal(api_json_str(r, "closing"), "disposed");
	assert_string_equal(api_json_str(r, "determination.disposition"), "admonishment");
	api_free(r);
	rate_handling(&s, id, "{\"value\":\"satisfied\"}", "closed");
	free(id);
	cs_scene_free(&s);
}

static void test_merge_into_the_same_enterprise(void **state)
{
	(void)state;
	struct cs_scene s;
	cs_scene_new(&s);
	char *first = cs_open(&s, "no_scan", false, NULL);
	char *second = cs_open(&s, "no_scan", false, NULL);
	char body[256];
	snprintf(body, sizeof(body), "{\"target_case_id\":\"%s\",\"reason\":\"同一事件重复反映\"}",
		 first);
	free(cs_act_ok(&s.county, second, "merge", body, "closed"));
	struct api_resp *r = cs_get(&s.county, second);
	assert_string_equal(api_json_str(r, "merged_into"), first);
	assert_string_equal(api_json_str(r, "closing"), "merged");
	api_free(r);
	/* the merged case's rating goes to the case it was merged into */
	r = vs_call("POST", enterprise_path(second, "/rating"), s.ev.manager,
		    "{\"value\":\"satisfied\"}");
	cs_assert_refused(r, 409, "case-merged", "");
	api_free(r);
	/* a closed case is no target */
	snprintf(body, sizeof(body), "{\"target_case_id\":\"%s\",\"reason\":\"重复\"}", second);
	r = cs_act(&s.county, first, "merge", body);
	assert_int_equal(r->status, 422);
	api_assert_error_field(r, "target_case_id");
	api_free(r);
	free(first);
	free(second);
	cs_scene_free(&s);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rating_case_whole_chain),
	    cmocka_unit_test(test_dispute_case_closed_at_analysis),
	    cmocka_unit_test(test_no_scan_determined_true_and_untrue),
	    cmocka_unit_test(test_no_scan_handed_over_and_disposed),
	    cmocka_unit_test(test_merge_into_the_same_enterprise),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
