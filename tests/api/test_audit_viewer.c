/* The portal's audit viewer, GET /api/v1/admin/audit: the city admin finds what a request
 * wrote by its X-Request-Id, a row's history by table and row, an actor's writes, newest
 * first and keyset-paged, each with its old and new images. Only the city admin and
 * discipline inspectors read it (every other role 403, and rq.audit_page refuses them in
 * SQL too). What it must not tell: an anonymous rating's rows name no rater to the city
 * admin, not in their images, actor or address, and a search by the rater's account does not
 * find them; discipline inspectors alone get the actor and the rater back, and find the rows
 * by the rater; a named rater's phone number is hidden from the city admin; WeChat openids
 * from both. Malformed filters are 400 naming the field. */
#include "api.h"
#include "eval_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUDIT	   "/api/v1/admin/audit"
#define RATER_NAME "李管理" /* what vs_manager_new's claim gives the rater */

static struct api_resp *put_policy(const struct api_portal *p, const char *key, int value)
{
	char path[96], body[48];
	snprintf(path, sizeof(path), "/api/v1/admin/policy/%s", key);
	snprintf(body, sizeof(body), "{\"value\":%d}", value);
	const char *headers[] = {p->cookie_header, p->csrf_header, NULL};
	return api_call("PUT", path, "application/json", body, headers);
}

/* GET /api/v1/admin/audit?<query> as p; asserts 200. */
static struct api_resp *audit(const struct api_portal *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static struct api_resp *audit(const struct api_portal *p, const char *fmt, ...)
{
	char query[512], path[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(query, sizeof(query), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), AUDIT "?%s", query);
	struct api_resp *r = mt_portal_get(p, path);
	if (r->status != 200)
		fail_msg("GET %s answered %ld: %s", path, r->status, r->body);
	return r;
}

static cJSON *items(const struct api_resp *r)
{
	return cJSON_GetObjectItemCaseSensitive(r->json, "items");
}

static const char *str(const cJSON *o, const char *path)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", path);
	const cJSON *it = o;
	for (char *save = NULL, *k = strtok_r(buf, ".", &save); k != NULL && it != NULL;
	     k = strtok_r(NULL, ".", &save))
		it = cJSON_GetObjectItemCaseSensitive(it, k);
	return cJSON_IsString(it) ? it->valuestring : NULL;
}

static char *admin_id(const struct api_portal *p)
{
	const char *params[] = {p->username};
	return api_owner_value("SELECT id FROM rq.admin_users WHERE username = $1", 1, params);
}

/* The city admin changes a threshold and finds the change by the request's id, by the row,
 * and by themself as actor; three changes page one by one, newest first. */
static void test_find_by_request_row_and_actor(void **state)
{
	(void)state;
	struct api_portal city;
	mt_portal_login(&city, "audit-city", "city_admin", NULL);
	char *me = admin_id(&city);
	char *was =
	    api_owner_value("SELECT value FROM rq.policy WHERE key = 'geofence_m'", 0, NULL);
	int v0 = (int)api_to_i64(was);

	char *rid[3];
	for (int i = 0; i < 3; i++) {
		struct api_resp *r = put_policy(&city, "geofence_m", v0 + 100 + i);
		assert_int_equal(r->status, 200);
		rid[i] = api_request_id(r);
		api_free(r);
	}

	/* by request id: the one row it wrote, old and new side by side, and who */
	struct api_resp *r = audit(&city, "request_id=%s", rid[1]);
	assert_int_equal(cJSON_GetArraySize(items(r)), 1);
	cJSON *it = cJSON_GetArrayItem(items(r), 0);
	assert_string_equal(str(it, "table_name"), "rq.policy");
	assert_string_equal(str(it, "operation"), "UPDATE");
	assert_string_equal(str(it, "row_pk"), "geofence_m");
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(it, "old_row"), "value")->valueint,
			 v0 + 100);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(it, "new_row"), "value")->valueint,
			 v0 + 101);
	assert_string_equal(str(it, "actor.kind"), "admin");
	assert_string_equal(str(it, "actor.id"), me);
	assert_string_equal(str(it, "actor.role"), "city_admin");
	assert_string_equal(str(it, "actor.name"), city.username);
	assert_string_equal(str(it, "request_id"), rid[1]);
	assert_string_equal(str(it, "db_user"), "ruqima_admin");
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(it, "sealed")));
	api_free(r);

	/* the row's history, paged one at a time: the three changes newest first */
	char after[32] = "";
	for (int i = 2; i >= 0; i--) {
		r = audit(&city, "table=rq.policy&row=geofence_m&limit=1%s%s",
			  after[0] ? "&after=" : "", after);
		assert_int_equal(cJSON_GetArraySize(items(r)), 1);
		assert_string_equal(str(cJSON_GetArrayItem(items(r), 0), "request_id"), rid[i]);
		snprintf(after, sizeof(after), "%s", ev_next_after(r));
		api_free(r);
	}
	/* the actor's writes: the newest is the last change; the operation narrows too */
	r = audit(&city, "actor_kind=admin&actor_id=%s&operation=UPDATE&limit=3", me);
	assert_int_equal(cJSON_GetArraySize(items(r)), 3);
	assert_string_equal(str(cJSON_GetArrayItem(items(r), 0), "request_id"), rid[2]);
	assert_string_equal(str(cJSON_GetArrayItem(items(r), 2), "request_id"), rid[0]);
	api_free(r);
	r = audit(&city, "actor_kind=admin&actor_id=%s&operation=DELETE", me);
	assert_int_equal(cJSON_GetArraySize(items(r)), 0);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json, "next_after")));
	api_free(r);
	/* days: today (the city's) holds them, a day long past none of them */
	char *today =
	    api_owner_value("SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date::text", 0, NULL);
	r = audit(&city, "request_id=%s&from=%s&to=%s", rid[0], today, today);
	assert_int_equal(cJSON_GetArraySize(items(r)), 1);
	api_free(r);
	r = audit(&city, "request_id=%s&to=2001-01-01", rid[0]);
	assert_int_equal(cJSON_GetArraySize(items(r)), 0);
	api_free(r);

	r = put_policy(&city, "geofence_m", v0);
	assert_int_equal(r->status, 200);
	api_free(r);
	for (int i = 0; i < 3; i++)
		free(rid[i]);
	free(today);
	free(was);
	free(me);
	api_portal_free(&city);
}

/* Every other portal role is refused, by the route and by the function in its context. */
static void test_other_roles_refused(void **state)
{
	(void)state;
	struct vs_unit unit;
	vs_unit_new(&unit, NULL);
	struct {
		const char *role, *opt, *value;
	} roles[] = {
	    {"county_admin", "--county", "411502"},
	    {"unit_admin", "--unit", unit.id},
	    {"judicial_analyst", NULL, NULL},
	    {"market_supervision", NULL, NULL},
	};
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		struct api_portal p;
		mt_portal_login_with(&p, "audit-no", roles[i].role, roles[i].opt, roles[i].value);
		struct api_resp *r = mt_portal_get(&p, AUDIT "?table=rq.policy");
		api_assert_problem(r, 403, "forbidden");
		assert_null(strstr(r->body, "geofence_m"));
		api_free(r);
		PGconn *c = ev_app_as("admin", "1", roles[i].role,
				      strcmp(roles[i].role, "county_admin") == 0 ? "411502" : NULL,
				      strcmp(roles[i].role, "unit_admin") == 0 ? unit.id : NULL);
		char *st =
		    api_sql_state(c,
				  "SELECT count(*) FROM rq.audit_page(9e18::bigint, 10, NULL,"
				  " NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
				  0, NULL);
		assert_string_equal(st, "42501");
		free(st);
		PQfinish(c);
		api_portal_free(&p);
	}
	/* and a mini-program account's bearer token is no portal session */
	char *bearer = mt_account("audit-acct", NULL);
	struct api_resp *r = api_get(AUDIT, bearer);
	assert_true(r->status == 401 || r->status == 403);
	api_free(r);
	free(bearer);
}

/* Malformed filters: 400 naming the field; every audited table is a table it takes. */
static void test_filters_checked(void **state)
{
	(void)state;
	struct api_portal city;
	mt_portal_login(&city, "audit-bad", "city_admin", NULL);
	struct {
		const char *query, *field;
	} bad[] = {
	    {"row=5", "row"},
	    {"actor_id=5", "actor_id"},
	    {"table=rq.sessions", "table"},
	    {"table=visits", "table"},
	    {"actor_kind=robot", "actor_kind"},
	    {"operation=SELECT", "operation"},
	    {"from=2025-02-30", "from"},
	    {"limit=201", "limit"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char path[128];
		snprintf(path, sizeof(path), AUDIT "?%s", bad[i].query);
		struct api_resp *r = mt_portal_get(&city, path);
		if (r->status != 400)
			fail_msg("%s answered %ld: %s", path, r->status, r->body);
		api_assert_error_field(r, bad[i].field);
		api_free(r);
	}
	/* the tables with the audit trigger (lib/sql/tables.sql), and audit.log */
	char *tables = api_owner_value(
	    "SELECT string_agg(format('%s.%s', n.nspname, c.relname), ' ')"
	    " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
	    " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE t.tgname = 'audit_row'",
	    0, NULL);
	char *save = NULL;
	int n = 0;
	for (char *t = strtok_r(tables, " ", &save); t != NULL; t = strtok_r(NULL, " ", &save), n++)
		api_free(audit(&city, "table=%s&limit=1", t));
	assert_true(n >= 30);
	api_free(audit(&city, "table=audit.log&operation=MAINTENANCE&limit=1"));
	free(tables);
	api_portal_free(&city);
}

/* Whether text names the rater: the phone or the name. */
static bool names_rater(const char *text)
{
	return strstr(text, MT_PHONE) != NULL || strstr(text, RATER_NAME) != NULL;
}

/* An anonymous 不满意: the city admin sees the request's rows sealed, naming nobody, and does
 * not find them by the rater; a discipline inspector gets the rater back and finds them. */
static void test_anonymous_rating_sealed(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	char *visit = ev_confirmed_visit(&sc);
	struct api_resp *r = ev_rate(sc.manager, visit, "unsatisfied", "态度粗暴", true, false);
	assert_int_equal(r->status, 201);
	char *rid = api_request_id(r);
	api_free(r);
	const char *p[] = {rid};
	int64_t written =
	    api_owner_int("SELECT count(*) FROM audit.log WHERE request_id = $1", 1, p);
	assert_true(written >= 3); /* the rating, its rater, the case ... */

	struct api_portal city, inspector;
	mt_portal_login(&city, "audit-city", "city_admin", NULL);
	mt_portal_login(&inspector, "audit-di", "discipline_inspector", NULL);

	r = audit(&city, "request_id=%s&limit=200", rid);
	assert_int_equal(cJSON_GetArraySize(items(r)), written);
	if (names_rater(r->body))
		fail_msg("the city admin's audit names the anonymous rater: %s", r->body);
	cJSON *it;
	bool rater_row = false;
	cJSON_ArrayForEach(it, items(r))
	{
		assert_true(cJSON_IsTrue(cJSON_GetObjectItem(it, "sealed")));
		assert_null(str(it, "actor.id"));
		assert_null(str(it, "actor.name"));
		assert_null(str(it, "client_addr"));
		if (strcmp(str(it, "table_name"), "rq.evaluation_raters") == 0) {
			rater_row = true;
			assert_string_equal(str(it, "new_row.phone"), "[sealed]");
			assert_string_equal(str(it, "new_row.account_id"), "[sealed]");
		}
	}
	assert_true(rater_row);
	api_free(r);
	/* the rater's account as actor: nothing of that request */
	r = audit(&city, "actor_kind=account&actor_id=%s&limit=200", sc.manager_id);
	assert_null(strstr(r->body, rid));
	api_free(r);
	/* nor the rater's row by its key */
	r = audit(&city, "table=rq.evaluation_raters&row=%s", visit);
	assert_int_equal(cJSON_GetArraySize(items(r)), 1);
	assert_false(names_rater(r->body));
	api_free(r);

	/* a discipline inspector: the actor, the address and the rater's columns */
	r = audit(&inspector, "request_id=%s&limit=200", rid);
	assert_int_equal(cJSON_GetArraySize(items(r)), written);
	rater_row = false;
	cJSON_ArrayForEach(it, items(r))
	{
		assert_true(cJSON_IsTrue(cJSON_GetObjectItem(it, "sealed")));
		assert_string_equal(str(it, "actor.kind"), "account");
		assert_string_equal(str(it, "actor.id"), sc.manager_id);
		assert_non_null(str(it, "client_addr"));
		if (strcmp(str(it, "table_name"), "rq.evaluation_raters") == 0) {
			rater_row = true;
			assert_string_equal(str(it, "new_row.phone"), MT_PHONE);
			assert_string_equal(str(it, "new_row.name"), RATER_NAME);
		}
	}
	assert_true(rater_row);
	api_free(r);
	/* ... and finds them by the rater */
	r = audit(&inspector, "actor_kind=account&actor_id=%s&request_id=%s&limit=200",
		  sc.manager_id, rid);
	assert_int_equal(cJSON_GetArraySize(items(r)), written);
	api_free(r);

	api_portal_free(&city);
	api_portal_free(&inspector);
	free(rid);
	free(visit);
	ev_scene_free(&sc);
}

/* A named rating: the city admin reads the rater's name but not the phone (a discipline
 * inspector does); nobody reads an account's WeChat openid. */
static void test_named_rater_phone_and_openid_hidden(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	char *visit = ev_confirmed_visit(&sc);
	struct api_resp *r = ev_rate(sc.manager, visit, "satisfied", NULL, false, false);
	assert_int_equal(r->status, 201);
	api_free(r);

	struct api_portal city, inspector;
	mt_portal_login(&city, "audit-city", "city_admin", NULL);
	mt_portal_login(&inspector, "audit-di", "discipline_inspector", NULL);
	r = audit(&city, "table=rq.evaluation_raters&row=%s", visit);
	assert_int_equal(cJSON_GetArraySize(items(r)), 1);
	cJSON *it = cJSON_GetArrayItem(items(r), 0);
	assert_string_equal(str(it, "new_row.name"), RATER_NAME);
	assert_string_equal(str(it, "new_row.phone"), "[hidden]");
	assert_null(strstr(r->body, MT_PHONE));
	assert_string_equal(str(it, "actor.id"), sc.manager_id);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(it, "sealed")));
	api_free(r);
	r = audit(&inspector, "table=rq.evaluation_raters&row=%s", visit);
	assert_string_equal(str(cJSON_GetArrayItem(items(r), 0), "new_row.phone"), MT_PHONE);
	api_free(r);

	const char *p[] = {sc.manager_id};
	char *openid =
	    api_owner_value("SELECT openid FROM rq.accounts WHERE id = $1::bigint", 1, p);
	const struct api_portal *both[] = {&city, &inspector};
	for (int i = 0; i < 2; i++) {
		r = audit(both[i], "table=rq.accounts&row=%s&operation=INSERT", sc.manager_id);
		assert_int_equal(cJSON_GetArraySize(items(r)), 1);
		assert_string_equal(str(cJSON_GetArrayItem(items(r), 0), "new_row.openid"),
				    "[hidden]");
		assert_null(strstr(r->body, openid));
		api_free(r);
	}
	free(openid);
	api_portal_free(&city);
	api_portal_free(&inspector);
	free(visit);
	ev_scene_free(&sc);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_find_by_request_row_and_actor),
	    cmocka_unit_test(test_other_roles_refused),
	    cmocka_unit_test(test_filters_checked),
	    cmocka_unit_test(test_anonymous_rating_sealed),
	    cmocka_unit_test(test_named_rater_phone_and_openid_hidden),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
