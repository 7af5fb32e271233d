/* Posters whose QR codes point at this machine never reach a printer: with a
 * RUQIMA_PUBLIC_BASE_URL of 127.0.0.1, localhost or ::1 (the test stack's own address),
 * `ruqima codes print` refuses (exit 2, saying which setting and how to fix it) and prints,
 * marks and makes nothing, unless --allow-local-url or RUQIMA_PRINT_LOCAL_URL=1 (which the
 * test stack sets, and this test takes back to 0 through the environment, which wins over
 * the env file); and the print-jobs runner fails every job it claims with the reason in the
 * job's error, for the portal, and builds no ZIP. A public address prints as before.
 *
 * RUN_SERIAL: the runner here fails whatever job it claims, so no other test's job may be
 * queued meanwhile. */
#include "api.h"
#include "api_register.h"
#include "codes_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COUNTY	       "411502"
#define NOTHING_COUNTY "411500" /* the city itself: no enterprise is registered there */

static char dir[] = "/tmp/rq-api-local-url-XXXXXX";
static struct ct_enterprise ent; /* a verified enterprise with an active, unprinted code */

static int setup(void **state)
{
	(void)state;
	setenv("RUQIMA_PRINT_LOCAL_URL", "0", 1);
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return api_sh("rm -rf '%s'", dir);
}

/* Nothing of a print happened to ent: its code unprinted, no activation code, no audit row
 * of a print about it. */
static void assert_untouched(void)
{
	ct_assert_unprinted(ent.id);
	const char *p[] = {ent.id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM audit.log WHERE table_name IN"
			  " ('rq.codes', 'rq.activation_codes')"
			  " AND (new_row->>'enterprise_id' = $1 OR old_row->>'enterprise_id'"
			  " = $1) AND (request_id LIKE 'cli-codes-print%'"
			  " OR request_id LIKE 'print-job-%')",
			  1, p),
	    0);
}

static void assert_refused(const struct ct_run *r, const char *url, const char *what)
{
	if (r->status != 2)
		fail_msg("%s with %s: exit %d: %s", what, url, r->status, r->err);
	if (strstr(r->err, "RUQIMA_PUBLIC_BASE_URL") == NULL || strstr(r->err, url) == NULL ||
	    strstr(r->err, "--allow-local-url") == NULL ||
	    strstr(r->err, "RUQIMA_PRINT_LOCAL_URL=1") == NULL)
		fail_msg("%s with %s: the refusal does not say why and how: %s", what, url, r->err);
	assert_string_equal(r->out, ""); /* not one byte of a ZIP */
}

static void test_codes_print_refuses_a_local_url(void **state)
{
	(void)state;
	ct_enterprise_new(&ent, COUNTY, "normal", true);
	ct_issue(ent.uscc);
	char zip[256];
	snprintf(zip, sizeof(zip), "%s/refused.zip", dir);
	static const char *const local[] = {"https://127.0.0.1:8443", "http://localhost:8080",
					    "https://[::1]", "https://127.0.0.2", NULL};
	for (const char *const *u = local; *u != NULL; u++) {
		setenv("RUQIMA_PUBLIC_BASE_URL", *u, 1);
		struct ct_run r;
		ct_cli(&r, (const char *const[]){"codes", "print", "--county", COUNTY,
						 "--only-unprinted", "--output", zip, NULL});
		assert_refused(&r, *u, "codes print --output");
		ct_run_free(&r);
		assert_int_equal(access(zip, F_OK), -1); /* no file, not even an empty one */
		/* to stdout (a pipe) */
		ct_cli(&r, (const char *const[]){"codes", "print", "--county", COUNTY,
						 "--only-unprinted", NULL});
		assert_refused(&r, *u, "codes print to stdout");
		ct_run_free(&r);
	}
	unsetenv("RUQIMA_PUBLIC_BASE_URL"); /* the stack's own, https://127.0.0.1:<port> */
	struct ct_run r;
	ct_cli(&r,
	       (const char *const[]){"codes", "print", "--county", COUNTY, "--output", zip, NULL});
	assert_int_equal(r.status, 2);
	ct_run_free(&r);
	assert_untouched();
}

/* What lets it print: --allow-local-url, RUQIMA_PRINT_LOCAL_URL=1, a public address. (The
 * city's own code has no enterprise, so these prints print nothing: a ZIP with only the
 * manifest, and nobody's slips superseded.) */
static void test_what_lets_it_print(void **state)
{
	(void)state;
	const struct {
		const char *url, *setting, *flag;
	} ok[] = {
	    {NULL, "0", "--allow-local-url"},
	    {NULL, "1", NULL},
	    {"https://qr.xinyang.gov.cn", "0", NULL},
	    {"https://10.20.30.40:8443", "0", NULL},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (ok[i].url != NULL)
			setenv("RUQIMA_PUBLIC_BASE_URL", ok[i].url, 1);
		else
			unsetenv("RUQIMA_PUBLIC_BASE_URL");
		setenv("RUQIMA_PRINT_LOCAL_URL", ok[i].setting, 1);
		char zip[256];
		snprintf(zip, sizeof(zip), "%s/ok-%zu.zip", dir, i);
		struct ct_run r;
		ct_cli(&r, ok[i].flag != NULL
			       ? (const char *const[]){"codes", "print", "--county", NOTHING_COUNTY,
						       "--output", zip, ok[i].flag, NULL}
			       : (const char *const[]){"codes", "print", "--county", NOTHING_COUNTY,
						       "--output", zip, NULL});
		if (r.status != 0)
			fail_msg("case %zu: exit %d: %s", i, r.status, r.err);
		ct_run_free(&r);
		assert_int_equal(api_sh("unzip -Z1 '%s' | grep -qx manifest.csv", zip), 0);
	}
	unsetenv("RUQIMA_PUBLIC_BASE_URL");
	setenv("RUQIMA_PRINT_LOCAL_URL", "0", 1);
	assert_untouched();
}

/* The portal's print job on a stack whose address is local: failed at once, with the reason
 * for whoever queued it; no ZIP; nothing printed. */
static void test_print_job_fails_with_the_reason(void **state)
{
	(void)state;
	struct api_session ms;
	api_session_login(&ms, "localurl", "market_supervision", NULL);
	struct api_resp *r =
	    api_session_call(&ms, "POST", "/api/v1/admin/codes/print-jobs",
			     "{\"county_code\":\"" COUNTY "\",\"only_unprinted\":true}");
	if (r->status != 202)
		fail_msg("queue: %ld %s", r->status, r->body);
	char *id = strdup(api_json_str(r, "id"));
	api_free(r);

	struct ct_run run;
	ct_cli(&run, (const char *const[]){"codes", "print-jobs", "run", "--once", NULL});
	assert_int_equal(run.status, 1); /* a job failed */
	assert_non_null(strstr(run.err, "RUQIMA_PUBLIC_BASE_URL"));
	ct_run_free(&run);

	char path[160];
	snprintf(path, sizeof(path), "/api/v1/admin/codes/print-jobs/%s", id);
	r = api_session_call(&ms, "GET", path, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "status"), "failed");
	const char *error = api_json_str(r, "error");
	assert_non_null(error);
	assert_non_null(strstr(error, "RUQIMA_PUBLIC_BASE_URL"));
	assert_non_null(strstr(error, "本机地址"));
	api_free(r);
	snprintf(path, sizeof(path), "/api/v1/admin/codes/print-jobs/%s/download", id);
	r = api_session_call(&ms, "GET", path, NULL);
	assert_true(r->status >= 400);
	api_free(r);
	const char *p[] = {id};
	char *file =
	    api_owner_value("SELECT file_name FROM rq.print_jobs WHERE id = $1::bigint", 1, p);
	if (file != NULL) {
		char zip[512];
		snprintf(zip, sizeof(zip), "%s/uploads/print/%s", api_env("RUQIMA_TEST_STATE_DIR"),
			 file);
		assert_int_equal(access(zip, F_OK), -1);
	}
	free(file);
	assert_untouched();

	/* what is left of the test: no active unprinted code in a county others print */
	ct_cli(&run, (const char *const[]){"codes", "revoke", "--uscc", ent.uscc, "--reason",
					   "test_codes_print_local_url", NULL});
	assert_int_equal(run.status, 0);
	ct_run_free(&run);
	free(id);
	api_session_end(&ms);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_codes_print_refuses_a_local_url),
	    cmocka_unit_test(test_what_lets_it_print),
	    cmocka_unit_test(test_print_job_fails_with_the_reason),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
