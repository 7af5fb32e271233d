/* The visits to the enterprise a manager acts for: the list (newest first, keyset, each
 * filter), the detail (official, certificate, companions, matter, location flags, edit
 * history, result), and nothing at all for a manager of another enterprise, an unbound
 * former manager or the official who registered the visit: through the API and asked
 * directly as the application role. */
#include "api.h"
#include "eval_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void assert_list(const char *bearer, const char *query, const char *expected)
{
	char path[512];
	snprintf(path, sizeof(path), EV_BASE "/visits%s", query);
	struct api_resp *r = api_get(path, bearer);
	if (r->status != 200)
		fail_msg("%s: %ld %s", path, r->status, r->body);
	assert_string_equal(ev_joined(r, "id"), expected);
	api_free(r);
}

/* The line of visit id in a page (fails when absent). */
static const cJSON *line_of(const struct api_resp *r, const char *id)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(r->json, "items"))
	{
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, "id");
		if (cJSON_IsString(v) && strcmp(v->valuestring, id) == 0)
			return it;
	}
	fail_msg("visit %s not in %s", id, r->body);
	return NULL;
}

static const char *member_string(const cJSON *o, const char *outer, const char *name)
{
	if (outer != NULL)
		o = cJSON_GetObjectItemCaseSensitive(o, outer);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void test_list_newest_first_with_filters(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	char *v1 = ev_visit(&sc);
	char *v2 = ev_confirmed_visit(&sc);
	cJSON *b = vs_body(sc.s.ent.token, "inspection");
	vs_body_exemption(b, "complaint_report");
	vs_body_str(b, "over_cap_reason", "复查整改情况");
	char *v3 = vs_register_ok(sc.s.off.bearer, b);
	cJSON_Delete(b);
	/* another enterprise's visit never shows */
	struct ev_scene other;
	ev_scene_new(&other);
	char *o1 = ev_visit(&other);

	char all[128], two_one[64];
	snprintf(all, sizeof(all), "%s,%s,%s", v3, v2, v1);
	snprintf(two_one, sizeof(two_one), "%s,%s", v2, v1);
	assert_list(sc.manager, "", all);
	/* a line: the names nested, the flags, the rating's value once rated */
	struct api_resp *r = ev_rate(sc.manager, v2, "basically_satisfied", NULL, false, false);
	assert_int_equal(r->status, 201);
	api_free(r);
	r = api_get(EV_BASE "/visits", sc.manager);
	assert_int_equal(r->status, 200);
	const cJSON *line = line_of(r, v2);
	assert_string_equal(member_string(line, NULL, "rating"), "basically_satisfied");
	assert_string_equal(member_string(line, NULL, "status"), "confirmed");
	assert_string_equal(member_string(line, "enterprise", "id"), sc.s.ent.m.id);
	assert_string_equal(member_string(line, "enterprise", "name"), sc.s.ent.m.name);
	assert_string_equal(member_string(line, "unit", "id"), sc.s.unit.id);
	assert_non_null(member_string(line, "unit", "name"));
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(line, "finish_overdue")));
	assert_true(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(line, "flags")));
	assert_null(cJSON_GetObjectItemCaseSensitive(line, "enterprise.id"));
	line = line_of(r, v1);
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(line, "rating")));
	assert_string_equal(member_string(line, NULL, "status"), "registered");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(line, "flags")), 0);
	api_free(r);
	assert_list(sc.manager, "?activity_type=inspection", v3);
	assert_list(sc.manager, "?activity_type=visit", two_one);
	assert_list(sc.manager, "?confirmation=confirmed", v2);
	assert_list(sc.manager, "?status=confirmed", v2);
	char pending[64];
	snprintf(pending, sizeof(pending), "%s,%s", v3, v1);
	assert_list(sc.manager, "?confirmation=pending", pending);
	char q[128];
	snprintf(q, sizeof(q), "?unit_id=%s", sc.s.unit.id);
	assert_list(sc.manager, q, all);
	snprintf(q, sizeof(q), "?unit_id=%s", other.s.unit.id);
	assert_list(sc.manager, q, "");
	/* dates are the city's: v1 moved to 2026-01-05 */
	vs_visit_move(v1, "2026-01-05T10:00:00+08:00");
	assert_list(sc.manager, "?from=2026-01-05&to=2026-01-05", v1);
	assert_list(sc.manager, "?to=2026-01-04", "");
	/* keyset: two at a time */
	r = api_get(EV_BASE "/visits?limit=2", sc.manager);
	assert_int_equal(r->status, 200);
	char first[64];
	snprintf(first, sizeof(first), "%s,%s", v3, v2);
	assert_string_equal(ev_joined(r, "id"), first);
	char after[64];
	snprintf(after, sizeof(after), "?limit=2&after=%s", ev_next_after(r));
	api_free(r);
	assert_list(sc.manager, after, v1);
	/* the other manager sees only their own enterprise's */
	assert_list(other.manager, "", o1);

	/* bad parameters name themselves */
	const char *bad[][2] = {{"?status=rated", "status"},
				{"?confirmation=yes", "confirmation"},
				{"?activity_type=party", "activity_type"},
				{"?from=2026-02-30", "from"},
				{"?to=yesterday", "to"},
				{"?unit_id=abc", "unit_id"},
				{"?limit=0", "limit"}};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(q, sizeof(q), EV_BASE "/visits%s", bad[i][0]);
		r = api_get(q, sc.manager);
		assert_int_equal(r->status, 400);
		api_assert_error_field(r, bad[i][1]);
		api_free(r);
	}
	free(v1);
	free(v2);
	free(v3);
	free(o1);
	ev_scene_free(&sc);
	ev_scene_free(&other);
}

static void test_detail(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	cJSON *b = vs_body(sc.s.ent.token, "visit");
	cJSON *companions = cJSON_AddArrayToObject(b, "companions");
	cJSON *c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "name", "李同行");
	cJSON_AddStringToObject(c, "unit", "市场监管局");
	cJSON_AddStringToObject(c, "cert_no", "HN-0002");
	cJSON_AddItemToArray(companions, c);
	char *id = vs_register_ok(sc.s.off.bearer, b);
	cJSON_Delete(b);
	/* an edit and the result, by the official */
	ev_edit_and_finish(&sc, id, "了解用工与社保", "已了解情况");

	struct api_resp *r = api_get(ev_path(id, ""), sc.manager);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "id"), id);
	assert_string_equal(api_json_str(r, "official.cert_no"), "HN-ZF-0001");
	assert_string_equal(api_json_str(r, "official.unit"), sc.s.unit.name);
	assert_string_equal(api_json_str(r, "matter"), "了解用工与社保");
	assert_string_equal(api_json_str(r, "result.done"), "已了解情况");
	assert_string_equal(api_json_str(r, "status"), "finished");
	cJSON *comp = cJSON_GetObjectItemCaseSensitive(r->json, "companions");
	assert_int_equal(cJSON_GetArraySize(comp), 1);
	cJSON *edits = cJSON_GetObjectItemCaseSensitive(r->json, "edits");
	assert_int_equal(cJSON_GetArraySize(edits), 1);
	cJSON *loc = cJSON_GetObjectItemCaseSensitive(r->json, "location");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(loc, "refused")));
	assert_true(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(loc, "distance_m")));
	assert_non_null(api_json_str(r, "registered_at"));
	assert_true(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(r->json, "attachments")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r->json, "answer")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r->json, "rating")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r->json, "can_answer")));
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(r->json, "can_rate")));
	api_free(r);

	r = api_get(EV_BASE "/visits/0", sc.manager);
	api_assert_problem(r, 404, "visit-unknown");
	api_free(r);
	r = api_get(EV_BASE "/visits/x1", sc.manager);
	api_assert_problem(r, 404, "visit-unknown");
	api_free(r);
	free(id);
	ev_scene_free(&sc);
}

static int64_t visible_visits(PGconn *c, const char *id)
{
	const char *p[] = {id};
	return api_sql_int(c, "SELECT count(*) FROM rq.visits WHERE id = $1::bigint", 1, p);
}

static void test_nothing_for_others(void **state)
{
	(void)state;
	struct ev_scene sc, other;
	ev_scene_new(&sc);
	ev_scene_new(&other);
	char *id = ev_confirmed_visit(&sc);
	struct api_resp *r = ev_rate(sc.manager, id, "satisfied", NULL, false, false);
	assert_int_equal(r->status, 201);
	api_free(r);
	/* a second manager of the enterprise, who then unbinds */
	char *former_id = NULL;
	char *former = vs_manager_new(&sc.s.ent, &former_id);
	r = api_get(ev_path(id, ""), former);
	assert_int_equal(r->status, 200);
	api_free(r);
	char path[128];
	snprintf(path, sizeof(path), EV_BASE "/enterprises/%s/unbind", sc.s.ent.m.id);
	r = vs_call("POST", path, former, NULL);
	assert_int_equal(r->status, 200);
	api_free(r);

	const char *outsiders[] = {other.manager, former, sc.s.off.bearer};
	for (size_t i = 0; i < 3; i++) {
		r = api_get(ev_path(id, ""), outsiders[i]);
		api_assert_problem(r, 404, "visit-unknown");
		api_free(r);
		r = vs_call("POST", ev_path(id, "/dispute"), outsiders[i],
			    "{\"category\":\"never_came\"}");
		api_assert_problem(r, 404, "visit-unknown");
		api_free(r);
		r = ev_rate(outsiders[i], id, "unsatisfied", "态度差", false, true);
		api_assert_problem(r, 404, "visit-unknown");
		api_free(r);
	}
	/* the former manager and the official act for no enterprise */
	r = api_get(EV_BASE "/visits", former);
	api_assert_problem(r, 409, "no-enterprise-selected");
	api_free(r);
	r = api_get(EV_BASE "/visits", sc.s.off.bearer);
	api_assert_problem(r, 409, "no-enterprise-selected");
	api_free(r);

	/* asked directly as the application role */
	const char *p[] = {id};
	PGconn *c = ev_app_as("account", other.manager_id, "account", NULL, NULL);
	assert_int_equal(visible_visits(c, id), 0);
	assert_int_equal(
	    api_sql_int(c, "SELECT count(*) FROM rq.evaluations WHERE visit_id = $1::bigint", 1, p),
	    0);
	assert_int_equal(api_sql_int(c,
				     "SELECT count(*) FROM rq.visit_answers"
				     " WHERE visit_id = $1::bigint",
				     1, p),
			 0);
	PQfinish(c);
	/* the evaluation pool's function, as that pool's role */
	c = api_db("evaluation");
	api_sql_exec(c, "BEGIN", 0, NULL);
	const char *pm[] = {other.manager_id};
	api_sql_exec(c, "SELECT rq.set_actor('account', $1, 'account', NULL, NULL, 'test', '')", 1,
		     pm);
	assert_null(api_sql_value(c, "SELECT rq.visit_for_enterprise($1::bigint)", 1, p));
	PQfinish(c);
	c = ev_app_as("account", former_id, "account", NULL, NULL);
	assert_int_equal(visible_visits(c, id), 0);
	PQfinish(c);
	/* the official sees their own visit (registration reads it) but not as the enterprise */
	c = ev_app_as("account", sc.s.off.account_id, "account", NULL, NULL);
	assert_int_equal(visible_visits(c, id), 1);
	PQfinish(c);
	c = api_db("evaluation");
	api_sql_exec(c, "BEGIN", 0, NULL);
	const char *po[] = {sc.s.off.account_id};
	api_sql_exec(c, "SELECT rq.set_actor('account', $1, 'account', NULL, NULL, 'test', '')", 1,
		     po);
	assert_null(api_sql_value(c, "SELECT rq.visit_for_enterprise($1::bigint)", 1, p));
	PQfinish(c);
	c = ev_app_as("account", sc.manager_id, "account", NULL, NULL);
	assert_int_equal(visible_visits(c, id), 1);
	assert_int_equal(
	    api_sql_int(c, "SELECT count(*) FROM rq.evaluations WHERE visit_id = $1::bigint", 1, p),
	    1);
	/* and writes nothing directly */
	char *st = api_sql_state(c, "UPDATE rq.evaluations SET value = 'unsatisfied'", 0, NULL);
	assert_string_equal(st, "42501");
	free(st);
	PQfinish(c);
	/* without an actor context: nothing */
	c = api_db("app");
	assert_int_equal(api_sql_int(c, "SELECT count(*) FROM rq.evaluations", 0, NULL), 0);
	assert_int_equal(api_sql_int(c, "SELECT count(*) FROM rq.cases", 0, NULL), 0);
	PQfinish(c);
	free(id);
	free(former);
	free(former_id);
	ev_scene_free(&sc);
	ev_scene_free(&other);
}

/* An official who also managed the enterprise: while bound, the list is the enterprise's;
 * once the binding has ended, nothing, though row-level security still shows them the
 * visits they registered there themselves. The API's unbind also clears the selection
 * (test_nothing_for_others); here the binding ends with the selection left in place. */
static void test_former_manager_who_registered(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	char *code = mt_activation_code(&sc.s.ent.m);
	struct api_resp *r = mt_claim(sc.s.off.bearer, &sc.s.ent.m, MT_LEGAL_REP, code);
	assert_int_equal(r->status, 201);
	api_free(r);
	free(code);
	char *id = ev_visit(&sc);
	assert_list(sc.s.off.bearer, "", id);
	const char *p[] = {sc.s.off.account_id, sc.s.ent.m.id};
	api_owner_write("UPDATE rq.manager_bindings SET status = 'unbound', unbound_at = now()"
			" WHERE account_id = $1::bigint AND enterprise_id = $2::bigint",
			2, p);
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.accounts WHERE id = $1::bigint"
				       " AND current_enterprise_id = $2::bigint",
				       2, p),
			 1);
	r = api_get(EV_BASE "/visits", sc.s.off.bearer);
	api_assert_problem(r, 409, "no-enterprise-selected");
	api_free(r);
	r = api_get(EV_BASE "/visits?after=1", sc.s.off.bearer);
	api_assert_problem(r, 409, "no-enterprise-selected");
	api_free(r);
	/* a bound manager past the last page: an empty page, not 409 */
	char path[128];
	snprintf(path, sizeof(path), EV_BASE "/visits?after=%s", id);
	r = api_get(path, sc.manager);
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r->json, "items")), 0);
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r->json, "next_after")));
	api_free(r);
	free(id);
	ev_scene_free(&sc);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_list_newest_first_with_filters),
	    cmocka_unit_test(test_detail),
	    cmocka_unit_test(test_nothing_for_others),
	    cmocka_unit_test(test_former_manager_who_registered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
