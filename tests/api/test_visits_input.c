/* Bad request bodies on POST /api/v1/registration/visits: each missing, oversized,
 * mistyped or malformed field is 422 naming it (location.latitude, companions[0].name...)
 * and writes nothing. Credential photos must be the official's own and unused. */
#include "api.h"
#include "visits_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* n copies of the 3-byte character 长 (a character count above a limit). */
static char *chars(int n)
{
	char *s = malloc((size_t)n * 3 + 1);
	for (int i = 0; i < n; i++)
		memcpy(s + 3 * i, "长", 3);
	s[3 * n] = '\0';
	return s;
}

/* Replaces field of body by the JSON text value (NULL: removes it). */
static void set(cJSON *body, const char *field, const char *value)
{
	cJSON_DeleteItemFromObjectCaseSensitive(body, field);
	if (value != NULL) {
		cJSON *v = cJSON_Parse(value);
		if (v == NULL)
			fail_msg("bad JSON in test: %s", value);
		cJSON_AddItemToObject(body, field, v);
	}
}

static char *companions(int n, const char *extra)
{
	size_t cap = 200 + (size_t)n * 80 + (extra != NULL ? strlen(extra) : 0);
	char *s = malloc(cap);
	size_t len = 0;
	len += (size_t)snprintf(s + len, cap - len, "[");
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len,
					"%s{\"name\":\"李四\",\"unit\":\"市场监管局\"}",
					i > 0 ? "," : "");
	snprintf(s + len, cap - len, "%s%s]", n > 0 && extra != NULL ? "," : "",
		 extra != NULL ? extra : "");
	return s;
}

static void test_bad_fields(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	char *c501 = chars(501), *c51 = chars(51), *c101 = chars(101);
	char long_matter[1600], long_basis[1600], long_reason[1600], name51[400], unit101[600];
	snprintf(long_matter, sizeof(long_matter), "\"%s\"", c501);
	snprintf(long_basis, sizeof(long_basis), "\"%s\"", c501);
	snprintf(long_reason, sizeof(long_reason), "{\"category\":\"referral\",\"reason\":\"%s\"}",
		 c501);
	snprintf(name51, sizeof(name51), "[{\"name\":\"%s\",\"unit\":\"u\"}]", c51);
	snprintf(unit101, sizeof(unit101), "[{\"name\":\"n\",\"unit\":\"%s\"}]", c101);
	char *comp21 = companions(21, NULL);
	char *comp_bad_cert =
	    companions(1, "{\"name\":\"王五\",\"unit\":\"税务局\",\"cert_no\":\"A B\"}");
	char cert41[80];
	snprintf(cert41, sizeof(cert41), "[{\"name\":\"n\",\"unit\":\"u\",\"cert_no\":\"%041d\"}]",
		 7);
	char many_units[400] = "[", many_att[200] = "[";
	for (int i = 1; i <= 21; i++)
		snprintf(many_units + strlen(many_units), sizeof(many_units) - strlen(many_units),
			 "%s\"%d\"", i > 1 ? "," : "", 1000 + i);
	snprintf(many_units + strlen(many_units), sizeof(many_units) - strlen(many_units), "]");
	for (int i = 1; i <= 10; i++)
		snprintf(many_att + strlen(many_att), sizeof(many_att) - strlen(many_att),
			 "%s\"%d\"", i > 1 ? "," : "", i);
	snprintf(many_att + strlen(many_att), sizeof(many_att) - strlen(many_att), "]");
	struct {
		const char *activity; /* the body's activity_type */
		const char *field;    /* member set (or removed, value NULL) */
		const char *value;
		const char *error; /* the field errors[] must name */
	} cases[] = {
	    {"visit", "token", NULL, "token"},
	    {"visit", "token", "12345", "token"},
	    {"visit", "activity_type", NULL, "activity_type"},
	    {"visit", "activity_type", "\"party\"", "activity_type"},
	    {"visit", "activity_type", "1", "activity_type"},
	    {"visit", "matter", NULL, "matter"},
	    {"visit", "matter", "\"\"", "matter"},
	    {"visit", "matter", "\"   \"", "matter"},
	    {"visit", "matter", long_matter, "matter"},
	    {"visit", "matter", "42", "matter"},
	    {"visit", "legal_basis", "\"《行政处罚法》\"", "legal_basis"},
	    {"inspection", "legal_basis", NULL, "legal_basis"},
	    {"inspection", "legal_basis", long_basis, "legal_basis"},
	    {"visit", "companions", "\"李四\"", "companions"},
	    {"visit", "companions", comp21, "companions"},
	    {"visit", "companions", "[\"李四\"]", "companions[0]"},
	    {"visit", "companions", "[{\"unit\":\"税务局\"}]", "companions[0].name"},
	    {"visit", "companions", "[{\"name\":\"李四\"}]", "companions[0].unit"},
	    {"visit", "companions", name51, "companions[0].name"},
	    {"visit", "companions", unit101, "companions[0].unit"},
	    {"visit", "companions", comp_bad_cert, "companions[1].cert_no"},
	    {"visit", "companions", cert41, "companions[0].cert_no"},
	    {"visit", "joint_kind", "\"joint\"", "joint_kind"},
	    {"inspection", "joint_kind", "\"gang\"", "joint_kind"},
	    {"inspection", "joint_kind", "\"joint\"", "participating_unit_ids"},
	    {"inspection", "participating_unit_ids", "[\"12\"]", "participating_unit_ids"},
	    {"visit", "attachment_ids", many_att, "attachment_ids"},
	    {"visit", "attachment_ids", "\"5\"", "attachment_ids"},
	    {"visit", "attachment_ids", "[\"abc\"]", "attachment_ids"},
	    {"visit", "attachment_ids", "[-1]", "attachment_ids"},
	    {"visit", "attachment_ids", "[1.5]", "attachment_ids"},
	    {"visit", "attachment_ids", "[\"0\"]", "attachment_ids"},
	    {"visit", "attachment_ids", "[\"999999999999\"]", "attachment_ids"},
	    {"visit", "location", NULL, "location"},
	    {"visit", "location", "\"here\"", "location"},
	    {"visit", "location", "{}", "location.latitude"},
	    {"visit", "location", "{\"latitude\":91,\"longitude\":114,\"accuracy\":5}",
	     "location.latitude"},
	    {"visit", "location", "{\"latitude\":-90.5,\"longitude\":114,\"accuracy\":5}",
	     "location.latitude"},
	    {"visit", "location", "{\"latitude\":\"abc\",\"longitude\":114,\"accuracy\":5}",
	     "location.latitude"},
	    {"visit", "location", "{\"latitude\":\"32.1\",\"longitude\":114,\"accuracy\":5}",
	     "location.latitude"},
	    {"visit", "location", "{\"latitude\":32,\"longitude\":181,\"accuracy\":5}",
	     "location.longitude"},
	    {"visit", "location", "{\"latitude\":32}", "location.longitude"},
	    {"visit", "location", "{\"latitude\":32,\"longitude\":114,\"accuracy\":-1}",
	     "location.accuracy"},
	    {"visit", "location", "{\"refused\":\"yes\"}", "location.refused"},
	    {"visit", "location", "{\"refused\":true,\"latitude\":32,\"longitude\":114}",
	     "location"},
	    {"visit", "exemption", "\"投诉举报\"", "exemption"},
	    {"visit", "exemption", "{\"category\":\"boss_said_so\",\"reason\":\"r\"}",
	     "exemption.category"},
	    {"visit", "exemption", "{\"reason\":\"r\"}", "exemption.category"},
	    {"visit", "exemption", "{\"category\":\"referral\"}", "exemption.reason"},
	    {"visit", "exemption", long_reason, "exemption.reason"},
	    {"visit", "over_cap_reason", "\"\"", "over_cap_reason"},
	    {"visit", "over_cap_reason", long_matter, "over_cap_reason"},
	    {"visit", "backfill_reason", long_matter, "backfill_reason"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *body = vs_body(s.ent.token, cases[i].activity);
		set(body, cases[i].field, cases[i].value);
		char what[64];
		snprintf(what, sizeof(what), "case %zu (%s)", i, cases[i].error);
		vs_assert_refused(s.off.bearer, body, 422, "validation", cases[i].error, what);
		cJSON_Delete(body);
	}
	/* 21 participating units of a joint inspection */
	cJSON *body = vs_body(s.ent.token, "inspection");
	set(body, "joint_kind", "\"joint\"");
	set(body, "participating_unit_ids", many_units);
	vs_assert_refused(s.off.bearer, body, 422, "validation", "participating_unit_ids",
			  "21 units");
	cJSON_Delete(body);
	/* several bad fields at once: all named */
	body = vs_body(s.ent.token, "visit");
	set(body, "matter", NULL);
	set(body, "location", "{\"latitude\":91,\"longitude\":-181}");
	struct api_resp *r = vs_register(s.off.bearer, body);
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "matter");
	api_assert_error_field(r, "location.latitude");
	api_assert_error_field(r, "location.longitude");
	api_free(r);
	cJSON_Delete(body);
	/* not a JSON object at all */
	r = vs_post(s.off.bearer, vs_key(), "[1,2]");
	assert_int_equal(r->status / 100, 4);
	api_free(r);
	r = vs_post(s.off.bearer, vs_key(), "{\"token\":");
	assert_int_equal(r->status / 100, 4);
	api_free(r);

	assert_int_equal(vs_account_visit_rows(s.off.account_id), 0);
	free(comp21);
	free(comp_bad_cert);
	free(c501);
	free(c51);
	free(c101);
	vs_scene_free(&s);
}

/* The limits themselves pass: 500 characters of matter, 20 companions with cert_no. */
static void test_limits_accepted(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	char *c500 = chars(500);
	cJSON *body = vs_body(s.ent.token, "visit");
	vs_body_str(body, "matter", c500);
	char *comp20 =
	    companions(19, "{\"name\":\"王五\",\"unit\":\"税务局\",\"cert_no\":\"HN-1\"}");
	set(body, "companions", comp20);
	struct api_resp *r = vs_register(s.off.bearer, body);
	if (r->status != 201)
		fail_msg("%ld %s", r->status, r->body);
	const char *p[] = {api_json_str(r, "id")};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.visits WHERE id = $1::bigint"
				       " AND char_length(matter) = 500"
				       " AND jsonb_array_length(companions) = 20"
				       " AND companions->19->>'cert_no' = 'HN-1'",
				       1, p),
			 1);
	api_free(r);
	free(comp20);
	free(c500);
	cJSON_Delete(body);
	vs_scene_free(&s);
}

static void test_attachments_own_and_unused(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	struct vs_official other;
	vs_official_new(&other, s.unit.id, NULL, true);
	char *mine = vs_attachment_new(s.off.account_id);
	char *theirs = vs_attachment_new(other.account_id);

	cJSON *body = vs_body(s.ent.token, "visit");
	cJSON *ids = cJSON_AddArrayToObject(body, "attachment_ids");
	cJSON_AddItemToArray(ids, cJSON_CreateString(theirs));
	struct api_resp *r = vs_register(s.off.bearer, body);
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "attachment_ids");
	api_free(r);
	assert_int_equal(vs_account_visit_rows(s.off.account_id), 0);

	cJSON_ReplaceItemInArray(ids, 0, cJSON_CreateString(mine));
	r = vs_register(s.off.bearer, body);
	assert_int_equal(r->status, 201);
	const char *p[] = {api_json_str(r, "id"), mine};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.visit_attachments"
				       " WHERE visit_id = $1::bigint AND attachment_id = $2::bigint"
				       " AND purpose = 'credential' AND removed_at IS NULL",
				       2, p),
			 1);
	api_free(r);
	/* used once: not again for another visit */
	struct vs_enterprise e2;
	vs_enterprise_new(&e2, true);
	vs_body_str(body, "token", e2.token);
	r = vs_register(s.off.bearer, body);
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "attachment_ids");
	api_free(r);
	assert_int_equal(vs_rows("rq.visits", "account_id", s.off.account_id), 1);
	free(mine);
	free(theirs);
	cJSON_Delete(body);
	vs_official_free(&other);
	vs_scene_free(&s);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bad_fields),
	    cmocka_unit_test(test_limits_accepted),
	    cmocka_unit_test(test_attachments_own_and_unused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
