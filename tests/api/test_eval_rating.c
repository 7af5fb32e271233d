/* Rating a visit (满意 / 基本满意 / 不满意): each value, anonymity (the official and their
 * unit see the rating without the rater; a discipline inspector sees the rater), the one
 * change within rating_change_hours (PUT) and its refusal after, the rating window, the
 * case and county notice a 不满意 opens in the same transaction, every change audited, and
 * the refusals: another enterprise's visit, rating twice, an unconfirmed visit, 不满意
 * without a comment, an unknown value. */
#include "api.h"
#include "eval_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t ratings_of(const char *visit_id)
{
	return vs_rows("rq.evaluations", "visit_id", visit_id);
}

static void test_each_value(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	const char *values[][2] = {
	    {"satisfied", "满意"}, {"basically_satisfied", "基本满意"}, {"unsatisfied", "不满意"}};
	for (size_t i = 0; i < 3; i++) {
		char *id = ev_confirmed_visit(&sc);
		struct api_resp *r =
		    ev_rate(sc.manager, id, values[i][0], "检查前未提前告知", false, false);
		assert_int_equal(r->status, 201);
		assert_string_equal(api_json_str(r, "rating.value"), values[i][0]);
		assert_string_equal(api_json_str(r, "rating.label"), values[i][1]);
		assert_string_equal(api_json_str(r, "rating.comment"), "检查前未提前告知");
		/* not anonymous: the rater is named */
		assert_non_null(api_json_str(r, "rating.rater.name"));
		assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(r->json, "can_rate")));
		assert_true(api_audit_rows_of(r) >= 2);
		api_free(r);
		assert_int_equal(ratings_of(id), 1);
		/* only 不满意 opens a case */
		assert_int_equal(vs_rows("rq.cases", "visit_id", id), i == 2 ? 1 : 0);
		/* the official sees it in their list's visit */
		const char *p[] = {id};
		PGconn *c = ev_app_as("account", sc.s.off.account_id, "account", NULL, NULL);
		char *v = api_sql_value(c, "SELECT rq.visit_rating($1::bigint) ->> 'value'", 1, p);
		assert_string_equal(v, values[i][0]);
		free(v);
		PQfinish(c);
		free(id);
	}
	ev_scene_free(&sc);
}

static void test_unsatisfied_opens_case(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	char *admin = ev_county_admin(sc.s.ent.m.county);
	char *id = ev_confirmed_visit(&sc);
	struct api_resp *r = ev_rate(sc.manager, id, "unsatisfied", "索要材料过多", true, false);
	assert_int_equal(r->status, 201);
	cJSON *cases = cJSON_GetObjectItemCaseSensitive(r->json, "cases");
	assert_int_equal(cJSON_GetArraySize(cases), 1);
	cJSON *c = cJSON_GetArrayItem(cases, 0);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(c, "source")->valuestring, "rating");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(c, "status")->valuestring, "open");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(c, "visit_id")->valuestring, id);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(c, "enterprise_id")->valuestring,
			    sc.s.ent.m.id);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(c, "unit_id")->valuestring,
			    sc.s.unit.id);
	char *case_id = strdup(cJSON_GetObjectItemCaseSensitive(c, "id")->valuestring);
	api_free(r);
	assert_int_equal(ev_admin_notices(admin, case_id), 1);
	/* an anonymous rating leaves no trace of the rater on the case */
	const char *p[] = {case_id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.cases WHERE id = $1::bigint"
				       " AND reporter_account_id IS NULL",
				       1, p),
			 1);
	free(case_id);
	free(admin);
	free(id);
	ev_scene_free(&sc);
}

/* The rater as actor (kind, id, role, unit) sees it: the name, or NULL when hidden. */
static char *rater_seen_by(const char *visit_id, const char *kind, const char *actor,
			   const char *role, const char *unit)
{
	PGconn *c = ev_app_as(kind, actor, role, NULL, unit);
	const char *p[] = {visit_id};
	assert_int_equal(
	    api_sql_int(c, "SELECT count(*) FROM rq.evaluations WHERE visit_id = $1::bigint", 1, p),
	    1);
	char *name =
	    api_sql_value(c, "SELECT rq.visit_rating($1::bigint) #>> '{rater,name}'", 1, p);
	PQfinish(c);
	return name;
}

static void test_anonymous(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	char *id = ev_confirmed_visit(&sc);
	struct api_resp *r = ev_rate(sc.manager, id, "basically_satisfied", NULL, true, false);
	assert_int_equal(r->status, 201);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(r->json, "rating"), "anonymous")));
	/* the rater sees themselves */
	assert_non_null(api_json_str(r, "rating.rater.name"));
	api_free(r);
	/* stored all the same */
	const char *p[] = {id, sc.manager_id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.evaluation_raters"
				       " WHERE visit_id = $1::bigint AND account_id = $2::bigint",
				       2, p),
			 1);
	/* the official and their unit: the rating, not the rater */
	assert_null(rater_seen_by(id, "account", sc.s.off.account_id, "account", NULL));
	assert_null(rater_seen_by(id, "admin", "1", "unit_admin", sc.s.unit.id));
	assert_null(rater_seen_by(id, "admin", "1", "city_admin", NULL));
	/* ... which is what the official's own visit detail in the mini-program shows */
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/registration/visits/%s", id);
	r = api_get(path, sc.s.off.bearer);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "rating.value"), "basically_satisfied");
	/* the rater's role in the enterprise, never who */
	assert_string_equal(api_json_str(r, "rating.rater.role_label"), "企业管理人员");
	assert_null(api_json_str(r, "rating.rater.name"));
	assert_null(api_json_str(r, "rating.rater.phone"));
	api_free(r);
	/* and their list of visits: the rating's value on the line */
	r = api_get("/api/v1/registration/visits?limit=1", sc.s.off.bearer);
	assert_int_equal(r->status, 200);
	const cJSON *line =
	    cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r->json, "items"), 0);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(line, "id")->valuestring, id);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(line, "rating")->valuestring,
			    "basically_satisfied");
	api_free(r);
	/* a discipline inspector: the rater too */
	char *name = rater_seen_by(id, "admin", "1", "discipline_inspector", NULL);
	assert_non_null(name);
	assert_string_equal(name, "李管理");
	free(name);
	/* not anonymous: the official sees who rated */
	char *id2 = ev_confirmed_visit(&sc);
	r = ev_rate(sc.manager, id2, "satisfied", NULL, false, false);
	assert_int_equal(r->status, 201);
	api_free(r);
	name = rater_seen_by(id2, "account", sc.s.off.account_id, "account", NULL);
	assert_non_null(name);
	free(name);
	free(id);
	free(id2);
	ev_scene_free(&sc);
}

static void test_change_once_within_window(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	char *admin = ev_county_admin(sc.s.ent.m.county);
	char *id = ev_confirmed_visit(&sc);
	struct api_resp *r = ev_rate(sc.manager, id, "satisfied", NULL, false, false);
	assert_int_equal(r->status, 201);
	api_free(r);
	/* a second POST is refused: the change is a PUT */
	r = ev_rate(sc.manager, id, "unsatisfied", "后来发现问题", false, false);
	api_assert_problem(r, 409, "already-rated");
	api_free(r);
	/* another manager of the enterprise may not change it */
	char *other = vs_manager_new(&sc.s.ent, NULL);
	r = ev_rate(other, id, "unsatisfied", "不是本人", false, true);
	api_assert_problem(r, 403, "not-the-rater");
	api_free(r);
	free(other);
	/* the change: to 不满意, which opens the case then */
	r = ev_rate(sc.manager, id, "unsatisfied", "后来发现问题", false, true);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "rating.value"), "unsatisfied");
	assert_non_null(api_json_str(r, "rating.changed_at"));
	assert_true(api_audit_rows_of(r) >= 1);
	api_free(r);
	const char *p[] = {id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.cases WHERE visit_id = $1::bigint"
				       " AND source = 'rating'",
				       1, p),
			 1);
	char *case_id =
	    api_owner_value("SELECT id FROM rq.cases WHERE visit_id = $1::bigint", 1, p);
	assert_int_equal(ev_admin_notices(admin, case_id), 1);
	/* every change audited: the insert and the update of the rating */
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM audit.log WHERE table_name = 'rq.evaluations'"
			  " AND row_pk = $1",
			  1, p),
	    2);
	/* only once */
	r = ev_rate(sc.manager, id, "satisfied", NULL, false, true);
	api_assert_problem(r, 409, "rating-already-changed");
	api_free(r);
	char *v =
	    api_owner_value("SELECT value FROM rq.evaluations WHERE visit_id = $1::bigint", 1, p);
	assert_string_equal(v, "unsatisfied");
	free(v);

	/* after rating_change_hours: refused, nothing changes */
	char *id2 = ev_confirmed_visit(&sc);
	r = ev_rate(sc.manager, id2, "satisfied", NULL, false, false);
	assert_int_equal(r->status, 201);
	api_free(r);
	const char *p2[] = {id2};
	api_owner_write("UPDATE rq.evaluations SET rated_at = now() - interval '25 hours'"
			" WHERE visit_id = $1::bigint",
			1, p2);
	r = ev_rate(sc.manager, id2, "basically_satisfied", NULL, false, true);
	api_assert_problem(r, 409, "rating-change-closed");
	api_free(r);
	v = api_owner_value("SELECT value FROM rq.evaluations WHERE visit_id = $1::bigint", 1, p2);
	assert_string_equal(v, "satisfied");
	free(v);
	/* changing what was never rated */
	char *id3 = ev_confirmed_visit(&sc);
	r = ev_rate(sc.manager, id3, "satisfied", NULL, false, true);
	api_assert_problem(r, 404, "not-rated");
	api_free(r);
	free(case_id);
	free(admin);
	free(id);
	free(id2);
	free(id3);
	ev_scene_free(&sc);
}

static void test_rating_window(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	char *id = ev_confirmed_visit(&sc);
	const char *p[] = {id};
	api_owner_write("UPDATE rq.visits SET registered_at = now() - interval '31 days'"
			" WHERE id = $1::bigint",
			1, p);
	struct api_resp *r = ev_rate(sc.manager, id, "satisfied", NULL, false, false);
	api_assert_problem(r, 409, "rating-window-closed");
	api_free(r);
	assert_int_equal(ratings_of(id), 0);
	/* the window is the policy's: widened to 60 days, the same rating passes */
	vs_policy_set("rating_window_days", 60);
	r = ev_rate(sc.manager, id, "satisfied", NULL, false, false);
	assert_int_equal(r->status, 201);
	api_free(r);
	free(id);
	ev_scene_free(&sc);
}

static void test_refusals(void **state)
{
	(void)state;
	struct ev_scene sc, other;
	ev_scene_new(&sc);
	ev_scene_new(&other);
	char *id = ev_confirmed_visit(&sc);
	/* another enterprise's visit */
	struct api_resp *r = ev_rate(other.manager, id, "unsatisfied", "冒充", false, false);
	api_assert_problem(r, 404, "visit-unknown");
	api_free(r);
	/* unconfirmed, and disputed */
	char *pending = ev_visit(&sc);
	r = ev_rate(sc.manager, pending, "satisfied", NULL, false, false);
	api_assert_problem(r, 409, "visit-not-confirmed");
	api_free(r);
	char *disputed = ev_visit(&sc);
	r = vs_call("POST", ev_path(disputed, "/dispute"), sc.manager,
		    "{\"category\":\"never_came\"}");
	assert_int_equal(r->status, 200);
	api_free(r);
	r = ev_rate(sc.manager, disputed, "unsatisfied", "根本没来", false, false);
	api_assert_problem(r, 409, "visit-not-confirmed");
	api_free(r);
	/* bad bodies */
	const char *bad[][2] = {
	    {"{\"value\":\"unsatisfied\"}", "comment"},
	    {"{\"value\":\"unsatisfied\",\"comment\":\" \"}", "comment"},
	    {"{\"value\":\"great\"}", "value"},
	    {"{\"value\":\"不满意\",\"comment\":\"x\"}", "value"},
	    {"{}", "value"},
	    {"{\"value\":\"satisfied\",\"anonymous\":\"yes\"}", "anonymous"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = vs_call("POST", ev_path(id, "/rating"), sc.manager, bad[i][0]);
		assert_int_equal(r->status, 422);
		api_assert_error_field(r, bad[i][1]);
		api_free(r);
	}
	assert_int_equal(ratings_of(id), 0);
	assert_int_equal(ratings_of(pending), 0);
	assert_int_equal(ratings_of(disputed), 0);
	assert_int_equal(vs_rows("rq.cases", "visit_id", id), 0);
	/* rating twice */
	r = ev_rate(sc.manager, id, "satisfied", NULL, false, false);
	assert_int_equal(r->status, 201);
	api_free(r);
	r = ev_rate(sc.manager, id, "satisfied", NULL, false, false);
	api_assert_problem(r, 409, "already-rated");
	api_free(r);
	assert_int_equal(ratings_of(id), 1);
	free(id);
	free(pending);
	free(disputed);
	ev_scene_free(&sc);
	ev_scene_free(&other);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_value),
	    cmocka_unit_test(test_unsatisfied_opens_case),
	    cmocka_unit_test(test_anonymous),
	    cmocka_unit_test(test_change_once_within_window),
	    cmocka_unit_test_teardown(test_rating_window, vs_policy_teardown),
	    cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
