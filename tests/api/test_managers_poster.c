/* Managers get the printable poster of each enterprise they manage from their list,
 * without the token: the listed path gives the A4 PNG whose QR decodes to the code's URL;
 * no binding (never, or no longer) gives 404, and so does an enterprise without a code. */
#include "api.h"
#include "codes_support.h"
#include "managers_support.h"
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned be32(const unsigned char *p)
{
	return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

static void test_poster_of_managed_enterprise(void **state)
{
	(void)state;
	struct mt_enterprise e, other;
	mt_enterprise_new(&e, "411502", "normal");
	mt_enterprise_new(&other, "411502", "normal");
	const char *pe[] = {e.id};
	mt_owner_write("SELECT rq.issue_code($1::bigint)", 1, pe);
	const char *po[] = {other.id};
	mt_owner_write("SELECT rq.issue_code($1::bigint)", 1, po);
	char *token = ct_active_token(e.id);
	assert_non_null(token);
	char path[256];
	snprintf(path, sizeof(path), "/api/v1/registration/codes/%s", token);
	struct api_resp *r = api_get(path, NULL);
	assert_int_equal(r->status, 200);
	char *url = strdup(api_json_str(r, "code.url"));
	api_free(r);

	char *bearer = mt_account("mgr-poster", NULL);
	char *code = mt_activation_code(&e);
	r = mt_claim(bearer, &e, MT_LEGAL_REP, code);
	assert_int_equal(r->status, 201);
	api_free(r);

	r = api_get("/api/v1/evaluation/enterprises", bearer);
	cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 0);
	char *poster = strdup(cJSON_GetObjectItem(first, "poster")->valuestring);
	assert_non_null(cJSON_GetObjectItem(first, "serial")->valuestring);
	assert_null(strstr(r->body, token)); /* the list does not hand out the token */
	api_free(r);

	r = api_get(poster, bearer);
	assert_int_equal(r->status, 200);
	api_assert_header(r, "Content-Type", "image/png");
	assert_true(r->len > 24);
	assert_memory_equal(r->body, "\x89PNG\r\n\x1a\n", 8);
	assert_int_equal(be32((const unsigned char *)r->body + 16), 2480);
	assert_int_equal(be32((const unsigned char *)r->body + 20), 3508);
	char *decoded = tc_zbar(r->body, r->len);
	assert_string_equal(decoded, url);
	free(decoded);
	api_free(r);

	/* no session, another's enterprise, after unbinding: 404 / 401 */
	r = api_get(poster, NULL);
	assert_int_equal(r->status, 401);
	api_free(r);
	snprintf(path, sizeof(path), "/api/v1/evaluation/enterprises/%s/poster.png", other.id);
	r = api_get(path, bearer);
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	snprintf(path, sizeof(path), "/api/v1/evaluation/enterprises/%s/unbind", e.id);
	r = api_post_json(path, "{}", bearer);
	assert_int_equal(r->status, 200);
	api_free(r);
	r = api_get(poster, bearer);
	api_assert_problem(r, 404, "not-found");
	api_free(r);

	free(poster);
	free(code);
	free(bearer);
	free(url);
	free(token);
}

static void test_no_code_no_poster(void **state)
{
	(void)state;
	struct mt_enterprise e;
	mt_enterprise_new(&e, "411502", "normal");
	char *bearer = mt_account("mgr-nocode", NULL);
	char *code = mt_activation_code(&e);
	struct api_resp *r = mt_claim(bearer, &e, MT_LEGAL_REP, code);
	assert_int_equal(r->status, 201);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json, "poster")));
	api_free(r);
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/evaluation/enterprises/%s/poster.png", e.id);
	r = api_get(path, bearer);
	api_assert_problem(r, 404, "code-not-issued");
	api_free(r);
	free(code);
	free(bearer);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_poster_of_managed_enterprise),
	    cmocka_unit_test(test_no_code_no_poster),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
