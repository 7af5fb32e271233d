/* The city admin keeps the calendar of working days in the portal: every portal role reads a
 * year (the shipped 2025: 248 working days); only the city admin adds, replaces and removes a
 * day (others 403, and the application role cannot write the table or call the owner's
 * writes at all), each change audited with the admin and the request id, an unchanged day
 * not written; bad input is refused naming the field, with nothing written; the deadline
 * functions follow at once; the case deadline policy rows are listed with the rules. The
 * test's rows are in 2031 and removed after each test. */
#include "api.h"
#include "api_register.h"
#include "calendar_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CALENDAR "/api/v1/admin/calendar"

static int clear_2031(void **state)
{
	(void)state;
	api_calendar_clear(2031);
	return 0;
}

static int64_t rows_of(const char *day)
{
	const char *p[] = {day};
	return api_owner_int("SELECT count(*) FROM rq.calendar_days WHERE day = $1::date", 1, p);
}

static const cJSON *member(const cJSON *o, const char *name)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
	if (m == NULL)
		fail_msg("no member %s", name);
	return m;
}

static void assert_str(const cJSON *o, const char *name, const char *want)
{
	const cJSON *m = member(o, name);
	if (!cJSON_IsString(m) || strcmp(m->valuestring, want) != 0)
		fail_msg("%s: want %s, got %s", name, want, cJSON_PrintUnformatted(m));
}

static void assert_num(const cJSON *o, const char *name, int want)
{
	const cJSON *m = member(o, name);
	if (!cJSON_IsNumber(m) || (int)m->valuedouble != want)
		fail_msg("%s: want %d, got %s", name, want, cJSON_PrintUnformatted(m));
}

/* The 403 of a role the route refuses, with nothing written. */
static void assert_forbidden(struct api_resp *r)
{
	api_assert_problem(r, 403, "forbidden");
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
}

/* A 422 naming field, with nothing written. */
static void assert_invalid(struct api_resp *r, const char *slug, const char *field)
{
	api_assert_problem(r, 422, slug);
	api_assert_error_field(r, field);
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
}

static void every_portal_role_reads_a_year(void **state)
{
	(void)state;
	static const char *const roles[] = {"county_admin",	    "market_supervision",
					    "discipline_inspector", "judicial_analyst",
					    "city_admin",	    NULL};
	for (const char *const *role = roles; *role != NULL; role++) {
		struct api_session s;
		api_session_login(&s, "calendar-reader", *role,
				  strcmp(*role, "county_admin") == 0 ? "411502" : NULL);
		struct api_resp *r = api_session_call(&s, "GET", CALENDAR "?year=2025", NULL);
		assert_int_equal(r->status, 200);
		assert_num(r->json, "year", 2025);
		assert_num(r->json, "working_days", 248);
		assert_num(r->json, "holidays", 28);
		assert_num(r->json, "workdays", 5);
		const cJSON *items = member(r->json, "items");
		assert_int_equal(cJSON_GetArraySize(items), 33);
		const cJSON *first = cJSON_GetArrayItem(items, 0);
		assert_str(first, "day", "2025-01-01");
		assert_str(first, "kind", "holiday");
		assert_str(first, "name", "元旦");
		assert_num(first, "weekday", 3);
		assert_true(cJSON_IsNull(member(first, "updated_by")));
		const cJSON *sunday = cJSON_GetArrayItem(items, 1);
		assert_str(sunday, "day", "2025-01-26");
		assert_str(sunday, "kind", "workday");
		assert_num(sunday, "weekday", 7);
		api_free(r);
		/* without a year: this year, city time */
		r = api_session_call(&s, "GET", CALENDAR, NULL);
		assert_int_equal(r->status, 200);
		assert_int_equal(
		    (int)member(r->json, "year")->valuedouble,
		    api_owner_int("SELECT extract(year FROM now() AT TIME ZONE 'Asia/Shanghai')", 0,
				  NULL));
		api_free(r);
		api_session_end(&s);
	}
	/* a year nobody imported: Monday to Friday (2033: 260), no rows */
	struct api_session s;
	api_session_login(&s, "calendar-reader", "county_admin", "411525");
	struct api_resp *r = api_session_call(&s, "GET", CALENDAR "?year=2033", NULL);
	assert_int_equal(r->status, 200);
	assert_num(r->json, "working_days", 260);
	assert_int_equal(cJSON_GetArraySize(member(r->json, "items")), 0);
	api_free(r);
	api_session_end(&s);
	/* not a portal session: a mini-program account, nobody */
	char *bearer = api_wx_login(api_unique("calendar-openid"));
	r = api_get(CALENDAR "?year=2025", bearer);
	api_assert_problem(r, 403, "forbidden");
	api_free(r);
	free(bearer);
	r = api_get(CALENDAR "?year=2025", NULL);
	api_assert_problem(r, 401, "unauthenticated");
	api_free(r);
}

static void city_admin_adds_replaces_and_removes_a_day(void **state)
{
	(void)state;
	struct api_session s;
	api_session_login(&s, "calendar-city", "city_admin", NULL);
	const char *p[] = {s.username};
	char *admin_id = api_owner_value("SELECT id FROM rq.admin_users WHERE username = $1", 1, p);

	/* a working Wednesday before */
	char *before = api_working_days_add("2031-09-30 10:00:00+08", 1);
	assert_string_equal(before, "2031-10-01 23:59:59.999999");
	free(before);

	struct api_resp *r = api_session_call(&s, "PUT", CALENDAR "/2031-10-01",
					      "{\"kind\":\"holiday\",\"name\":\"国庆\"}");
	assert_int_equal(r->status, 201);
	assert_str(r->json, "day", "2031-10-01");
	assert_str(r->json, "kind", "holiday");
	assert_str(r->json, "name", "国庆");
	assert_num(r->json, "weekday", 3);
	assert_str(r->json, "change", "inserted");
	assert_str(r->json, "updated_by", admin_id);
	/* audited in the admin's name with the request id */
	char *rid = api_request_id(r);
	const char *q[] = {rid, admin_id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM audit.log WHERE request_id = $1"
			  " AND table_name = 'rq.calendar_days' AND operation = 'INSERT'"
			  " AND actor_kind = 'admin' AND actor_id = $2"
			  " AND row_pk = '2031-10-01'",
			  2, q),
	    1);
	free(rid);
	api_free(r);
	/* the deadlines follow at once: the holiday is skipped */
	char *after = api_working_days_add("2031-09-30 10:00:00+08", 1);
	assert_string_equal(after, "2031-10-02 23:59:59.999999");
	free(after);

	/* the same again: unchanged, nothing written */
	r = api_session_call(&s, "PUT", CALENDAR "/2031-10-01",
			     "{\"kind\":\"holiday\",\"name\":\" 国庆 \"}");
	assert_int_equal(r->status, 200);
	assert_str(r->json, "change", "unchanged");
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	/* another name: replaced, audited */
	r = api_session_call(&s, "PUT", CALENDAR "/2031-10-01",
			     "{\"kind\":\"holiday\",\"name\":\"国庆节\"}");
	assert_int_equal(r->status, 200);
	assert_str(r->json, "change", "updated");
	assert_str(r->json, "name", "国庆节");
	assert_int_equal(api_audit_rows_of(r), 1);
	api_free(r);
	/* a 调休 Saturday */
	r = api_session_call(&s, "PUT", CALENDAR "/2031-10-11",
			     "{\"kind\":\"workday\",\"name\":\"国庆节调休上班\"}");
	assert_int_equal(r->status, 201);
	assert_num(r->json, "weekday", 6);
	api_free(r);
	r = api_session_call(&s, "GET", CALENDAR "?year=2031", NULL);
	assert_int_equal(r->status, 200);
	assert_num(r->json, "holidays", 1);
	assert_num(r->json, "workdays", 1);
	api_free(r);

	/* removed: a working Wednesday again, audited; a second time 404 */
	r = api_session_call(&s, "DELETE", CALENDAR "/2031-10-01", NULL);
	assert_int_equal(r->status, 204);
	assert_int_equal(api_audit_rows_of(r), 1);
	api_free(r);
	assert_int_equal(rows_of("2031-10-01"), 0);
	after = api_working_days_add("2031-09-30 10:00:00+08", 1);
	assert_string_equal(after, "2031-10-01 23:59:59.999999");
	free(after);
	r = api_session_call(&s, "DELETE", CALENDAR "/2031-10-01", NULL);
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	free(admin_id);
	api_session_end(&s);
}

static void other_roles_cannot_change_it(void **state)
{
	(void)state;
	static const char *const roles[] = {"county_admin", "market_supervision",
					    "discipline_inspector", "judicial_analyst", NULL};
	for (const char *const *role = roles; *role != NULL; role++) {
		struct api_session s;
		api_session_login(&s, "calendar-other", *role,
				  strcmp(*role, "county_admin") == 0 ? "411502" : NULL);
		assert_forbidden(api_session_call(&s, "PUT", CALENDAR "/2031-10-01",
						  "{\"kind\":\"holiday\",\"name\":\"国庆节\"}"));
		/* nor remove a shipped day */
		assert_forbidden(api_session_call(&s, "DELETE", CALENDAR "/2025-10-01", NULL));
		api_session_end(&s);
	}
	assert_int_equal(rows_of("2031-10-01"), 0);
	assert_int_equal(rows_of("2025-10-01"), 1);
	/* a mini-program account */
	char *bearer = api_wx_login(api_unique("calendar-openid"));
	char auth[512];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", bearer);
	const char *h[] = {auth, NULL};
	assert_forbidden(api_call("DELETE", CALENDAR "/2025-10-01", NULL, NULL, h));
	free(bearer);
	/* the application role, whatever the actor context says: no privilege on the table, and
	 * the owner's writes are not its to call */
	PGconn *c = api_db("app");
	api_sql_exec(c, "BEGIN", 0, NULL);
	api_sql_exec(c,
		     "SELECT rq.set_actor('admin', '1', 'city_admin', NULL, NULL, 'calendar-test',"
		     " NULL)",
		     0, NULL);
	static const char *const writes[] = {
	    "INSERT INTO rq.calendar_days (day, kind, name) VALUES ('2031-10-01', 'holiday', 'x')",
	    "DELETE FROM rq.calendar_days WHERE day = '2025-10-01'",
	    "UPDATE rq.calendar_days SET name = 'x' WHERE day = '2025-10-01'",
	    "SELECT rq.calendar_day_put('2031-10-01', 'holiday', 'x', NULL)",
	    "SELECT rq.calendar_day_remove('2025-10-01')",
	    "SELECT rq.calendar_compile()",
	};
	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		api_sql_exec(c, "SAVEPOINT w", 0, NULL);
		char *st = api_sql_state(c, writes[i], 0, NULL);
		if (strcmp(st, "42501") != 0)
			fail_msg("%s: want 42501, got %s", writes[i], st);
		free(st);
		api_sql_exec(c, "ROLLBACK TO SAVEPOINT w", 0, NULL);
	}
	/* the portal's own writes check the role again */
	api_sql_exec(c,
		     "SELECT rq.set_actor('admin', '1', 'county_admin', '411502', NULL,"
		     " 'calendar-test', NULL)",
		     0, NULL);
	char *st = api_sql_state(c, "SELECT rq.calendar_day_delete('2025-10-01')", 0, NULL);
	assert_string_equal(st, "42501");
	free(st);
	api_sql_exec(c, "ROLLBACK", 0, NULL);
	PQfinish(c);
	assert_int_equal(rows_of("2025-10-01"), 1);
}

static void bad_input_is_refused(void **state)
{
	(void)state;
	struct api_session s;
	api_session_login(&s, "calendar-city", "city_admin", NULL);
	assert_invalid(api_session_call(&s, "PUT", CALENDAR "/2031-10-01",
					"{\"kind\":\"vacation\",\"name\":\"国庆节\"}"),
		       "validation", "kind");
	assert_invalid(api_session_call(&s, "PUT", CALENDAR "/2031-10-01",
					"{\"kind\":\"holiday\",\"name\":\"\"}"),
		       "validation", "name");
	assert_invalid(
	    api_session_call(&s, "PUT", CALENDAR "/2031-10-01",
			     "{\"kind\":\"holiday\",\"name\":"
			     "\"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"
			     "二三四五六七八九十一\"}"),
	    "validation", "name");
	struct api_resp *r = api_session_call(&s, "PUT", CALENDAR "/2031-10-01", "{}");
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "kind");
	api_assert_error_field(r, "name");
	api_free(r);
	/* a 调休 working day must be a weekend day: Wednesday 1 October 2031 is not */
	r = api_session_call(&s, "PUT", CALENDAR "/2031-10-01",
			     "{\"kind\":\"workday\",\"name\":\"调休上班\"}");
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "kind");
	assert_non_null(strstr(api_json_str(r, "detail"), "2031-10-01 是星期三"));
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	/* no such day, a year out of range */
	r = api_session_call(&s, "PUT", CALENDAR "/2031-02-30",
			     "{\"kind\":\"holiday\",\"name\":\"国庆节\"}");
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	r = api_session_call(&s, "DELETE", CALENDAR "/20311001", NULL);
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	r = api_session_call(&s, "GET", CALENDAR "?year=1999", NULL);
	api_assert_problem(r, 400, "bad-request");
	api_assert_error_field(r, "year");
	api_free(r);
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.calendar_days"
				       " WHERE extract(year FROM day) = 2031",
				       0, NULL),
			 0);
	api_session_end(&s);
}

static void deadline_policy_rows_are_listed(void **state)
{
	(void)state;
	struct api_session s;
	api_session_login(&s, "calendar-reader", "county_admin", "411502");
	struct api_resp *r = api_session_call(&s, "GET", "/api/v1/admin/policy", NULL);
	assert_int_equal(r->status, 200);
	static const struct {
		const char *key;
		int value;
		const char *measure;
	} want[] = {
	    {"case_accept_days", 1, "working days"},
	    {"case_follow_up_days", 2, "working days"},
	    {"case_analysis_days", 3, "working days"},
	    {"case_statement_days", 5, "working days"},
	    {"case_determination_days", 5, "working days"},
	    {"case_rating_reopen_days", 7, "days"},
	    {"case_county_may_determine", 0, "switch"},
	};
	const cJSON *items = member(r->json, "items");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const cJSON *it = NULL, *x;
		cJSON_ArrayForEach(x, items)
		{
			if (strcmp(member(x, "key")->valuestring, want[i].key) == 0)
				it = x;
		}
		if (it == NULL)
			fail_msg("no policy item %s", want[i].key);
		assert_num(it, "value", want[i].value);
		assert_str(it, "measure", want[i].measure);
		/* Chinese descriptions, to show as they are */
		const char *d = member(it, "description")->valuestring;
		assert_true((unsigned char)d[0] >= 0xE4);
	}
	api_free(r);
	api_session_end(&s);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_portal_role_reads_a_year),
	    cmocka_unit_test_setup_teardown(city_admin_adds_replaces_and_removes_a_day, clear_2031,
					    clear_2031),
	    cmocka_unit_test_setup_teardown(other_roles_cannot_change_it, clear_2031, clear_2031),
	    cmocka_unit_test_setup_teardown(bad_input_is_refused, clear_2031, clear_2031),
	    cmocka_unit_test(deadline_policy_rows_are_listed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
