/* What an issued code looks like: an unguessable token (24 base64url characters, 144
 * random bits) and a serial <county code>-<6-digit sequence> numbered per county. */
#include "api.h"
#include "codes_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 鸡公山管理区 and 南湾湖风景区管理区: zones that no other test issues codes in, so the
 * sequence seen here is not interleaved with anyone else's. */
#define COUNTY_A "411594"
#define COUNTY_B "411593"

static bool base64url(const char *s)
{
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
	       strlen(s);
}

/* Issues a code to a new enterprise of county; returns its serial's sequence number and
 * copies the token into token (25 bytes). */
static long issue_new(const char *county, char *token)
{
	struct ct_enterprise e;
	ct_enterprise_new(&e, county, "normal", true);
	ct_issue(e.uscc);
	const char *p[] = {e.id};
	char *serial =
	    api_owner_value("SELECT serial FROM rq.codes WHERE enterprise_id = $1::bigint", 1, p);
	assert_non_null(serial);
	/* <county>-<at least 6 digits> */
	assert_int_equal(strncmp(serial, county, 6), 0);
	assert_int_equal(serial[6], '-');
	assert_true(strlen(serial) >= 13);
	assert_int_equal(strspn(serial + 7, "0123456789"), strlen(serial + 7));
	long seq = api_owner_int("SELECT split_part(serial, '-', 2)::bigint FROM rq.codes"
				 " WHERE enterprise_id = $1::bigint",
				 1, p);
	free(serial);
	char *t = ct_active_token(e.id);
	assert_non_null(t);
	assert_int_equal(strlen(t), 24);
	memcpy(token, t, 25);
	free(t);
	return seq;
}

static void test_token_is_24_base64url_characters(void **state)
{
	(void)state;
	char t1[25], t2[25];
	issue_new(COUNTY_B, t1);
	issue_new(COUNTY_B, t2);
	assert_true(base64url(t1));
	assert_true(base64url(t2));
	assert_string_not_equal(t1, t2);
	/* 24 characters of base64url carry 144 bits; every token is distinct in the table */
	assert_int_equal(
	    api_owner_int("SELECT count(*) - count(DISTINCT token) FROM rq.codes", 0, NULL), 0);
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.codes"
				       " WHERE token !~ '^[A-Za-z0-9_-]{24}$'",
				       0, NULL),
			 0);
}

static void test_serials_count_up_per_county(void **state)
{
	(void)state;
	char t[25];
	long a1 = issue_new(COUNTY_A, t);
	long b1 = issue_new(COUNTY_B, t);
	long a2 = issue_new(COUNTY_A, t);
	long b2 = issue_new(COUNTY_B, t);
	/* each county has its own sequence: the other county's issue in between takes no
	 * number from it */
	assert_int_equal(a2, a1 + 1);
	assert_int_equal(b2, b1 + 1);
	const char *p[] = {COUNTY_A};
	assert_int_equal(
	    api_owner_int("SELECT last_value FROM rq.code_serials WHERE county_code = $1", 1, p),
	    a2);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_token_is_24_base64url_characters),
	    cmocka_unit_test(test_serials_count_up_per_county),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
