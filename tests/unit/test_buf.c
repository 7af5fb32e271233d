/* rq_buf, the one growable buffer: appends up to a hard cap; past it, or out of memory, the
 * buffer is failed for good and its bytes are gone, so a caller checks once at the end. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "rq_buf.h"

static void appends_and_takes(void **state)
{
	(void)state;
	struct rq_buf b;
	rq_buf_init(&b, 1000);
	assert_string_equal(rq_buf_ptr(&b), "");
	rq_buf_add(&b, "ab", 2);
	rq_buf_add_str(&b, "cde");
	for (int i = 0; i < 100; i++) /* grows past the first allocation */
		rq_buf_add(&b, "0123456789", 5);
	assert_true(rq_buf_ok(&b));
	assert_int_equal(rq_buf_len(&b), 505);
	assert_memory_equal(rq_buf_ptr(&b), "abcde01234", 10);
	size_t len = 0;
	char *p = rq_buf_take(&b, &len);
	assert_non_null(p);
	assert_int_equal(len, 505);
	assert_int_equal(strlen(p), 505); /* NUL-terminated */
	free(p);
	assert_int_equal(rq_buf_len(&b), 0); /* taken: empty, and usable again */
	rq_buf_add_str(&b, "x");
	assert_string_equal(rq_buf_ptr(&b), "x");
	rq_buf_free(&b);
}

static void empty_take_is_an_empty_string(void **state)
{
	(void)state;
	struct rq_buf b;
	rq_buf_init(&b, 10);
	size_t len = 99;
	char *p = rq_buf_take(&b, &len);
	assert_non_null(p);
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	free(p);
}

static void the_cap_is_exact_and_failure_sticks(void **state)
{
	(void)state;
	struct rq_buf b;
	rq_buf_init(&b, 8);
	rq_buf_add(&b, "12345678", 8); /* exactly the cap */
	assert_true(rq_buf_ok(&b));
	rq_buf_add(&b, "9", 1); /* one past */
	assert_false(rq_buf_ok(&b));
	assert_int_equal(rq_buf_len(&b), 0);
	assert_string_equal(rq_buf_ptr(&b), "");
	rq_buf_clear(&b);
	rq_buf_add(&b, "a", 1); /* ignored: still failed */
	assert_false(rq_buf_ok(&b));
	size_t len = 99;
	assert_null(rq_buf_take(&b, &len));
	assert_int_equal(len, 0);
	rq_buf_free(&b); /* a freed buffer starts over */
	assert_true(rq_buf_ok(&b));
	rq_buf_add(&b, "abc", 3);
	assert_string_equal(rq_buf_ptr(&b), "abc");
	rq_buf_free(&b);
}

static void clear_keeps_going_and_reserve_never_fails_alone(void **state)
{
	(void)state;
	struct rq_buf b;
	rq_buf_init(&b, 16);
	rq_buf_reserve(&b, 1000); /* beyond the cap: only a hint */
	assert_true(rq_buf_ok(&b));
	rq_buf_add(&b, "0123456789abcdef", 16);
	rq_buf_clear(&b);
	rq_buf_add(&b, "0123456789abcdef", 16); /* the cap counts what is held, not all added */
	assert_true(rq_buf_ok(&b));
	assert_int_equal(rq_buf_len(&b), 16);
	rq_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(appends_and_takes),
	    cmocka_unit_test(empty_take_is_an_empty_string),
	    cmocka_unit_test(the_cap_is_exact_and_failure_sticks),
	    cmocka_unit_test(clear_keeps_going_and_reserve_never_fails_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
