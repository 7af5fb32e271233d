/* Who may know who rated. An anonymous rater stays anonymous to
 * everyone but the rater and discipline inspectors: the official, another manager of the
 * enterprise, another enterprise's manager, every other portal role (city admin, the county
 * admin of the county and of another, the unit admin of the unit and of another, judicial
 * analyst, market supervision), the application role in each of their contexts, and the
 * reporting role — in the visit, in rq.evaluation_raters and in audit.log, whose rows of the
 * rating (and of its change) carry no actor and "[sealed]" for the rater's columns, the
 * actor being kept in audit.sealed for discipline inspectors alone (GET
 * /api/v1/admin/sealed-audit, GET /api/v1/admin/anonymous-ratings). Nobody but a discipline
 * inspector sees a rater's phone number, anonymous or not: the official sees the rater's
 * role (企业管理人员) and, for a named rating, the name only. */
#include "api.h"
#include "eval_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATER_NAME "李管理" /* what vs_manager_new's claim gives the rater */

/* A portal reader of the scene's visit: its role and scope (county or unit), the status
 * GET /api/v1/admin/visits/{id} answers it, whether it may know an anonymous rater. */
struct reader {
	const char *what;
	const char *role;
	const char *county;
	char unit[24];
	long visit_status;
	bool discipline;
	struct api_portal p;
};

enum { READERS = 8 };

/* Every portal role, in and out of the scene's scope. */
static void readers_new(struct reader r[READERS], const struct ev_scene *sc,
			const struct vs_unit *other_unit)
{
	struct reader all[READERS] = {
	    {.what = "city admin", .role = "city_admin", .visit_status = 200},
	    {.what = "county admin of the county",
	     .role = "county_admin",
	     .county = "411502",
	     .visit_status = 200},
	    {.what = "county admin of another county",
	     .role = "county_admin",
	     .county = "411503",
	     .visit_status = 404},
	    {.what = "unit admin of the unit", .role = "unit_admin", .visit_status = 200},
	    {.what = "unit admin of another unit", .role = "unit_admin", .visit_status = 404},
	    {.what = "judicial analyst", .role = "judicial_analyst", .visit_status = 200},
	    {.what = "market supervision", .role = "market_supervision", .visit_status = 403},
	    {.what = "discipline inspector",
	     .role = "discipline_inspector",
	     .visit_status = 200,
	     .discipline = true},
	};
	snprintf(all[3].unit, sizeof(all[3].unit), "%s", sc->s.unit.id);
	snprintf(all[4].unit, sizeof(all[4].unit), "%s", other_unit->id);
	for (int i = 0; i < READERS; i++) {
		r[i] = all[i];
		if (r[i].unit[0] != '\0')
			mt_portal_login_with(&r[i].p, "privacy", r[i].role, "--unit", r[i].unit);
		else
			mt_portal_login(&r[i].p, "privacy", r[i].role, r[i].county);
	}
}

static void readers_free(struct reader r[READERS])
{
	for (int i = 0; i < READERS; i++)
		api_portal_free(&r[i].p);
}

/* The rating's rater in a visit answer: asserts the role is said, and returns the name
 * (NULL when not said); *phone is set to whether a phone number is given. */
static const char *rater_in(const struct api_resp *r, bool *phone)
{
	assert_string_equal(api_json_str(r, "rating.rater.role"), "enterprise_manager");
	assert_string_equal(api_json_str(r, "rating.rater.role_label"), "企业管理人员");
	*phone = api_json_str(r, "rating.rater.phone") != NULL;
	return api_json_str(r, "rating.rater.name");
}

/* Asserts that text names the rater in no way: neither the phone nor the name. */
static void assert_no_rater(const char *text, const char *what)
{
	if (strstr(text, MT_PHONE) != NULL || strstr(text, RATER_NAME) != NULL)
		fail_msg("%s names the anonymous rater: %s", what, text);
}

/* Each reader's view of visit_id through the portal API and through the application role
 * in its context; anonymous: whether the rating is. */
static void check_portal_readers(struct reader r[READERS], const char *visit_id, bool anonymous,
				 const struct ev_scene *sc)
{
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/admin/visits/%s", visit_id);
	for (int i = 0; i < READERS; i++) {
		struct api_resp *v = mt_portal_get(&r[i].p, path);
		if (v->status != r[i].visit_status)
			fail_msg("%s: GET %s answered %ld: %s", r[i].what, path, v->status,
				 v->body);
		if (v->status == 200) {
			bool phone;
			const char *name = rater_in(v, &phone);
			assert_true(phone == r[i].discipline);
			if (r[i].discipline) {
				assert_string_equal(name, RATER_NAME);
				assert_string_equal(api_json_str(v, "rating.rater.phone"),
						    MT_PHONE);
				assert_string_equal(api_json_str(v, "rating.rater.account_id"),
						    sc->manager_id);
			} else if (anonymous) {
				assert_null(name);
				assert_no_rater(v->body, r[i].what);
			} else {
				assert_string_equal(name, RATER_NAME);
				assert_null(strstr(v->body, MT_PHONE));
			}
		}
		api_free(v);

		/* the lists that name anonymous raters: discipline inspectors only */
		struct api_resp *l = mt_portal_get(&r[i].p, "/api/v1/admin/anonymous-ratings");
		struct api_resp *s = mt_portal_get(&r[i].p, "/api/v1/admin/sealed-audit");
		if (!r[i].discipline) {
			api_assert_problem(l, 403, "forbidden");
			api_assert_problem(s, 403, "forbidden");
			assert_no_rater(l->body, r[i].what);
			assert_no_rater(s->body, r[i].what);
		}
		api_free(l);
		api_free(s);

		/* the application role in the reader's context: the rater's row is not there, and
		 * the sealed audit is refused */
		PGconn *c = ev_app_as("admin", "1", r[i].role, r[i].county,
				      r[i].unit[0] != '\0' ? r[i].unit : NULL);
		const char *p[] = {visit_id};
		int64_t raters = api_sql_int(
		    c, "SELECT count(*) FROM rq.evaluation_raters WHERE visit_id = $1::bigint", 1,
		    p);
		assert_int_equal(
		    raters, r[i].discipline || (!anonymous && r[i].visit_status == 200) ? 1 : 0);
		char *st = api_sql_state(c, "SELECT * FROM rq.sealed_audit_page(9e18::bigint, 10)",
					 0, NULL);
		assert_string_equal(st, r[i].discipline ? "" : "42501");
		free(st);
		PQfinish(c);
	}
}

/* The rows of audit.log written by the request with this id, as the reporting role reads
 * them: how many, and how many name an actor or a client address. */
static void check_report_role(const char *request_id, const char *visit_id, const char *manager_id,
			      bool sealed)
{
	PGconn *c = api_db("report");
	const char *p[] = {request_id};
	int64_t rows = api_sql_int(c, "SELECT count(*) FROM audit.log WHERE request_id = $1", 1, p);
	assert_true(rows >= 2);
	int64_t named = api_sql_int(c,
				    "SELECT count(*) FROM audit.log WHERE request_id = $1"
				    " AND (actor_id IS NOT NULL OR client_addr IS NOT NULL)",
				    1, p);
	assert_int_equal(named, sealed ? 0 : rows);
	/* and nothing in them names the rater: not the phone, the name or the account */
	const char *pm[] = {request_id, MT_PHONE, RATER_NAME, manager_id};
	int64_t naming = api_sql_int(
	    c,
	    "SELECT count(*) FROM audit.log l WHERE l.request_id = $1"
	    " AND (strpos(row_to_json(l)::text, $2) > 0 OR strpos(row_to_json(l)::text, $3) > 0"
	    "      OR l.actor_id = $4 OR l.new_row ->> 'account_id' = $4"
	    "      OR l.old_row ->> 'account_id' = $4)",
	    4, pm);
	if (sealed)
		assert_int_equal(naming, 0);
	else
		assert_true(naming > 0);
	/* the rater's row itself: only a named rating's */
	const char *pv[] = {visit_id};
	assert_int_equal(
	    api_sql_int(c, "SELECT count(*) FROM rq.evaluation_raters WHERE visit_id = $1::bigint",
			1, pv),
	    sealed ? 0 : 1);
	char *name =
	    api_sql_value(c, "SELECT rq.visit_rating($1::bigint) #>> '{rater,name}'", 1, pv);
	if (sealed)
		assert_null(name);
	else
		assert_string_equal(name, RATER_NAME);
	free(name);
	/* the sealed actors are not the reporting role's at all */
	char *st = api_sql_state(c, "SELECT count(*) FROM audit.sealed", 0, NULL);
	assert_string_equal(st, "42501");
	free(st);
	PQfinish(c);
}

/* The sealed actors of the request (read as the owner): each names the rater's account. */
static int64_t sealed_rows_naming(const char *request_id, const char *manager_id)
{
	const char *p[] = {request_id, manager_id};
	return api_owner_int("SELECT count(*) FROM audit.sealed s JOIN audit.log l"
			     " ON l.id = s.log_id WHERE l.request_id = $1 AND s.actor_id = $2",
			     2, p);
}

static void test_anonymous_rater_known_to_discipline_only(void **state)
{
	(void)state;
	struct ev_scene sc, other;
	ev_scene_new(&sc);
	ev_scene_new(&other);
	struct vs_unit other_unit;
	vs_unit_new(&other_unit, NULL);
	char *colleague_id = NULL;
	char *colleague = vs_manager_new(&sc.s.ent, &colleague_id);
	char *county_admin = ev_county_admin(sc.s.ent.m.county);
	char *id = ev_confirmed_visit(&sc);

	/* 不满意, anonymous: the rating, a case and the county admins' notices, one request */
	struct api_resp *r = ev_rate(sc.manager, id, "unsatisfied", "态度粗暴", true, false);
	assert_int_equal(r->status, 201);
	bool phone;
	/* the rater sees themselves, their phone not even then */
	assert_string_equal(rater_in(r, &phone), RATER_NAME);
	assert_false(phone);
	char *request_id = api_request_id(r);
	api_free(r);

	/* the official: the rating and the rater's role, never who */
	r = api_get(vs_path(id, ""), sc.s.off.bearer);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "rating.value"), "unsatisfied");
	assert_null(rater_in(r, &phone));
	assert_false(phone);
	assert_no_rater(r->body, "the official's visit");
	api_free(r);
	/* another manager of the enterprise */
	r = api_get(ev_path(id, ""), colleague);
	assert_int_equal(r->status, 200);
	assert_null(rater_in(r, &phone));
	assert_false(phone);
	api_free(r);
	/* another enterprise's manager does not see the visit at all */
	r = api_get(ev_path(id, ""), other.manager);
	api_assert_problem(r, 404, "visit-unknown");
	api_free(r);
	/* the application role as the official and as the other manager */
	const char *p[] = {id};
	const char *accounts[] = {sc.s.off.account_id, colleague_id, other.manager_id};
	for (size_t i = 0; i < 3; i++) {
		PGconn *c = ev_app_as("account", accounts[i], "account", NULL, NULL);
		assert_int_equal(
		    api_sql_int(
			c, "SELECT count(*) FROM rq.evaluation_raters WHERE visit_id = $1::bigint",
			1, p),
		    0);
		char *st = api_sql_state(c, "SELECT count(*) FROM audit.log", 0, NULL);
		assert_string_equal(st, "42501");
		free(st);
		PQfinish(c);
	}

	/* every portal role */
	struct reader readers[READERS];
	readers_new(readers, &sc, &other_unit);
	check_portal_readers(readers, id, true, &sc);

	/* audit.log as the reporting role reads it: no actor, nothing of the rater */
	check_report_role(request_id, id, sc.manager_id, true);
	/* ... and the actor kept for discipline inspectors: every row of the request */
	const char *pr[] = {request_id};
	assert_int_equal(
	    sealed_rows_naming(request_id, sc.manager_id),
	    api_owner_int("SELECT count(*) FROM audit.log WHERE request_id = $1", 1, pr));
	struct reader *di = &readers[READERS - 1];
	r = mt_portal_get(&di->p, "/api/v1/admin/sealed-audit?limit=200");
	assert_int_equal(r->status, 200);
	int mine = 0;
	cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(r->json, "items"))
	{
		const cJSON *rid = cJSON_GetObjectItemCaseSensitive(it, "request_id");
		if (!cJSON_IsString(rid) || strcmp(rid->valuestring, request_id) != 0)
			continue;
		mine++;
		const cJSON *actor = cJSON_GetObjectItemCaseSensitive(it, "actor");
		assert_string_equal(cJSON_GetObjectItemCaseSensitive(actor, "id")->valuestring,
				    sc.manager_id);
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(it, "table_name");
		if (strcmp(t->valuestring, "rq.evaluation_raters") == 0) {
			const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "sealed_new");
			assert_string_equal(
			    cJSON_GetObjectItemCaseSensitive(n, "phone")->valuestring, MT_PHONE);
			assert_string_equal(
			    cJSON_GetObjectItemCaseSensitive(n, "name")->valuestring, RATER_NAME);
		}
	}
	assert_true(mine >= 2);
	api_free(r);
	/* ... and the anonymous ratings with their raters */
	r = mt_portal_get(&di->p, "/api/v1/admin/anonymous-ratings?limit=200");
	assert_int_equal(r->status, 200);
	bool found = false;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(r->json, "items"))
	{
		if (strcmp(cJSON_GetObjectItemCaseSensitive(it, "id")->valuestring, id) != 0)
			continue;
		found = true;
		const cJSON *rater = cJSON_GetObjectItemCaseSensitive(it, "rater");
		assert_string_equal(cJSON_GetObjectItemCaseSensitive(rater, "phone")->valuestring,
				    MT_PHONE);
		assert_string_equal(
		    cJSON_GetObjectItemCaseSensitive(rater, "account_id")->valuestring,
		    sc.manager_id);
	}
	assert_true(found);
	api_free(r);

	/* the one change, still anonymous: sealed the same way, and the case's event names no
	 * account */
	r = ev_rate(sc.manager, id, "unsatisfied", "态度粗暴，且索要材料", true, true);
	assert_int_equal(r->status, 200);
	char *change_id = api_request_id(r);
	api_free(r);
	check_report_role(change_id, id, sc.manager_id, true);
	assert_true(sealed_rows_naming(change_id, sc.manager_id) >= 2);
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.case_events ce"
			  " JOIN rq.cases c ON c.id = ce.case_id"
			  " WHERE c.visit_id = $1::bigint AND ce.account_id IS NOT NULL",
			  1, p),
	    0);

	readers_free(readers);
	free(change_id);
	free(request_id);
	free(county_admin);
	free(colleague);
	free(colleague_id);
	free(id);
	ev_scene_free(&sc);
	ev_scene_free(&other);
}

/* A named rating: the name, never the phone (but to discipline inspectors); its audit rows
 * keep their actor. */
static void test_named_rater_without_phone(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	struct vs_unit other_unit;
	vs_unit_new(&other_unit, NULL);
	char *colleague = vs_manager_new(&sc.s.ent, NULL);
	char *id = ev_confirmed_visit(&sc);
	struct api_resp *r = ev_rate(sc.manager, id, "satisfied", NULL, false, false);
	assert_int_equal(r->status, 201);
	char *request_id = api_request_id(r);
	api_free(r);

	/* the official: the role and the name only */
	r = api_get(vs_path(id, ""), sc.s.off.bearer);
	assert_int_equal(r->status, 200);
	bool phone;
	assert_string_equal(rater_in(r, &phone), RATER_NAME);
	assert_false(phone);
	assert_null(strstr(r->body, MT_PHONE));
	api_free(r);
	/* another manager of the enterprise, and the rater: no phone either */
	const char *bearers[] = {colleague, sc.manager};
	for (size_t i = 0; i < 2; i++) {
		r = api_get(ev_path(id, ""), bearers[i]);
		assert_int_equal(r->status, 200);
		assert_string_equal(rater_in(r, &phone), RATER_NAME);
		assert_false(phone);
		api_free(r);
	}
	/* the portal: the name, the phone to discipline inspectors only */
	struct reader readers[READERS];
	readers_new(readers, &sc, &other_unit);
	check_portal_readers(readers, id, false, &sc);
	readers_free(readers);
	/* not sealed: the audit rows name the rater as every write names its actor */
	check_report_role(request_id, id, sc.manager_id, false);
	assert_int_equal(sealed_rows_naming(request_id, sc.manager_id), 0);
	free(request_id);
	free(colleague);
	free(id);
	ev_scene_free(&sc);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_anonymous_rater_known_to_discipline_only),
	    cmocka_unit_test(test_named_rater_without_phone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
