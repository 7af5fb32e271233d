/* POST /api/v1/registration/visits: a registration writes the visit, its lead unit, the two
 * 事前报备 filings, one notification per active manager (none for an unbound one) and the
 * Idempotency-Key in one go; the code can be the bare token or our own URL. Refusals
 * (no profile, unknown/revoked code, another format, enterprise not operating, inspection
 * without certificate) write nothing; an unverified official is accepted and flagged. */
#include "api.h"
#include "visits_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void assert_nothing_written(const struct vs_official *o)
{
	assert_int_equal(vs_account_visit_rows(o->account_id), 0);
}

static void test_register_writes_everything(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	char *m1 = NULL, *m2 = NULL, *gone = NULL;
	char *b1 = vs_manager_new(&s.ent, &m1);
	char *b2 = vs_manager_new(&s.ent, &m2);
	char *b3 = vs_manager_new(&s.ent, &gone);
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/evaluation/enterprises/%s/unbind", s.ent.m.id);
	struct api_resp *r = vs_call("POST", path, b3, NULL);
	assert_int_equal(r->status / 100, 2);
	api_free(r);

	cJSON *body = vs_body(s.ent.token, "research");
	r = vs_register(s.off.bearer, body);
	if (r->status != 201)
		fail_msg("register: %ld %s", r->status, r->body);
	const char *id = api_json_str(r, "id");
	assert_non_null(id);
	char *visit = strdup(id);
	char location[128];
	snprintf(location, sizeof(location), VS_VISITS "/%s", visit);
	api_assert_header(r, "Location", location);
	assert_string_equal(api_json_str(r, "status"), "registered");
	assert_string_equal(api_json_str(r, "activity_type"), "research");
	assert_string_equal(api_json_str(r, "enterprise.id"), s.ent.m.id);
	assert_string_equal(api_json_str(r, "enterprise.name"), s.ent.m.name);
	assert_non_null(api_json_str(r, "registered_at"));
	assert_non_null(api_json_str(r, "entered_at"));
	long d = vs_num(r->json, "distance_m");
	assert_in_range(d, 90, 110); /* 0.0009° of latitude */
	vs_assert_flags(r, (const char *const[]){NULL});
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "warnings")), 0);
	cJSON *filings = cJSON_GetObjectItem(r->json, "filings");
	assert_int_equal(cJSON_GetArraySize(filings), 2);
	assert_string_equal(cJSON_GetArrayItem(filings, 0)->valuestring, "unit");
	assert_string_equal(cJSON_GetArrayItem(filings, 1)->valuestring, "discipline_group");
	assert_int_equal(vs_num(r->json, "managers_notified"), 2);
	assert_true(api_audit_rows_of(r) >= 6); /* visit, unit, 2 filings, 2 notifications */
	api_free(r);

	/* the rows, as the owner sees them */
	const char *pv[] = {visit, s.off.account_id, s.unit.id, s.ent.m.id, s.ent.code_id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.visits WHERE id = $1::bigint"
			  " AND account_id = $2::bigint AND unit_id = $3::bigint"
			  " AND enterprise_id = $4::bigint AND code_id = $5::bigint"
			  " AND county_code = '411502' AND official_verified"
			  " AND official_cert_no = 'HN-ZF-0001' AND NOT location_refused"
			  " AND matter = '了解企业用工情况' AND flags = '{}'",
			  5, pv),
	    1);
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.visit_units WHERE visit_id ="
			  " $1::bigint AND unit_id = $2::bigint AND role = 'lead'"
			  " AND enterprise_id = $3::bigint AND activity_type = 'research'",
			  3, (const char *const[]){visit, s.unit.id, s.ent.m.id}),
	    1);
	assert_int_equal(vs_rows("rq.visit_units", "visit_id", visit), 1);
	const char *pf[] = {visit, s.unit.id, s.unit.discipline_group};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.filings WHERE visit_id = $1::bigint"
			  " AND phase = 'before' AND unit_id = $2::bigint AND"
			  " ((recipient = 'unit' AND discipline_group IS NULL) OR"
			  " (recipient = 'discipline_group' AND discipline_group = $3))",
			  3, pf),
	    2);
	assert_int_equal(vs_rows("rq.filings", "visit_id", visit), 2);
	const char *po[] = {visit, m1, m2};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.outbox WHERE visit_id = $1::bigint"
				       " AND kind = 'visit_registered' AND status = 'pending'"
				       " AND account_id IN ($2::bigint, $3::bigint)"
				       " AND payload->>'official' = '入企测试员'",
				       3, po),
			 2);
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.outbox WHERE visit_id = $1::bigint"
				       " AND account_id = $2::bigint",
				       2, (const char *const[]){visit, gone}),
			 0);
	assert_int_equal(vs_rows("rq.outbox", "visit_id", visit), 2);
	const char *pk[] = {s.off.account_id, visit};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.idempotency_keys"
				       " WHERE account_id = $1::bigint AND visit_id = $2::bigint"
				       " AND status = 201",
				       2, pk),
			 1);

	/* the managers see the visit; the unbound one no longer does */
	r = api_get(vs_path(visit, ""), b1);
	assert_int_equal(r->status, 200);
	api_free(r);
	r = api_get(vs_path(visit, ""), b3);
	api_assert_problem(r, 404, "visit-unknown");
	api_free(r);

	cJSON_Delete(body);
	free(visit);
	free(b1);
	free(b2);
	free(b3);
	free(m1);
	free(m2);
	free(gone);
	vs_scene_free(&s);
}

/* The QR holds <public base URL>/e/<token>: the mini-program may send it whole. */
static void test_register_with_code_url(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	char url[256];
	snprintf(url, sizeof(url), "%s/e/%s", api_env("RUQIMA_PUBLIC_BASE_URL"), s.ent.token);
	cJSON *body = vs_body(url, "visit");
	struct api_resp *r = vs_register(s.off.bearer, body);
	if (r->status != 201)
		fail_msg("register: %ld %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "enterprise.id"), s.ent.m.id);
	api_free(r);
	assert_int_equal(vs_rows("rq.visits", "account_id", s.off.account_id), 1);
	cJSON_Delete(body);
	vs_scene_free(&s);
}

static void test_profile_missing(void **state)
{
	(void)state;
	struct vs_enterprise e;
	vs_enterprise_new(&e, true);
	struct vs_official o;
	vs_account_new(&o);
	cJSON *body = vs_body(e.token, "visit");
	struct api_resp *r = vs_register(o.bearer, body);
	api_assert_problem(r, 409, "profile-missing");
	api_free(r);
	assert_nothing_written(&o);
	cJSON_Delete(body);
	vs_official_free(&o);
}

static void test_code_unknown(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	/* well-formed, never issued */
	cJSON *body = vs_body("AAAAAAAAAAAAAAAAAAAAAAAAzzzz", "visit");
	struct api_resp *r = vs_register(s.off.bearer, body);
	api_assert_problem(r, 404, "code-unknown");
	api_assert_error_field(r, "token");
	api_free(r);
	assert_nothing_written(&s.off);
	cJSON_Delete(body);
	vs_scene_free(&s);
}

static void test_code_revoked(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	const char *p[] = {s.ent.m.id};
	api_owner_write("SELECT rq.revoke_code($1::bigint, '海报遗失')", 1, p);
	cJSON *body = vs_body(s.ent.token, "visit");
	struct api_resp *r = vs_register(s.off.bearer, body);
	api_assert_problem(r, 410, "code-revoked");
	api_assert_error_field(r, "token");
	/* the date, never the internal reason */
	assert_null(strstr(r->body, "海报遗失"));
	api_free(r);
	assert_nothing_written(&s.off);
	cJSON_Delete(body);
	vs_scene_free(&s);
}

/* What another city's (or any other) QR code holds is refused before any lookup. */
static void test_token_of_another_format(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	char other_path[256];
	snprintf(other_path, sizeof(other_path), "%s/x/%s", api_env("RUQIMA_PUBLIC_BASE_URL"),
		 s.ent.token);
	char other_host[256];
	snprintf(other_host, sizeof(other_host), "https://other.city/e/%s", s.ent.token);
	const char *tokens[] = {"https://other.city/qr?id=1",	"ABC", other_path, other_host,
				"AAAAAAAAAAAAAAAAAAAAAAAA==zz", ""};
	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
		cJSON *body = vs_body(tokens[i], "visit");
		vs_assert_refused(s.off.bearer, body, 422, "validation", "token", tokens[i]);
		cJSON_Delete(body);
	}
	assert_nothing_written(&s.off);
	vs_scene_free(&s);
}

/* An enterprise leaving normal operation is refused as such, though the status change
 * also revoked its code; one whose code is somehow still active is refused all the same. */
static void test_enterprise_not_operating(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	const char *p[] = {s.ent.m.id};
	api_owner_write("UPDATE rq.enterprises SET business_status = 'abnormal'"
			" WHERE id = $1::bigint",
			1, p);
	cJSON *body = vs_body(s.ent.token, "visit");
	struct api_resp *r = vs_register(s.off.bearer, body);
	api_assert_problem(r, 422, "enterprise-not-operating");
	assert_non_null(strstr(api_json_str(r, "detail"), "经营异常"));
	api_free(r);

	const char *statuses[] = {"abnormal", "cancelled"};
	for (int i = 0; i < 2; i++) {
		PGconn *c = api_owner_tx();
		const char *ps[] = {s.ent.m.id, statuses[i]};
		api_sql_exec(c,
			     "UPDATE rq.enterprises SET business_status = $2 WHERE id = $1::bigint",
			     2, ps);
		api_sql_exec(c,
			     "UPDATE rq.codes SET status = 'active', revoked_at = NULL,"
			     " revoke_reason = NULL WHERE id = $1::bigint",
			     1, (const char *const[]){s.ent.code_id});
		api_sql_exec(c, "COMMIT", 0, NULL);
		PQfinish(c);
		r = vs_register(s.off.bearer, body);
		api_assert_problem(r, 422, "enterprise-not-operating");
		api_assert_error_field(r, "token");
		assert_non_null(strstr(api_json_str(r, "detail"), i == 0 ? "经营异常" : "注销"));
		api_free(r);
	}
	assert_nothing_written(&s.off);
	cJSON_Delete(body);
	vs_scene_free(&s);
}

static void test_unverified_official_flagged(void **state)
{
	(void)state;
	struct vs_unit u;
	vs_unit_new(&u, NULL);
	struct vs_enterprise e;
	vs_enterprise_new(&e, true);
	struct vs_official o;
	vs_official_new(&o, u.id, NULL, false);
	cJSON *body = vs_body(e.token, "visit");
	struct api_resp *r = vs_register(o.bearer, body);
	assert_int_equal(r->status, 201);
	vs_assert_flags(r, (const char *const[]){"official_unverified", NULL});
	assert_non_null(vs_warning(r, "official_unverified", NULL));
	const char *id = api_json_str(r, "id");
	const char *p[] = {id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.visits WHERE id = $1::bigint"
				       " AND NOT official_verified"
				       " AND flags = '{official_unverified}'",
				       1, p),
			 1);
	/* a unit without a discipline group: the filing is made, naming none */
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.filings WHERE visit_id = $1::bigint"
				       " AND discipline_group IS NULL",
				       1, p),
			 2);
	api_free(r);
	cJSON_Delete(body);
	vs_official_free(&o);
}

static void test_inspection_needs_certificate(void **state)
{
	(void)state;
	struct vs_unit u;
	vs_unit_new(&u, "纪检组");
	struct vs_enterprise e;
	vs_enterprise_new(&e, true);
	struct vs_official o;
	vs_official_new(&o, u.id, NULL, true);
	cJSON *body = vs_body(e.token, "inspection");
	vs_body_exemption(body, "complaint_report"); /* whatever the day of the month */
	struct api_resp *r = vs_register(o.bearer, body);
	api_assert_problem(r, 422, "certificate-required");
	api_assert_error_field(r, "activity_type");
	api_free(r);
	assert_nothing_written(&o);
	cJSON_Delete(body);

	/* the same official may visit without one */
	body = vs_body(e.token, "visit");
	r = vs_register(o.bearer, body);
	assert_int_equal(r->status, 201);
	vs_assert_flags(r, (const char *const[]){NULL});
	api_free(r);
	cJSON_Delete(body);
	vs_official_free(&o);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_register_writes_everything),
	    cmocka_unit_test(test_register_with_code_url),
	    cmocka_unit_test(test_profile_missing),
	    cmocka_unit_test(test_code_unknown),
	    cmocka_unit_test(test_code_revoked),
	    cmocka_unit_test(test_token_of_another_format),
	    cmocka_unit_test(test_enterprise_not_operating),
	    cmocka_unit_test(test_unverified_official_flagged),
	    cmocka_unit_test(test_inspection_needs_certificate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
