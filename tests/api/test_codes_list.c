/* `ruqima codes list`: a table with serial, credit code, token, status, printed and name,
 * filtered by county and status and cut by --limit. */
#include "api.h"
#include "codes_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The output line that mentions needle, copied into line (or fails). */
static void line_with(const char *out, const char *needle, char *line, size_t cap)
{
	const char *hit = strstr(out, needle);
	if (hit == NULL)
		fail_msg("\"%s\" is not in the list:\n%s", needle, out);
	const char *start = hit;
	while (start > out && start[-1] != '\n')
		start--;
	size_t n = strcspn(start, "\n");
	assert_true(n < cap);
	memcpy(line, start, n);
	line[n] = '\0';
}

static void test_list_shows_the_code(void **state)
{
	(void)state;
	struct ct_enterprise e;
	ct_enterprise_new(&e, "411528", "normal", true);
	ct_issue(e.uscc);
	char *token = ct_active_token(e.id);
	const char *p[] = {e.id};
	char *serial =
	    api_owner_value("SELECT serial FROM rq.codes WHERE enterprise_id = $1::bigint", 1, p);

	struct ct_run run;
	ct_cli(&run, (const char *const[]){"codes", "list", "--county", "411528", NULL});
	assert_int_equal(run.status, 0);
	assert_int_equal(strncmp(run.out, "SERIAL", 6), 0);
	char line[1024];
	line_with(run.out, token, line, sizeof(line));
	assert_non_null(strstr(line, serial));
	assert_non_null(strstr(line, e.uscc));
	assert_non_null(strstr(line, e.name));
	assert_non_null(strstr(line, "active"));
	assert_non_null(strstr(line, " no "));
	/* the columns before the name line up with the header's */
	const char *tok_col = strstr(run.out, "TOKEN");
	assert_int_equal(tok_col - run.out, strstr(line, token) - line);
	ct_run_free(&run);

	/* revoked codes show with --status revoked or all, not by default */
	ct_cli(&run, (const char *const[]){"codes", "revoke", "--uscc", e.uscc, "--reason", "test",
					   NULL});
	assert_int_equal(run.status, 0);
	ct_run_free(&run);
	ct_cli(&run, (const char *const[]){"codes", "list", "--county", "411528", NULL});
	assert_int_equal(run.status, 0);
	assert_null(strstr(run.out, token));
	ct_run_free(&run);
	ct_cli(&run, (const char *const[]){"codes", "list", "--county", "411528", "--status",
					   "revoked", NULL});
	assert_int_equal(run.status, 0);
	line_with(run.out, token, line, sizeof(line));
	assert_non_null(strstr(line, "revoked"));
	ct_run_free(&run);
	ct_cli(&run, (const char *const[]){"codes", "list", "--status", "all", NULL});
	assert_int_equal(run.status, 0);
	line_with(run.out, token, line, sizeof(line));
	ct_run_free(&run);
	free(serial);
	free(token);
}

static void test_list_limit_and_printed(void **state)
{
	(void)state;
	struct ct_enterprise a, b;
	ct_enterprise_new(&a, "411528", "normal", true);
	ct_enterprise_new(&b, "411528", "normal", true);
	ct_issue(a.uscc);
	ct_issue(b.uscc);
	const char *p[] = {a.id};
	ct_owner_write("UPDATE rq.codes SET printed_at = '2024-03-05 10:00+08'"
		       " WHERE enterprise_id = $1::bigint",
		       1, p);
	char *token = ct_active_token(a.id);
	struct ct_run run;
	ct_cli(&run, (const char *const[]){"codes", "list", "--county", "411528", NULL});
	assert_int_equal(run.status, 0);
	char line[1024];
	line_with(run.out, token, line, sizeof(line));
	assert_non_null(strstr(line, "2024-03-05"));
	ct_run_free(&run);

	ct_cli(&run, (const char *const[]){"codes", "list", "--limit", "1", NULL});
	assert_int_equal(run.status, 0);
	int lines = 0;
	for (const char *c = run.out; *c != '\0'; c++)
		lines += *c == '\n';
	assert_int_equal(lines, 2); /* the header and one code */
	assert_non_null(strstr(run.err, "1 code"));
	ct_run_free(&run);
	free(token);
}

static void test_list_refusals(void **state)
{
	(void)state;
	const char *const *const bad[] = {
	    (const char *const[]){"codes", "list", "--limit", "0", NULL},
	    (const char *const[]){"codes", "list", "--limit", "ten", NULL},
	    (const char *const[]){"codes", "list", "--status", "lost", NULL},
	    (const char *const[]){"codes", "list", "--county", NULL}, NULL};
	for (const char *const *const *args = bad; *args != NULL; args++) {
		struct ct_run run;
		ct_cli(&run, *args);
		assert_int_equal(run.status, 2);
		assert_string_equal(run.out, "");
		ct_run_free(&run);
	}
	struct ct_run run;
	ct_cli(&run, (const char *const[]){"codes", "list", "--county", "123456", NULL});
	assert_int_equal(run.status, 1);
	assert_non_null(strstr(run.err, "is not a county"));
	ct_run_free(&run);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_list_shows_the_code),
	    cmocka_unit_test(test_list_limit_and_printed),
	    cmocka_unit_test(test_list_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
