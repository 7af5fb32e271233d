/* SHA-256 against the FIPS 180-4 / NIST example vectors, one-shot and streamed in every
 * split, so that the name of a stored upload is its real SHA-256. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rq_sha256.h"

static const char MSG_448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char MSG_896[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
			      "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

static void hex_of(const uint8_t d[RQ_SHA256_LEN], char out[RQ_SHA256_HEX_LEN + 1])
{
	for (int i = 0; i < RQ_SHA256_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void expect_hex(const char *msg, size_t len, const char *want)
{
	char got[RQ_SHA256_HEX_LEN + 1];
	rq_sha256_hex(msg, len, got);
	assert_string_equal(got, want);
}

static void empty_message(void **state)
{
	(void)state;
	expect_hex("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void abc(void **state)
{
	(void)state;
	expect_hex("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* 448 bits: the padding no longer fits the block, a second one is needed. */
static void message_of_448_bits(void **state)
{
	(void)state;
	expect_hex(MSG_448, strlen(MSG_448),
		   "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void message_of_896_bits(void **state)
{
	(void)state;
	expect_hex(MSG_896, strlen(MSG_896),
		   "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

/* One million 'a', fed in pieces of 1, 7 (the last one shorter), 64, 1000 and all at once. */
static void one_million_a_streamed(void **state)
{
	(void)state;
	static const size_t pieces[] = {1, 7, 64, 1000, 1000000};
	char *a = malloc(1000000);
	assert_non_null(a);
	memset(a, 'a', 1000000);
	for (size_t k = 0; k < sizeof(pieces) / sizeof(pieces[0]); k++) {
		struct rq_sha256 s;
		uint8_t d[RQ_SHA256_LEN];
		char hex[RQ_SHA256_HEX_LEN + 1];
		rq_sha256_init(&s);
		for (size_t off = 0; off < 1000000; off += pieces[k])
			rq_sha256_update(&s, a + off,
					 1000000 - off < pieces[k] ? 1000000 - off : pieces[k]);
		rq_sha256_final(&s, d);
		hex_of(d, hex);
		assert_string_equal(
		    hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	}
	free(a);
}

/* Every split of a message into two updates gives the one-shot digest; lengths around the
 * block and padding boundaries (55, 56, 63, 64, 65 bytes) included. */
static void every_split_gives_the_same_digest(void **state)
{
	(void)state;
	char msg[200];
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (char)('!' + i % 90);
	for (size_t len = 0; len <= sizeof(msg); len++) {
		char want[RQ_SHA256_HEX_LEN + 1];
		rq_sha256_hex(msg, len, want);
		for (size_t cut = 0; cut <= len; cut++) {
			struct rq_sha256 s;
			uint8_t d[RQ_SHA256_LEN];
			char got[RQ_SHA256_HEX_LEN + 1];
			rq_sha256_init(&s);
			rq_sha256_update(&s, msg, cut);
			rq_sha256_update(&s, msg + cut, len - cut);
			rq_sha256_final(&s, d);
			hex_of(d, got);
			if (strcmp(got, want) != 0)
				fail_msg("length %zu cut at %zu: %s, want %s", len, cut, got, want);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(empty_message),
	    cmocka_unit_test(abc),
	    cmocka_unit_test(message_of_448_bits),
	    cmocka_unit_test(message_of_896_bits),
	    cmocka_unit_test(one_million_a_streamed),
	    cmocka_unit_test(every_split_gives_the_same_digest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
