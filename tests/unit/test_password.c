/* Portal passwords: yescrypt hashes ($y$) that verify only the password they were made
 * from. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <crypt.h>
#include <string.h>

#include "rq_auth.h"
#include "arena_fixture.h"

struct fixture {
	struct rq_arena *arena;
	char hash[CRYPT_OUTPUT_SIZE];
};

static const char password[] = "correct horse battery staple";

static int setup(void **state)
{
	static struct fixture f;
	memset(&f, 0, sizeof(f));
	f.arena = rq_arena_new();
	if (f.arena == NULL || rq_password_hash(password, f.hash, sizeof(f.hash)) != 0)
		return -1;
	*state = &f;
	return 0;
}

static void hash_is_yescrypt(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(strncmp(f->hash, "$y$", 3), 0);
	assert_null(strstr(f->hash, password)); /* the password itself is not in it */
	/* $y$<params>$<salt>$<hash> */
	size_t dollars = 0;
	for (const char *p = f->hash; *p != '\0'; p++)
		dollars += *p == '$';
	assert_int_equal(dollars, 4);
}

static void right_password_verifies(void **state)
{
	struct fixture *f = *state;
	assert_true(rq_password_verify(f->arena, password, f->hash));
}

static void wrong_password_does_not(void **state)
{
	struct fixture *f = *state;
	assert_false(rq_password_verify(f->arena, "correct horse battery stapl", f->hash));
	assert_false(rq_password_verify(f->arena, "Correct horse battery staple", f->hash));
	assert_false(rq_password_verify(f->arena, "correct horse battery staple ", f->hash));
	assert_false(rq_password_verify(f->arena, "", f->hash));
}

static void garbage_hashes_do_not_verify(void **state)
{
	struct fixture *f = *state;
	const char *garbage[] = {"",
				 "*",
				 "*0",
				 "*1",
				 "!",
				 "garbage",
				 "$y$",
				 "$y$j9T$",
				 "$y$j9T$$",
				 "$9$abc$def",
				 "$2b$10$notarealbcrypthash"};
	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++)
		if (rq_password_verify(f->arena, password, garbage[i]))
			fail_msg("hash \"%s\" verified", garbage[i]);

	/* The right hash cut short or with one character changed. */
	char cut[CRYPT_OUTPUT_SIZE];
	size_t n = strlen(f->hash);
	memcpy(cut, f->hash, n - 1);
	cut[n - 1] = '\0';
	assert_false(rq_password_verify(f->arena, password, cut));
	char changed[CRYPT_OUTPUT_SIZE];
	memcpy(changed, f->hash, n + 1);
	changed[n - 1] = changed[n - 1] == 'A' ? 'B' : 'A';
	assert_false(rq_password_verify(f->arena, password, changed));
	/* Only the salt and parameters of a hash (the setting) are not a hash of anything. */
	const char *last = strrchr(f->hash, '$');
	char setting[CRYPT_OUTPUT_SIZE];
	memcpy(setting, f->hash, (size_t)(last - f->hash) + 1);
	setting[last - f->hash + 1] = '\0';
	assert_false(rq_password_verify(f->arena, password, setting));
}

static void each_hash_has_its_own_salt(void **state)
{
	struct fixture *f = *state;
	char again[CRYPT_OUTPUT_SIZE];
	assert_int_equal(rq_password_hash(password, again, sizeof(again)), 0);
	assert_string_not_equal(again, f->hash);
	assert_true(rq_password_verify(f->arena, password, again));
}

static void unusual_passwords_round_trip(void **state)
{
	struct fixture *f = *state;
	const char *pw = "密码：城关镇 2024!";
	char h[CRYPT_OUTPUT_SIZE];
	assert_int_equal(rq_password_hash(pw, h, sizeof(h)), 0);
	assert_true(rq_password_verify(f->arena, pw, h));
	assert_false(rq_password_verify(f->arena, "密码：城关镇 2025!", h));

	char longpw[257];
	memset(longpw, 'p', 256);
	longpw[256] = '\0';
	assert_int_equal(rq_password_hash(longpw, h, sizeof(h)), 0);
	assert_true(rq_password_verify(f->arena, longpw, h));
	longpw[255] = 'q';
	assert_false(rq_password_verify(f->arena, longpw, h));
}

static void too_small_a_buffer_is_refused(void **state)
{
	(void)state;
	char small[16];
	assert_int_equal(rq_password_hash(password, small, sizeof(small)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(hash_is_yescrypt, setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(right_password_verifies, setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(wrong_password_does_not, setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(garbage_hashes_do_not_verify, setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(each_hash_has_its_own_salt, setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(unusual_passwords_round_trip, setup, arena_teardown),
	    cmocka_unit_test(too_small_a_buffer_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
