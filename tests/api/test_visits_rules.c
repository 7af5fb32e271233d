/* The counting rules of app/DESIGN.md §5 on POST /api/v1/registration/visits, per unit and
 * enterprise, with the default thresholds: more than 1 a day, 2 an ISO week, 3 a month
 * (flagged, warned, accepted), more than 1 inspection a calendar year (refused without
 * over_cap_reason; per-unit override), and the participating units of a joint inspection
 * counted like the lead unit. Earlier visits are placed on chosen days by moving their
 * time of entry as the owner, so the tests do not depend on today's date. */
#include "api.h"
#include "visits_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Noon (city time) of the n-th (0-based) day of series, a set of local midnights in SQL. */
static char *noon_of(const char *series, int n)
{
	char expr[900];
	snprintf(expr, sizeof(expr),
		 "(SELECT d + interval '12 hours' FROM %s ORDER BY d OFFSET %d LIMIT 1)"
		 " AT TIME ZONE 'Asia/Shanghai'",
		 series, n);
	return vs_time(expr);
}

/* The days of this ISO week that are not today. */
#define OTHER_DAYS_THIS_WEEK                                                                       \
	"generate_series(date_trunc('week', now() AT TIME ZONE 'Asia/Shanghai'),"                  \
	" date_trunc('week', now() AT TIME ZONE 'Asia/Shanghai') + interval '6 days',"             \
	" interval '1 day') d WHERE d::date <> (now() AT TIME ZONE 'Asia/Shanghai')::date"
/* The days 1, 8, 15, 22, 29 of this month (each in an ISO week of its own) that are not
 * in today's ISO week. */
#define OTHER_WEEKS_THIS_MONTH                                                                     \
	"generate_series(date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai'),"                 \
	" date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') + interval '28 days',"           \
	" interval '7 days') d WHERE d < date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai')"  \
	" + interval '1 month' AND date_trunc('week', d) <>"                                       \
	" date_trunc('week', now() AT TIME ZONE 'Asia/Shanghai')"

/* n earlier visits of the scene's official with body, entered on the first n days of
 * series. */
static void earlier_visits(const struct vs_scene *s, const cJSON *body, const char *series, int n)
{
	for (int i = 0; i < n; i++) {
		char *id = vs_register_ok(s->off.bearer, body);
		char *day = noon_of(series, i);
		vs_visit_move(id, day);
		free(day);
		free(id);
	}
}

static void assert_warning(const struct api_resp *r, const char *rule, const char *unit_id,
			   long count, long limit)
{
	cJSON *w = vs_warning(r, rule, unit_id);
	if (w == NULL)
		fail_msg("no %s warning for unit %s: %s", rule, unit_id, r->body);
	assert_int_equal(vs_num(w, "count"), count);
	assert_int_equal(vs_num(w, "limit"), limit);
}

static void assert_visit_flags(const char *visit_id, const char *pg_array)
{
	const char *p[] = {visit_id, pg_array};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.visits WHERE id = $1::bigint"
				       " AND flags = $2::text[]",
				       2, p),
			 1);
}

static void test_frequency_day(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	cJSON *body = vs_body(s.ent.token, "visit");
	struct api_resp *r = vs_register(s.off.bearer, body);
	assert_int_equal(r->status, 201);
	vs_assert_flags(r, (const char *const[]){NULL});
	api_free(r);

	r = vs_register(s.off.bearer, body);
	assert_int_equal(r->status, 201);
	vs_assert_flags(r, (const char *const[]){"frequency_day", NULL});
	assert_warning(r, "frequency_day", s.unit.id, 2, 1);
	assert_visit_flags(api_json_str(r, "id"), "{frequency_day}");
	api_free(r);

	/* per unit: another unit's official at the same enterprise is not counted with it */
	struct vs_unit u2;
	vs_unit_new(&u2, NULL);
	struct vs_official o2;
	vs_official_new(&o2, u2.id, NULL, true);
	r = vs_register(o2.bearer, body);
	assert_int_equal(r->status, 201);
	vs_assert_flags(r, (const char *const[]){NULL});
	api_free(r);
	/* per enterprise: the same unit elsewhere neither */
	struct vs_enterprise e2;
	vs_enterprise_new(&e2, true);
	cJSON *body2 = vs_body(e2.token, "visit");
	r = vs_register(s.off.bearer, body2);
	assert_int_equal(r->status, 201);
	vs_assert_flags(r, (const char *const[]){NULL});
	api_free(r);
	assert_int_equal(vs_rows("rq.visits", "account_id", s.off.account_id), 3);
	cJSON_Delete(body2);
	cJSON_Delete(body);
	vs_official_free(&o2);
	vs_scene_free(&s);
}

/* earlier visits entered on the days of series, then one today: only rule fires, with
 * this count and limit, and its message says words. */
static void only_rule_fires(const char *series, int earlier, const char *rule, long count,
			    long limit, const char *words)
{
	struct vs_scene s;
	vs_scene_new(&s);
	cJSON *body = vs_body(s.ent.token, "research");
	earlier_visits(&s, body, series, earlier);
	struct api_resp *r = vs_register(s.off.bearer, body);
	assert_int_equal(r->status, 201);
	vs_assert_flags(r, (const char *const[]){rule, NULL});
	assert_warning(r, rule, s.unit.id, count, limit);
	const char *message =
	    cJSON_GetObjectItem(vs_warning(r, rule, NULL), "message")->valuestring;
	if (strstr(message, words) == NULL)
		fail_msg("%s: \"%s\" does not say \"%s\"", rule, message, words);
	char flags[64];
	snprintf(flags, sizeof(flags), "{%s}", rule);
	assert_visit_flags(api_json_str(r, "id"), flags);
	api_free(r);
	cJSON_Delete(body);
	vs_scene_free(&s);
}

/* the third this week, the first today */
static void test_frequency_week(void **state)
{
	(void)state;
	only_rule_fires(OTHER_DAYS_THIS_WEEK, 2, "frequency_week", 3, 2, "本周第 3 次");
}

/* the fourth this month, the first this week */
static void test_frequency_month(void **state)
{
	(void)state;
	only_rule_fires(OTHER_WEEKS_THIS_MONTH, 3, "frequency_month", 4, 3, "本月第 4 次");
}

/* An inspection body valid on any day of the month (an exemption for the quiet days). */
static cJSON *inspection(const char *token)
{
	cJSON *b = vs_body(token, "inspection");
	vs_body_exemption(b, "complaint_report");
	return b;
}

static void test_inspection_yearly_cap(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	/* a visit is not an inspection: it does not count */
	cJSON *visit = vs_body(s.ent.token, "visit");
	free(vs_register_ok(s.off.bearer, visit));
	cJSON *body = inspection(s.ent.token);
	struct api_resp *r = vs_register(s.off.bearer, body);
	assert_int_equal(r->status, 201);
	assert_false(vs_has_flag(r, "inspection_over_cap"));
	assert_null(vs_warning(r, "inspection_over_cap", NULL));
	api_free(r);

	/* the second this year: refused without a reason, nothing written */
	r = vs_register(s.off.bearer, body);
	api_assert_problem(r, 422, "inspection-cap");
	api_assert_error_field(r, "over_cap_reason");
	assert_non_null(strstr(api_json_str(r, "detail"), "第 2 次"));
	api_free(r);
	assert_int_equal(vs_rows("rq.visits", "account_id", s.off.account_id), 2);
	assert_int_equal(vs_rows("rq.idempotency_keys", "account_id", s.off.account_id), 2);

	vs_body_str(body, "over_cap_reason", "上级督办的重大隐患复查");
	r = vs_register(s.off.bearer, body);
	assert_int_equal(r->status, 201);
	assert_true(vs_has_flag(r, "inspection_over_cap"));
	assert_warning(r, "inspection_over_cap", s.unit.id, 2, 1);
	const char *p[] = {api_json_str(r, "id")};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.visits WHERE id = $1::bigint"
				       " AND over_cap_reason = '上级督办的重大隐患复查'"
				       " AND 'inspection_over_cap' = ANY (flags)",
				       1, p),
			 1);
	api_free(r);

	/* last year's inspections do not count this year */
	struct vs_scene t;
	vs_scene_new(&t);
	cJSON *body2 = inspection(t.ent.token);
	char *id = vs_register_ok(t.off.bearer, body2);
	char *last_year = vs_time("now() - interval '1 year'");
	vs_visit_move(id, last_year);
	r = vs_register(t.off.bearer, body2);
	assert_int_equal(r->status, 201);
	assert_false(vs_has_flag(r, "inspection_over_cap"));
	api_free(r);
	free(last_year);
	free(id);
	cJSON_Delete(body2);
	cJSON_Delete(visit);
	cJSON_Delete(body);
	vs_scene_free(&t);
	vs_scene_free(&s);
}

static void test_inspection_cap_unit_override(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	const char *pu[] = {s.unit.id};
	api_owner_write("INSERT INTO rq.policy_unit_overrides (unit_id, key, value)"
			" VALUES ($1::bigint, 'inspection_year_max', 2)",
			1, pu);
	cJSON *body = inspection(s.ent.token);
	for (int i = 0; i < 2; i++) {
		struct api_resp *r = vs_register(s.off.bearer, body);
		assert_int_equal(r->status, 201);
		assert_false(vs_has_flag(r, "inspection_over_cap"));
		api_free(r);
	}
	struct api_resp *r = vs_register(s.off.bearer, body);
	api_assert_problem(r, 422, "inspection-cap");
	api_assert_error_field(r, "over_cap_reason");
	api_free(r);
	vs_body_str(body, "over_cap_reason", "专项整治");
	r = vs_register(s.off.bearer, body);
	assert_int_equal(r->status, 201);
	assert_warning(r, "inspection_over_cap", s.unit.id, 3, 2);
	api_free(r);

	/* the override is the unit's own: another unit at the same enterprise keeps 1 */
	struct vs_unit u2;
	vs_unit_new(&u2, NULL);
	struct vs_official o2;
	vs_official_new(&o2, u2.id, "HN-ZF-0002", true);
	cJSON_DeleteItemFromObject(body, "over_cap_reason");
	r = vs_register(o2.bearer, body);
	assert_int_equal(r->status, 201);
	api_free(r);
	r = vs_register(o2.bearer, body);
	api_assert_problem(r, 422, "inspection-cap");
	api_free(r);
	api_owner_write("DELETE FROM rq.policy_unit_overrides WHERE unit_id = $1::bigint", 1, pu);
	cJSON_Delete(body);
	vs_official_free(&o2);
	vs_scene_free(&s);
}

/* Participating units are counted for themselves: the cap, the frequency. */
static void test_joint_inspection_counts_participants(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	struct vs_unit part;
	vs_unit_new(&part, NULL);
	struct vs_official op;
	vs_official_new(&op, part.id, "HN-ZF-0003", true);
	cJSON *alone = inspection(s.ent.token);
	free(vs_register_ok(op.bearer, alone));

	cJSON *body = inspection(s.ent.token);
	vs_body_str(body, "joint_kind", "joint");
	cJSON *ids = cJSON_AddArrayToObject(body, "participating_unit_ids");
	cJSON_AddItemToArray(ids, cJSON_CreateString(part.id));
	/* the participating unit's second inspection this year */
	struct api_resp *r = vs_register(s.off.bearer, body);
	api_assert_problem(r, 422, "inspection-cap");
	api_assert_error_field(r, "over_cap_reason");
	assert_non_null(strstr(api_json_str(r, "detail"), part.name));
	api_free(r);
	assert_int_equal(vs_account_visit_rows(s.off.account_id), 0);

	vs_body_str(body, "over_cap_reason", "联合执法");
	r = vs_register(s.off.bearer, body);
	assert_int_equal(r->status, 201);
	assert_warning(r, "inspection_over_cap", part.id, 2, 1);
	assert_warning(r, "frequency_day", part.id, 2, 1);
	assert_null(vs_warning(r, "inspection_over_cap", s.unit.id));
	assert_null(vs_warning(r, "frequency_day", s.unit.id));
	char *visit = strdup(api_json_str(r, "id"));
	api_free(r);
	const char *pv[] = {visit, s.unit.id, part.id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.visit_units WHERE visit_id ="
			  " $1::bigint AND ((unit_id = $2::bigint AND role = 'lead') OR"
			  " (unit_id = $3::bigint AND role = 'participant'))",
			  3, pv),
	    2);
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.visits WHERE id = $1::bigint"
				       " AND joint_kind = 'joint' AND unit_id = $2::bigint",
				       2, pv),
			 1);
	r = api_get(vs_path(visit, ""), s.off.bearer);
	assert_int_equal(r->status, 200);
	cJSON *pu = cJSON_GetObjectItem(r->json, "participating_units");
	assert_int_equal(cJSON_GetArraySize(pu), 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(pu, 0), "id")->valuestring,
			    part.id);
	api_free(r);

	/* and the participating unit's own next visit counts the joint one */
	cJSON *research = vs_body(s.ent.token, "research");
	r = vs_register(op.bearer, research);
	assert_int_equal(r->status, 201);
	assert_warning(r, "frequency_day", part.id, 3, 1);
	api_free(r);
	free(visit);
	cJSON_Delete(research);
	cJSON_Delete(body);
	cJSON_Delete(alone);
	vs_official_free(&op);
	vs_scene_free(&s);
}

static void test_participating_units_refused(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	struct vs_unit inactive;
	vs_unit_new(&inactive, NULL);
	const char *pi[] = {inactive.id};
	api_owner_write("UPDATE rq.units SET active = false WHERE id = $1::bigint", 1, pi);
	const char *bad[] = {"999999999", inactive.id, s.unit.id};
	for (int i = 0; i < 3; i++) {
		cJSON *body = inspection(s.ent.token);
		vs_body_str(body, "joint_kind", "cross_region");
		cJSON *ids = cJSON_AddArrayToObject(body, "participating_unit_ids");
		cJSON_AddItemToArray(ids, cJSON_CreateString(bad[i]));
		vs_assert_refused(s.off.bearer, body, 422, "validation", "participating_unit_ids",
				  bad[i]);
		cJSON_Delete(body);
	}
	assert_int_equal(vs_account_visit_rows(s.off.account_id), 0);

	/* a unit id as a JSON number is taken too */
	struct vs_unit part;
	vs_unit_new(&part, NULL);
	cJSON *body = inspection(s.ent.token);
	vs_body_str(body, "joint_kind", "special");
	cJSON *ids = cJSON_AddArrayToObject(body, "participating_unit_ids");
	cJSON_AddItemToArray(ids, cJSON_CreateNumber((double)api_to_i64(part.id)));
	struct api_resp *r = vs_register(s.off.bearer, body);
	assert_int_equal(r->status, 201);
	const char *pv[] = {api_json_str(r, "id"), part.id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.visit_units WHERE visit_id ="
			  " $1::bigint AND unit_id = $2::bigint AND role = 'participant'",
			  2, pv),
	    1);
	api_free(r);
	cJSON_Delete(body);
	vs_scene_free(&s);
}

static void test_far_away_and_near(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	/* about 900 m, 1,100 m and 2,200 m north of the enterprise (0.009° ≈ 1,000 m) */
	const double dlat[] = {0.0081, 0.0099, 0.02};
	const bool far[] = {false, true, true};
	for (int i = 0; i < 3; i++) {
		struct vs_enterprise e;
		vs_enterprise_new(&e, true);
		cJSON *body = vs_body(e.token, "visit");
		vs_body_location(body, VS_LAT + dlat[i], VS_LON);
		struct api_resp *r = vs_register(s.off.bearer, body);
		assert_int_equal(r->status, 201);
		long d = vs_num(r->json, "distance_m");
		assert_in_range(d, (long)(dlat[i] * 111000), (long)(dlat[i] * 111400));
		if (far[i]) {
			vs_assert_flags(r, (const char *const[]){"far_away", NULL});
			cJSON *w = vs_warning(r, "far_away", NULL);
			assert_non_null(w);
			assert_int_equal(vs_num(w, "distance_m"), d);
			assert_int_equal(vs_num(w, "limit"), 1000);
		} else {
			vs_assert_flags(r, (const char *const[]){NULL});
		}
		char dist[16];
		snprintf(dist, sizeof(dist), "%ld", d);
		const char *p[] = {api_json_str(r, "id"), dist};
		assert_int_equal(
		    api_owner_int("SELECT count(*) FROM rq.visits WHERE id = $1::bigint"
				  " AND distance_m = $2::int AND latitude IS NOT NULL",
				  2, p),
		    1);
		api_free(r);
		cJSON_Delete(body);
	}
	/* an enterprise with no coordinates: no distance, no flag */
	struct vs_enterprise nowhere;
	vs_enterprise_new(&nowhere, false);
	cJSON *body = vs_body(nowhere.token, "visit");
	vs_body_location(body, VS_LAT + 0.5, VS_LON);
	struct api_resp *r = vs_register(s.off.bearer, body);
	assert_int_equal(r->status, 201);
	vs_assert_flags(r, (const char *const[]){NULL});
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json, "distance_m")));
	api_free(r);
	cJSON_Delete(body);
	vs_scene_free(&s);
}

static void test_location_refused(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	cJSON *body = vs_body(s.ent.token, "visit");
	cJSON *loc = cJSON_CreateObject();
	cJSON_AddTrueToObject(loc, "refused");
	cJSON_ReplaceItemInObjectCaseSensitive(body, "location", loc);
	struct api_resp *r = vs_register(s.off.bearer, body);
	assert_int_equal(r->status, 201);
	vs_assert_flags(r, (const char *const[]){"location_refused", NULL});
	assert_non_null(vs_warning(r, "location_refused", NULL));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json, "distance_m")));
	const char *p[] = {api_json_str(r, "id")};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.visits WHERE id = $1::bigint"
				       " AND location_refused AND latitude IS NULL"
				       " AND distance_m IS NULL AND flags = '{location_refused}'",
				       1, p),
			 1);
	api_free(r);
	cJSON_Delete(body);
	vs_scene_free(&s);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_frequency_day),
	    cmocka_unit_test(test_frequency_week),
	    cmocka_unit_test(test_frequency_month),
	    cmocka_unit_test(test_inspection_yearly_cap),
	    cmocka_unit_test(test_inspection_cap_unit_override),
	    cmocka_unit_test(test_joint_inspection_counts_participants),
	    cmocka_unit_test(test_participating_units_refused),
	    cmocka_unit_test(test_far_away_and_near),
	    cmocka_unit_test(test_location_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
