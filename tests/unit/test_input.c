/* lib/rq_input: the shared input checks: enumerations, calendar dates, ids, id lists and
 * booleans, each accepting exactly what it says and naming the field otherwise. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "rq_arena.h"
#include "rq_input.h"

static const char *const colours[] = {"red", "green", NULL};

/* The field of the only error in errors. */
static const char *only_field(cJSON *errors)
{
	assert_int_equal(cJSON_GetArraySize(errors), 1);
	return cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(errors, 0), "field")
	    ->valuestring;
}

static void enums(void **state)
{
	(void)state;
	assert_true(rq_input_one_of("green", colours));
	assert_false(rq_input_one_of("Green", colours));
	assert_false(rq_input_one_of("", colours));
	cJSON *o = cJSON_Parse("{\"a\":\"red\",\"b\":\"blue\",\"c\":3}");
	cJSON *errors = cJSON_CreateArray();
	assert_string_equal(rq_input_enum(o, "a", colours, true, errors), "red");
	assert_null(rq_input_enum(o, "missing", colours, false, errors));
	assert_int_equal(cJSON_GetArraySize(errors), 0);
	assert_null(rq_input_enum(o, "b", colours, true, errors));
	assert_string_equal(only_field(errors), "b");
	const char *msg =
	    cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(errors, 0), "message")->valuestring;
	assert_non_null(strstr(msg, "red、green"));
	cJSON_Delete(errors);
	errors = cJSON_CreateArray();
	assert_null(rq_input_enum(o, "c", colours, true, errors));
	assert_string_equal(only_field(errors), "c");
	cJSON_Delete(errors);
	errors = cJSON_CreateArray();
	assert_null(rq_input_enum(o, "missing", colours, true, errors));
	assert_string_equal(only_field(errors), "missing");
	cJSON_Delete(errors);
	cJSON_Delete(o);
}

static void dates(void **state)
{
	(void)state;
	assert_true(rq_input_date("2026-11-25"));
	assert_true(rq_input_date("2024-02-29"));
	assert_true(rq_input_date("2000-02-29"));
	assert_false(rq_input_date("2100-02-29"));
	assert_false(rq_input_date("2026-02-29"));
	assert_false(rq_input_date("2026-04-31"));
	assert_false(rq_input_date("2026-13-01"));
	assert_false(rq_input_date("2026-00-10"));
	assert_false(rq_input_date("1999-12-31"));
	assert_false(rq_input_date("2026-1-01"));
	assert_false(rq_input_date("2026-01-01T"));
	assert_false(rq_input_date("2026/01/01"));
	assert_false(rq_input_date("+026-01-01"));
	assert_false(rq_input_date(""));
}

static void ids(void **state)
{
	(void)state;
	assert_true(rq_input_id("1", 18));
	assert_true(rq_input_id("123456789012345678", 18));
	assert_false(rq_input_id("1234567890123456789", 18));
	assert_false(rq_input_id("0", 18));
	assert_false(rq_input_id("01", 18));
	assert_false(rq_input_id("-1", 18));
	assert_false(rq_input_id("1a", 18));
	assert_false(rq_input_id("", 18));
	assert_false(rq_input_id(NULL, 18));

	struct rq_arena *a = rq_arena_new();
	struct rq_req req = {.arena = a};
	cJSON *o = cJSON_Parse("{\"ok\":[\"5\",7],\"empty\":[],\"bad\":[\"0\"],\"frac\":[1.5],"
			       "\"long\":[1,2,3],\"str\":\"5\"}");
	cJSON *errors = cJSON_CreateArray();
	const char *pg = NULL;
	assert_true(rq_input_ids(&req, o, "ok", 3, true, &pg, errors));
	assert_string_equal(pg, "{5,7}");
	assert_true(rq_input_ids(&req, o, "empty", 3, true, &pg, errors));
	assert_string_equal(pg, "{}");
	assert_true(rq_input_ids(&req, o, "missing", 3, false, &pg, errors));
	assert_null(pg);
	assert_int_equal(cJSON_GetArraySize(errors), 0);
	const char *bad[] = {"bad", "frac", "long", "str", "missing"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cJSON_Delete(errors);
		errors = cJSON_CreateArray();
		assert_false(rq_input_ids(&req, o, bad[i], 2, true, &pg, errors));
		assert_string_equal(only_field(errors), bad[i]);
	}
	cJSON_Delete(errors);
	cJSON_Delete(o);
	rq_arena_free(a);
}

static void booleans(void **state)
{
	(void)state;
	cJSON *o = cJSON_Parse("{\"t\":true,\"f\":false,\"n\":null,\"s\":\"true\"}");
	cJSON *errors = cJSON_CreateArray();
	bool v = false;
	assert_true(rq_input_bool(o, "t", false, &v, errors));
	assert_true(v);
	assert_true(rq_input_bool(o, "f", true, &v, errors));
	assert_false(v);
	assert_true(rq_input_bool(o, "n", true, &v, errors));
	assert_true(v);
	assert_true(rq_input_bool(o, "missing", false, &v, errors));
	assert_false(v);
	assert_int_equal(cJSON_GetArraySize(errors), 0);
	assert_false(rq_input_bool(o, "s", false, &v, errors));
	assert_string_equal(only_field(errors), "s");
	cJSON_Delete(errors);
	cJSON_Delete(o);
}

/* The key some object has twice, as a path; none in a body without one, however large. */
static void duplicate_keys(void **state)
{
	(void)state;
	struct rq_arena *a = rq_arena_new();
	static const char *const cases[][2] = {
	    {"{\"a\":1,\"b\":2}", NULL},
	    {"{\"a\":1,\"a\":2}", "a"},
	    {"{\"a\":[],\"b\":1,\"a\":[1]}", "a"},
	    {"{\"x\":1,\"b\":2,\"a\":1,\"b\":3,\"a\":4}", "b"},
	    {"{\"loc\":{\"lat\":1,\"lat\":2}}", "loc.lat"},
	    {"{\"c\":[{\"n\":1},{\"n\":1,\"u\":2,\"n\":3}]}", "c[1].n"},
	    {"{\"c\":[[{\"n\":1,\"n\":2}]]}", "c[0][0].n"},
	    {"{\"k\":\"v\",\"\\u006b\":\"w\"}", "k"},
	    /* the same key in two objects is no duplicate */
	    {"{\"p\":{\"n\":1},\"q\":{\"n\":1},\"n\":[{\"n\":2},{\"n\":3}]}", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *j = cJSON_Parse(cases[i][0]);
		assert_non_null(j);
		const char *dup = rq_input_duplicate_key(a, j);
		if (cases[i][1] == NULL && dup != NULL)
			fail_msg("%s: found %s", cases[i][0], dup);
		if (cases[i][1] != NULL && (dup == NULL || strcmp(dup, cases[i][1]) != 0))
			fail_msg("%s: found %s, not %s", cases[i][0], dup ? dup : "none",
				 cases[i][1]);
		cJSON_Delete(j);
	}
	/* 100,000 distinct keys: sorted, not compared in pairs (which would take minutes) */
	cJSON *big = cJSON_CreateObject();
	char key[16];
	for (int i = 0; i < 100000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		cJSON_AddNullToObject(big, key);
	}
	assert_null(rq_input_duplicate_key(a, big));
	cJSON_AddNullToObject(big, "k99999");
	assert_string_equal(rq_input_duplicate_key(a, big), "k99999");
	cJSON_Delete(big);
	rq_arena_free(a);
}

/* A certificate number: ASCII letters, digits and '-' only. */
static void certificate_numbers(void **state)
{
	(void)state;
	assert_false(rq_input_cert_no("豫-A-20231234"));
	assert_true(rq_input_cert_no("HN-2023-0001"));
	assert_true(rq_input_cert_no("abc123"));
	assert_false(rq_input_cert_no("HN 2023"));
	assert_false(rq_input_cert_no("HN_2023"));
	assert_false(rq_input_cert_no("HN-2023\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(enums),
	    cmocka_unit_test(dates),
	    cmocka_unit_test(ids),
	    cmocka_unit_test(booleans),
	    cmocka_unit_test(certificate_numbers),
	    cmocka_unit_test(duplicate_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
