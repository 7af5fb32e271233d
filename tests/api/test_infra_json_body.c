/* The JSON body, checked once for every route in lib/ (rq_input_body_check):
 * - a key twice in any object of a body is 400 duplicate-key naming it (cJSON keeps both,
 *   and which one a handler reads is an accident), on every route that takes JSON: a
 *   registration, an edit, a login;
 * - an edit (every PATCH) takes the members it names and nothing else: any other member is
 *   400 unknown-field naming it, instead of being ignored while the client believes it was
 *   saved (an official cannot slip "activity_type" into an edit, a county admin cannot
 *   slip "name_verified" into a name correction).
 * Each answer is problem+json with a Chinese detail naming the field, and changes nothing:
 * no row, no audit row. The attacks of issue 16 on the registration (companions, units) and
 * on the evaluation family (a rating's value and anonymity, a claim's code, a dispute) are
 * each tried; and the database reads what C checked: the parsed body printed again, never the
 * raw text (a number cJSON reads and PostgreSQL would not, "032.1", registers as C read it). */
#include "api.h"
#include "codes_support.h"
#include "eval_support.h"
#include "managers_support.h"
#include "visits_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Asserts 400 slug, errors[] naming field, and a detail that names it too (in Chinese). */
static void assert_refused(const struct api_resp *r, const char *slug, const char *field)
{
	if (r->status != 400)
		fail_msg("expected 400 %s naming %s, got %ld: %s", slug, field, r->status, r->body);
	api_assert_problem(r, 400, slug);
	api_assert_error_field(r, field);
	const char *detail = api_json_str(r, "detail");
	assert_non_null(detail);
	if (strstr(detail, field) == NULL || strstr(detail, "字段") == NULL)
		fail_msg("the detail does not name %s in Chinese: %s", field, detail);
	assert_non_null(api_json_str(r, "request_id"));
	assert_int_equal(api_audit_rows_of(r), 0);
}

/* The registration body of s with members put first ("\"a\":1,\"a\":2,"), as text. */
static char *body_with(const struct vs_scene *s, const char *members)
{
	cJSON *b = vs_body(s->ent.token, "visit");
	char *json = cJSON_PrintUnformatted(b);
	cJSON_Delete(b);
	assert_non_null(json);
	size_t n = strlen(json) + strlen(members) + 1;
	char *out = malloc(n);
	assert_non_null(out);
	snprintf(out, n, "{%s%s", members, json + 1);
	free(json);
	return out;
}

static void test_registration_with_a_key_twice_is_refused(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	struct vs_unit other;
	vs_unit_new(&other, NULL);
	char parts[256];
	snprintf(parts, sizeof(parts),
		 "\"participating_unit_ids\":[],\"participating_unit_ids\":[\"%s\"],", other.id);
	const struct {
		const char *members, *field;
	} cases[] = {
	    {"\"companions\":[],\"companions\":[{\"name\":\"李同行\",\"unit\":\"市场监管局\"}],",
	     "companions"},
	    {parts, "participating_unit_ids"},
	    /* nested: inside an object member, and inside an object of an array */
	    {"\"exemption\":{\"category\":\"complaint\",\"category\":\"national_security\","
	     "\"reason\":\"群众投诉\"},",
	     "exemption.category"},
	    {"\"companions\":[{\"name\":\"甲\",\"unit\":\"乙\"},{\"name\":\"丙\",\"unit\":\"丁\","
	     "\"name\":\"戊\"}],",
	     "companions[1].name"},
	    /* the same key written with an escape is the same key */
	    {"\"matter\":\"一\",\"m\\u0061tter\":\"二\",", "matter"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *json = body_with(&s, cases[i].members);
		struct api_resp *r = vs_post(s.off.bearer, vs_key(), json);
		assert_refused(r, "duplicate-key", cases[i].field);
		api_free(r);
		free(json);
	}
	/* nothing at all was written: no visit, unit, filing, notification or key */
	assert_int_equal(vs_account_visit_rows(s.off.account_id), 0);

	/* the same body with each key once registers */
	char *json =
	    body_with(&s, "\"companions\":[{\"name\":\"李同行\",\"unit\":\"市场监管局\"}],");
	struct api_resp *r = vs_post(s.off.bearer, vs_key(), json);
	if (r->status != 201)
		fail_msg("a body without a duplicate: %ld %s", r->status, r->body);
	api_free(r);
	free(json);
	vs_scene_free(&s);
}

/* What the registration's SQL stores is what C read and checked. cJSON reads "032.1" as
 * 32.1; PostgreSQL's JSON parser would refuse the raw text (or, for another divergence, read
 * it otherwise): it gets the parsed body printed again. */
static void test_registration_database_reads_what_c_checked(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	cJSON *b = vs_body(s.ent.token, "visit");
	vs_body_location(b, 32.125, 114.0);
	char *json = cJSON_PrintUnformatted(b);
	cJSON_Delete(b);
	char *at = strstr(json, "\"latitude\":32.125");
	assert_non_null(at);
	size_t n = strlen(json) + 2;
	char *odd = malloc(n);
	assert_non_null(odd);
	snprintf(odd, n, "%.*s\"latitude\":032.125%s", (int)(at - json), json,
		 at + strlen("\"latitude\":32.125"));
	struct api_resp *r = vs_post(s.off.bearer, vs_key(), odd);
	if (r->status != 201)
		fail_msg("a latitude C reads as 32.125: %ld %s", r->status, r->body);
	const char *id = api_json_str(r, "id");
	assert_non_null(id);
	const char *p[] = {id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.visits WHERE id = $1::bigint"
				       " AND latitude = 32.125",
				       1, p),
			 1);
	api_free(r);
	free(odd);
	free(json);
	vs_scene_free(&s);
}

/* The evaluation family's bodies: a key twice is refused before anything is read. The
 * attacks: a rating sent as anonymous and named at once ("anonymous":true,"anonymous":false),
 * 满意 and 不满意 at once, a claim with two activation codes or two legal representatives,
 * a dispute with two categories. */
static void test_evaluation_with_a_key_twice_is_refused(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	char *id = ev_confirmed_visit(&sc);
	const struct {
		const char *method, *path, *body, *field;
	} cases[] = {
	    {"POST", ev_path(id, "/rating"),
	     "{\"value\":\"satisfied\",\"anonymous\":true,\"anonymous\":false}", "anonymous"},
	    {"POST", ev_path(id, "/rating"),
	     "{\"value\":\"unsatisfied\",\"value\":\"satisfied\",\"comment\":\"x\"}", "value"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct api_resp *r =
		    vs_call(cases[i].method, cases[i].path, sc.manager, cases[i].body);
		assert_refused(r, "duplicate-key", cases[i].field);
		api_free(r);
	}
	assert_int_equal(vs_rows("rq.evaluations", "visit_id", id), 0);
	assert_int_equal(vs_rows("rq.cases", "visit_id", id), 0);
	/* a change of a rating, the same */
	struct api_resp *r = ev_rate(sc.manager, id, "satisfied", NULL, true, false);
	assert_int_equal(r->status, 201);
	api_free(r);
	r = vs_call("PUT", ev_path(id, "/rating"), sc.manager,
		    "{\"value\":\"satisfied\",\"anonymous\":true,\"anonymous\":false}");
	assert_refused(r, "duplicate-key", "anonymous");
	api_free(r);
	const char *p[] = {id};
	char *anon = api_owner_value(
	    "SELECT anonymous::text FROM rq.evaluations WHERE visit_id = $1::bigint", 1, p);
	assert_string_equal(anon, "true");
	free(anon);
	/* a dispute with two categories */
	char *other = ev_visit(&sc);
	r = vs_call("POST", ev_path(other, "/dispute"), sc.manager,
		    "{\"category\":\"other\",\"category\":\"never_came\"}");
	assert_refused(r, "duplicate-key", "category");
	api_free(r);
	assert_int_equal(vs_rows("rq.visit_answers", "visit_id", other), 0);
	/* a claim with two activation codes, or two legal representatives */
	struct mt_enterprise e;
	mt_enterprise_new(&e, "411502", "normal");
	char *code = mt_activation_code(&e);
	char *account = NULL;
	char *bearer = mt_account("dup-claim", &account);
	char body[512];
	snprintf(body, sizeof(body),
		 "{\"uscc\":\"%s\",\"legal_rep\":\"" MT_LEGAL_REP "\",\"name\":\"李管理\","
		 "\"phone\":\"" MT_PHONE "\",\"activation_code\":\"ABCDEFGHJK\","
		 "\"activation_code\":\"%s\"}",
		 e.uscc, code);
	r = api_post_json("/api/v1/evaluation/enterprises/claim", body, bearer);
	assert_refused(r, "duplicate-key", "activation_code");
	api_free(r);
	snprintf(body, sizeof(body),
		 "{\"uscc\":\"%s\",\"legal_rep\":\"别人\",\"legal_rep\":\"" MT_LEGAL_REP "\","
		 "\"name\":\"李管理\",\"phone\":\"" MT_PHONE "\"}",
		 e.uscc);
	r = api_post_json("/api/v1/evaluation/enterprises/claim", body, bearer);
	assert_refused(r, "duplicate-key", "legal_rep");
	api_free(r);
	const char *pa[] = {account};
	assert_int_equal(
	    api_owner_int("SELECT (SELECT count(*) FROM rq.manager_bindings WHERE"
			  " account_id = $1::bigint) + (SELECT count(*) FROM"
			  " rq.claim_failures WHERE account_id = $1::bigint) + (SELECT"
			  " count(*) FROM rq.claim_requests WHERE account_id = $1::bigint)",
			  1, pa),
	    0);
	free(code);
	free(account);
	free(bearer);
	free(other);
	free(id);
	ev_scene_free(&sc);
}

static void test_edit_refuses_members_it_does_not_take(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	cJSON *body = vs_body(s.ent.token, "research");
	char *visit = vs_register_ok(s.off.bearer, body);
	cJSON_Delete(body);

	const struct {
		const char *json, *slug, *field;
	} cases[] = {
	    {"{\"matter\":\"调研融资需求\",\"activity_type\":\"inspection\"}", "unknown-field",
	     "activity_type"},
	    {"{\"matter\":\"调研融资需求\",\"entered_at\":\"2026-01-01T08:00:00+08:00\"}",
	     "unknown-field", "entered_at"},
	    /* a member differing only in case is another member */
	    {"{\"Matter\":\"调研融资需求\"}", "unknown-field", "Matter"},
	    {"{\"matter\":\"调研融资需求\",\"matter\":\"别的事项\"}", "duplicate-key", "matter"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct api_resp *r =
		    vs_call("PATCH", vs_path(visit, ""), s.off.bearer, cases[i].json);
		assert_refused(r, cases[i].slug, cases[i].field);
		api_free(r);
	}
	/* every unknown member is named, with the members the edit takes */
	struct api_resp *r =
	    vs_call("PATCH", vs_path(visit, ""), s.off.bearer,
		    "{\"matter\":\"调研融资需求\",\"unit_id\":\"1\",\"official_name\":\"王五\"}");
	assert_refused(r, "unknown-field", "unit_id");
	api_assert_error_field(r, "official_name");
	const char *detail = api_json_str(r, "detail");
	assert_non_null(strstr(detail, "matter"));
	assert_non_null(strstr(detail, "attachment_ids"));
	api_free(r);

	/* the visit is as registered, with no edit */
	const char *p[] = {visit};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.visits WHERE id = $1::bigint"
			  " AND activity_type = 'research' AND matter = '了解企业用工情况'",
			  1, p),
	    1);
	assert_int_equal(vs_rows("rq.visit_edits", "visit_id", visit), 0);

	/* what it takes still works */
	r = vs_call("PATCH", vs_path(visit, ""), s.off.bearer, "{\"matter\":\"调研融资需求\"}");
	assert_int_equal(r->status, 200);
	api_free(r);
	assert_int_equal(vs_rows("rq.visit_edits", "visit_id", visit), 1);
	free(visit);
	vs_scene_free(&s);
}

/* A county admin's name correction cannot mark the name verified, or change anything else
 * of the enterprise, by adding members. */
static void test_enterprise_edit_refuses_other_members(void **state)
{
	(void)state;
	struct api_portal admin;
	api_portal_login(&admin, "jsonbody");
	struct ct_enterprise e;
	ct_enterprise_new(&e, "411502", "normal", false);
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/admin/enterprises/%s", e.id);
	const char *headers[] = {admin.cookie_header, admin.csrf_header, NULL};
	const struct {
		const char *json, *slug, *field;
	} cases[] = {
	    {"{\"name\":\"改正后的名称有限公司\",\"name_verified\":true}", "unknown-field",
	     "name_verified"},
	    {"{\"name\":\"改正后的名称有限公司\",\"county_code\":\"411503\"}", "unknown-field",
	     "county_code"},
	    {"{\"name\":\"改正后的名称有限公司\",\"name\":\"另一个名称有限公司\"}", "duplicate-key",
	     "name"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct api_resp *r =
		    api_call("PATCH", path, "application/json", cases[i].json, headers);
		assert_refused(r, cases[i].slug, cases[i].field);
		api_free(r);
	}
	const char *p[] = {e.id, e.name};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.enterprises WHERE id = $1::bigint"
				       " AND name = $2 AND NOT name_verified"
				       " AND county_code = '411502'",
				       2, p),
			 1);
	api_portal_free(&admin);
}

/* Every JSON route, not only the edits: a login with the username twice. */
static void test_login_with_a_key_twice_is_refused(void **state)
{
	(void)state;
	struct api_resp *r =
	    api_call("POST", "/api/v1/admin/login", "application/json",
		     "{\"username\":\"a\",\"username\":\"b\",\"password\":\"x\"}", NULL);
	assert_refused(r, "duplicate-key", "username");
	assert_null(api_header(r, "Set-Cookie"));
	api_free(r);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_registration_with_a_key_twice_is_refused),
	    cmocka_unit_test(test_registration_database_reads_what_c_checked),
	    cmocka_unit_test(test_evaluation_with_a_key_twice_is_refused),
	    cmocka_unit_test(test_edit_refuses_members_it_does_not_take),
	    cmocka_unit_test(test_enterprise_edit_refuses_other_members),
	    cmocka_unit_test(test_login_with_a_key_twice_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
