/* Opaque random tokens: 43 URL-safe characters from the kernel's CSPRNG, base64url, and
 * random hex request ids. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "rq_token.h"

static const char url_safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void new_token_is_43_url_safe_characters(void **state)
{
	(void)state;
	char t[RQ_TOKEN_LEN + 1];
	memset(t, '#', sizeof(t));
	assert_int_equal(rq_token_new(t), 0);
	assert_int_equal(strlen(t), 43);
	assert_int_equal(RQ_TOKEN_LEN, 43);
	assert_int_equal(strspn(t, url_safe), 43);
	assert_true(rq_token_wellformed(t));
}

enum { NTOKENS = 2000 };

static void new_tokens_are_distinct_and_use_the_whole_alphabet(void **state)
{
	(void)state;
	static char tokens[NTOKENS][RQ_TOKEN_LEN + 1];
	int seen[256] = {0};
	for (int i = 0; i < NTOKENS; i++) {
		assert_int_equal(rq_token_new(tokens[i]), 0);
		assert_true(rq_token_wellformed(tokens[i]));
		for (int k = 0; k < RQ_TOKEN_LEN; k++)
			seen[(unsigned char)tokens[i][k]]++;
		for (int j = 0; j < i; j++)
			if (strcmp(tokens[i], tokens[j]) == 0)
				fail_msg("token %d repeats token %d: %s", i, j, tokens[i]);
	}
	/* 86000 random characters: every one of the 64 turns up, nothing else does. */
	for (size_t k = 0; k < 64; k++)
		if (seen[(unsigned char)url_safe[k]] == 0)
			fail_msg("'%c' never appeared in %d tokens", url_safe[k], NTOKENS);
	int total = 0;
	for (size_t k = 0; k < 64; k++)
		total += seen[(unsigned char)url_safe[k]];
	assert_int_equal(total, NTOKENS * RQ_TOKEN_LEN);
}

static void wellformed_rejects_other_shapes(void **state)
{
	(void)state;
	char t[RQ_TOKEN_LEN + 2];
	assert_int_equal(rq_token_new(t), 0);
	assert_true(rq_token_wellformed(t));

	assert_false(rq_token_wellformed(NULL));
	assert_false(rq_token_wellformed(""));
	char shorter[RQ_TOKEN_LEN];
	memcpy(shorter, t, RQ_TOKEN_LEN - 1);
	shorter[RQ_TOKEN_LEN - 1] = '\0';
	assert_false(rq_token_wellformed(shorter)); /* 42 */
	char longer[RQ_TOKEN_LEN + 2];
	memcpy(longer, t, RQ_TOKEN_LEN);
	longer[RQ_TOKEN_LEN] = 'A';
	longer[RQ_TOKEN_LEN + 1] = '\0';
	assert_false(rq_token_wellformed(longer)); /* 44 */

	/* One foreign character anywhere: standard base64, padding, spaces, quotes, bytes. */
	const char foreign[] = "+/= .'\"%;\\\t\x7f\x80\xff";
	for (size_t pos = 0; pos < RQ_TOKEN_LEN; pos++) {
		for (size_t k = 0; k < sizeof(foreign) - 1; k++) {
			char bad[RQ_TOKEN_LEN + 1];
			memcpy(bad, t, sizeof(bad));
			bad[pos] = foreign[k];
			if (rq_token_wellformed(bad))
				fail_msg("byte 0x%02x at %zu was accepted",
					 (unsigned char)foreign[k], pos);
		}
	}
	/* Every allowed character is allowed anywhere. */
	char all[RQ_TOKEN_LEN + 1];
	memcpy(all, url_safe, RQ_TOKEN_LEN);
	all[RQ_TOKEN_LEN] = '\0';
	assert_true(rq_token_wellformed(all));
	memcpy(all, url_safe + 64 - RQ_TOKEN_LEN, RQ_TOKEN_LEN);
	assert_true(rq_token_wellformed(all));
}

static const char *b64(const char *in, size_t n)
{
	static char out[128];
	memset(out, '#', sizeof(out));
	rq_base64url((const unsigned char *)in, n, out);
	return out;
}

static void base64url_of_the_rfc_4648_vectors(void **state)
{
	(void)state;
	/* RFC 4648 section 10, without padding. */
	assert_string_equal(b64("", 0), "");
	assert_string_equal(b64("f", 1), "Zg");
	assert_string_equal(b64("fo", 2), "Zm8");
	assert_string_equal(b64("foo", 3), "Zm9v");
	assert_string_equal(b64("foob", 4), "Zm9vYg");
	assert_string_equal(b64("fooba", 5), "Zm9vYmE");
	assert_string_equal(b64("foobar", 6), "Zm9vYmFy");
}

static void base64url_uses_the_url_safe_alphabet(void **state)
{
	(void)state;
	/* Where standard base64 has '+' and '/', base64url has '-' and '_'. */
	assert_string_equal(b64("\xfb\xff", 2), "-_8");
	assert_string_equal(b64("\xfb\xef\xbe", 3), "----");
	assert_string_equal(b64("\xff\xff\xff", 3), "____");
	assert_string_equal(b64("\x00\x00\x00", 3), "AAAA");
	assert_string_equal(b64("\x00", 1), "AA");
	assert_string_equal(b64("\x03\xe0\x0f\x80", 4), "A-APgA");
	/* 32 bytes, the size of a token: 43 characters. */
	static const char zeros[32] = {0};
	const char *z = b64(zeros, 32);
	assert_int_equal(strlen(z), 43);
	assert_int_equal(strspn(z, "A"), 43);
}

static void random_hex_is_lower_case_and_bounded(void **state)
{
	(void)state;
	char a[33], b[33];
	assert_int_equal(rq_random_hex(a, 16), 0);
	assert_int_equal(strlen(a), 32);
	assert_int_equal(strspn(a, "0123456789abcdef"), 32);
	assert_int_equal(rq_random_hex(b, 16), 0);
	assert_string_not_equal(a, b);
	char empty[1] = {'#'};
	assert_int_equal(rq_random_hex(empty, 0), 0);
	assert_string_equal(empty, "");
	char big[2 * 64 + 1];
	assert_int_equal(rq_random_hex(big, 64), 0);
	assert_int_equal(strlen(big), 128);
	char too_big[2 * 65 + 1];
	assert_int_equal(rq_random_hex(too_big, 65), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(new_token_is_43_url_safe_characters),
	    cmocka_unit_test(new_tokens_are_distinct_and_use_the_whole_alphabet),
	    cmocka_unit_test(wellformed_rejects_other_shapes),
	    cmocka_unit_test(base64url_of_the_rfc_4648_vectors),
	    cmocka_unit_test(base64url_uses_the_url_safe_alphabet),
	    cmocka_unit_test(random_hex_is_lower_case_and_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
