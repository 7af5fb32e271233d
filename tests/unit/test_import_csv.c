/* The import's CSV reader (RFC 4180): quoting, embedded separators and line breaks, CRLF,
 * blank lines, line numbers, malformed records. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "rq_import.h"

#define HEADER "uscc,name,county_code\n"

static struct rq_import *parse(struct rq_arena *a, const char *csv)
{
	struct rq_import *imp = rq_import_parse(a, csv, strlen(csv), 1 << 20);
	static const char *const counties[] = {"411502", "411503", "411525"};
	rq_import_resolve(imp, counties, 3, NULL, 0);
	return imp;
}

static int setup(void **state)
{
	*state = rq_arena_new();
	return *state == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	rq_arena_free(*state);
	return 0;
}

static void quoted_fields_keep_commas_quotes_and_line_breaks(void **state)
{
	struct rq_import *imp =
	    parse(*state, "uscc,name,county_code,address\n"
			  "91411502MA9F00001A,\"信阳毛尖茶业有限公司, 浉河分公司\",411502,"
			  "\"茶韵路1号\n（\"\"老厂\"\"）\"\n"
			  "91411503MA9F00002U,平桥区明港钢构制造有限公司,411503,明港镇\n");
	assert_false(imp->fatal);
	assert_int_equal(imp->nrows, 2);
	assert_int_equal(imp->problems.n, 0);
	assert_string_equal(imp->rows[0].value[RQ_IMPORT_NAME], "信阳毛尖茶业有限公司, 浉河分公司");
	/* a line break inside an address cell becomes a space */
	assert_string_equal(imp->rows[0].value[RQ_IMPORT_ADDRESS], "茶韵路1号 （\"老厂\"）");
	assert_int_equal(imp->rows[0].line, 2);
	/* the quoted line break counts: the second record starts on line 4 */
	assert_int_equal(imp->rows[1].line, 4);
}

static void crlf_lone_cr_and_a_missing_final_newline(void **state)
{
	struct rq_import *imp = parse(*state, "uscc,name,county_code\r\n"
					      "91411502MA9F00001A,甲公司,411502\r\n"
					      "91411503MA9F00002U,乙公司,411503\r"
					      "91411525MA9F00003T,丙公司,411525");
	assert_false(imp->fatal);
	assert_int_equal(imp->nrows, 3);
	assert_int_equal(imp->problems.n, 0);
	assert_string_equal(imp->rows[0].value[RQ_IMPORT_COUNTY_CODE], "411502");
	assert_string_equal(imp->rows[2].value[RQ_IMPORT_NAME], "丙公司");
	assert_int_equal(imp->rows[2].line, 4);
}

static void blank_lines_and_empty_records_are_skipped(void **state)
{
	struct rq_import *imp = parse(*state, "\n" HEADER "\n"
					      ",,\n"
					      "91411502MA9F00001A,甲公司,411502\n"
					      "  \n");
	assert_false(imp->fatal);
	assert_int_equal(imp->nrows, 1);
	assert_int_equal(imp->rows[0].line, 5);
}

static void values_are_trimmed_including_ideographic_spaces(void **state)
{
	struct rq_import *imp =
	    parse(*state, HEADER " 91411502ma9f00001a ,\xe3\x80\x80甲公司\xe3\x80\x80, 411502\n");
	assert_int_equal(imp->problems.n, 0);
	/* credit codes are upper-cased */
	assert_string_equal(imp->rows[0].value[RQ_IMPORT_USCC], "91411502MA9F00001A");
	assert_string_equal(imp->rows[0].value[RQ_IMPORT_NAME], "甲公司");
}

static void text_after_a_closing_quote_rejects_the_row(void **state)
{
	struct rq_import *imp = parse(*state, HEADER "91411502MA9F00001A,\"甲\"公司,411502\n"
						     "91411503MA9F00002U,乙公司,411503\n");
	assert_false(imp->fatal);
	assert_int_equal(imp->nrows, 2);
	assert_int_equal(imp->nrejected, 1);
	assert_true(imp->rows[0].rejected);
	assert_false(imp->rows[1].rejected);
	assert_int_equal(imp->problems.items[0].line, 2);
	assert_non_null(strstr(imp->problems.items[0].message, "引号"));
}

static void an_unterminated_quote_refuses_the_file(void **state)
{
	struct rq_import *imp = parse(*state, HEADER "91411502MA9F00001A,甲公司,411502\n"
						     "91411503MA9F00002U,\"乙公司,411503\n"
						     "91411525MA9F00003T,丙公司,411525\n");
	assert_true(imp->fatal);
	assert_int_equal(imp->nrows, 0);
	assert_int_equal(imp->problems.n, 1);
	assert_int_equal(imp->problems.items[0].line, 3);
	assert_string_equal(imp->problems.items[0].field, "file");
}

static void short_rows_are_padded_and_long_ones_rejected(void **state)
{
	struct rq_import *imp = parse(*state, "uscc,name,county_code,industry\n"
					      "91411502MA9F00001A,甲公司,411502\n"
					      "91411503MA9F00002U,乙公司,411503,制造,多余\n"
					      "91411525MA9F00003T,丙公司,411525,,,\n");
	assert_int_equal(imp->nrows, 3);
	assert_false(imp->rows[0].rejected);
	assert_null(imp->rows[0].value[RQ_IMPORT_INDUSTRY]);
	assert_true(imp->rows[1].rejected);
	assert_int_equal(imp->problems.items[0].line, 3);
	assert_non_null(strstr(imp->problems.items[0].message, "个字段"));
	/* trailing empty fields are harmless */
	assert_false(imp->rows[2].rejected);
}

static void an_overlong_record_is_rejected_not_stored(void **state)
{
	size_t n = RQ_IMPORT_MAX_RECORD + 100;
	char *csv = rq_alloc(*state, n + 200);
	size_t off = (size_t)snprintf(csv, 200, HEADER "91411502MA9F00001A,");
	memset(csv + off, 'x', n);
	off += n;
	const char *tail = ",411502\n91411503MA9F00002U,乙公司,411503\n";
	memcpy(csv + off, tail, strlen(tail) + 1);
	struct rq_import *imp = parse(*state, csv);
	assert_false(imp->fatal);
	assert_int_equal(imp->nrows, 2);
	assert_true(imp->rows[0].rejected);
	assert_false(imp->rows[1].rejected);
	assert_non_null(strstr(imp->problems.items[0].message, "超过"));
}

static void files_over_the_size_limit_are_refused(void **state)
{
	const char *csv = HEADER "91411502MA9F00001A,甲公司,411502\n";
	struct rq_import *imp = rq_import_parse(*state, csv, strlen(csv), 20);
	assert_true(imp->fatal);
	assert_non_null(strstr(imp->problems.items[0].message, "最多接受 20"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(quoted_fields_keep_commas_quotes_and_line_breaks, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(crlf_lone_cr_and_a_missing_final_newline, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(blank_lines_and_empty_records_are_skipped, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(values_are_trimmed_including_ideographic_spaces, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(text_after_a_closing_quote_rejects_the_row, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(an_unterminated_quote_refuses_the_file, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(short_rows_are_padded_and_long_ones_rejected, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(an_overlong_record_is_rejected_not_stored, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(files_over_the_size_limit_are_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
