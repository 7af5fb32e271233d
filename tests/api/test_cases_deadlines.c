/* Deadlines of the case steps in working days: each transition sets the new step's deadline
 * from its policy row and the calendar (a deadline across the test's own holidays and a 调休
 * Saturday lands where a day-by-day count says), lists and the detail show the working days
 * left or overdue; `ruqima cases sweep` marks an overdue step once, notifies whoever must act
 * and escalates to the city admins once, never twice; a unit's statement past its deadline
 * no longer holds up the determination; the county admin determines only while the policy
 * lets the counties. RUN_SERIAL: it writes calendar rows and policy values. */
#include "api.h"
#include "cases_support.h"
#include "codes_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The day (YYYY-MM-DD, city time) of the case's deadline (malloc'd). */
static char *due_day(const char *case_id)
{
	const char *p[] = {case_id};
	return api_owner_value("SELECT to_char(due_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')"
			       " FROM rq.cases WHERE id = $1::bigint",
			       1, p);
}

/* The day that is n working days after today, counted day by day on the calendar's rule (a
 * row says; else Monday to Friday), independently of rq.working_days_add (malloc'd). */
static char *walked_day(int n)
{
	char ns[8];
	snprintf(ns, sizeof(ns), "%d", n);
	const char *p[] = {ns};
	return api_owner_value(
	    "SELECT to_char(d, 'YYYY-MM-DD') FROM ("
	    " SELECT d::date AS d, count(*) FILTER (WHERE coalesce(c.kind = 'workday',"
	    "   extract(isodow FROM d) < 6)) OVER (ORDER BY d) AS k"
	    " FROM generate_series((now() AT TIME ZONE 'Asia/Shanghai')::date + 1,"
	    "   (now() AT TIME ZONE 'Asia/Shanghai')::date + 60, interval '1 day') AS d"
	    " LEFT JOIN rq.calendar_days c ON c.day = d::date) x"
	    " WHERE k = $1::int AND coalesce((SELECT c.kind = 'workday' FROM rq.calendar_days c"
	    "   WHERE c.day = x.d), extract(isodow FROM x.d) < 6)"
	    " ORDER BY d LIMIT 1",
	    1, p);
}

static void sweep(void)
{
	struct ct_run r;
	ct_cli(&r, (const char *const[]){"cases", "sweep", NULL});
	if (r.status != 0)
		fail_msg("cases sweep: exit %d: %s", r.status, r.err);
	assert_non_null(strstr(r.err, "overdue steps marked"));
	ct_run_free(&r);
}

static int64_t notices(const char *kind, const char *case_id, const char *admin_id)
{
	const char *p[] = {kind, case_id, admin_id};
	return api_owner_int("SELECT count(*) FROM rq.outbox WHERE kind = $1"
			     " AND case_id = $2::bigint AND admin_user_id = $3::bigint",
			     3, p);
}

static void make_overdue(const char *case_id)
{
	const char *p[] = {case_id};
	api_owner_write("UPDATE rq.cases SET due_at = now() - interval '1 day'"
			" WHERE id = $1::bigint",
			1, p);
}

/* The calendar rows the test adds: the next two weekdays without a row become holidays, the
 * first Saturday without a row after them a 调休 working day. Removed by remove_days(). */
static void add_days(void)
{
	api_owner_write("INSERT INTO rq.calendar_days (day, kind, name)"
			" SELECT d, 'holiday', '测试假日' FROM (SELECT d::date AS d"
			"  FROM generate_series((now() AT TIME ZONE 'Asia/Shanghai')::date + 1,"
			"   (now() AT TIME ZONE 'Asia/Shanghai')::date + 14, interval '1 day') d"
			"  WHERE extract(isodow FROM d) < 6"
			"   AND NOT EXISTS (SELECT 1 FROM rq.calendar_days c WHERE c.day = d::date)"
			"  ORDER BY d LIMIT 2) x",
			0, NULL);
	api_owner_write("INSERT INTO rq.calendar_days (day, kind, name)"
			" SELECT d, 'workday', '测试调休上班' FROM (SELECT d::date AS d"
			"  FROM generate_series((SELECT max(day) FROM rq.calendar_days WHERE name "
			"= '测试假日'),"
			"   (now() AT TIME ZONE 'Asia/Shanghai')::date + 21, interval '1 day') d"
			"  WHERE extract(isodow FROM d) = 6"
			"   AND NOT EXISTS (SELECT 1 FROM rq.calendar_days c WHERE c.day = d::date)"
			"  ORDER BY d LIMIT 1) x",
			0, NULL);
}

static void remove_days(void)
{
	api_owner_write("DELETE FROM rq.calendar_days WHERE name IN ('测试假日', '测试调休上班')",
			0, NULL);
}

static int teardown(void **state)
{
	remove_days();
	return vs_policy_teardown(state);
}

static void test_deadlines_in_working_days(void **state)
{
	(void)state;
	struct cs_scene s;
	cs_scene_new(&s);
	add_days();
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.calendar_days"
				       " WHERE name IN ('测试假日', '测试调休上班')",
				       0, NULL),
			 3);
	char *id = cs_open(&s, "no_scan", false, NULL);
	/* 受理: 1 working day, across the two holidays to the working Saturday (or beyond) */
	char *got = due_day(id), *want = walked_day(1);
	assert_string_equal(got, want);
	free(got);
	free(want);
	struct api_resp *r = mt_portal_get(&s.county.p, CS_BASE "/cases?overdue=false&limit=200");
	assert_non_null(strstr(ev_joined(r, "id"), id));
	api_free(r);
	r = cs_get(&s.county, id);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r->json, "overdue")));
	assert_true(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(r->json, "working_days_left")));
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(r->json, "working_days_left")->valueint,
			 1);
	api_free(r);

	/* 回访: 2 working days from the acceptance */
	free(cs_act_ok(&s.county, id, "accept", "{}", "follow_up"));
	got = due_day(id);
	want = walked_day(2);
	assert_string_equal(got, want);
	free(got);
	free(want);
	cs_follow_up(&s.county, id, "王", "说了", "investigation");
	got = due_day(id);
	want = walked_day(3);
	assert_string_equal(got, want);
	free(got);
	free(want);
	/* the statement's deadline is the investigation's, 5 working days */
	free(cs_act_ok(&s.county, id, "investigate",
		       "{\"classification\":\"no_scan_entry\",\"question\":\"请说明\"}",
		       "investigation"));
	want = walked_day(5);
	const char *p[] = {id};
	got = api_owner_value("SELECT to_char(due_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')"
			      " FROM rq.case_statements WHERE case_id = $1::bigint",
			      1, p);
	assert_string_equal(got, want);
	free(got);
	free(want);
	/* a statement past its deadline no longer holds up the determination */
	r = cs_act(&s.county, id, "refer", "{\"summary\":\"提请\"}");
	cs_assert_refused(r, 409, "case-statement-pending", "");
	api_free(r);
	api_owner_write("UPDATE rq.case_statements SET due_at = now() - interval '1 minute'"
			" WHERE case_id = $1::bigint",
			1, p);
	free(
	    cs_act_ok(&s.county, id, "refer", "{\"summary\":\"单位逾期未说明\"}", "determination"));
	got = due_day(id);
	want = walked_day(5);
	assert_string_equal(got, want);
	free(got);
	free(want);
	/* handed over, the step has no deadline */
	free(cs_act_ok(&s.city, id, "hand-over",
		       "{\"outcome\":\"substantiated\",\"clue\":\"线索\"}", "handed_over"));
	assert_null(due_day(id));
	remove_days();
	free(id);
	cs_scene_free(&s);
}

static void test_sweep_escalates_once(void **state)
{
	(void)state;
	struct cs_scene s;
	cs_scene_new(&s);
	char *id = cs_open(&s, "rating", false, NULL);
	make_overdue(id);
	struct api_resp *r = mt_portal_get(&s.county.p, CS_BASE "/cases?overdue=true&limit=200");
	assert_non_null(strstr(ev_joined(r, "id"), id));
	api_free(r);
	sweep();
	/* no handler yet: the county's admins; and the city */
	assert_int_equal(notices("case_overdue", id, s.county.id), 1);
	assert_int_equal(notices("case_escalated", id, s.city.id), 1);
	sweep();
	assert_int_equal(notices("case_overdue", id, s.county.id), 1);
	assert_int_equal(notices("case_escalated", id, s.city.id), 1);
	const char *p[] = {id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.case_overdue_steps"
				       " WHERE case_id = $1::bigint",
				       1, p),
			 1);
	/* the sweep's writes are audited as the system */
	assert_true(api_owner_int("SELECT count(*) FROM audit.log WHERE table_name ="
				  " 'rq.case_overdue_steps' AND new_row->>'case_id' = $1"
				  " AND request_id = 'cli-cases-sweep' AND actor_kind = 'system'",
				  1, p) >= 1);

	/* the next step overdue: its handler this time, and the city again, once */
	free(cs_act_ok(&s.county, id, "accept", "{}", "follow_up"));
	make_overdue(id);
	sweep();
	sweep();
	assert_int_equal(notices("case_overdue", id, s.county.id), 2);
	assert_int_equal(notices("case_escalated", id, s.city.id), 2);
	r = cs_get(&s.county, id);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r->json, "overdue")));
	assert_true(cJSON_GetObjectItemCaseSensitive(r->json, "working_days_left")->valueint < 0);
	assert_int_equal(
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r->json, "overdue_steps")), 2);
	api_free(r);
	free(id);
	cs_scene_free(&s);
}

static void test_county_determines_when_the_policy_says(void **state)
{
	(void)state;
	struct cs_scene s;
	cs_scene_new(&s);
	char *id = cs_open(&s, "dispute", false, NULL);
	free(cs_act_ok(&s.county, id, "accept", "{}", "follow_up"));
	cs_follow_up(&s.county, id, "王", "说了", "investigation");
	cs_take_to_determination(&s, id, "false_registration");
	struct api_resp *r =
	    cs_act(&s.county, id, "determine", "{\"outcome\":\"unsubstantiated\"}");
	cs_assert_refused(r, 403, "case-action-forbidden", "");
	api_free(r);
	vs_policy_set("case_county_may_determine", 1);
	r = cs_get(&s.county, id);
	assert_string_equal(cs_joined(r, "allowed_actions"), "determine,hand_over");
	api_free(r);
	free(cs_act_ok(&s.county, id, "determine", "{\"outcome\":\"unsubstantiated\"}", "closed"));
	vs_policy_restore();
	free(id);
	cs_scene_free(&s);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_deadlines_in_working_days, teardown),
	    cmocka_unit_test(test_sweep_escalates_once),
	    cmocka_unit_test_teardown(test_county_determines_when_the_policy_says,
				      vs_policy_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
