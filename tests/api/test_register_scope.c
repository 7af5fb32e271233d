/* 个体工商户 get no code (issue 12, item 1). The notice: 第一批纳入的市场主体为…所有企业（不包括
 * 个体工商户）和在建项目. A credit code starting 92 (GB 32100: authority 9 工商, category 2) is
 * an individual business: the import takes it and says so (CLI and portal reports), the
 * portal lists show it out of scope and keep it out of the name-verification queue, no code
 * is issued to it (CLI one and all, portal, rq.issue_code itself) or printed, and it cannot
 * be claimed (with or without an activation code, nor approved). */
#include "api.h"
#include "api_register.h"
#include "codes_support.h"
#include "visits_support.h"
#include "managers_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A county no other test uses: `codes issue --county` and `codes print` act on all of it. */
#define COUNTY "411591"
#define REP_A  "范围测试法人甲"
#define REP_B  "范围测试经营者乙"

/* a: a company; b: an individual business; c: a cancelled company; d: a company whose name
 * nobody verifies. */
static char a[19], b[19], c[19], d[19];
static char a_id[24], b_id[24], c_id[24], d_id[24];

static void id_of(const char *uscc, char out[24])
{
	char *id = api_enterprise_id(uscc);
	assert_non_null(id);
	snprintf(out, 24, "%s", id);
	free(id);
}

static bool in_scope(const char *id)
{
	const char *p[] = {id};
	char *v =
	    api_owner_value("SELECT in_scope FROM rq.enterprises WHERE id = $1::bigint", 1, p);
	bool yes = v != NULL && strcmp(v, "t") == 0;
	free(v);
	return yes;
}

static int64_t codes_of(const char *id)
{
	const char *p[] = {id};
	return api_owner_int("SELECT count(*) FROM rq.codes WHERE enterprise_id = $1::bigint", 1,
			     p);
}

static void expect_output(const char *out, const char *needle)
{
	if (strstr(out, needle) == NULL)
		fail_msg("expected \"%s\" in:\n%s", needle, out);
}

/* The CLI import takes the individual business, marks it out of scope and says so. */
static void cli_import_takes_and_reports_individual_businesses(void **state)
{
	(void)state;
	api_uscc_new(COUNTY, a);
	api_uscc_individual(COUNTY, b);
	api_uscc_new(COUNTY, c);
	api_uscc_new(COUNTY, d);
	char csv[2048], *out = NULL;
	snprintf(csv, sizeof(csv),
		 "统一社会信用代码,企业名称,法定代表人,县区代码,经营状态\n"
		 "%s,范围测试甲有限公司," REP_A "," COUNTY ",存续\n"
		 "%s,范围测试乙经营部," REP_B "," COUNTY ",存续\n"
		 "%s,范围测试丙有限公司,法人丙," COUNTY ",注销\n"
		 "%s,范围测试丁有限公司,法人丁," COUNTY ",存续\n",
		 a, b, c, d);
	/* a dry run already says so, and writes nothing */
	assert_int_equal(api_cli_import_text(csv, "--dry-run", &out), 0);
	expect_output(out, "out of scope: 1 individual business (个体工商户");
	free(out);
	assert_null(api_enterprise_id(b));

	assert_int_equal(api_cli_import_text(csv, NULL, &out), 0);
	expect_output(out, "out of scope: 1 individual business (个体工商户");
	expect_output(out, "inserted 4, updated 0, unchanged 0, rejected 0");
	free(out);
	id_of(a, a_id);
	id_of(b, b_id);
	id_of(c, c_id);
	id_of(d, d_id);
	assert_true(in_scope(a_id));
	assert_false(in_scope(b_id));
	assert_true(in_scope(c_id));

	/* the same file again: nothing changes, the report still names it */
	assert_int_equal(api_cli_import_text(csv, NULL, &out), 0);
	expect_output(out, "out of scope: 1 individual business");
	expect_output(out, "inserted 0, updated 0, unchanged 4");
	free(out);
	/* nobody can mark it in scope: the column follows the credit code on every write */
	const char *p[] = {b_id};
	api_owner_write("UPDATE rq.enterprises SET in_scope = true WHERE id = $1::bigint", 1, p);
	assert_false(in_scope(b_id));
}

/* The portal's import report counts them, dry run or not. */
static void portal_import_reports_individual_businesses(void **state)
{
	(void)state;
	char e[19], f[19], csv[1024];
	api_uscc_individual(COUNTY, e);
	api_uscc_new(COUNTY, f);
	snprintf(csv, sizeof(csv),
		 "uscc,name,county_code\n%s,门户范围测试个体户,%s\n%s,门户范围测试公司,%s\n", e,
		 COUNTY, f, COUNTY);
	struct api_session ms;
	api_session_login(&ms, "scope-ms", "market_supervision", NULL);
	struct api_resp *r = api_session_import(&ms, "?dry_run=1", "text/csv", csv);
	if (r->status != 200)
		fail_msg("dry run: %ld %s", r->status, r->body);
	assert_int_equal((int)vs_num(r->json, "out_of_scope"), 1);
	assert_int_equal((int)vs_num(r->json, "inserted"), 2);
	api_free(r);
	assert_null(api_enterprise_id(e));

	r = api_session_import(&ms, NULL, "text/csv", csv);
	if (r->status != 200)
		fail_msg("import: %ld %s", r->status, r->body);
	assert_int_equal((int)vs_num(r->json, "out_of_scope"), 1);
	assert_int_equal((int)vs_num(r->json, "inserted"), 2);
	assert_int_equal((int)vs_num(r->json, "names_kept"), 0);
	api_free(r);
	char e_id[24], f_id[24];
	id_of(e, e_id);
	id_of(f, f_id);
	assert_false(in_scope(e_id));
	assert_true(in_scope(f_id));
	api_session_end(&ms);
}

static struct api_resp *list(const struct api_session *s, const char *filter)
{
	char path[256];
	snprintf(path, sizeof(path), "/api/v1/admin/enterprises?after=%lld&limit=200%s",
		 (long long)api_to_i64(a_id) - 1, filter);
	struct api_resp *r = api_session_call(s, "GET", path, NULL);
	if (r->status != 200)
		fail_msg("list %s: %ld %s", filter, r->status, r->body);
	return r;
}

/* The county's lists show the individual business as such; its queue of names to check has
 * only the enterprises that get a code once checked (not b, out of scope; not c, cancelled). */
static void county_lists_show_scope_and_queue_only_codeable(void **state)
{
	(void)state;
	struct api_session county;
	api_session_login(&county, "scope-county", "county_admin", COUNTY);
	struct api_resp *r = list(&county, "");
	cJSON *eb = api_list_item(r, b_id), *ea = api_list_item(r, a_id);
	assert_non_null(eb);
	assert_non_null(ea);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(eb, "in_scope")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ea, "in_scope")));
	api_free(r);

	r = list(&county, "&in_scope=false");
	assert_non_null(api_list_item(r, b_id));
	assert_null(api_list_item(r, a_id));
	api_free(r);

	r = list(&county, "&verified=false");
	assert_non_null(api_list_item(r, a_id));
	assert_non_null(api_list_item(r, d_id));
	assert_null(api_list_item(r, b_id));
	assert_null(api_list_item(r, c_id));
	api_free(r);
	api_session_end(&county);
}

/* No code for b, whoever asks and however: the CLI for one or for the county, the portal,
 * rq.issue_code itself. */
static void no_code_is_issued_to_an_individual_business(void **state)
{
	(void)state;
	const char *ids[] = {a_id, b_id};
	api_owner_write("UPDATE rq.enterprises SET name_verified = true"
			" WHERE id IN ($1::bigint, $2::bigint)",
			2, ids);

	struct ct_run run;
	ct_cli(&run, (const char *const[]){"codes", "issue", "--uscc", b, NULL});
	assert_int_equal(run.status, 1);
	expect_output(run.err, "individual business (个体工商户");
	ct_run_free(&run);
	assert_int_equal(codes_of(b_id), 0);

	struct api_session ms;
	api_session_login(&ms, "scope-issue", "market_supervision", NULL);
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/admin/enterprises/%s/code", b_id);
	struct api_resp *r = api_session_call(&ms, "POST", path, NULL);
	api_assert_problem(r, 422, "enterprise-out-of-scope");
	assert_non_null(strstr(api_json_str(r, "detail"), "个体工商户"));
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	api_session_end(&ms);
	assert_int_equal(codes_of(b_id), 0);

	/* the county at once: a gets its code, b none, and the operator is told why */
	ct_cli(&run, (const char *const[]){"codes", "issue", "--county", COUNTY, NULL});
	assert_int_equal(run.status, 0);
	expect_output(run.out, "issued 1 code\n");
	expect_output(run.out,
		      "individual businesses (个体工商户, credit code 92...) in the register "
		      "get no code");
	ct_run_free(&run);
	assert_int_equal(codes_of(a_id), 1);
	assert_int_equal(codes_of(b_id), 0);

	/* the database's own rule */
	PGconn *owner = api_owner_tx();
	const char *p[] = {b_id};
	char *sqlstate = api_sql_state(owner, "SELECT rq.issue_code($1::bigint)", 1, p);
	assert_string_equal(sqlstate, "23514");
	free(sqlstate);
	PQfinish(owner);
}

/* A print batch never carries an individual business's poster, not even one whose code
 * predates the rule (the migration revoked those; here one is made by hand). */
static void print_leaves_out_individual_businesses(void **state)
{
	(void)state;
	const char *p[] = {b_id, COUNTY};
	api_owner_write("INSERT INTO rq.codes (enterprise_id, token, serial)"
			" VALUES ($1::bigint, 'scopeTestTokenOfAnIndividual01', $2 || '-999999')",
			2, p);
	char *manifest = ct_print_manifest(COUNTY);
	assert_non_null(strstr(manifest, a));
	assert_null(strstr(manifest, b));
	assert_null(strstr(manifest, "-999999"));
	free(manifest);
	/* nor got it a slip's activation code */
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.activation_codes"
				       " WHERE enterprise_id = $1::bigint",
				       1, p),
			 0);
	api_owner_write(
	    "UPDATE rq.codes SET status = 'revoked', revoked_at = now(),"
	    " revoke_reason = 'test' WHERE enterprise_id = $1::bigint AND status = 'active'",
	    1, p);
}

/* Nobody manages an individual business through the platform: the claim is refused after
 * the identity check (a wrong legal representative still learns nothing), with or without
 * an activation code, and a request filed before the rule cannot be approved. */
static void an_individual_business_cannot_be_claimed(void **state)
{
	(void)state;
	char *account = NULL;
	char *bearer = mt_account("scope-claim", &account);
	const char *pa[] = {account, b_id};

	struct api_resp *r = mt_claim_by(bearer, b, NULL, "别人", NULL);
	api_assert_problem(r, 403, "claim-refused");
	api_free(r);
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.claim_failures"
			  " WHERE account_id = $1::bigint AND enterprise_id = $2::bigint",
			  2, pa),
	    1);

	r = mt_claim_by(bearer, b, NULL, REP_B, NULL);
	api_assert_problem(r, 422, "enterprise-out-of-scope");
	api_assert_error_field(r, "uscc");
	api_free(r);
	const char *pb[] = {b_id};
	struct mt_enterprise me = {0};
	snprintf(me.id, sizeof(me.id), "%s", b_id);
	char *code = mt_activation_code(&me);
	r = mt_claim_by(bearer, b, NULL, REP_B, code);
	api_assert_problem(r, 422, "enterprise-out-of-scope");
	api_free(r);
	free(code);
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.claim_requests"
				       " WHERE enterprise_id = $1::bigint",
				       1, pb),
			 0);
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.manager_bindings"
				       " WHERE enterprise_id = $1::bigint",
				       1, pb),
			 0);

	/* a company of the same file is claimed as ever */
	r = mt_claim_by(bearer, a, NULL, REP_A, NULL);
	assert_int_equal(r->status, 202);
	api_free(r);

	/* a request filed before the rule (made by hand) is not approved */
	PGconn *owner = api_owner_tx();
	char *claim_id = api_sql_value(owner,
				       "INSERT INTO rq.claim_requests (account_id, enterprise_id,"
				       " claimant_name, phone, legal_rep)"
				       " VALUES ($1::bigint, $2::bigint, '旧申请人', '" MT_PHONE
				       "', '" REP_B "') RETURNING id",
				       2, pa);
	api_sql_exec(owner, "COMMIT", 0, NULL);
	PQfinish(owner);
	assert_non_null(claim_id);
	struct api_session county;
	api_session_login(&county, "scope-decide", "county_admin", COUNTY);
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/admin/claims/%s/approve", claim_id);
	r = api_session_call(&county, "POST", path, NULL);
	api_assert_problem(r, 422, "enterprise-out-of-scope");
	api_free(r);
	const char *pc[] = {claim_id};
	char *status =
	    api_owner_value("SELECT status FROM rq.claim_requests WHERE id = $1::bigint", 1, pc);
	assert_string_equal(status, "pending");
	free(status);
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.manager_bindings"
				       " WHERE enterprise_id = $1::bigint",
				       1, pb),
			 0);
	api_session_end(&county);
	free(claim_id);
	free(account);
	free(bearer);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(cli_import_takes_and_reports_individual_businesses),
	    cmocka_unit_test(portal_import_reports_individual_businesses),
	    cmocka_unit_test(county_lists_show_scope_and_queue_only_codeable),
	    cmocka_unit_test(no_code_is_issued_to_an_individual_business),
	    cmocka_unit_test(print_leaves_out_individual_businesses),
	    cmocka_unit_test(an_individual_business_cannot_be_claimed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
