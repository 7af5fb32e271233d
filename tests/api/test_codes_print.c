/* `ruqima codes print --county C [--only-unprinted] [--output FILE.zip]`: one ZIP with the
 * poster and the activation-code slip of every active code of the county's verified
 * enterprises in normal operation, plus manifest.csv (UTF-8 with BOM; serial, credit code,
 * name, files; never the activation code). Each poster's QR reads as the code's URL; the
 * codes are marked printed; each printed enterprise has exactly one live activation code
 * and a reprint supersedes it, so the previous slip's code is refused by a claim. A second
 * run with --only-unprinted gives a ZIP with only the manifest; an existing output file is
 * never overwritten; stdout works when it is not a terminal; a write error rolls the batch
 * back (nothing marked printed, no activation code) and the next run prints it. */
#include "api.h"
#include "codes_support.h"
#include "images_fixture.h"
#include "managers_support.h"
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A zone no other test creates enterprises in. */
#define COUNTY "411590"

/* What cmd printed on stdout (binary-safe), its length in *len; cmd must succeed. */
static char *capture_ok(const char *cmd, size_t *len)
{
	int st;
	char *out = tc_run(cmd, len, &st);
	assert_int_equal(st, 0);
	return out;
}

static char dir[] = "/tmp/rq-api-print-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return api_sh("rm -rf '%s'", dir);
}

static char *zip_entry(const char *zip, const char *name, size_t *len)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "unzip -p '%s' '%s'", zip, name);
	return capture_ok(cmd, len);
}

/* `unzip -Z1`: one name per line. */
static char *zip_names(const char *zip)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "unzip -Z1 '%s'", zip);
	return capture_ok(cmd, NULL);
}

static int lines(const char *s)
{
	int n = 0;
	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

static void print_to(const char *zip, bool only_unprinted, struct ct_run *run)
{
	ct_cli(run, only_unprinted
			? (const char *const[]){"codes", "print", "--county", COUNTY,
						"--only-unprinted", "--output", zip, NULL}
			: (const char *const[]){"codes", "print", "--county", COUNTY, "--output",
						zip, NULL});
}

static char *live_code_id(const char *enterprise_id)
{
	const char *p[] = {enterprise_id};
	return api_owner_value("SELECT id FROM rq.activation_codes WHERE enterprise_id = $1::bigint"
			       " AND used_at IS NULL AND superseded_at IS NULL",
			       1, p);
}

static void test_print_county(void **state)
{
	(void)state;
	struct ct_enterprise e[3], unverified, elsewhere;
	for (int i = 0; i < 3; i++)
		ct_enterprise_new(&e[i], COUNTY, "normal", true);
	ct_enterprise_new(&unverified, COUNTY, "normal", false);
	ct_enterprise_new(&elsewhere, "411502", "normal", true);
	ct_issue(elsewhere.uscc);
	struct ct_run run;
	ct_cli(&run, (const char *const[]){"codes", "issue", "--county", COUNTY, NULL});
	assert_int_equal(run.status, 0);
	ct_run_free(&run);

	/* a slip printed earlier (made here directly): its code must stop working */
	struct mt_enterprise m0 = {0};
	memcpy(m0.id, e[0].id, sizeof(m0.id));
	memcpy(m0.uscc, e[0].uscc, sizeof(m0.uscc));
	char *old_code = mt_activation_code(&m0);

	const char *pc[] = {COUNTY};
	int64_t expected = api_owner_int("SELECT count(*) FROM rq.codes c JOIN rq.enterprises e"
					 " ON e.id = c.enterprise_id WHERE e.county_code = $1"
					 " AND c.status = 'active'",
					 1, pc);
	assert_true(expected >= 3);

	char zip[256];
	snprintf(zip, sizeof(zip), "%s/batch.zip", dir);
	print_to(zip, false, &run);
	if (run.status != 0)
		fail_msg("codes print: exit %d: %s", run.status, run.err);
	assert_string_equal(run.out, "");
	char progress[64];
	snprintf(progress, sizeof(progress), "printed %ld/%ld posters, ", (long)expected,
		 (long)expected);
	assert_non_null(strstr(run.err, progress));
	ct_run_free(&run);
	struct stat st;
	assert_int_equal(stat(zip, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600); /* the slips carry activation codes */

	char cmd[512];
	snprintf(cmd, sizeof(cmd), "unzip -tq '%s' >/dev/null", zip);
	assert_int_equal(api_sh("%s", cmd), 0);
	char *names = zip_names(zip);
	assert_int_equal(lines(names), 2 * expected + 1);
	assert_non_null(strstr(names, "manifest.csv\n"));
	size_t mlen;
	char *manifest = zip_entry(zip, "manifest.csv", &mlen);
	assert_memory_equal(manifest, "\xEF\xBB\xBF", 3);
	assert_int_equal(lines(manifest), expected + 1);
	const char *base = img_public_base_url();
	for (int i = 0; i < 3; i++) {
		const char *p[] = {e[i].id};
		char *serial = api_owner_value("SELECT serial FROM rq.codes"
					       " WHERE enterprise_id = $1::bigint",
					       1, p);
		char *token = ct_active_token(e[i].id);
		char want[512];
		snprintf(want, sizeof(want), "%s.png\n", serial);
		assert_non_null(strstr(names, want));
		snprintf(want, sizeof(want), "%s-slip.png\n", serial);
		assert_non_null(strstr(names, want));
		snprintf(want, sizeof(want), "%s,%s,%s,%s.png,%s-slip.png\r\n", serial, e[i].uscc,
			 e[i].name, serial, serial);
		assert_non_null(strstr(manifest, want));

		char file[64];
		size_t len;
		snprintf(file, sizeof(file), "%s.png", serial);
		char *poster = zip_entry(zip, file, &len);
		unsigned w, h;
		img_png_size(poster, len, &w, &h);
		assert_int_equal(w, 2480);
		assert_int_equal(h, 3508);
		char *qr = tc_zbar(poster, len);
		snprintf(want, sizeof(want), "%s/e/%s", base, token);
		assert_string_equal(qr, want);
		free(qr);
		free(poster);
		snprintf(file, sizeof(file), "%s-slip.png", serial);
		char *slip = zip_entry(zip, file, &len);
		img_png_size(slip, len, &w, &h);
		assert_int_equal(w, 1240);
		assert_int_equal(h, 1748);
		free(slip);

		assert_int_equal(api_owner_int("SELECT count(*) FROM rq.codes WHERE enterprise_id"
					       " = $1::bigint AND printed_at IS NOT NULL",
					       1, p),
				 1);
		/* one live activation code each: the slip's */
		assert_int_equal(
		    api_owner_int("SELECT count(*) FROM rq.activation_codes"
				  " WHERE enterprise_id = $1::bigint AND used_at IS NULL"
				  " AND superseded_at IS NULL",
				  1, p),
		    1);
		free(token);
		free(serial);
	}
	/* neither the unverified enterprise nor another county's */
	const char *pu[] = {unverified.uscc, elsewhere.uscc};
	assert_null(strstr(manifest, pu[0]));
	assert_null(strstr(manifest, pu[1]));
	assert_null(strstr(manifest, old_code));
	free(manifest);
	free(names);

	/* the earlier slip's code is superseded: a claim with it is refused */
	const char *p0[] = {e[0].id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.activation_codes"
			  " WHERE enterprise_id = $1::bigint AND superseded_at IS NOT NULL",
			  1, p0),
	    1);
	char *bearer = mt_account("mgr-print", NULL);
	struct api_resp *r = mt_claim(bearer, &m0, "法人代表测试", old_code);
	api_assert_problem(r, 403, "activation-code-invalid");
	api_free(r);
	free(bearer);
	free(old_code);

	/* again with --only-unprinted: nothing left, a ZIP with only the manifest */
	char zip2[256];
	snprintf(zip2, sizeof(zip2), "%s/rest.zip", dir);
	print_to(zip2, true, &run);
	assert_int_equal(run.status, 0);
	assert_non_null(strstr(run.err, "nothing to print"));
	ct_run_free(&run);
	names = zip_names(zip2);
	assert_string_equal(names, "manifest.csv\n");
	free(names);
	manifest = zip_entry(zip2, "manifest.csv", &mlen);
	assert_int_equal(lines(manifest), 1);
	free(manifest);

	/* the same file again: refused, the earlier batch untouched */
	print_to(zip, false, &run);
	assert_int_equal(run.status, 1);
	assert_non_null(strstr(run.err, "not overwritten"));
	ct_run_free(&run);
	assert_int_equal(api_sh("%s", cmd), 0);

	/* a reprint: new slips, the previous slips' codes superseded */
	char *before = live_code_id(e[1].id);
	char zip3[256];
	snprintf(zip3, sizeof(zip3), "%s/reprint.zip", dir);
	print_to(zip3, false, &run);
	assert_int_equal(run.status, 0);
	ct_run_free(&run);
	char *after = live_code_id(e[1].id);
	assert_non_null(after);
	assert_string_not_equal(before, after);
	const char *pb[] = {before};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.activation_codes"
				       " WHERE id = $1::bigint AND superseded_at IS NOT NULL",
				       1, pb),
			 1);
	free(before);
	free(after);
	names = zip_names(zip3);
	assert_int_equal(lines(names), 2 * expected + 1);
	free(names);

	/* every write was audited under the CLI's request id */
	assert_true(api_owner_int("SELECT count(*) FROM audit.log"
				  " WHERE request_id = 'cli-codes-print'",
				  0, NULL) >= 2 * expected);
}

/* stdout, when it is a file or a pipe */
static void test_print_to_stdout(void **state)
{
	(void)state;
	char zip[256];
	snprintf(zip, sizeof(zip), "%s/stdout.zip", dir);
	assert_int_equal(api_sh("RUQIMA_ENV_FILE='%s' '%s/ruqima' codes print --county %s"
				" --only-unprinted > '%s' 2>/dev/null",
				api_env("RUQIMA_ENV_FILE"), api_env("RUQIMA_TEST_BIN_DIR"), COUNTY,
				zip),
			 0);
	char *names = zip_names(zip);
	assert_non_null(strstr(names, "manifest.csv\n"));
	free(names);
}

/* The output fails at the first batch's flush (stdout is /dev/full): the batch is rolled
 * back, so the code is not marked printed and no activation code was made; the next run
 * prints it. */
static void test_print_write_error_rolls_back(void **state)
{
	(void)state;
	struct ct_enterprise e;
	ct_enterprise_new(&e, COUNTY, "normal", true);
	ct_issue(e.uscc);
	char err[256];
	snprintf(err, sizeof(err), "%s/full.err", dir);
	assert_int_equal(api_sh("RUQIMA_ENV_FILE='%s' '%s/ruqima' codes print --county %s"
				" --only-unprinted > /dev/full 2>'%s'",
				api_env("RUQIMA_ENV_FILE"), api_env("RUQIMA_TEST_BIN_DIR"), COUNTY,
				err),
			 1);
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "cat '%s'", err);
	char *msg = capture_ok(cmd, NULL);
	assert_non_null(strstr(msg, "could not write the ZIP"));
	assert_non_null(strstr(msg, "stopped after 0 of 1 posters"));
	free(msg);
	ct_assert_unprinted(e.id);

	char zip[256];
	snprintf(zip, sizeof(zip), "%s/after-error.zip", dir);
	struct ct_run run;
	print_to(zip, true, &run);
	assert_int_equal(run.status, 0);
	assert_non_null(strstr(run.err, "printed 1/1 posters"));
	ct_run_free(&run);
	const char *p[] = {e.id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.activation_codes"
				       " WHERE enterprise_id = $1::bigint",
				       1, p),
			 1);
}

static void test_print_refusals(void **state)
{
	(void)state;
	const char *const *const usage[] = {
	    (const char *const[]){"codes", "print", NULL},
	    (const char *const[]){"codes", "print", "--output", "/tmp/x.zip", NULL},
	    (const char *const[]){"codes", "print", "--county", NULL},
	    (const char *const[]){"codes", "print", "--county", COUNTY, "--color", NULL},
	    (const char *const[]){"codes", "print", "--county", COUNTY, "--only-unprinted",
				  "--only-unprinted", NULL},
	    NULL};
	for (const char *const *const *args = usage; *args != NULL; args++) {
		struct ct_run run;
		ct_cli(&run, *args);
		assert_int_equal(run.status, 2);
		assert_string_equal(run.out, "");
		ct_run_free(&run);
	}
	char zip[256];
	snprintf(zip, sizeof(zip), "%s/none.zip", dir);
	struct ct_run run;
	ct_cli(&run, (const char *const[]){"codes", "print", "--county", "123456", "--output", zip,
					   NULL});
	assert_int_equal(run.status, 1);
	assert_non_null(strstr(run.err, "is not a county"));
	ct_run_free(&run);
	assert_int_equal(access(zip, F_OK), -1); /* nothing created */
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_print_county),
	    cmocka_unit_test(test_print_to_stdout),
	    cmocka_unit_test(test_print_write_error_rolls_back),
	    cmocka_unit_test(test_print_refusals),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
