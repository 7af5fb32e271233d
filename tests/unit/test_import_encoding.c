/* The import's encoding detection: UTF-8 with or without a BOM, GB18030/GBK converted with
 * iconv, and files in neither refused with the place of the first bad byte. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "gbk_fixture.h"
#include "rq_import.h"

static const char *const counties[] = {"411502", "411503", "411525"};

static struct rq_import *parse_n(struct rq_arena *a, const char *data, size_t n)
{
	struct rq_import *imp = rq_import_parse(a, data, n, 1 << 20);
	rq_import_resolve(imp, counties, 3, NULL, 0);
	return imp;
}

static struct rq_import *parse(struct rq_arena *a, const char *data)
{
	return parse_n(a, data, strlen(data));
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

static void utf8_without_bom(void **state)
{
	struct rq_import *imp = parse(*state, "统一社会信用代码,企业名称,县区代码\n"
					      "91411502MA9F00001A,信阳毛尖茶业有限公司,411502\n");
	assert_false(imp->fatal);
	assert_string_equal(imp->encoding, "UTF-8");
	assert_int_equal(imp->nrows, 1);
	assert_string_equal(imp->rows[0].value[RQ_IMPORT_NAME], "信阳毛尖茶业有限公司");
}

static void utf8_with_bom_as_excel_saves_it(void **state)
{
	struct rq_import *imp = parse(*state, "\xEF\xBB\xBF"
					      "统一社会信用代码,企业名称,县区代码\r\n"
					      "91411502MA9F00001A,信阳毛尖茶业有限公司,411502\r\n");
	assert_false(imp->fatal);
	assert_string_equal(imp->encoding, "UTF-8 with BOM");
	/* the BOM is not part of the first column's name */
	assert_true(imp->has[RQ_IMPORT_USCC]);
	assert_int_equal(imp->nrows, 1);
	assert_int_equal(imp->problems.n, 0);
}

static void gbk_is_converted(void **state)
{
	struct rq_import *imp =
	    parse(*state, GBK_HEADER "91411502MA9F00001A," GBK_NAME ",411502," GBK_CUNXU "\r\n"
				     "91411503MA9F00002U," GBK_NAME ",411503," GBK_ZHUXIAO "\r\n");
	assert_false(imp->fatal);
	assert_string_equal(imp->encoding, "GB18030");
	assert_true(imp->has[RQ_IMPORT_USCC]);
	assert_true(imp->has[RQ_IMPORT_NAME]);
	assert_true(imp->has[RQ_IMPORT_COUNTY_CODE]);
	assert_true(imp->has[RQ_IMPORT_STATUS]);
	assert_int_equal(imp->nrows, 2);
	assert_int_equal(imp->problems.n, 0);
	assert_string_equal(imp->rows[0].value[RQ_IMPORT_NAME], "信阳毛尖茶业有限公司");
	assert_string_equal(imp->rows[0].value[RQ_IMPORT_STATUS], "normal");
	assert_string_equal(imp->rows[1].value[RQ_IMPORT_STATUS], "cancelled");
}

static void gb18030_four_byte_characters_and_its_bom(void **state)
{
	/* 84 31 95 33 is GB18030's BOM; 81 30 8A 31 is U+00E4 ä (four bytes in GB18030) */
	struct rq_import *imp =
	    parse(*state, "\x84\x31\x95\x33" GBK_HEADER "91411502MA9F00001A,K\x81\x30\x8a\x31"
			  "se " GBK_NAME ",411502," GBK_CUNXU "\r\n");
	assert_false(imp->fatal);
	assert_string_equal(imp->encoding, "GB18030");
	assert_true(imp->has[RQ_IMPORT_USCC]);
	assert_int_equal(imp->problems.n, 0);
	assert_string_equal(imp->rows[0].value[RQ_IMPORT_NAME], "Käse 信阳毛尖茶业有限公司");
}

static void neither_utf8_nor_gb18030_is_refused_with_its_line(void **state)
{
	/* 0x80 alone is not a GB18030 lead byte, 0xFF never is */
	struct rq_import *imp = parse(*state, "uscc,name,county_code\n"
					      "91411502MA9F00001A," GBK_NAME ",411502\n"
					      "91411503MA9F00002U,\xff\xff,411503\n");
	assert_true(imp->fatal);
	assert_int_equal(imp->nrows, 0);
	assert_int_equal(imp->problems.items[0].line, 3);
	assert_non_null(strstr(imp->problems.items[0].message, "GB18030"));
}

static void utf16_is_refused(void **state)
{
	static const char utf16[] = "\xff\xfeu\0s\0c\0c\0";
	struct rq_import *imp = parse_n(*state, utf16, sizeof(utf16) - 1);
	assert_true(imp->fatal);
	assert_non_null(strstr(imp->problems.items[0].message, "UTF-16"));
}

static void a_nul_byte_is_refused(void **state)
{
	static const char csv[] = "uscc,name,county_code\n9141\0"
				  "1502MA9F00001A,x,411502\n";
	struct rq_import *imp = parse_n(*state, csv, sizeof(csv) - 1);
	assert_true(imp->fatal);
	assert_int_equal(imp->problems.items[0].line, 2);
}

static void a_bom_before_invalid_utf8_is_refused(void **state)
{
	struct rq_import *imp = parse(*state, "\xEF\xBB\xBFuscc,name,county_code\n"
					      "91411502MA9F00001A," GBK_NAME ",411502\n");
	assert_true(imp->fatal);
	assert_non_null(strstr(imp->problems.items[0].message, "字节顺序标记"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(utf8_without_bom, setup, teardown),
	    cmocka_unit_test_setup_teardown(utf8_with_bom_as_excel_saves_it, setup, teardown),
	    cmocka_unit_test_setup_teardown(gbk_is_converted, setup, teardown),
	    cmocka_unit_test_setup_teardown(gb18030_four_byte_characters_and_its_bom, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(neither_utf8_nor_gb18030_is_refused_with_its_line,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(utf16_is_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_nul_byte_is_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_bom_before_invalid_utf8_is_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
