/* The per-request arena: zeroed, aligned memory that lives until reset, and cleanups that
 * run once, last registered first, when the request ends. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdalign.h>
#include <stdbool.h>
#include <string.h>

#include "rq_arena.h"

static int setup(void **state)
{
	*state = rq_arena_new();
	return *state != NULL ? 0 : -1;
}

static int teardown(void **state)
{
	rq_arena_free(*state);
	return 0;
}

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static void allocations_are_zeroed_and_aligned(void **state)
{
	struct rq_arena *a = *state;
	const size_t sizes[] = {0, 1, 3, 7, 8, 15, 16, 17, 100, 1000, 5000};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *p = rq_alloc(a, sizes[i]);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
		assert_true(all_zero(p, sizes[i]));
		/* Dirty it so that a later allocation of reused memory would show. */
		memset(p, 0xAB, sizes[i]);
	}
}

static void memory_is_zeroed_again_after_reset(void **state)
{
	struct rq_arena *a = *state;
	unsigned char *p = rq_alloc(a, 4096);
	memset(p, 0xFF, 4096);
	rq_arena_reset(a);
	/* The first block is kept for the next request: its memory must come back zeroed. */
	unsigned char *q = rq_alloc(a, 4096);
	assert_true(all_zero(q, 4096));
}

static void zero_size_allocations_are_distinct(void **state)
{
	struct rq_arena *a = *state;
	void *p = rq_alloc(a, 0), *q = rq_alloc(a, 0);
	assert_non_null(p);
	assert_non_null(q);
	assert_ptr_not_equal(p, q);
}

enum { MANY = 5000, SMALL = 40 };

/* Many small allocations span several blocks, with a large one in the middle; none of
 * them may overlap or be recycled before the reset. */
static void allocations_across_blocks_survive_until_reset(void **state)
{
	struct rq_arena *a = *state;
	static unsigned char *ptrs[MANY];
	unsigned char *big = NULL;
	const size_t big_size = 1u << 20; /* far larger than a block */
	for (size_t i = 0; i < MANY; i++) {
		ptrs[i] = rq_alloc(a, SMALL);
		assert_true(all_zero(ptrs[i], SMALL));
		memset(ptrs[i], (int)(i % 251) + 1, SMALL);
		if (i == MANY / 2) {
			big = rq_alloc(a, big_size);
			assert_int_equal((uintptr_t)big % alignof(max_align_t), 0);
			assert_true(all_zero(big, big_size));
			memset(big, 0x5A, big_size);
		}
	}
	for (size_t i = 0; i < MANY; i++) {
		unsigned char want = (unsigned char)((int)(i % 251) + 1);
		for (size_t k = 0; k < SMALL; k++)
			assert_int_equal(ptrs[i][k], want);
	}
	assert_non_null(big);
	for (size_t k = 0; k < big_size; k += 4093)
		assert_int_equal(big[k], 0x5A);
	assert_int_equal(big[big_size - 1], 0x5A);
	rq_arena_reset(a);
	/* Usable again after a reset (the kept block and fresh ones). */
	for (size_t i = 0; i < MANY; i++)
		assert_true(all_zero(rq_alloc(a, SMALL), SMALL));
}

/* A large allocation while the current block has room left: the small allocations on
 * either side of it stay intact and usable. */
static void small_allocations_around_a_large_one_stay_intact(void **state)
{
	struct rq_arena *a = *state;
	char *before = rq_strdup(a, "before the large one");
	char *big = rq_alloc(a, 100000);
	memset(big, 'x', 100000);
	char *after = rq_strdup(a, "after the large one");
	char *t = rq_alloc(a, 64);
	memset(t, 'y', 64);
	assert_string_equal(before, "before the large one");
	assert_string_equal(after, "after the large one");
	assert_int_equal(big[0], 'x');
	assert_int_equal(big[99999], 'x');
	assert_int_equal(t[63], 'y');
}

struct log {
	char order[16];
	size_t n;
};

static void record_a(void *arg)
{
	struct log *l = arg;
	l->order[l->n++] = 'a';
}

static void record_b(void *arg)
{
	struct log *l = arg;
	l->order[l->n++] = 'b';
}

static void record_c(void *arg)
{
	struct log *l = arg;
	l->order[l->n++] = 'c';
}

static void cleanups_run_in_reverse_order_once(void **state)
{
	struct rq_arena *a = *state;
	struct log l = {{0}, 0};
	rq_arena_cleanup(a, record_a, &l);
	rq_arena_cleanup(a, record_b, &l);
	/* Enough allocation in between to put the last cleanup on another block. */
	for (int i = 0; i < 100; i++)
		rq_alloc(a, 1000);
	rq_arena_cleanup(a, record_c, &l);
	assert_int_equal(l.n, 0); /* nothing runs before the reset */
	rq_arena_reset(a);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.order, "cba");
	rq_arena_reset(a);
	assert_int_equal(l.n, 3); /* exactly once */
	assert_string_equal(l.order, "cba");
}

static void cleanups_registered_after_reset_run_at_the_next_one(void **state)
{
	struct rq_arena *a = *state;
	struct log l = {{0}, 0};
	rq_arena_cleanup(a, record_a, &l);
	rq_arena_reset(a);
	rq_arena_cleanup(a, record_b, &l);
	assert_string_equal(l.order, "a");
	rq_arena_reset(a);
	assert_string_equal(l.order, "ab");
}

static void free_runs_the_pending_cleanups(void **state)
{
	(void)state;
	struct rq_arena *a = rq_arena_new();
	assert_non_null(a);
	struct log l = {{0}, 0};
	rq_arena_cleanup(a, record_a, &l);
	rq_arena_cleanup(a, record_b, &l);
	rq_arena_free(a);
	assert_string_equal(l.order, "ba");
	rq_arena_free(NULL); /* allowed, like free(NULL) */
}

static void printf_formats_into_the_arena(void **state)
{
	struct rq_arena *a = *state;
	assert_string_equal(rq_printf(a, "/problems/%s", "not-found"), "/problems/not-found");
	assert_string_equal(rq_printf(a, "%d-%ld-%zu", -7, 123456789012L, (size_t)42),
			    "-7-123456789012-42");
	assert_string_equal(rq_printf(a, "%s", ""), "");
	/* Longer than any fixed buffer a careless implementation might use. */
	char *long_arg = rq_alloc(a, 20001);
	memset(long_arg, 'q', 20000);
	char *s = rq_printf(a, "<%s>", long_arg);
	assert_int_equal(strlen(s), 20002);
	assert_int_equal(s[0], '<');
	assert_int_equal(s[1], 'q');
	assert_int_equal(s[20000], 'q');
	assert_int_equal(s[20001], '>');
}

static void strndup_copies_n_bytes_and_terminates(void **state)
{
	struct rq_arena *a = *state;
	const char *src = "units/123/visits";
	char *p = rq_strndup(a, src, 5);
	assert_string_equal(p, "units");
	assert_ptr_not_equal(p, src);
	char *e = rq_strndup(a, src, 0);
	assert_string_equal(e, "");
	char *all = rq_strndup(a, src, strlen(src));
	assert_string_equal(all, src);
	/* A copy, not a view: changing it leaves the source alone. */
	all[0] = 'U';
	assert_string_equal(src, "units/123/visits");
	/* Bytes after a NUL inside the range are copied too (counted strings). */
	const char raw[] = {'a', '\0', 'b'};
	char *r = rq_strndup(a, raw, 3);
	assert_int_equal(r[2], 'b');
	assert_int_equal(r[3], '\0');
	assert_string_equal(rq_strdup(a, "中文"), "中文");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(allocations_are_zeroed_and_aligned, setup, teardown),
	    cmocka_unit_test_setup_teardown(memory_is_zeroed_again_after_reset, setup, teardown),
	    cmocka_unit_test_setup_teardown(zero_size_allocations_are_distinct, setup, teardown),
	    cmocka_unit_test_setup_teardown(allocations_across_blocks_survive_until_reset, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(small_allocations_around_a_large_one_stay_intact, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(cleanups_run_in_reverse_order_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(cleanups_registered_after_reset_run_at_the_next_one,
					    setup, teardown),
	    cmocka_unit_test(free_runs_the_pending_cleanups),
	    cmocka_unit_test_setup_teardown(printf_formats_into_the_arena, setup, teardown),
	    cmocka_unit_test_setup_teardown(strndup_copies_n_bytes_and_terminates, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
