/* The county office's work on its enterprises (issue 12, item 11): searching by name,
 * credit or project code and serial; an enterprise in full (GET /api/v1/admin/enterprises/
 * {id}) with its codes, managers and visit counts; ending a manager's binding with a reason
 * (audited; the manager's mini-program no longer shows the enterprise). A county admin acts
 * on their county only: another county's admin gets 404 and changes nothing, roles that do
 * not keep enterprises get 403. (The verified=false queue: tests/api/test_register_scope.c.) */
#include "api.h"
#include "api_register.h"
#include "codes_support.h"
#include "visits_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNTY	     "411502" /* vs_enterprise_new's */
#define OTHER_COUNTY "411503"
#define ADMIN_ENT    "/api/v1/admin/enterprises/"

/* The enterprise with a visit, a manager and a re-issued code; a second one with a manager
 * of its own; a third one the first manager also manages (bound later). */
static struct vs_scene scene;
static struct vs_enterprise other, second;
static char *manager, *manager_account, *other_manager;
static char visit_id[24], serial[32];
static struct api_session county, elsewhere, city;

static int setup(void **state)
{
	(void)state;
	vs_scene_new(&scene);
	manager = vs_manager_new(&scene.ent, &manager_account);
	cJSON *body = vs_body(scene.ent.token, "visit");
	char *v = vs_register_ok(scene.off.bearer, body);
	snprintf(visit_id, sizeof(visit_id), "%s", v);
	free(v);
	/* a second registration, made by mistake and withdrawn: no entry */
	v = vs_register_ok(scene.off.bearer, body);
	cJSON_Delete(body);
	struct api_resp *w =
	    vs_call("POST", vs_path(v, "/withdraw"), scene.off.bearer, "{\"reason\":\"重复登记\"}");
	if (w->status != 200)
		fail_msg("withdraw: %ld %s", w->status, w->body);
	api_free(w);
	free(v);
	struct ct_run run;
	ct_cli(&run, (const char *const[]){"codes", "reissue", "--uscc", scene.ent.m.uscc,
					   "--reason", "海报损坏", NULL});
	if (run.status != 0)
		fail_msg("reissue: %s", run.err);
	ct_run_free(&run);
	const char *p[] = {scene.ent.m.id};
	char *s = api_owner_value("SELECT serial FROM rq.codes WHERE enterprise_id = $1::bigint"
				  " AND status = 'active'",
				  1, p);
	snprintf(serial, sizeof(serial), "%s", s);
	free(s);
	vs_enterprise_new(&other, false);
	other_manager = vs_manager_new(&other, NULL);
	vs_enterprise_new(&second, false);
	char *code = mt_activation_code(&second.m);
	struct api_resp *r = mt_claim(manager, &second.m, MT_LEGAL_REP, code);
	if (r->status != 201)
		fail_msg("second claim: %ld %s", r->status, r->body);
	api_free(r);
	free(code);
	api_session_login(&county, "detail-county", "county_admin", COUNTY);
	api_session_login(&elsewhere, "detail-elsewhere", "county_admin", OTHER_COUNTY);
	api_session_login(&city, "detail-city", "city_admin", NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	api_session_end(&county);
	api_session_end(&elsewhere);
	api_session_end(&city);
	vs_scene_free(&scene);
	free(manager);
	free(manager_account);
	free(other_manager);
	return 0;
}

/* Searches with q (URL-encoded by the caller) and says whether the enterprise is found. */
static bool search_finds(const struct api_session *s, const char *q, const char *id)
{
	char path[512];
	snprintf(path, sizeof(path), "/api/v1/admin/enterprises?limit=200&q=%s", q);
	struct api_resp *r = api_session_call(s, "GET", path, NULL);
	if (r->status != 200)
		fail_msg("search %s: %ld %s", q, r->status, r->body);
	bool found = false;
	cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r->json, "items"))
	{
		found |= strcmp(cJSON_GetObjectItemCaseSensitive(e, "id")->valuestring, id) == 0;
		if (strcmp(cJSON_GetObjectItemCaseSensitive(e, "county_code")->valuestring,
			   COUNTY) != 0 &&
		    s == &county)
			fail_msg("search %s showed another county: %s", q, r->body);
	}
	api_free(r);
	return found;
}

static void search_by_name_code_and_serial(void **state)
{
	(void)state;
	const char *id = scene.ent.m.id;
	/* part of the name: the unique tail of "管理人测试企业<tail>有限公司" */
	char part[32];
	snprintf(part, sizeof(part), "%.7s", scene.ent.m.uscc + 10);
	assert_true(search_finds(&county, part, id));
	/* a whole credit code, as typed (case ignored) and a serial, surrounding blanks ignored */
	assert_true(search_finds(&county, scene.ent.m.uscc, id));
	char lower[19];
	snprintf(lower, sizeof(lower), "%s", scene.ent.m.uscc);
	for (char *c = lower; *c != '\0'; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	assert_true(search_finds(&county, lower, id));
	char padded[64];
	snprintf(padded, sizeof(padded), "%%20%s%%20", serial);
	assert_true(search_finds(&county, padded, id));
	/* the revoked code's serial names the enterprise too */
	const char *p[] = {id};
	char *old = api_owner_value("SELECT serial FROM rq.codes WHERE enterprise_id = $1::bigint"
				    " AND status = 'revoked'",
				    1, p);
	assert_true(search_finds(&county, old, id));
	free(old);
	/* a part of a code is no code; wildcards are literal characters */
	char half[10];
	snprintf(half, sizeof(half), "%.9s", scene.ent.m.uscc);
	assert_false(search_finds(&county, half, id));
	assert_false(search_finds(&county, "%25", id));
	assert_false(search_finds(&county, "_", id));
	/* a name found by the city, never by another county */
	assert_true(search_finds(&city, part, id));
	assert_false(search_finds(&elsewhere, scene.ent.m.uscc, id));
	assert_false(search_finds(&elsewhere, part, id));

	/* a construction project by its project code and by its name */
	char project[40];
	snprintf(project, sizeof(project), "2024-%s-SEARCH-%.4s", COUNTY, scene.ent.m.uscc + 12);
	const char *pp[] = {project, COUNTY};
	PGconn *c = api_owner_tx();
	char *pid =
	    api_sql_value(c,
			  "INSERT INTO rq.enterprises (project_code, name, register_name,"
			  " county_code) VALUES ($1, '检索测试在建项目', '检索测试登记名项目', $2)"
			  " RETURNING id",
			  2, pp);
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
	assert_true(search_finds(&county, project, pid));
	/* 在建项目, a part of the name shown, in Chinese */
	assert_true(search_finds(&county, "%E5%9C%A8%E5%BB%BA%E9%A1%B9%E7%9B%AE", pid));
	free(pid);

	/* a malformed search is named */
	char longer[102];
	memset(longer, 'a', 101);
	longer[101] = '\0';
	/* too long, blank, a line break */
	const char *const bad[] = {longer, "%20%20", "a%0Ab"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char path[512];
		snprintf(path, sizeof(path), "/api/v1/admin/enterprises?q=%s", bad[i]);
		struct api_resp *r = api_session_call(&county, "GET", path, NULL);
		api_assert_problem(r, 400, "bad-request");
		api_assert_error_field(r, "q");
		api_free(r);
	}
}

static struct api_resp *detail(const struct api_session *s, const char *id)
{
	char path[128];
	snprintf(path, sizeof(path), ADMIN_ENT "%s", id);
	return api_session_call(s, "GET", path, NULL);
}

static cJSON *member(const cJSON *o, const char *name)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	if (v == NULL)
		fail_msg("no %s", name);
	return v;
}

static void detail_with_codes_managers_and_visits(void **state)
{
	(void)state;
	struct api_resp *r = detail(&county, scene.ent.m.id);
	if (r->status != 200)
		fail_msg("detail: %ld %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "name"), scene.ent.m.name);
	assert_string_equal(api_json_str(r, "serial"), serial);
	assert_true(cJSON_IsTrue(member(r->json, "in_scope")));
	cJSON *codes = member(r->json, "codes");
	assert_int_equal(cJSON_GetArraySize(codes), 2);
	cJSON *newest = cJSON_GetArrayItem(codes, 0), *first = cJSON_GetArrayItem(codes, 1);
	assert_string_equal(member(newest, "status")->valuestring, "active");
	assert_string_equal(member(newest, "serial")->valuestring, serial);
	assert_string_equal(member(first, "status")->valuestring, "revoked");
	assert_string_equal(member(first, "revoke_reason")->valuestring, "海报损坏");
	assert_null(cJSON_GetObjectItemCaseSensitive(newest, "token"));
	cJSON *managers = member(r->json, "managers");
	assert_int_equal(cJSON_GetArraySize(managers), 1);
	cJSON *m = cJSON_GetArrayItem(managers, 0);
	assert_string_equal(member(m, "status")->valuestring, "active");
	assert_string_equal(member(m, "account_id")->valuestring, manager_account);
	assert_string_equal(member(m, "phone")->valuestring, MT_PHONE);
	assert_true(cJSON_IsNull(member(m, "end_reason")));
	cJSON *visits = member(r->json, "visits");
	assert_int_equal((int)member(visits, "total")->valuedouble, 1);
	assert_int_equal((int)member(visits, "this_month")->valuedouble, 1);
	assert_int_equal((int)member(visits, "this_year")->valuedouble, 1);
	assert_int_equal((int)member(visits, "inspections_this_year")->valuedouble, 0);
	assert_int_equal((int)member(visits, "withdrawn")->valuedouble, 1);
	assert_true(cJSON_IsString(member(visits, "last_entered_at")));
	api_free(r);

	/* the city admin sees it too */
	r = detail(&city, scene.ent.m.id);
	assert_int_equal(r->status, 200);
	api_free(r);
}

static void detail_is_the_countys_own(void **state)
{
	(void)state;
	/* another county: exactly like an enterprise that does not exist */
	struct api_resp *r = detail(&elsewhere, scene.ent.m.id);
	api_assert_problem(r, 404, "not-found");
	assert_null(strstr(r->body, scene.ent.m.name));
	api_free(r);
	r = detail(&county, "999999999999");
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	r = detail(&county, "abc");
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	/* roles that do not keep enterprises: refused before anything is read */
	static const char *const roles[] = {"market_supervision", "discipline_inspector",
					    "judicial_analyst"};
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		struct api_session s;
		api_session_login(&s, "detail-role", roles[i], NULL);
		r = detail(&s, scene.ent.m.id);
		if (r->status != 403)
			fail_msg("%s: %ld %s", roles[i], r->status, r->body);
		api_free(r);
		api_session_end(&s);
	}
	/* nor is a mini-program account (the enterprise's own manager) a portal user */
	char path[64];
	snprintf(path, sizeof(path), ADMIN_ENT "%s", scene.ent.m.id);
	r = api_get(path, manager);
	assert_int_equal(r->status, 403);
	assert_null(strstr(r->body, MT_PHONE));
	api_free(r);
}

static const char *binding_of(const char *enterprise_id)
{
	static char id[24];
	const char *p[] = {enterprise_id};
	char *v = api_owner_value("SELECT id FROM rq.manager_bindings"
				  " WHERE enterprise_id = $1::bigint ORDER BY id DESC LIMIT 1",
				  1, p);
	assert_non_null(v);
	snprintf(id, sizeof(id), "%s", v);
	free(v);
	return id;
}

static struct api_resp *end_binding(const struct api_session *s, const char *enterprise_id,
				    const char *binding_id, const char *json)
{
	char path[160];
	snprintf(path, sizeof(path), ADMIN_ENT "%s/managers/%s/unbind", enterprise_id, binding_id);
	return api_session_call(s, "POST", path, json);
}

static char *binding_status(const char *binding_id)
{
	const char *p[] = {binding_id};
	return api_owner_value("SELECT status FROM rq.manager_bindings WHERE id = $1::bigint", 1,
			       p);
}

static void assert_binding(const char *binding_id, const char *want)
{
	char *st = binding_status(binding_id);
	assert_string_equal(st, want);
	free(st);
}

/* Nobody but the enterprise's county office and the city ends a binding, and only with a
 * reason; refused attempts change nothing and write no audit row. */
static void ending_a_binding_is_refused_to_others(void **state)
{
	(void)state;
	char binding[24], other_binding[24];
	snprintf(binding, sizeof(binding), "%s", binding_of(scene.ent.m.id));
	snprintf(other_binding, sizeof(other_binding), "%s", binding_of(other.m.id));
	const char *reason = "{\"reason\":\"已离职\"}";

	struct api_resp *r = end_binding(&elsewhere, scene.ent.m.id, binding, reason);
	api_assert_problem(r, 404, "not-found");
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	struct api_session ms;
	api_session_login(&ms, "detail-ms", "market_supervision", NULL);
	r = end_binding(&ms, scene.ent.m.id, binding, reason);
	api_assert_problem(r, 403, "forbidden");
	api_free(r);
	api_session_end(&ms);
	/* another enterprise's binding is not this enterprise's */
	r = end_binding(&county, scene.ent.m.id, other_binding, reason);
	api_assert_problem(r, 404, "not-found");
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	r = end_binding(&county, scene.ent.m.id, "999999999999", reason);
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	/* a reason is required */
	r = end_binding(&county, scene.ent.m.id, binding, "{}");
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "reason");
	api_free(r);
	r = end_binding(&county, scene.ent.m.id, binding, "{\"reason\":\"   \"}");
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "reason");
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	assert_binding(binding, "active");
	assert_binding(other_binding, "active");
	/* without the CSRF token nothing happens either */
	char path[160];
	snprintf(path, sizeof(path), ADMIN_ENT "%s/managers/%s/unbind", scene.ent.m.id, binding);
	const char *headers[] = {county.cookie_h, NULL};
	r = api_call("POST", path, "application/json", reason, headers);
	assert_int_equal(r->status, 403);
	api_free(r);
	assert_binding(binding, "active");
}

static void county_ends_a_binding_and_the_manager_loses_the_enterprise(void **state)
{
	(void)state;
	char binding[24];
	snprintf(binding, sizeof(binding), "%s", binding_of(scene.ent.m.id));
	/* before: the manager acts for the enterprise */
	struct api_resp *r = api_get("/api/v1/evaluation/enterprises", manager);
	assert_string_equal(api_json_str(r, "current_enterprise_id"), scene.ent.m.id);
	api_free(r);
	char visit_path[96];
	snprintf(visit_path, sizeof(visit_path), "/api/v1/evaluation/visits/%s", visit_id);
	r = api_get(visit_path, manager);
	assert_int_equal(r->status, 200);
	api_free(r);

	r = end_binding(&county, scene.ent.m.id, binding, "{\"reason\":\"该管理人员已离职\"}");
	if (r->status != 200)
		fail_msg("end: %ld %s", r->status, r->body);
	cJSON *m = cJSON_GetArrayItem(member(r->json, "managers"), 0);
	assert_string_equal(member(m, "status")->valuestring, "unbound");
	assert_string_equal(member(m, "end_reason")->valuestring, "该管理人员已离职");
	assert_true(cJSON_IsString(member(m, "unbound_at")));
	const char *pu[] = {county.username};
	char *admin_id =
	    api_owner_value("SELECT id FROM rq.admin_users WHERE username = $1", 1, pu);
	assert_string_equal(member(m, "ended_by")->valuestring, admin_id);
	/* audited under the request, as the county admin: the binding and the account's
	 * current enterprise */
	char *rid = api_request_id(r);
	const char *pr[] = {rid};
	char *who = api_owner_value(
	    "SELECT string_agg(table_name || ':' || actor_role || ':' || actor_id, ','"
	    " ORDER BY table_name) FROM audit.log WHERE request_id = $1",
	    1, pr);
	char want[256];
	snprintf(want, sizeof(want),
		 "rq.accounts:county_admin:%s,rq.manager_bindings:county_admin:%s", admin_id,
		 admin_id);
	assert_string_equal(who, want);
	free(who);
	char *why = api_owner_value("SELECT new_row->>'end_reason' FROM audit.log"
				    " WHERE request_id = $1 AND table_name = 'rq.manager_bindings'",
				    1, pr);
	assert_string_equal(why, "该管理人员已离职");
	free(why);
	free(rid);
	free(admin_id);
	api_free(r);
	assert_binding(binding, "unbound");

	/* the manager's mini-program: the enterprise is gone, and its visits with it; the
	 * enterprise they still manage is the current one now */
	r = api_get("/api/v1/evaluation/enterprises", manager);
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(member(r->json, "items")), 1);
	assert_string_equal(api_json_str(r, "current_enterprise_id"), second.m.id);
	api_free(r);
	r = api_get(visit_path, manager);
	assert_int_equal(r->status, 404);
	api_free(r);
	r = api_get("/api/v1/evaluation/visits", manager);
	assert_int_equal(r->status, 200);
	assert_null(strstr(r->body, scene.ent.m.name));
	api_free(r);
	char select[96];
	snprintf(select, sizeof(select), "/api/v1/evaluation/enterprises/%s/select",
		 scene.ent.m.id);
	r = api_post_json(select, NULL, manager);
	api_assert_problem(r, 404, "not-found");
	api_free(r);

	/* once is enough; the other enterprise's manager is untouched */
	r = end_binding(&county, scene.ent.m.id, binding, "{\"reason\":\"再次解除\"}");
	api_assert_problem(r, 409, "binding-ended");
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	assert_binding(binding_of(other.m.id), "active");
	/* the detail keeps the history */
	r = detail(&county, scene.ent.m.id);
	assert_int_equal(cJSON_GetArraySize(member(r->json, "managers")), 1);
	api_free(r);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(search_by_name_code_and_serial),
	    cmocka_unit_test(detail_with_codes_managers_and_visits),
	    cmocka_unit_test(detail_is_the_countys_own),
	    cmocka_unit_test(ending_a_binding_is_refused_to_others),
	    cmocka_unit_test(county_ends_a_binding_and_the_manager_loses_the_enterprise),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
