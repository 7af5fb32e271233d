/* GET /api/v1/admin/visits searched by enterprise, lead unit, official and flag (the
 * portal's 入企记录 search): each filter keeps exactly the visits it names, the filters
 * combine, a malformed one is 400 naming it, and a county admin of another county finds
 * nothing by naming the enterprise (row-level security still decides). */
#include "api.h"
#include "visits_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The ids of the answer's items, comma-separated (static buffer). */
static const char *ids_of(const struct api_portal *p, const char *query)
{
	static char out[512];
	char path[512];
	snprintf(path, sizeof(path), "/api/v1/admin/visits?limit=200%s", query);
	struct api_resp *r = mt_portal_get(p, path);
	if (r->status != 200)
		fail_msg("%s: %ld %s", query, r->status, r->body);
	out[0] = '\0';
	cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
	{
		size_t n = strlen(out);
		snprintf(out + n, sizeof(out) - n, "%s%s", n > 0 ? "," : "",
			 cJSON_GetObjectItem(it, "id")->valuestring);
	}
	api_free(r);
	return out;
}

static void assert_ids(const struct api_portal *p, const char *query, const char *want)
{
	const char *have = ids_of(p, query);
	if (strcmp(have, want) != 0)
		fail_msg("%s: expected [%s], got [%s]", query, want, have);
}

static char *visit(const struct vs_scene *s, bool far)
{
	cJSON *b = vs_body(s->ent.token, "visit");
	if (far)
		vs_body_location(b, VS_LAT + 0.03, VS_LON);
	char *id = vs_register_ok(s->off.bearer, b);
	cJSON_Delete(b);
	return id;
}

static void test_filters(void **state)
{
	(void)state;
	struct vs_scene a, b;
	vs_scene_new(&a);
	vs_scene_new(&b);
	char *a1 = visit(&a, false), *a2 = visit(&a, true), *b1 = visit(&b, false);
	char want[128], q[256];
	struct api_portal city;
	mt_portal_login(&city, "visits-filter", "city_admin", NULL);

	snprintf(want, sizeof(want), "%s,%s", a2, a1);
	snprintf(q, sizeof(q), "&unit_id=%s", a.unit.id);
	assert_ids(&city, q, want);
	snprintf(q, sizeof(q), "&official_id=%s", a.off.account_id);
	assert_ids(&city, q, want);
	snprintf(q, sizeof(q), "&enterprise_id=%s", a.ent.m.id);
	assert_ids(&city, q, want);
	snprintf(q, sizeof(q), "&enterprise_id=%s", b.ent.m.id);
	assert_ids(&city, q, b1);
	/* the far registration only, and the filters together */
	snprintf(q, sizeof(q), "&unit_id=%s&flag=far_away", a.unit.id);
	assert_ids(&city, q, a2);
	snprintf(q, sizeof(q), "&enterprise_id=%s&official_id=%s", a.ent.m.id, b.off.account_id);
	assert_ids(&city, q, "");
	snprintf(q, sizeof(q), "&unit_id=%s&activity_type=inspection", a.unit.id);
	assert_ids(&city, q, "");

	/* malformed: 400 naming the parameter */
	struct api_resp *r = mt_portal_get(&city, "/api/v1/admin/visits?flag=nope");
	api_assert_problem(r, 400, "bad-request");
	api_assert_error_field(r, "flag");
	api_free(r);
	r = mt_portal_get(&city, "/api/v1/admin/visits?unit_id=abc");
	api_assert_problem(r, 400, "bad-request");
	api_assert_error_field(r, "unit_id");
	api_free(r);
	r = mt_portal_get(&city, "/api/v1/admin/visits?official_id=0");
	api_assert_problem(r, 400, "bad-request");
	api_assert_error_field(r, "official_id");
	api_free(r);

	/* a county admin of another county names the enterprise: nothing */
	struct api_portal other;
	mt_portal_login(&other, "visits-filter-other", "county_admin", "411528");
	snprintf(q, sizeof(q), "&enterprise_id=%s", a.ent.m.id);
	assert_ids(&other, q, "");

	api_portal_free(&city);
	api_portal_free(&other);
	free(a1);
	free(a2);
	free(b1);
	vs_scene_free(&a);
	vs_scene_free(&b);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_filters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
