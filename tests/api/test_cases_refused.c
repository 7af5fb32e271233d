/* What the transition table refuses, from the side of every party: a role that may not take
 * an action gets 403 case-action-forbidden, a status that does not allow it 409
 * case-action-not-now, a step's own condition 409 with its name; each names the actions the
 * caller may take now (allowed_actions) and writes nothing (no timeline event, no audit row
 * of the request). A body that is wrong is 422 naming each member, before anything is
 * written; required members come from the table (case-fields-required). */
#include "api.h"
#include "cases_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *path_of(const char *who, const char *case_id, const char *suffix)
{
	static char path[256];
	snprintf(path, sizeof(path), CS_BASE "/%s/cases/%s%s", who, case_id, suffix);
	return path;
}

/* act as the portal user must be refused; the case's timeline keeps its length */
static void refused(const struct cs_admin *a, const char *id, const char *action, const char *json,
		    long status, const char *slug, const char *allowed)
{
	int64_t events = cs_events(id);
	struct api_resp *r = cs_act(a, id, action, json);
	cs_assert_refused(r, status, slug, allowed);
	api_free(r);
	assert_int_equal(cs_events(id), events);
}

static void refused_account(const char *bearer, const char *path, const char *json, long status,
			    const char *slug, const char *allowed)
{
	struct api_resp *r = vs_call("POST", path, bearer, json);
	cs_assert_refused(r, status, slug, allowed);
	api_free(r);
}

static void test_wrong_role_and_wrong_state_in_each_step(void **state)
{
	(void)state;
	struct cs_scene s;
	cs_scene_new(&s);
	struct cs_admin analyst;
	cs_admin_new(&analyst, "judicial_analyst", NULL, NULL);
	char *id = cs_open(&s, "rating", false, NULL);
	char info[256], appeal[256], rating[256];
	snprintf(info, sizeof(info), "%s", path_of("enterprise", id, "/information"));
	snprintf(appeal, sizeof(appeal), "%s", path_of("official", id, "/appeal"));
	snprintf(rating, sizeof(rating), "%s", path_of("enterprise", id, "/rating"));

	/* open: the county admin or the city admin accepts or merges */
	refused(&s.unit, id, "accept", "{}", 403, "case-action-forbidden", "");
	refused(&s.discipline, id, "accept", "{}", 403, "case-action-forbidden", "");
	refused(&analyst, id, "accept", "{}", 403, "case-action-forbidden", "");
	refused(&s.county, id, "determine", "{\"outcome\":\"substantiated\"}", 403,
		"case-action-forbidden", "accept,merge");
	refused(&s.city, id, "dispose", "{\"disposition\":\"no_action\",\"note\":\"无\"}", 403,
		"case-action-forbidden", "accept,merge");
	refused(&s.county, id, "refer", "{\"summary\":\"无\"}", 409, "case-action-not-now",
		"accept,merge");
	refused(&s.county, id, "close", "{\"classification\":\"other\",\"explanation\":\"无\"}",
		409, "case-action-not-now", "accept,merge");
	refused_account(s.ev.manager, rating, "{\"value\":\"satisfied\"}", 409,
			"case-action-not-now", "add_info");
	/* the official is no manager */
	refused_account(s.ev.s.off.bearer, rating, "{\"value\":\"satisfied\"}", 403,
			"case-action-forbidden", "");
	refused_account(s.ev.s.off.bearer, appeal, "{\"text\":\"说明\"}", 409,
			"case-action-not-now", "");
	/* the manager is no official */
	refused_account(s.ev.manager, appeal, "{\"text\":\"说明\"}", 403, "case-action-forbidden",
			"add_info");
	/* a portal role without cases is stopped by the route itself */
	struct cs_admin market;
	cs_admin_new(&market, "market_supervision", NULL, NULL);
	struct api_resp *r = cs_act(&market, id, "accept", "{}");
	api_assert_problem(r, 403, "forbidden");
	api_free(r);
	cs_admin_free(&market);

	free(cs_act_ok(&s.county, id, "accept", "{}", "follow_up"));
	/* follow_up: required members come from the table, bad ones are named */
	r = cs_act(&s.county, id, "follow-up", "{}");
	assert_int_equal(r->status, 422);
	for (const char *const *f =
		 (const char *const[]){"method", "contacted_at", "contact_person",
				       "enterprise_says", "wish", NULL};
	     *f != NULL; f++)
		api_assert_error_field(r, *f);
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	r = cs_act(&s.county, id, "follow-up",
		   "{\"method\":\"fax\",\"contacted_at\":\"昨天\",\"contact_person\":\"\","
		   "\"enterprise_says\":\"说了\",\"wish\":\"money\"}");
	assert_int_equal(r->status, 422);
	api_assert_error_field(r, "method");
	api_assert_error_field(r, "contact_person");
	api_assert_error_field(r, "wish");
	api_free(r);
	refused(&s.county, id, "follow-up",
		"{\"method\":\"phone\",\"contacted_at\":\"昨天下午\",\"contact_person\":\"王\","
		"\"enterprise_says\":\"说了\",\"wish\":\"apology\"}",
		422, "validation", "follow_up");
	refused(&s.unit, id, "follow-up", "{}", 403, "case-action-forbidden", "");
	refused(&s.county, id, "accept", "{}", 409, "case-action-not-now", "follow_up");

	cs_follow_up(&s.county, id, "王", "说了", "investigation");
	refused(&s.county, id, "follow-up",
		"{\"method\":\"phone\",\"contacted_at\":\"2026-01-05T10:00:00+08:00\","
		"\"contact_person\":\"王\",\"enterprise_says\":\"说了\",\"wish\":\"apology\"}",
		409, "case-action-not-now", "close,investigate");
	refused(&s.unit, id, "statement", "{\"text\":\"说明\"}", 409, "case-action-not-now", "");

	free(cs_act_ok(&s.county, id, "investigate",
		       "{\"classification\":\"attitude\",\"question\":\"请说明\"}",
		       "investigation"));
	/* investigation: refer waits for the statement; the statement is the unit's */
	refused(&s.county, id, "refer", "{\"summary\":\"无\"}", 409, "case-statement-pending", "");
	refused(&s.county, id, "statement", "{\"text\":\"说明\"}", 403, "case-action-forbidden",
		"");
	free(cs_act_ok(&s.unit, id, "statement", "{\"text\":\"说明\"}", "investigation"));
	refused(&s.unit, id, "statement", "{\"text\":\"再说明\"}", 409,
		"case-statement-not-requested", "");
	r = vs_call("POST", appeal, s.ev.s.off.bearer, "{\"text\":\"申诉\"}");
	assert_int_equal(r->status, 200);
	api_free(r);
	refused_account(s.ev.s.off.bearer, appeal, "{\"text\":\"再申诉\"}", 409,
			"case-already-appealed", "");
	free(cs_act_ok(&s.county, id, "refer", "{\"summary\":\"提请\"}", "determination"));

	/* determination: the city's (the county's only when the policy says so) */
	refused(&s.county, id, "determine", "{\"outcome\":\"substantiated\"}", 403,
		"case-action-forbidden", "");
	refused(&s.unit, id, "determine", "{\"outcome\":\"substantiated\"}", 403,
		"case-action-forbidden", "");
	refused(&s.city, id, "dispose", "{\"disposition\":\"no_action\",\"note\":\"无\"}", 403,
		"case-action-forbidden", "determine,hand_over");
	refused(&s.city, id, "hand-over", "{\"outcome\":\"substantiated\"}", 422, "validation",
		"determine,hand_over");
	free(cs_act_ok(&s.city, id, "determine", "{\"outcome\":\"unsubstantiated\"}", "closed"));

	/* closed: nothing but the enterprise's rating */
	refused(&s.city, id, "determine", "{\"outcome\":\"substantiated\"}", 409,
		"case-action-not-now", "");
	refused(&s.discipline, id, "dispose", "{\"disposition\":\"no_action\",\"note\":\"无\"}",
		409, "case-action-not-now", "");
	refused_account(s.ev.manager, info, "{\"note\":\"补充\"}", 409, "case-action-not-now",
			"rate,reopen");
	r = vs_call("POST", rating, s.ev.manager, "{\"value\":\"satisfied\"}");
	assert_int_equal(r->status, 200);
	api_free(r);
	refused_account(s.ev.manager, rating, "{\"value\":\"satisfied\"}", 409,
			"case-already-rated", "");
	free(id);
	cs_admin_free(&analyst);
	cs_scene_free(&s);
}

static void test_missing_members_and_bad_ids(void **state)
{
	(void)state;
	struct cs_scene s;
	cs_scene_new(&s);
	char *id = cs_open(&s, "no_scan", false, NULL);
	/* merge: both members required, the target a case that may take it */
	struct api_resp *r = cs_act(&s.county, id, "merge", "{}");
	assert_int_equal(r->status, 422);
	api_assert_error_field(r, "target_case_id");
	api_assert_error_field(r, "reason");
	api_free(r);
	refused(&s.county, id, "merge", "{\"target_case_id\":\"999999999\",\"reason\":\"重复\"}",
		422, "validation", "accept,merge");
	r = cs_act(&s.county, id, "merge", "{\"target_case_id\":\"x\",\"reason\":\"重复\"}");
	assert_int_equal(r->status, 422);
	api_assert_error_field(r, "target_case_id");
	api_free(r);
	/* a handler who may not hold the case */
	char body[128];
	snprintf(body, sizeof(body), "{\"handler_id\":\"%s\"}", s.discipline.id);
	refused(&s.county, id, "accept", body, 422, "validation", "accept,merge");
	snprintf(body, sizeof(body), "{\"handler_id\":\"%s\"}", s.unit.id);
	refused(&s.county, id, "accept", body, 422, "validation", "accept,merge");
	/* an unknown case, and one malformed in the path */
	r = cs_act(&s.county, "999999999", "accept", "{}");
	api_assert_problem(r, 404, "case-unknown");
	api_free(r);
	r = cs_act(&s.county, "0x1", "accept", "{}");
	api_assert_problem(r, 404, "case-unknown");
	api_free(r);
	/* a body that is not JSON */
	const char *h[] = {s.county.p.cookie_header, s.county.p.csrf_header, NULL};
	r = api_call("POST", cs_path(id, "/accept"), "text/plain", "accept", h);
	assert_int_equal(r->status, 415);
	api_free(r);
	assert_int_equal(cs_events(id), 1);
	free(id);
	cs_scene_free(&s);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_wrong_role_and_wrong_state_in_each_step),
	    cmocka_unit_test(test_missing_members_and_bad_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
