/* A market-supervision re-import does not undo a county's name correction (issue 12, item 3).
 * The register's name (register_name) and the name shown (name) are kept apart: an import
 * that changes the register's name of an enterprise whose name the county verified or
 * corrected keeps the county's name (and its verification and code), flags the difference
 * (register_name_changed, visible in the portal's lists and counted in the import report)
 * until the county verifies the name again; the scan and the print batch show the county's
 * name. Where the county did nothing, the name shown follows the register. Both imports:
 * the CLI's and the portal's. */
#include "api.h"
#include "api_register.h"
#include "codes_support.h"
#include "visits_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A county of its own: `codes print --county` prints all of it. */
#define COUNTY "411590"

/* name, register_name, name_verified, register_name_changed of the enterprise, as
 * "name|register_name|t|f" (malloc'd). */
static char *names_of(const char *uscc)
{
	const char *p[] = {uscc};
	return api_owner_value("SELECT name || '|' || register_name || '|' || name_verified::text"
			       " || '|' || register_name_changed::text"
			       " FROM rq.enterprises WHERE uscc = $1",
			       1, p);
}

static void assert_names(const char *uscc, const char *want)
{
	char *got = names_of(uscc);
	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("%s: want %s, got %s", uscc, want, got != NULL ? got : "(none)");
	free(got);
}

static void expect_output(const char *out, const char *needle, bool present)
{
	if ((strstr(out, needle) != NULL) != present)
		fail_msg("expected %s\"%s\" in:\n%s", present ? "" : "no ", needle, out);
}

static void cli_import(const char *uscc, const char *name, const char *expect)
{
	char csv[512], *out = NULL;
	snprintf(csv, sizeof(csv), "uscc,name,legal_rep,county_code\n%s,%s,名称测试法人,%s\n", uscc,
		 name, COUNTY);
	int rc = api_cli_import_text(csv, NULL, &out);
	if (rc != 0)
		fail_msg("import: %d %s", rc, out);
	expect_output(out, expect, true);
	free(out);
}

static struct api_resp *enterprise_call(const struct api_session *s, const char *method,
					const char *uscc, const char *suffix, const char *json)
{
	char *id = api_enterprise_id(uscc);
	assert_non_null(id);
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/admin/enterprises/%s%s", id, suffix);
	free(id);
	struct api_resp *r = api_session_call(s, method, path, json);
	if (r->status != 200)
		fail_msg("%s %s: %ld %s", method, path, r->status, r->body);
	return r;
}

/* The list of the county filtered on the flag holds the enterprise (or not). */
static void assert_flag_listed(const struct api_session *county, const char *uscc, bool listed)
{
	struct api_resp *r = api_session_call(
	    county, "GET", "/api/v1/admin/enterprises?register_name_changed=true&limit=200", NULL);
	assert_int_equal(r->status, 200);
	cJSON *found = NULL, *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r->json, "items"))
	{
		if (strcmp(cJSON_GetObjectItemCaseSensitive(e, "uscc")->valuestring, uscc) == 0)
			found = e;
	}
	if ((found != NULL) != listed)
		fail_msg("%s %s listed: %s", uscc, listed ? "not" : "", r->body);
	if (found != NULL)
		assert_true(
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(found, "register_name_changed")));
	api_free(r);
}

/* The CLI: import, the county corrects and verifies the name, the code is issued; a second
 * import with the register's new name keeps all of it and flags the difference. */
static void cli_reimport_keeps_the_countys_name(void **state)
{
	(void)state;
	char a[19];
	api_uscc_new(COUNTY, a);
	cli_import(a, "名称测试甲有限公司", "inserted 1");
	struct api_session county;
	api_session_login(&county, "names-county", "county_admin", COUNTY);
	api_free(
	    enterprise_call(&county, "PATCH", a, "", "{\"name\":\"名称测试甲（信阳）有限公司\"}"));
	api_free(enterprise_call(&county, "POST", a, "/verify", NULL));
	ct_issue(a);
	assert_names(a, "名称测试甲（信阳）有限公司|名称测试甲有限公司|true|false");
	assert_flag_listed(&county, a, false);

	cli_import(a, "名称测试甲新材料有限公司",
		   "names kept: 1 enterprise whose register name changed keeps the name the county "
		   "verified or corrected");
	assert_names(a, "名称测试甲（信阳）有限公司|名称测试甲新材料有限公司|true|true");
	/* the import's audit row changed the register's name, not the name shown */
	const char *p[] = {a};
	char *audit = api_owner_value(
	    "SELECT (old_row->>'register_name') || '→' || (new_row->>'register_name') || ','"
	    " || (old_row->>'name' = new_row->>'name') || ',' || a.actor_id"
	    " FROM audit.log a JOIN rq.enterprises e ON a.row_pk = e.id::text"
	    " WHERE a.table_name = 'rq.enterprises' AND a.operation = 'UPDATE' AND e.uscc = $1"
	    " ORDER BY a.id DESC LIMIT 1",
	    1, p);
	assert_string_equal(audit, "名称测试甲有限公司→名称测试甲新材料有限公司,true,cli");
	free(audit);

	/* the county sees it in its lists; the code still works and shows the county's name */
	assert_flag_listed(&county, a, true);
	char *id = api_enterprise_id(a);
	char *token = ct_active_token(id);
	assert_non_null(token);
	struct api_resp *r = api_get(ct_code_path(token), NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "enterprise.name"), "名称测试甲（信阳）有限公司");
	api_free(r);

	/* the print batch too: the poster and the manifest carry the county's name */
	char *manifest = ct_print_manifest(COUNTY);
	char line[128];
	snprintf(line, sizeof(line), "%s,名称测试甲（信阳）有限公司,", a);
	assert_non_null(strstr(manifest, line));
	assert_null(strstr(manifest, "新材料"));
	free(manifest);

	/* the county looks at it and keeps its name: verified again, the flag settled */
	r = enterprise_call(&county, "POST", a, "/verify", NULL);
	assert_true(
	    cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(r->json, "register_name_changed")));
	assert_string_equal(api_json_str(r, "register_name"), "名称测试甲新材料有限公司");
	api_free(r);
	assert_names(a, "名称测试甲（信阳）有限公司|名称测试甲新材料有限公司|true|false");
	assert_flag_listed(&county, a, false);
	/* the same file once more changes nothing */
	cli_import(a, "名称测试甲新材料有限公司", "unchanged 1");
	assert_names(a, "名称测试甲（信阳）有限公司|名称测试甲新材料有限公司|true|false");
	free(token);
	free(id);
	api_session_end(&county);
}

/* The portal's import, the same way; the county then takes the register's name over. */
static void portal_reimport_keeps_the_countys_name(void **state)
{
	(void)state;
	char b[19], csv[512];
	api_uscc_new(COUNTY, b);
	struct api_session ms, county;
	api_session_login(&ms, "names-ms", "market_supervision", NULL);
	api_session_login(&county, "names-county", "county_admin", COUNTY);
	snprintf(csv, sizeof(csv), "uscc,name,county_code\n%s,名称测试乙商贸有限公司,%s\n", b,
		 COUNTY);
	struct api_resp *r = api_session_import(&ms, NULL, "text/csv", csv);
	assert_int_equal(r->status, 200);
	api_free(r);
	api_free(enterprise_call(&county, "POST", b, "/verify", NULL));

	snprintf(csv, sizeof(csv), "uscc,name,county_code\n%s,名称测试乙供应链有限公司,%s\n", b,
		 COUNTY);
	/* a dry run says what would happen and does nothing */
	r = api_session_import(&ms, "?dry_run=1", "text/csv", csv);
	assert_int_equal(r->status, 200);
	assert_int_equal((int)vs_num(r->json, "names_kept"), 1);
	assert_int_equal((int)vs_num(r->json, "updated"), 1);
	api_free(r);
	assert_names(b, "名称测试乙商贸有限公司|名称测试乙商贸有限公司|true|false");

	r = api_session_import(&ms, NULL, "text/csv", csv);
	assert_int_equal(r->status, 200);
	assert_int_equal((int)vs_num(r->json, "names_kept"), 1);
	assert_int_equal((int)vs_num(r->json, "updated"), 1);
	api_free(r);
	assert_names(b, "名称测试乙商贸有限公司|名称测试乙供应链有限公司|true|true");
	assert_flag_listed(&county, b, true);

	/* the county takes the register's name: to be verified again, no difference left */
	r = enterprise_call(&county, "PATCH", b, "", "{\"name\":\"名称测试乙供应链有限公司\"}");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(r->json, "name_verified")));
	assert_true(
	    cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(r->json, "register_name_changed")));
	api_free(r);
	api_free(enterprise_call(&county, "POST", b, "/verify", NULL));
	assert_names(b, "名称测试乙供应链有限公司|名称测试乙供应链有限公司|true|false");
	api_session_end(&county);
	api_session_end(&ms);
}

/* Where the county did nothing, the name shown follows the register; a correction not yet
 * verified is the county's work too, and kept. */
static void an_unchecked_name_follows_the_register(void **state)
{
	(void)state;
	char c[19];
	api_uscc_new(COUNTY, c);
	cli_import(c, "名称测试丙有限公司", "inserted 1");
	char csv[512], *out = NULL;
	snprintf(csv, sizeof(csv), "uscc,name,county_code\n%s,名称测试丙科技有限公司,%s\n", c,
		 COUNTY);
	assert_int_equal(api_cli_import_text(csv, NULL, &out), 0);
	expect_output(out, "updated 1", true);
	expect_output(out, "names kept", false);
	free(out);
	assert_names(c, "名称测试丙科技有限公司|名称测试丙科技有限公司|false|false");

	struct api_session county;
	api_session_login(&county, "names-county", "county_admin", COUNTY);
	api_free(
	    enterprise_call(&county, "PATCH", c, "", "{\"name\":\"名称测试丙（更正）有限公司\"}"));
	cli_import(c, "名称测试丙智能科技有限公司", "names kept: 1");
	assert_names(c, "名称测试丙（更正）有限公司|名称测试丙智能科技有限公司|false|true");
	api_session_end(&county);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(cli_reimport_keeps_the_countys_name),
	    cmocka_unit_test(portal_reimport_keeps_the_countys_name),
	    cmocka_unit_test(an_unchecked_name_follows_the_register),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
