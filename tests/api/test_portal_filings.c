/* 双报备 filings and visits reach their readers. A registration files
 * "before" to the official's unit and to its discipline-inspection group, the result files
 * "after" to both; GET /api/v1/admin/filings gives a unit admin the filings to their unit and
 * a discipline inspector those to their group (every group's for one without a group, the
 * city level), each with its visit and, after, the result; GET /api/v1/admin/visits gives a
 * unit admin the visits their unit entered. The other unit's admin and the other group's
 * inspector do not see them; every other role is refused the filings (403). */
#include "api.h"
#include "eval_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A unit of its own discipline group with a verified official. */
struct desk {
	char group[96];
	struct vs_unit unit;
	struct vs_official off;
	struct api_portal admin;     /* the unit's admin */
	struct api_portal inspector; /* an inspector of the group */
};

static void desk_new(struct desk *d, const char *tag)
{
	snprintf(d->group, sizeof(d->group), "%s", api_unique(tag));
	vs_unit_new(&d->unit, d->group);
	vs_official_new(&d->off, d->unit.id, "HN-ZF-0002", true);
	mt_portal_login_with(&d->admin, "filings-unit", "unit_admin", "--unit", d->unit.id);
	mt_portal_login_with(&d->inspector, "filings-group", "discipline_inspector",
			     "--discipline-group", d->group);
}

static void desk_free(struct desk *d)
{
	vs_official_free(&d->off);
	api_portal_free(&d->admin);
	api_portal_free(&d->inspector);
}

/* A visit of d's official to e, finished when finished (the result "已核查完毕"). */
static char *visit_by(const struct desk *d, const struct vs_enterprise *e, bool finished)
{
	cJSON *b = vs_body(e->token, "visit");
	char *id = vs_register_ok(d->off.bearer, b);
	cJSON_Delete(b);
	if (finished) {
		struct api_resp *r = vs_call("POST", vs_path(id, "/finish"), d->off.bearer,
					     "{\"done\":\"已核查完毕\"}");
		if (r->status != 200)
			fail_msg("finish: %ld %s", r->status, r->body);
		api_free(r);
	}
	return id;
}

/* The filings of the portal user's list that report visit_id, as "phase/recipient" joined by
 * commas in the list's order; asserts what each says of itself and of its visit. */
static const char *filings_of(const struct api_portal *p, const char *query, const char *visit_id,
			      const struct desk *d)
{
	static char out[256];
	out[0] = '\0';
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/admin/filings?limit=200%s", query);
	struct api_resp *r = mt_portal_get(p, path);
	if (r->status != 200)
		fail_msg("GET %s: %ld %s", path, r->status, r->body);
	cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(r->json, "items"))
	{
		const cJSON *visit = cJSON_GetObjectItemCaseSensitive(it, "visit");
		if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(visit, "id")))
			fail_msg("a filing without its visit: %s", r->body);
		if (strcmp(cJSON_GetObjectItemCaseSensitive(visit, "id")->valuestring, visit_id) !=
		    0)
			continue;
		const char *phase = cJSON_GetObjectItemCaseSensitive(it, "phase")->valuestring;
		const char *recipient =
		    cJSON_GetObjectItemCaseSensitive(it, "recipient")->valuestring;
		assert_string_equal(
		    cJSON_GetObjectItemCaseSensitive(it, "phase_label")->valuestring,
		    strcmp(phase, "before") == 0 ? "事前报备" : "事后报备");
		const cJSON *unit = cJSON_GetObjectItemCaseSensitive(it, "unit");
		assert_string_equal(cJSON_GetObjectItemCaseSensitive(unit, "id")->valuestring,
				    d->unit.id);
		const cJSON *group = cJSON_GetObjectItemCaseSensitive(it, "discipline_group");
		if (strcmp(recipient, "discipline_group") == 0)
			assert_string_equal(group->valuestring, d->group);
		else
			assert_true(cJSON_IsNull(group));
		assert_string_equal(
		    cJSON_GetObjectItemCaseSensitive(visit, "official_name")->valuestring,
		    "入企测试员");
		const cJSON *result = cJSON_GetObjectItemCaseSensitive(it, "result");
		if (strcmp(phase, "after") == 0)
			assert_string_equal(
			    cJSON_GetObjectItemCaseSensitive(result, "done")->valuestring,
			    "已核查完毕");
		else
			assert_true(cJSON_IsNull(result));
		if (out[0] != '\0')
			strncat(out, ",", sizeof(out) - strlen(out) - 1);
		strncat(out, phase, sizeof(out) - strlen(out) - 1);
		strncat(out, "/", sizeof(out) - strlen(out) - 1);
		strncat(out, recipient, sizeof(out) - strlen(out) - 1);
	}
	api_free(r);
	return out;
}

static long visit_status(const struct api_portal *p, const char *visit_id)
{
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/admin/visits/%s", visit_id);
	struct api_resp *r = mt_portal_get(p, path);
	long status = r->status;
	if (status == 200)
		assert_string_equal(api_json_str(r, "id"), visit_id);
	api_free(r);
	return status;
}

/* Whether visit_id is on the first page of the portal user's visit list. */
static bool listed(const struct api_portal *p, const char *visit_id)
{
	struct api_resp *r = mt_portal_get(p, "/api/v1/admin/visits?limit=200");
	assert_int_equal(r->status, 200);
	bool found = strstr(ev_joined(r, "id"), visit_id) != NULL;
	api_free(r);
	return found;
}

static void test_filings_reach_unit_and_group(void **state)
{
	(void)state;
	struct desk a, b;
	desk_new(&a, "派驻甲组");
	desk_new(&b, "派驻乙组");
	struct vs_enterprise e;
	vs_enterprise_new(&e, true);
	char *va = visit_by(&a, &e, true);
	char *vb = visit_by(&b, &e, false);

	/* the unit admin: the filings to the unit, before and after, newest first */
	assert_string_equal(filings_of(&a.admin, "", va, &a), "after/unit,before/unit");
	assert_string_equal(filings_of(&a.admin, "&phase=before", va, &a), "before/unit");
	assert_string_equal(filings_of(&a.admin, "", vb, &b), "");
	assert_string_equal(filings_of(&b.admin, "", vb, &b), "before/unit");
	assert_string_equal(filings_of(&b.admin, "", va, &a), "");
	/* the group's inspector: the filings to the group */
	assert_string_equal(filings_of(&a.inspector, "", va, &a),
			    "after/discipline_group,before/discipline_group");
	assert_string_equal(filings_of(&a.inspector, "&phase=after", va, &a),
			    "after/discipline_group");
	assert_string_equal(filings_of(&a.inspector, "", vb, &b), "");
	assert_string_equal(filings_of(&b.inspector, "", vb, &b), "before/discipline_group");
	assert_string_equal(filings_of(&b.inspector, "", va, &a), "");
	/* an inspector of no group (the city level): every group's */
	struct api_portal city_di;
	mt_portal_login(&city_di, "filings-city-di", "discipline_inspector", NULL);
	assert_string_equal(filings_of(&city_di, "", va, &a),
			    "after/discipline_group,before/discipline_group");
	assert_string_equal(filings_of(&city_di, "", vb, &b), "before/discipline_group");

	/* the unit admin's visits: their unit's, not the other's */
	assert_true(listed(&a.admin, va));
	assert_false(listed(&a.admin, vb));
	assert_int_equal(visit_status(&a.admin, va), 200);
	assert_int_equal(visit_status(&a.admin, vb), 404);
	assert_int_equal(visit_status(&b.admin, va), 404);
	struct api_resp *r = mt_portal_get(&a.admin, "/api/v1/admin/visits?status=finished");
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(ev_joined(r, "id"), va));
	api_free(r);

	/* every other role: the filings are not theirs */
	static const char *const others[][2] = {{"city_admin", NULL},
						{"county_admin", "411502"},
						{"judicial_analyst", NULL},
						{"market_supervision", NULL}};
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		struct api_portal p;
		mt_portal_login(&p, "filings-other", others[i][0], others[i][1]);
		r = mt_portal_get(&p, "/api/v1/admin/filings");
		api_assert_problem(r, 403, "forbidden");
		assert_null(strstr(r->body, a.group));
		api_free(r);
		api_portal_free(&p);
	}
	/* nor a mini-program account's, the official's own included */
	r = api_get("/api/v1/admin/filings", a.off.bearer);
	assert_int_equal(r->status, 403);
	api_free(r);
	/* bad parameters */
	r = mt_portal_get(&a.admin, "/api/v1/admin/filings?phase=during");
	assert_int_equal(r->status, 400);
	api_assert_error_field(r, "phase");
	api_free(r);

	api_portal_free(&city_di);
	free(va);
	free(vb);
	desk_free(&a);
	desk_free(&b);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_filings_reach_unit_and_group),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
