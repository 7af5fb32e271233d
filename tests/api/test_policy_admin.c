/* The city admin edits the visit-rule policy in the portal: every portal role reads the
 * thresholds and the per-unit overrides; only the city admin changes them (others 403, nothing
 * written), each change is audited with the admin's id and the request id; bad values (missing,
 * not an integer, out of range), unknown keys and units, and per-unit values of a city-wide
 * key are refused with nothing written. Each test puts the policy back as it found it. */
#include "api.h"
#include "api_register.h"
#include "codes_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POLICY "/api/v1/admin/policy"

/* The thresholds as the test found them, as a JSON object {key: value}; restored after it. */
static int snapshot(void **state)
{
	*state =
	    api_owner_value("SELECT jsonb_object_agg(key, value)::text FROM rq.policy", 0, NULL);
	return *state != NULL ? 0 : -1;
}

/* Puts the thresholds back and removes the overrides of this run's units (the only ones the
 * tests set), audited like any write. */
static int restore(void **state)
{
	const char *p[] = {*state};
	api_owner_write("UPDATE rq.policy p SET value = s.value::int"
			" FROM jsonb_each_text($1::jsonb) s"
			" WHERE p.key = s.key AND p.value <> s.value::int",
			1, p);
	api_owner_write("DELETE FROM rq.policy_unit_overrides o USING rq.units u"
			" WHERE u.id = o.unit_id AND u.name LIKE 'policy-unit-%'",
			0, NULL);
	free(*state);
	return 0;
}

static struct api_resp *put(const struct api_session *s, const char *path, const char *body)
{
	const char *headers[] = {s->cookie_h, s->csrf_h, NULL};
	return api_call("PUT", path, "application/json", body, headers);
}

static struct api_resp *get(const struct api_session *s)
{
	const char *headers[] = {s->cookie_h, NULL};
	return api_call("GET", POLICY, NULL, NULL, headers);
}

static int64_t db_value(const char *key)
{
	const char *p[] = {key};
	return api_owner_int("SELECT value FROM rq.policy WHERE key = $1", 1, p);
}

/* The unit's override of inspection_year_max, or -1 when it has none. */
static int64_t db_override(const char *unit)
{
	const char *p[] = {unit};
	return api_owner_int("SELECT coalesce((SELECT value FROM rq.policy_unit_overrides"
			     " WHERE unit_id = $1::bigint AND key = 'inspection_year_max'), -1)",
			     1, p);
}

static char *admin_id(const struct api_session *s)
{
	const char *p[] = {s->username};
	return api_owner_value("SELECT id FROM rq.admin_users WHERE username = $1", 1, p);
}

/* A new unit of county 411502 (malloc'd id); restore() removes its overrides. */
static char *unit_new(void)
{
	char name[128];
	snprintf(name, sizeof(name), "%s", api_unique("policy-unit"));
	const char *p[] = {name};
	api_owner_write("INSERT INTO rq.units (name, county_code) VALUES ($1, '411502')", 1, p);
	return api_owner_value("SELECT id FROM rq.units WHERE name = $1", 1, p);
}

/* A unit admin of unit, logged in (api_session_login knows counties, not units). */
static void unit_admin_login(struct api_session *s, const char *unit)
{
	snprintf(s->username, sizeof(s->username), "%s", api_unique("policy-uadmin"));
	struct ct_run run;
	ct_cli(&run, (const char *const[]){"user", "add", "--username", s->username, "--role",
					   "unit_admin", "--unit", unit, NULL});
	assert_int_equal(run.status, 0);
	const char *pw = strstr(run.out, "password: ");
	assert_non_null(pw);
	char *password = strndup(pw + 10, strcspn(pw + 10, "\n"));
	ct_run_free(&run);
	s->cookie = api_admin_login(s->username, password, &s->csrf);
	free(password);
	snprintf(s->cookie_h, sizeof(s->cookie_h), "Cookie: %s", s->cookie);
	snprintf(s->csrf_h, sizeof(s->csrf_h), "X-CSRF-Token: %s", s->csrf);
}

static const cJSON *find(const cJSON *list, const char *member, const char *value)
{
	const cJSON *x;
	cJSON_ArrayForEach(x, list)
	{
		const cJSON *m = cJSON_GetObjectItem(x, member);
		if (cJSON_IsString(m) && strcmp(m->valuestring, value) == 0)
			return x;
	}
	return NULL;
}

static int64_t num(const cJSON *o, const char *member)
{
	const cJSON *m = cJSON_GetObjectItem(o, member);
	if (!cJSON_IsNumber(m))
		fail_msg("%s is not a number", member);
	return (int64_t)m->valuedouble;
}

/* A 422 naming field, with nothing written by the request. */
static void assert_refused(struct api_resp *r, const char *slug, const char *field)
{
	api_assert_problem(r, 422, slug);
	api_assert_error_field(r, field);
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
}

static void test_every_role_reads(void **state)
{
	(void)state;
	char *unit = unit_new();
	const char *p[] = {unit};
	api_owner_write("INSERT INTO rq.policy_unit_overrides (unit_id, key, value)"
			" VALUES ($1::bigint, 'inspection_year_max', 2)",
			1, p);
	struct api_session county, market, uadmin;
	api_session_login(&county, "policy-county", "county_admin", "411502");
	api_session_login(&market, "policy-market", "market_supervision", NULL);
	unit_admin_login(&uadmin, unit);

	struct api_resp *r = get(&county);
	assert_int_equal(r->status, 200);
	const cJSON *items = cJSON_GetObjectItem(r->json, "items");
	assert_int_equal(cJSON_GetArraySize(items),
			 api_owner_int("SELECT count(*) FROM rq.policy", 0, NULL));
	static const char *const keys[] = {
	    "frequency_day_max", "frequency_week_max", "frequency_month_max", "inspection_year_max",
	    "quiet_day_first",	 "quiet_day_last",     "geofence_m",	      "backfill_days_max",
	    "edit_window_hours", "finish_due_hours",
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const cJSON *it = find(items, "key", keys[i]);
		if (it == NULL)
			fail_msg("no item %s", keys[i]);
		assert_int_equal(num(it, "value"), db_value(keys[i]));
		assert_true(num(it, "min_value") <= num(it, "value"));
		assert_true(num(it, "value") <= num(it, "max_value"));
		assert_true(cJSON_IsString(cJSON_GetObjectItem(it, "description")));
		assert_true(cJSON_IsString(cJSON_GetObjectItem(it, "updated_at")));
	}
	const cJSON *geo = find(items, "key", "geofence_m");
	assert_int_equal(num(geo, "min_value"), 50);
	assert_int_equal(num(geo, "max_value"), 100000);
	assert_string_equal(cJSON_GetObjectItem(geo, "measure")->valuestring, "metres");
	const cJSON *o = find(cJSON_GetObjectItem(r->json, "overrides"), "unit_id", unit);
	assert_non_null(o);
	assert_string_equal(cJSON_GetObjectItem(o, "key")->valuestring, "inspection_year_max");
	assert_int_equal(num(o, "value"), 2);
	char *name = api_owner_value("SELECT name FROM rq.units WHERE id = $1::bigint", 1, p);
	assert_string_equal(cJSON_GetObjectItem(o, "unit_name")->valuestring, name);
	free(name);
	api_free(r);

	r = get(&market);
	assert_int_equal(r->status, 200);
	api_free(r);
	r = get(&uadmin);
	assert_int_equal(r->status, 200);
	api_free(r);
	r = api_get(POLICY, NULL);
	api_assert_problem(r, 401, "unauthenticated");
	api_free(r);

	api_session_end(&county);
	api_session_end(&market);
	api_session_end(&uadmin);
	free(unit);
}

static void test_city_admin_changes_a_threshold(void **state)
{
	(void)state;
	struct api_session city;
	api_session_login(&city, "policy-city", "city_admin", NULL);
	char *id = admin_id(&city);
	int64_t before = db_value("geofence_m");
	int64_t want = before == 1500 ? 1600 : 1500;
	char body[64];
	snprintf(body, sizeof(body), "{\"value\":%lld}", (long long)want);

	struct api_resp *r = put(&city, POLICY "/geofence_m", body);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "key"), "geofence_m");
	assert_int_equal(num(r->json, "value"), want);
	assert_string_equal(api_json_str(r, "updated_by"), id);
	assert_int_equal(db_value("geofence_m"), want);
	/* one audit row: the UPDATE of that key, by this admin, in this request */
	assert_int_equal(api_audit_rows_of(r), 1);
	char *rid = api_request_id(r);
	char want_s[24];
	snprintf(want_s, sizeof(want_s), "%lld", (long long)want);
	const char *pa[] = {rid, id, want_s};
	assert_int_equal(api_owner_int("SELECT count(*) FROM audit.log WHERE request_id = $1"
				       " AND table_name = 'rq.policy' AND operation = 'UPDATE'"
				       " AND row_pk = 'geofence_m' AND actor_kind = 'admin'"
				       " AND actor_id = $2 AND new_row->>'value' = $3",
				       3, pa),
			 1);
	free(rid);
	api_free(r);

	/* the bounds themselves are allowed */
	r = put(&city, POLICY "/geofence_m", "{\"value\":50}");
	assert_int_equal(r->status, 200);
	api_free(r);
	assert_int_equal(db_value("geofence_m"), 50);
	r = put(&city, POLICY "/quiet_day_last", "{\"value\":31.0}");
	assert_int_equal(r->status, 200);
	api_free(r);
	assert_int_equal(db_value("quiet_day_last"), 31);

	free(id);
	api_session_end(&city);
}

static void test_other_roles_refused(void **state)
{
	(void)state;
	char *unit = unit_new();
	struct api_session county, market, uadmin, city;
	api_session_login(&county, "policy-county", "county_admin", "411502");
	api_session_login(&market, "policy-market", "market_supervision", NULL);
	unit_admin_login(&uadmin, unit);
	api_session_login(&city, "policy-city", "city_admin", NULL);
	int64_t before = db_value("frequency_day_max");
	char body[64], unit_path[128];
	snprintf(body, sizeof(body), "{\"value\":%lld}", (long long)(before == 5 ? 6 : 5));
	snprintf(unit_path, sizeof(unit_path), POLICY "/inspection_year_max/units/%s", unit);

	const struct api_session *refused[] = {&county, &market, &uadmin};
	for (size_t i = 0; i < 3; i++) {
		struct api_resp *r = put(refused[i], POLICY "/frequency_day_max", body);
		assert_int_equal(r->status, 403);
		assert_int_equal(api_audit_rows_of(r), 0);
		api_free(r);
		r = put(refused[i], unit_path, "{\"value\":4}");
		assert_int_equal(r->status, 403);
		assert_int_equal(api_audit_rows_of(r), 0);
		api_free(r);
	}
	/* the city admin without the CSRF token */
	const char *no_csrf[] = {city.cookie_h, NULL};
	struct api_resp *r =
	    api_call("PUT", POLICY "/frequency_day_max", "application/json", body, no_csrf);
	api_assert_problem(r, 403, "csrf");
	api_free(r);
	assert_int_equal(db_value("frequency_day_max"), before);
	assert_int_equal(db_override(unit), -1);

	api_session_end(&county);
	api_session_end(&market);
	api_session_end(&uadmin);
	api_session_end(&city);
	free(unit);
}

static void test_bad_input_refused(void **state)
{
	(void)state;
	struct api_session city;
	api_session_login(&city, "policy-city", "city_admin", NULL);
	int64_t before = db_value("frequency_day_max");
	static const char *const bad[] = {
	    "{}",
	    "{\"value\":\"5\"}",
	    "{\"value\":1.5}",
	    "{\"value\":1e99}",
	    "{\"value\":null}",
	    "{\"value\":true}",
	    "{\"value\":[5]}",
	    "{\"value\":101}",
	    "{\"value\":-1}",
	    "{\"Value\":5}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct api_resp *r = put(&city, POLICY "/frequency_day_max", bad[i]);
		if (r->status != 422)
			fail_msg("%s: %ld %s", bad[i], r->status, r->body);
		/* the message gives the allowed range */
		const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "errors"), 0);
		assert_non_null(
		    strstr(cJSON_GetObjectItem(e, "message")->valuestring, "0 到 100 之间的整数"));
		assert_refused(r, "validation", "value");
	}
	assert_int_equal(db_value("frequency_day_max"), before);

	struct api_resp *r = put(&city, POLICY "/no_such_key", "{\"value\":1}");
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	r = put(&city, POLICY "/Geofence%20m", "{\"value\":1}");
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	api_session_end(&city);
}

static void test_unit_override_set_and_removed(void **state)
{
	(void)state;
	char *unit = unit_new();
	struct api_session city;
	api_session_login(&city, "policy-city", "city_admin", NULL);
	char *id = admin_id(&city);
	char path[128];
	snprintf(path, sizeof(path), POLICY "/inspection_year_max/units/%s", unit);
	const char *pu[] = {unit};
	const char *effective = "SELECT rq.policy_value('inspection_year_max', $1::bigint)";

	struct api_resp *r = put(&city, path, "{\"value\":3}");
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "unit_id"), unit);
	assert_string_equal(api_json_str(r, "key"), "inspection_year_max");
	assert_int_equal(num(r->json, "value"), 3);
	assert_int_equal(num(r->json, "effective_value"), 3);
	assert_string_equal(api_json_str(r, "updated_by"), id);
	assert_int_equal(db_override(unit), 3);
	assert_int_equal(api_owner_int(effective, 1, pu), 3);
	char *rid = api_request_id(r);
	const char *pa[] = {rid, id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM audit.log WHERE request_id = $1"
				       " AND table_name = 'rq.policy_unit_overrides'"
				       " AND operation = 'INSERT' AND actor_id = $2",
				       2, pa),
			 1);
	assert_int_equal(api_audit_rows_of(r), 1);
	free(rid);
	api_free(r);

	/* bad values, keys and units: nothing written */
	static const char *const bad[] = {"{}", "{\"value\":\"3\"}", "{\"value\":1.5}",
					  "{\"value\":101}", "{\"value\":-1}"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_refused(put(&city, path, bad[i]), "validation", "value");
	char other[128];
	snprintf(other, sizeof(other), POLICY "/geofence_m/units/%s", unit);
	assert_refused(put(&city, other, "{\"value\":500}"), "policy-not-overridable", "key");
	assert_refused(put(&city, other, "{\"value\":null}"), "policy-not-overridable", "key");
	snprintf(other, sizeof(other), POLICY "/no_such_key/units/%s", unit);
	r = put(&city, other, "{\"value\":1}");
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	static const char *const units[] = {"999999999999", "abc", "0", "99999999999999999999"};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		snprintf(other, sizeof(other), POLICY "/inspection_year_max/units/%s", units[i]);
		r = put(&city, other, "{\"value\":1}");
		api_assert_problem(r, 404, "not-found");
		assert_int_equal(api_audit_rows_of(r), 0);
		api_free(r);
	}
	assert_int_equal(db_override(unit), 3);

	/* null removes it: the city-wide value applies again */
	r = put(&city, path, "{\"value\":null}");
	assert_int_equal(r->status, 200);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json, "value")));
	assert_int_equal(num(r->json, "effective_value"), db_value("inspection_year_max"));
	assert_int_equal(db_override(unit), -1);
	rid = api_request_id(r);
	const char *pd[] = {rid, id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM audit.log WHERE request_id = $1"
				       " AND table_name = 'rq.policy_unit_overrides'"
				       " AND operation = 'DELETE' AND actor_id = $2",
				       2, pd),
			 1);
	free(rid);
	api_free(r);
	assert_int_equal(api_owner_int(effective, 1, pu), db_value("inspection_year_max"));

	free(id);
	api_session_end(&city);
	free(unit);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_every_role_reads, snapshot, restore),
	    cmocka_unit_test_setup_teardown(test_city_admin_changes_a_threshold, snapshot, restore),
	    cmocka_unit_test_setup_teardown(test_other_roles_refused, snapshot, restore),
	    cmocka_unit_test_setup_teardown(test_bad_input_refused, snapshot, restore),
	    cmocka_unit_test_setup_teardown(test_unit_override_set_and_removed, snapshot, restore),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
