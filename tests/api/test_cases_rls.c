/* Who sees a case, from the side of those who must not: another county's admin, another
 * unit's admin, another official and a manager who is no longer bound to the enterprise see
 * nothing of it — not by id, not in a list, not in the tables under row-level security —
 * and cannot act on it (404). And anonymity: the rater of an anonymous 不满意 stays anonymous
 * to the unit and the official at every step (only discipline inspectors see who); the
 * official never reads the enterprise's follow-up or its additions, the unit never the
 * enterprise's additions. */
#include "api.h"
#include "cases_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATER_NAME "李管理" /* the claimant name of managers_support's claims */

static const char *path_of(const char *who, const char *case_id, const char *suffix)
{
	static char path[256];
	snprintf(path, sizeof(path), CS_BASE "/%s/cases/%s%s", who, case_id, suffix);
	return path;
}

/* Rows of the case in each table under row-level security, as the actor sees them. */
static int64_t rows_seen(const char *kind, const char *id, const char *role, const char *county,
			 const char *unit, const char *case_id)
{
	PGconn *c = ev_app_as(kind, id, role, county, unit);
	const char *p[] = {case_id};
	int64_t n = api_sql_int(
	    c,
	    "SELECT (SELECT count(*) FROM rq.cases WHERE id = $1::bigint)"
	    " + (SELECT count(*) FROM rq.case_events WHERE case_id = $1::bigint)"
	    " + (SELECT count(*) FROM rq.case_records WHERE case_id = $1::bigint)"
	    " + (SELECT count(*) FROM rq.case_statements WHERE case_id = $1::bigint)"
	    " + (SELECT count(*) FROM rq.case_ratings WHERE case_id = $1::bigint)"
	    " + (SELECT count(*) FROM rq.case_attachments WHERE case_id = $1::bigint)"
	    " + (SELECT count(*) FROM rq.accountability_entries WHERE case_id = $1::bigint)"
	    " + (SELECT count(*) FROM rq.outbox WHERE case_id = $1::bigint)",
	    1, p);
	PQfinish(c);
	return n;
}

static void assert_portal_blind(const struct cs_admin *a, const char *role, const char *county,
				const char *unit, const char *case_id)
{
	struct api_resp *r = cs_get(a, case_id);
	api_assert_problem(r, 404, "case-unknown");
	api_free(r);
	r = mt_portal_get(&a->p, CS_BASE "/cases?limit=200");
	assert_int_equal(r->status, 200);
	assert_null(strstr(ev_joined(r, "id"), case_id));
	api_free(r);
	r = cs_act(a, case_id, "accept", "{}");
	api_assert_problem(r, 404, "case-unknown");
	api_free(r);
	r = mt_portal_get(&a->p, CS_BASE "/statements?limit=200");
	if (r->status == 200)
		assert_null(strstr(ev_joined(r, "case_id"), case_id));
	api_free(r);
	assert_int_equal(rows_seen("admin", a->id, role, county, unit, case_id), 0);
}

static void assert_account_blind(const char *bearer, const char *account_id, const char *case_id)
{
	const char *who[] = {"enterprise", "official"};
	for (int i = 0; i < 2; i++) {
		struct api_resp *r = vs_call("GET", path_of(who[i], case_id, ""), bearer, NULL);
		api_assert_problem(r, 404, "case-unknown");
		api_free(r);
	}
	struct api_resp *r = vs_call("GET", CS_BASE "/official/cases?limit=200", bearer, NULL);
	assert_int_equal(r->status, 200);
	assert_null(strstr(ev_joined(r, "id"), case_id));
	api_free(r);
	r = vs_call("GET", CS_BASE "/enterprise/cases?limit=200", bearer, NULL);
	if (r->status == 200)
		assert_null(strstr(ev_joined(r, "id"), case_id));
	else
		api_assert_problem(r, 409, "no-enterprise-selected");
	api_free(r);
	r = vs_call("POST", path_of("official", case_id, "/appeal"), bearer, "{\"text\":\"申诉\"}");
	api_assert_problem(r, 404, "case-unknown");
	api_free(r);
	r = vs_call("POST", path_of("enterprise", case_id, "/information"), bearer,
		    "{\"note\":\"补充\"}");
	api_assert_problem(r, 404, "case-unknown");
	api_free(r);
	assert_int_equal(rows_seen("account", account_id, "account", NULL, NULL, case_id), 0);
}

static void test_outsiders_see_nothing(void **state)
{
	(void)state;
	struct cs_scene s;
	cs_scene_new(&s);
	char *id = cs_open(&s, "rating", false, NULL);
	cs_take_to_closed(&s, id, "substantiated"); /* every table has rows of it now */

	struct cs_admin other_county;
	cs_admin_new(&other_county, "county_admin", "411503", NULL);
	assert_portal_blind(&other_county, "county_admin", "411503", NULL, id);
	struct vs_unit unit;
	vs_unit_new(&unit, NULL);
	struct cs_admin other_unit;
	cs_admin_new(&other_unit, "unit_admin", NULL, unit.id);
	assert_portal_blind(&other_unit, "unit_admin", NULL, unit.id, id);

	/* another official, of the same unit */
	struct vs_official other;
	vs_official_new(&other, s.ev.s.unit.id, NULL, true);
	assert_account_blind(other.bearer, other.account_id, id);
	/* a manager who unbound the enterprise, and a manager of another enterprise */
	char *former_id = NULL;
	char *former = vs_manager_new(&s.ev.s.ent, &former_id);
	char path[128];
	snprintf(path, sizeof(path), EV_BASE "/enterprises/%s/unbind", s.ev.s.ent.m.id);
	struct api_resp *r = vs_call("POST", path, former, NULL);
	assert_int_equal(r->status, 200);
	api_free(r);
	assert_account_blind(former, former_id, id);
	struct ev_scene elsewhere;
	ev_scene_new(&elsewhere);
	assert_account_blind(elsewhere.manager, elsewhere.manager_id, id);

	/* those who may see it do */
	assert_true(rows_seen("admin", s.county.id, "county_admin", s.ev.s.ent.m.county, NULL, id) >
		    0);
	assert_true(rows_seen("admin", s.unit.id, "unit_admin", NULL, s.ev.s.unit.id, id) > 0);
	assert_true(rows_seen("account", s.ev.s.off.account_id, "account", NULL, NULL, id) > 0);
	ev_scene_free(&elsewhere);
	free(former);
	free(former_id);
	vs_official_free(&other);
	cs_admin_free(&other_unit);
	cs_admin_free(&other_county);
	free(id);
	cs_scene_free(&s);
}

/* What the unit admin and the official read of the case: nothing that names the rater, nor
 * (official) the follow-up or (both) the enterprise's additions. */
static void assert_rater_hidden(const struct cs_scene *s, const char *id, const char *step)
{
	struct api_resp *r[2] = {cs_get(&s->unit, id), vs_call("GET", path_of("official", id, ""),
							       s->ev.s.off.bearer, NULL)};
	for (int i = 0; i < 2; i++) {
		if (r[i]->status != 200)
			fail_msg("%s, %s: %ld %s", step, i == 0 ? "unit" : "official", r[i]->status,
				 r[i]->body);
		if (strstr(r[i]->body, RATER_NAME) != NULL || strstr(r[i]->body, MT_PHONE) != NULL)
			fail_msg("%s: the rater shows to the %s: %s", step,
				 i == 0 ? "unit" : "official", r[i]->body);
		/* the enterprise's additions are the enterprise's and the handlers' */
		assert_null(strstr(r[i]->body, "补充：另有一次"));
		const cJSON *rating = cJSON_GetObjectItemCaseSensitive(r[i]->json, "rating");
		const cJSON *rater = cJSON_GetObjectItemCaseSensitive(rating, "rater");
		assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(rater, "name")));
		assert_null(cJSON_GetObjectItemCaseSensitive(rater, "account_id"));
		api_free(r[i]);
	}
	/* the tables themselves */
	PGconn *c[2] = {ev_app_as("admin", s->unit.id, "unit_admin", NULL, s->ev.s.unit.id),
			ev_app_as("account", s->ev.s.off.account_id, "account", NULL, NULL)};
	const char *p[] = {id, s->ev.manager_id};
	for (int i = 0; i < 2; i++) {
		assert_int_equal(api_sql_int(c[i],
					     "SELECT count(*) FROM rq.evaluation_raters er"
					     " JOIN rq.cases k ON k.visit_id = er.visit_id"
					     " WHERE k.id = $1::bigint",
					     1, p),
				 0);
		assert_int_equal(
		    api_sql_int(c[i],
				"SELECT (SELECT count(*) FROM rq.case_events"
				" WHERE case_id = $1::bigint AND account_id = $2::bigint)"
				" + (SELECT count(*) FROM rq.case_ratings"
				" WHERE case_id = $1::bigint AND account_id = $2::bigint)",
				2, p),
		    0);
		PQfinish(c[i]);
	}
}

static void test_anonymous_rater_hidden_at_every_step(void **state)
{
	(void)state;
	struct cs_scene s;
	cs_scene_new(&s);
	char *id = cs_open(&s, "rating", true, NULL);
	/* the manager adds information while it is open: the handlers read it, the unit and the
	 * official do not */
	struct api_resp *r = vs_call("POST", path_of("enterprise", id, "/information"),
				     s.ev.manager, "{\"note\":\"补充：另有一次同样情况\"}");
	assert_int_equal(r->status, 200);
	api_free(r);
	free(cs_act_ok(&s.county, id, "accept", "{}", "follow_up"));
	cs_follow_up(&s.county, id, "回访对象甲", "内部回访记录乙", "investigation");
	r = cs_get(&s.county, id);
	assert_non_null(strstr(r->body, "内部回访记录乙"));
	assert_non_null(strstr(r->body, "补充：另有一次"));
	/* the county admin does not see who rated either */
	assert_null(strstr(r->body, RATER_NAME));
	api_free(r);
	free(cs_act_ok(&s.county, id, "investigate",
		       "{\"classification\":\"attitude\",\"question\":\"给单位的问题丙\"}",
		       "investigation"));
	assert_rater_hidden(&s, id, "investigation");
	/* the official reads no follow-up and no question to the unit; the unit reads its
	 * question */
	r = vs_call("GET", path_of("official", id, ""), s.ev.s.off.bearer, NULL);
	assert_null(strstr(r->body, "内部回访记录乙"));
	assert_null(strstr(r->body, "回访对象甲"));
	assert_null(strstr(r->body, "给单位的问题丙"));
	api_free(r);
	r = cs_get(&s.unit, id);
	assert_non_null(strstr(r->body, "给单位的问题丙"));
	assert_null(strstr(r->body, "内部回访记录乙"));
	api_free(r);
	free(cs_act_ok(&s.unit, id, "statement", "{\"text\":\"单位说明丁\"}", "investigation"));
	r = vs_call("POST", path_of("official", id, "/appeal"), s.ev.s.off.bearer,
		    "{\"text\":\"本人申诉戊\"}");
	assert_int_equal(r->status, 200);
	api_free(r);
	/* each party reads its own statement, not the other's */
	r = cs_get(&s.unit, id);
	assert_null(strstr(r->body, "本人申诉戊"));
	api_free(r);
	r = vs_call("GET", path_of("official", id, ""), s.ev.s.off.bearer, NULL);
	assert_null(strstr(r->body, "单位说明丁"));
	api_free(r);
	free(cs_act_ok(&s.county, id, "refer", "{\"summary\":\"提请\"}", "determination"));
	assert_rater_hidden(&s, id, "determination");
	free(cs_act_ok(&s.city, id, "determine",
		       "{\"outcome\":\"substantiated\",\"measures\":\"整改\"}", "closed"));
	assert_rater_hidden(&s, id, "closed");
	r = vs_call("POST", path_of("enterprise", id, "/rating"), s.ev.manager,
		    "{\"value\":\"satisfied\"}");
	assert_int_equal(r->status, 200);
	api_free(r);
	assert_rater_hidden(&s, id, "rated");

	/* the manager's own doings on the case are written in nobody's name */
	const char *p[] = {id};
	assert_int_equal(api_owner_int("SELECT (SELECT count(*) FROM rq.case_events"
				       " WHERE case_id = $1::bigint AND account_id IS NOT NULL"
				       " AND action IN ('add_info', 'rate'))"
				       " + (SELECT count(*) FROM rq.case_ratings"
				       " WHERE case_id = $1::bigint AND account_id IS NOT NULL)",
				       1, p),
			 0);
	/* the discipline inspector sees who */
	r = cs_get(&s.discipline, id);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, RATER_NAME));
	api_free(r);
	free(id);
	cs_scene_free(&s);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_outsiders_see_nothing),
	    cmocka_unit_test(test_anonymous_rater_hidden_at_every_step),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
