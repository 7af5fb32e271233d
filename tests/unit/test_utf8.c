/* rq_utf8_valid: well-formed UTF-8 text (no overlong forms, surrogates, values past
 * U+10FFFF, truncated sequences, NUL or C0 controls other than tab, newline and return),
 * counted in characters. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "rq_http.h"

static size_t count(const char *s)
{
	size_t chars = (size_t)-1;
	if (!rq_utf8_valid(s, strlen(s), &chars))
		fail_msg("\"%s\" should be valid", s);
	return chars;
}

static void expect_invalid(const char *s, size_t len, const char *what)
{
	size_t chars = 0;
	if (rq_utf8_valid(s, len, &chars))
		fail_msg("%s should be invalid", what);
}

static void ascii_and_empty(void **state)
{
	(void)state;
	assert_int_equal(count(""), 0);
	assert_int_equal(count("hello"), 5);
	assert_int_equal(count("tab\tnewline\nreturn\r"), 19);
	assert_int_equal(count(" !~"), 3);
	assert_true(rq_utf8_valid("abc", 3, NULL)); /* the count is optional */
}

static void multibyte_characters_count_once(void **state)
{
	(void)state;
	assert_int_equal(count("中文"), 2);
	assert_int_equal(count("城关镇卫生院"), 6);
	assert_int_equal(count("é"), 1);
	assert_int_equal(count("a中b"), 3);
	assert_int_equal(count("\xf0\x9f\x98\x80"), 1); /* U+1F600, 4 bytes */
	assert_int_equal(count("，。、"), 3);		/* full-width punctuation */
}

static void boundaries_of_each_length_are_valid(void **state)
{
	(void)state;
	assert_int_equal(count("\x7f"), 1);		/* U+007F */
	assert_int_equal(count("\xc2\x80"), 1);		/* U+0080, smallest 2-byte */
	assert_int_equal(count("\xdf\xbf"), 1);		/* U+07FF */
	assert_int_equal(count("\xe0\xa0\x80"), 1);	/* U+0800, smallest 3-byte */
	assert_int_equal(count("\xed\x9f\xbf"), 1);	/* U+D7FF, just below surrogates */
	assert_int_equal(count("\xee\x80\x80"), 1);	/* U+E000, just above */
	assert_int_equal(count("\xef\xbf\xbd"), 1);	/* U+FFFD */
	assert_int_equal(count("\xef\xbf\xbf"), 1);	/* U+FFFF */
	assert_int_equal(count("\xf0\x90\x80\x80"), 1); /* U+10000, smallest 4-byte */
	assert_int_equal(count("\xf4\x8f\xbf\xbf"), 1); /* U+10FFFF, the last code point */
}

static void overlong_forms_are_invalid(void **state)
{
	(void)state;
	expect_invalid("\xc0\x80", 2, "overlong NUL (C0 80)");
	expect_invalid("\xc0\xaf", 2, "overlong '/' (C0 AF)");
	expect_invalid("\xc1\xbf", 2, "overlong U+007F (C1 BF)");
	expect_invalid("\xe0\x80\x80", 3, "overlong 3-byte NUL");
	expect_invalid("\xe0\x9f\xbf", 3, "overlong U+07FF in 3 bytes");
	expect_invalid("\xf0\x80\x80\x80", 4, "overlong 4-byte NUL");
	expect_invalid("\xf0\x8f\xbf\xbf", 4, "overlong U+FFFF in 4 bytes");
}

static void surrogates_are_invalid(void **state)
{
	(void)state;
	expect_invalid("\xed\xa0\x80", 3, "U+D800");
	expect_invalid("\xed\xaf\xbf", 3, "U+DBFF");
	expect_invalid("\xed\xb0\x80", 3, "U+DC00");
	expect_invalid("\xed\xbf\xbf", 3, "U+DFFF");
	/* A surrogate pair encoded as two 3-byte sequences (CESU-8) is not UTF-8. */
	expect_invalid("\xed\xa0\xbd\xed\xb8\x80", 6, "CESU-8 pair");
}

static void beyond_u10ffff_is_invalid(void **state)
{
	(void)state;
	expect_invalid("\xf4\x90\x80\x80", 4, "U+110000");
	expect_invalid("\xf5\x80\x80\x80", 4, "F5 lead byte");
	expect_invalid("\xf7\xbf\xbf\xbf", 4, "U+1FFFFF");
	expect_invalid("\xf8\x88\x80\x80\x80", 5, "5-byte form");
	expect_invalid("\xfc\x84\x80\x80\x80\x80", 6, "6-byte form");
	expect_invalid("\xfe", 1, "FE");
	expect_invalid("\xff", 1, "FF");
}

static void truncated_sequences_are_invalid(void **state)
{
	(void)state;
	expect_invalid("\xc3", 1, "2-byte lead at the end");
	expect_invalid("\xe4\xb8", 2, "3-byte sequence missing its last byte");
	expect_invalid("\xf0\x9f\x98", 3, "4-byte sequence missing its last byte");
	expect_invalid("\xe4\xb8"
		       "A",
		       3, "3-byte sequence cut by ASCII");
	expect_invalid("\xf0\x9f"
		       "ab",
		       4, "4-byte sequence cut by ASCII");
	expect_invalid("abc\xe4", 4, "lead byte at the very end");
	/* len is honoured: a character cut by len is truncated even if the bytes go on. */
	expect_invalid("中", 2, "中 cut after 2 bytes");
	size_t chars = 0;
	assert_true(rq_utf8_valid("中文", 3, &chars));
	assert_int_equal(chars, 1);
}

static void stray_continuation_bytes_are_invalid(void **state)
{
	(void)state;
	expect_invalid("\x80", 1, "lone 80");
	expect_invalid("\xbf", 1, "lone BF");
	expect_invalid("a\x80z", 3, "80 between letters");
	expect_invalid("\xe4\xb8\xad\xad", 4, "中 with an extra continuation byte");
}

static void control_characters_are_invalid(void **state)
{
	(void)state;
	expect_invalid("a\0b", 3, "NUL inside the length");
	expect_invalid("\x01", 1, "U+0001");
	expect_invalid("a\x08z", 3, "backspace");
	expect_invalid("\x0b", 1, "vertical tab");
	expect_invalid("\x0c", 1, "form feed");
	expect_invalid("\x1b[31m", 5, "ESC");
	expect_invalid("\x1f", 1, "U+001F");
	size_t chars = 0;
	assert_true(rq_utf8_valid("\t\n\r", 3, &chars));
	assert_int_equal(chars, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ascii_and_empty),
	    cmocka_unit_test(multibyte_characters_count_once),
	    cmocka_unit_test(boundaries_of_each_length_are_valid),
	    cmocka_unit_test(overlong_forms_are_invalid),
	    cmocka_unit_test(surrogates_are_invalid),
	    cmocka_unit_test(beyond_u10ffff_is_invalid),
	    cmocka_unit_test(truncated_sequences_are_invalid),
	    cmocka_unit_test(stray_continuation_bytes_are_invalid),
	    cmocka_unit_test(control_characters_are_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
