/* rq_parse_i64, the one checked number parser: all of the string, base 10, within
 * [min, max]; nothing else is a number. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>

#include "rq_num.h"

static int64_t parse_ok(const char *s, int64_t min, int64_t max)
{
	int64_t v = 12345;
	if (rq_parse_i64(s, min, max, &v) != 0)
		fail_msg("\"%s\" should parse", s);
	return v;
}

/* s with control characters shown as \xNN, for messages. */
static const char *shown(const char *s)
{
	static char out[256];
	if (s == NULL)
		return "(null)";
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0' && o + 5 < sizeof(out);
	     p++)
		o += (size_t)snprintf(out + o, sizeof(out) - o, *p < 0x20 ? "\\x%02x" : "%c", *p);
	out[o] = '\0';
	return out;
}

static void expect_refused(const char *s, int64_t min, int64_t max)
{
	int64_t v = 12345;
	if (rq_parse_i64(s, min, max, &v) != -1)
		fail_msg("\"%s\" should be refused in [%lld, %lld]", shown(s), (long long)min,
			 (long long)max);
	assert_int_equal(v, 12345); /* untouched on failure */
}

static void plain_numbers(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("0", 0, 10), 0);
	assert_int_equal(parse_ok("-0", -10, 10), 0);
	assert_int_equal(parse_ok("7", 0, 10), 7);
	assert_int_equal(parse_ok("-42", -100, 100), -42);
	assert_int_equal(parse_ok("007", 0, 10), 7); /* leading zeros are decimal, not octal */
	assert_int_equal(parse_ok("010", 0, 100), 10);
	assert_int_equal(parse_ok("1048576", 1024, 64L * 1024 * 1024), 1048576);
}

static void the_extremes_of_int64(void **state)
{
	(void)state;
	assert_true(parse_ok("9223372036854775807", INT64_MIN, INT64_MAX) == INT64_MAX);
	assert_true(parse_ok("-9223372036854775808", INT64_MIN, INT64_MAX) == INT64_MIN);
	expect_refused("9223372036854775808", INT64_MIN, INT64_MAX);
	expect_refused("-9223372036854775809", INT64_MIN, INT64_MAX);
	expect_refused("99999999999999999999999", INT64_MIN, INT64_MAX);
}

static void range_is_inclusive(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("1", 1, 256), 1);
	assert_int_equal(parse_ok("256", 1, 256), 256);
	expect_refused("0", 1, 256);
	expect_refused("257", 1, 256);
	expect_refused("-1", 0, INT64_MAX);
	assert_int_equal(parse_ok("5", 5, 5), 5);
	expect_refused("4", 5, 5);
}

static void not_numbers(void **state)
{
	(void)state;
	const char *bad[] = {"",    "-",     "--1",   "+1",  "+",   " 1",  "\t1",
			     "1 ",  "1\n",   "12x",   "x12", "1.0", "1e3", "0x1A",
			     "0b1", "1_000", "1,000", "٣",   "１"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_refused(bad[i], INT64_MIN, INT64_MAX);
	expect_refused(NULL, INT64_MIN, INT64_MAX);
}

/* strtoll skips every isspace() character: "\n12", "\r12", "\v12" and "\f12" must still be
 * refused. CONTENT_LENGTH and every RUQIMA_* number go through here. */
static void other_leading_whitespace_is_not_a_number(void **state)
{
	(void)state;
	const char *bad[] = {"\n12", "\r12", "\v12", "\f12", "\n+12", "\n -12"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t v = 0;
		if (rq_parse_i64(bad[i], INT64_MIN, INT64_MAX, &v) == 0)
			fail_msg("\"%s\" parsed as %lld", shown(bad[i]), (long long)v);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(plain_numbers),
	    cmocka_unit_test(the_extremes_of_int64),
	    cmocka_unit_test(range_is_inclusive),
	    cmocka_unit_test(not_numbers),
	    cmocka_unit_test(other_leading_whitespace_is_not_a_number),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
