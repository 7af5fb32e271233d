/* Changing an anonymous rating keeps it anonymous unless the rater gives anonymity up in so
 * many words. Seen from the official's side, who would like to know who rated: a change
 * (PUT .../rating) that leaves `anonymous` out, or sends it as null, must not show the
 * official (nor the unit admin, nor the audit trail) the rater's name, phone or account;
 * only `"anonymous": false` names the rater. A rating made with `anonymous` left out is
 * named, as before. */
#include "api.h"
#include "eval_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATER_NAME "李管理" /* what vs_manager_new's claim gives the rater */

/* The PUT of a change with this body. */
static struct api_resp *change(const struct ev_scene *sc, const char *id, const char *body)
{
	return vs_call("PUT", ev_path(id, "/rating"), sc->manager, body);
}

/* Asserts that the official's own view of the visit (mini-program detail) names nobody. */
static void assert_official_sees_no_rater(const struct ev_scene *sc, const char *id)
{
	struct api_resp *r = api_get(vs_path(id, ""), sc->s.off.bearer);
	assert_int_equal(r->status, 200);
	assert_non_null(api_json_str(r, "rating.value"));
	assert_string_equal(api_json_str(r, "rating.rater.role_label"), "企业管理人员");
	assert_null(api_json_str(r, "rating.rater.name"));
	if (strstr(r->body, RATER_NAME) != NULL || strstr(r->body, MT_PHONE) != NULL)
		fail_msg("the official's visit names the rater: %s", r->body);
	api_free(r);
}

/* Audit rows of the request that name an actor or a client address (as the reporting role
 * reads the log). */
static int64_t named_audit_rows(const struct api_resp *r)
{
	char *rid = api_request_id(r);
	const char *p[] = {rid};
	PGconn *c = api_db("report");
	int64_t n = api_sql_int(c,
				"SELECT count(*) FROM audit.log WHERE request_id = $1"
				" AND (actor_id IS NOT NULL OR client_addr IS NOT NULL)",
				1, p);
	int64_t all = api_sql_int(c, "SELECT count(*) FROM audit.log WHERE request_id = $1", 1, p);
	assert_true(all >= 1);
	PQfinish(c);
	free(rid);
	return n;
}

static bool stored_anonymous(const char *id)
{
	const char *p[] = {id};
	char *v = api_owner_value(
	    "SELECT anonymous FROM rq.evaluations WHERE visit_id = $1::bigint", 1, p);
	assert_non_null(v);
	bool t = strcmp(v, "t") == 0;
	free(v);
	return t;
}

static void test_change_without_anonymous_keeps_it(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	/* member left out, and member null: both keep the anonymity */
	static const char *const bodies[] = {
	    "{\"value\":\"unsatisfied\",\"comment\":\"后来发现索要材料\"}",
	    "{\"value\":\"satisfied\",\"anonymous\":null}",
	};
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		char *id = ev_confirmed_visit(&sc);
		struct api_resp *r =
		    ev_rate(sc.manager, id, "basically_satisfied", NULL, true, false);
		assert_int_equal(r->status, 201);
		api_free(r);

		r = change(&sc, id, bodies[i]);
		if (r->status != 200)
			fail_msg("PUT %s answered %ld: %s", bodies[i], r->status, r->body);
		assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(r->json, "rating"), "anonymous")));
		/* the change's audit rows name nobody either */
		assert_int_equal(named_audit_rows(r), 0);
		api_free(r);
		assert_true(stored_anonymous(id));
		assert_official_sees_no_rater(&sc, id);
		/* the application role as the official: the rater's row is not there */
		const char *p[] = {id};
		PGconn *c = ev_app_as("account", sc.s.off.account_id, "account", NULL, NULL);
		assert_int_equal(api_sql_int(c,
					     "SELECT count(*) FROM rq.evaluation_raters"
					     " WHERE visit_id = $1::bigint",
					     1, p),
				 0);
		PQfinish(c);
		/* a case the change opened names no account in its timeline */
		assert_int_equal(
		    api_owner_int("SELECT count(*) FROM rq.case_events ce JOIN rq.cases"
				  " ca ON ca.id = ce.case_id WHERE ca.visit_id ="
				  " $1::bigint AND ce.account_id IS NOT NULL",
				  1, p),
		    0);
		free(id);
	}
	ev_scene_free(&sc);
}

/* Giving anonymity up is the rater's explicit choice: "anonymous": false names them. */
static void test_explicit_false_gives_it_up(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	char *id = ev_confirmed_visit(&sc);
	struct api_resp *r = ev_rate(sc.manager, id, "satisfied", NULL, true, false);
	assert_int_equal(r->status, 201);
	api_free(r);
	r = change(&sc, id, "{\"value\":\"basically_satisfied\",\"anonymous\":false}");
	assert_int_equal(r->status, 200);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(r->json, "rating"), "anonymous")));
	api_free(r);
	assert_false(stored_anonymous(id));
	r = api_get(vs_path(id, ""), sc.s.off.bearer);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "rating.rater.name"), RATER_NAME);
	api_free(r);
	free(id);
	ev_scene_free(&sc);
}

/* A named rating stays named when a change leaves the member out, and a first rating
 * without the member is named (the default of a first rating is unchanged). */
static void test_named_rating_stays_named(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	char *id = ev_confirmed_visit(&sc);
	struct api_resp *r =
	    vs_call("POST", ev_path(id, "/rating"), sc.manager, "{\"value\":\"satisfied\"}");
	assert_int_equal(r->status, 201);
	api_free(r);
	assert_false(stored_anonymous(id));
	r = change(&sc, id, "{\"value\":\"basically_satisfied\"}");
	assert_int_equal(r->status, 200);
	api_free(r);
	assert_false(stored_anonymous(id));
	free(id);
	ev_scene_free(&sc);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_change_without_anonymous_keeps_it),
	    cmocka_unit_test(test_explicit_false_gives_it_up),
	    cmocka_unit_test(test_named_rating_stays_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
