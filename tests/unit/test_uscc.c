/* Unified social credit codes (GB 32100-2015): alphabet, length and check character. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "rq_uscc.h"

static const char valid_code[] = "91110000600037341L";

static void known_codes_are_valid(void **state)
{
	(void)state;
	assert_true(rq_uscc_valid(valid_code));
	assert_true(rq_uscc_valid("91411502MA9F00001A"));
	assert_true(rq_uscc_valid("91411503MA9F00002U"));
	assert_true(rq_uscc_valid("91411525MA9F00003T"));
}

static void check_characters_at_both_ends_of_the_alphabet(void **state)
{
	(void)state;
	/* Weighted sum a multiple of 31: the check character is '0', not '31'. */
	assert_true(rq_uscc_valid("914403007152672630"));
	/* The last letter of the alphabet. */
	assert_true(rq_uscc_valid("9144030071526726DY"));
}

static void every_single_character_change_is_invalid(void **state)
{
	(void)state;
	char code[sizeof(valid_code)];
	for (size_t pos = 0; pos < 18; pos++) {
		for (int c = 0x21; c < 0x7F; c++) {
			if (c == valid_code[pos])
				continue;
			memcpy(code, valid_code, sizeof(code));
			code[pos] = (char)c;
			if (rq_uscc_valid(code))
				fail_msg("\"%s\" (position %zu changed to '%c') must be invalid",
					 code, pos, c);
		}
		/* A byte outside ASCII, e.g. the first byte of a full-width digit. */
		memcpy(code, valid_code, sizeof(code));
		code[pos] = (char)0xEF;
		assert_false(rq_uscc_valid(code));
	}
}

static void swapped_neighbours_are_invalid(void **state)
{
	(void)state;
	char code[sizeof(valid_code)];
	for (size_t pos = 0; pos + 1 < 17; pos++) {
		if (valid_code[pos] == valid_code[pos + 1])
			continue;
		memcpy(code, valid_code, sizeof(code));
		code[pos] = valid_code[pos + 1];
		code[pos + 1] = valid_code[pos];
		if (rq_uscc_valid(code))
			fail_msg("\"%s\" (positions %zu and %zu swapped) must be invalid", code,
				 pos, pos + 1);
	}
}

static void lower_case_is_invalid(void **state)
{
	(void)state;
	assert_false(rq_uscc_valid("91110000600037341l"));
	assert_false(rq_uscc_valid("91411502ma9f00001a"));
	assert_false(rq_uscc_valid("91411502Ma9F00001A"));
}

static void wrong_lengths_are_invalid(void **state)
{
	(void)state;
	assert_false(rq_uscc_valid(NULL));
	assert_false(rq_uscc_valid(""));
	assert_false(rq_uscc_valid("91110000600037341"));   /* 17 */
	assert_false(rq_uscc_valid("91110000600037341L0")); /* 19 */
	assert_false(rq_uscc_valid("91110000600037341LL"));
	assert_false(rq_uscc_valid(" 91110000600037341L"));
	assert_false(rq_uscc_valid("91110000600037341L "));
	/* A NUL inside: the code stops there. */
	assert_false(rq_uscc_valid("9111000060\0"
				   "037341L"));
}

static void letters_i_o_z_s_v_are_not_in_the_alphabet(void **state)
{
	(void)state;
	const char excluded[] = "IOZSV";
	char code[sizeof(valid_code)];
	for (size_t k = 0; k < 5; k++) {
		for (size_t pos = 0; pos < 18; pos++) {
			memcpy(code, valid_code, sizeof(code));
			code[pos] = excluded[k];
			if (rq_uscc_valid(code))
				fail_msg("\"%s\" contains '%c' and must be invalid", code,
					 excluded[k]);
		}
	}
	/* The letters that look like digits are not read as those digits either. */
	assert_false(rq_uscc_valid("9111OOOO6OOO37341L"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(known_codes_are_valid),
	    cmocka_unit_test(check_characters_at_both_ends_of_the_alphabet),
	    cmocka_unit_test(every_single_character_change_is_invalid),
	    cmocka_unit_test(swapped_neighbours_are_invalid),
	    cmocka_unit_test(lower_case_is_invalid),
	    cmocka_unit_test(wrong_lengths_are_invalid),
	    cmocka_unit_test(letters_i_o_z_s_v_are_not_in_the_alphabet),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
