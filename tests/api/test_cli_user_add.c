/* `ruqima user add` checks what it is given before the database does, and says what is wrong
 * in plain words, never with PostgreSQL's text: a username rq.admin_users' CHECK would refuse
 * (upper case, too short, a space), an unknown role, a scoped role without its scope; an
 * unknown county (the foreign key) is named as such; a discipline group for another role than
 * discipline_inspector. Nothing is written. */
#include "api.h"
#include "codes_support.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How many portal users have this name in any case (lower(username)), read as the owner. */
static int64_t users_named(const char *name)
{
	const char *p[] = {name};
	return api_owner_int(
	    "SELECT count(*) FROM rq.admin_users WHERE lower(username) = lower($1)", 1, p);
}

/* Asserts that the run printed nothing of PostgreSQL's own words. */
static void assert_no_server_text(const struct ct_run *r)
{
	static const char *const words[] = {"ERROR",	   "violates", "constraint",
					    "admin_users", "DETAIL",   NULL};
	for (const char *const *w = words; *w != NULL; w++)
		if (strstr(r->err, *w) != NULL || strstr(r->out, *w) != NULL)
			fail_msg("the CLI printed \"%s\": %s%s", *w, r->out, r->err);
}

/* Runs user add with these options; asserts its exit status and that stderr says words. */
static void refused(const char *const *args, int status, const char *words)
{
	struct ct_run r;
	ct_cli(&r, args);
	if (r.status != status || strstr(r.err, words) == NULL)
		fail_msg("user add: exit %d (expected %d), no \"%s\": %s%s", r.status, status,
			 words, r.out, r.err);
	assert_null(strstr(r.out, "password:"));
	assert_no_server_text(&r);
	ct_run_free(&r);
}

static void an_upper_case_username_is_refused_in_plain_words(void **state)
{
	(void)state;
	char name[64];
	snprintf(name, sizeof(name), "%s", api_unique("CLIUSER"));
	for (char *c = name; *c != '\0'; c++)
		*c = (char)toupper((unsigned char)*c);
	refused(
	    (const char *const[]){"user", "add", "--username", name, "--role", "city_admin", NULL},
	    2, "lower-case letter");
	assert_int_equal(users_named(name), 0);

	/* the same with the rule's other limits: length and characters */
	refused(
	    (const char *const[]){"user", "add", "--username", "ab", "--role", "city_admin", NULL},
	    2, "3 to 64 characters");
	refused((const char *const[]){"user", "add", "--username", "two words", "--role",
				      "city_admin", NULL},
		2, "is not allowed");
	assert_int_equal(users_named("two words"), 0);
}

static void roles_and_scopes_are_checked_too(void **state)
{
	(void)state;
	char name[64];
	snprintf(name, sizeof(name), "%s", api_unique("cliuser"));
	refused(
	    (const char *const[]){"user", "add", "--username", name, "--role", "superuser", NULL},
	    2, "unknown role");
	refused((const char *const[]){"user", "add", "--username", name, "--role", "county_admin",
				      NULL},
		2, "needs --county");
	/* a county of the right form that is not one of the city's: the foreign key, said so */
	refused((const char *const[]){"user", "add", "--username", name, "--role", "county_admin",
				      "--county", "419999", NULL},
		1, "419999 is not a county");
	assert_int_equal(users_named(name), 0);

	/* and the right form still goes through */
	struct ct_run r;
	ct_cli(&r, (const char *const[]){"user", "add", "--username", name, "--role",
					 "county_admin", "--county", "411502", NULL});
	if (r.status != 0)
		fail_msg("user add: exit %d: %s%s", r.status, r.out, r.err);
	assert_non_null(strstr(r.out, "password: "));
	ct_run_free(&r);
	assert_int_equal(users_named(name), 1);
}

/* A discipline inspector's group (whose filings they read): only for that role, stored. */
static void a_discipline_group_goes_with_an_inspector(void **state)
{
	(void)state;
	char name[64];
	snprintf(name, sizeof(name), "%s", api_unique("cligroup"));
	refused((const char *const[]){"user", "add", "--username", name, "--role", "city_admin",
				      "--discipline-group", "第一派驻组", NULL},
		2, "discipline_inspector only");
	assert_int_equal(users_named(name), 0);
	struct ct_run r;
	ct_cli(&r, (const char *const[]){"user", "add", "--username", name, "--role",
					 "discipline_inspector", "--discipline-group",
					 " 第一派驻组 ", NULL});
	if (r.status != 0)
		fail_msg("user add: exit %d: %s%s", r.status, r.out, r.err);
	ct_run_free(&r);
	const char *p[] = {name};
	char *group = api_owner_value(
	    "SELECT discipline_group FROM rq.admin_users WHERE username = $1", 1, p);
	assert_string_equal(group, "第一派驻组");
	free(group);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(an_upper_case_username_is_refused_in_plain_words),
	    cmocka_unit_test(roles_and_scopes_are_checked_too),
	    cmocka_unit_test(a_discipline_group_goes_with_an_inspector),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
