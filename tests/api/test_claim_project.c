/* Construction projects (在建项目) can be claimed (issue 12, item 2). A project carries a
 * project code, not a credit code; its register names a responsible unit (项目单位/建设单位),
 * which the import keeps as its legal_rep. A claim gives project_code instead of uscc and is
 * handled exactly as one by credit code: bound at once with the slip's activation code,
 * or a request the county office approves; a wrong unit or code is the one generic 403 and
 * counts as a failure. Exactly one of the two codes is given. */
#include "api.h"
#include "api_register.h"
#include "codes_support.h"
#include "managers_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNTY "411526"
#define UNIT   "潢川县城市建设投资有限公司"
#define CLAIM  "/api/v1/evaluation/enterprises/claim"

static char project[64], project_id[24];

/* Asserts that sql ($1 a, and $2 b unless NULL), a count read as the owner, is want. */
static void assert_count(const char *sql, const char *a, const char *b, int64_t want)
{
	const char *p[] = {a, b};
	assert_int_equal(api_owner_int(sql, b != NULL ? 2 : 1, p), want);
}

/* The project as the investment platform's export has it: 项目代码, 项目名称, 建设单位; then
 * verified by the county and given a code, like any enterprise. */
static int setup(void **state)
{
	(void)state;
	char tag[19];
	api_uscc_new(COUNTY, tag); /* unique to this run */
	snprintf(project, sizeof(project), "2024-%s-48-01-%.6s", COUNTY, tag + 10);
	char csv[1024], *out = NULL;
	snprintf(csv, sizeof(csv),
		 "项目代码,项目名称,建设单位,县区代码,经营状态\n%s,潢川县认证测试安置房项目," UNIT
		 ",%s,在建\n",
		 project, COUNTY);
	int rc = api_cli_import_text(csv, NULL, &out);
	if (rc != 0) {
		fprintf(stderr, "import: %s\n", out);
		free(out);
		return -1;
	}
	free(out);
	const char *p[] = {project};
	char *id = api_owner_value("SELECT id FROM rq.enterprises WHERE project_code = $1", 1, p);
	if (id == NULL)
		return -1;
	snprintf(project_id, sizeof(project_id), "%s", id);
	free(id);
	const char *pid[] = {project_id};
	api_owner_write("UPDATE rq.enterprises SET name_verified = true WHERE id = $1::bigint", 1,
			pid);
	ct_issue(project);
	return 0;
}

/* The register's responsible unit is what a claimant proves knowledge of. */
static void the_import_keeps_the_responsible_unit(void **state)
{
	(void)state;
	const char *p[] = {project_id};
	char *v =
	    api_owner_value("SELECT legal_rep || ',' || in_scope || ',' || coalesce(uscc, '-')"
			    " FROM rq.enterprises WHERE id = $1::bigint",
			    1, p);
	assert_string_equal(v, UNIT ",true,-");
	free(v);
}

static void a_project_is_bound_with_its_activation_code(void **state)
{
	(void)state;
	char *account = NULL;
	char *bearer = mt_account("project-code", &account);
	struct mt_enterprise e = {0};
	snprintf(e.id, sizeof(e.id), "%s", project_id);
	char *code = mt_activation_code(&e);
	struct api_resp *r = mt_claim_by(bearer, NULL, project, UNIT, code);
	if (r->status != 201)
		fail_msg("claim: %ld %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "enterprise_id"), project_id);
	assert_string_equal(api_json_str(r, "project_code"), project);
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r->json, "uscc")));
	assert_non_null(api_json_str(r, "serial"));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r->json, "current")));
	api_free(r);
	assert_count("SELECT count(*) FROM rq.manager_bindings WHERE account_id = $1::bigint"
		     " AND enterprise_id = $2::bigint AND status = 'active'"
		     " AND method = 'activation'",
		     account, project_id, 1);
	/* the manager's list shows it, poster and all */
	r = api_get("/api/v1/evaluation/enterprises", bearer);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "current_enterprise_id"), project_id);
	cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r->json, "items"), 0);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(first, "project_code")->valuestring,
			    project);
	api_free(r);
	free(code);
	free(account);
	free(bearer);
}

static void a_project_claim_request_is_approved_by_the_county(void **state)
{
	(void)state;
	char *account = NULL;
	char *bearer = mt_account("project-request", &account);
	struct api_resp *r = mt_claim_by(bearer, NULL, project, "  " UNIT " ", NULL);
	if (r->status != 202)
		fail_msg("claim: %ld %s", r->status, r->body);
	char claim_id[24];
	snprintf(claim_id, sizeof(claim_id), "%s", api_json_str(r, "claim_id"));
	api_free(r);

	struct api_session county;
	api_session_login(&county, "project-county", "county_admin", COUNTY);
	r = api_session_call(&county, "GET", "/api/v1/admin/claims?status=pending&limit=200", NULL);
	assert_int_equal(r->status, 200);
	bool listed = false;
	cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(r->json, "items"))
	{
		if (strcmp(cJSON_GetObjectItemCaseSensitive(it, "id")->valuestring, claim_id) != 0)
			continue;
		listed = true;
		assert_string_equal(
		    cJSON_GetObjectItemCaseSensitive(it, "project_code")->valuestring, project);
		assert_string_equal(cJSON_GetObjectItemCaseSensitive(it, "legal_rep")->valuestring,
				    UNIT);
	}
	assert_true(listed);
	api_free(r);
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/admin/claims/%s/approve", claim_id);
	r = api_session_call(&county, "POST", path, NULL);
	if (r->status != 200)
		fail_msg("approve: %ld %s", r->status, r->body);
	api_free(r);
	api_session_end(&county);
	assert_count("SELECT count(*) FROM rq.manager_bindings WHERE account_id = $1::bigint"
		     " AND enterprise_id = $2::bigint AND status = 'active'"
		     " AND method = 'approval'",
		     account, project_id, 1);
	free(account);
	free(bearer);
}

/* A wrong unit, a wrong project code, or the project's code given as a credit code: the one
 * generic refusal; a wrong unit counts against the account like a wrong legal
 * representative. */
static void a_wrong_unit_or_code_is_refused_and_counted(void **state)
{
	(void)state;
	char *account = NULL;
	char *bearer = mt_account("project-wrong", &account);
	struct api_resp *r = mt_claim_by(bearer, NULL, project, "别的建设单位", NULL);
	api_assert_problem(r, 403, "claim-refused");
	api_free(r);
	assert_count("SELECT count(*) FROM rq.claim_failures WHERE account_id = $1::bigint"
		     " AND enterprise_id = $2::bigint AND reason = 'identity'",
		     account, project_id, 1);
	char other[80];
	snprintf(other, sizeof(other), "%s9", project);
	r = mt_claim_by(bearer, NULL, other, UNIT, NULL);
	api_assert_problem(r, 403, "claim-refused");
	api_free(r);
	assert_count("SELECT count(*) FROM rq.claim_requests WHERE account_id = $1::bigint",
		     account, NULL, 0);
	free(account);
	free(bearer);
}

/* Exactly one of the two codes, each in its own format; bad input writes nothing. */
static void exactly_one_code_is_given(void **state)
{
	(void)state;
	char *account = NULL;
	char *bearer = mt_account("project-input", &account);
	char uscc[19];
	api_uscc_new(COUNTY, uscc);
	const struct {
		const char *uscc, *project_code, *field;
	} cases[] = {
	    {uscc, project, "project_code"},	      /* both */
	    {NULL, NULL, "uscc"},		      /* neither */
	    {NULL, "-2024-411526", "project_code"},   /* a hyphen first */
	    {NULL, "2024-411526-ab", "project_code"}, /* lower case */
	    {NULL, "2024 411526", "project_code"},    /* a blank */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct api_resp *r =
		    mt_claim_by(bearer, cases[i].uscc, cases[i].project_code, UNIT, NULL);
		api_assert_problem(r, 422, "validation");
		api_assert_error_field(r, cases[i].field);
		api_free(r);
	}
	assert_count("SELECT count(*) FROM rq.claim_failures WHERE account_id = $1::bigint",
		     account, NULL, 0);
	assert_count("SELECT count(*) FROM rq.claim_requests WHERE account_id = $1::bigint",
		     account, NULL, 0);
	free(account);
	free(bearer);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(the_import_keeps_the_responsible_unit),
	    cmocka_unit_test(a_project_is_bound_with_its_activation_code),
	    cmocka_unit_test(a_project_claim_request_is_approved_by_the_county),
	    cmocka_unit_test(a_wrong_unit_or_code_is_refused_and_counted),
	    cmocka_unit_test(exactly_one_code_is_given),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
