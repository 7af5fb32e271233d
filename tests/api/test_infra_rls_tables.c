/* Tables without row-level security, from the side of a worker that misbehaves (a handler
 * bug, or memory corruption in a pool: the application role with some actor context).
 * - rq.units is under row-level security: every role reads the units, only the city admin's
 *   actor creates one, and nobody updates one directly (rq.unit_change, SECURITY DEFINER,
 *   checks the city admin again): a worker acting for a county admin, an official or nobody
 *   creates or renames no unit.
 * - Every table of the schemas rq, audit and public that is still without forced row-level
 *   security is named, with its reason, in the README's "Database roles" section: a new
 *   table without a decision fails here. */
#include "api.h"
#include "eval_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The SQLSTATE of sql as the application role with the actor (kind, id, role, county). */
static char *as_actor(const char *kind, const char *id, const char *role, const char *county,
		      const char *sql)
{
	PGconn *c = ev_app_as(kind, id, role, county, NULL);
	char *st = api_sql_state(c, sql, 0, NULL);
	PQfinish(c);
	return st;
}

static void test_units_written_by_the_city_admin_only(void **state)
{
	(void)state;
	char insert[256];
	snprintf(insert, sizeof(insert),
		 "INSERT INTO rq.units (name, county_code) VALUES ('%s', '411502')",
		 api_unique("rls-unit"));
	static const struct {
		const char *kind, *id, *role, *county;
	} others[] = {
	    {"admin", "1", "county_admin", "411502"},
	    {"admin", "1", "unit_admin", NULL},
	    {"admin", "1", "market_supervision", NULL},
	    {"account", "1", "account", NULL},
	    {"anonymous", NULL, NULL, NULL},
	};
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		char *st = as_actor(others[i].kind, others[i].id, others[i].role, others[i].county,
				    insert);
		if (strcmp(st, "42501") != 0)
			fail_msg("INSERT INTO rq.units as %s %s: SQLSTATE \"%s\", not 42501",
				 others[i].kind, others[i].role ? others[i].role : "", st);
		free(st);
		/* nor a direct update, whoever it acts for (the city admin included) */
		st = as_actor(others[i].kind, others[i].id, others[i].role, others[i].county,
			      "UPDATE rq.units SET name = name || '!'");
		assert_string_equal(st, "42501");
		free(st);
	}
	char *st = as_actor("admin", "1", "city_admin", NULL, "UPDATE rq.units SET active = false");
	assert_string_equal(st, "42501");
	free(st);
	/* the city admin's actor creates one (rolled back here), and every role reads them */
	st = as_actor("admin", "1", "city_admin", NULL, insert);
	assert_string_equal(st, "");
	free(st);
	PGconn *c = ev_app_as("account", "1", "account", NULL, NULL);
	assert_true(api_sql_int(c, "SELECT count(*) FROM rq.units", 0, NULL) > 0);
	PQfinish(c);
}

/* The README's "Database roles" section (malloc'd). */
static char *database_roles_section(void)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/README.md", RUQIMA_SOURCE_DIR);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char text[1 << 20];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	char *at = strstr(text, "\n## Database roles");
	assert_non_null(at);
	char *end = strstr(at + 1, "\n## ");
	size_t len = end != NULL ? (size_t)(end - at) : strlen(at);
	char *out = malloc(len + 1);
	assert_non_null(out);
	memcpy(out, at, len);
	out[len] = '\0';
	return out;
}

static void test_tables_without_rls_have_a_written_reason(void **state)
{
	(void)state;
	char *section = database_roles_section();
	PGconn *c = api_db("owner");
	PGresult *res = PQexec(c, "SELECT n.nspname || '.' || c.relname FROM pg_class c"
				  " JOIN pg_namespace n ON n.oid = c.relnamespace"
				  " WHERE c.relkind IN ('r', 'p') AND NOT c.relforcerowsecurity"
				  " AND n.nspname IN ('rq', 'audit', 'public') ORDER BY 1");
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	assert_true(PQntuples(res) > 0);
	for (int i = 0; i < PQntuples(res); i++) {
		char quoted[160];
		snprintf(quoted, sizeof(quoted), "`%s`", PQgetvalue(res, i, 0));
		if (strstr(section, quoted) == NULL)
			fail_msg("%s has no row-level security and the README's Database roles"
				 " section does not say why",
				 PQgetvalue(res, i, 0));
	}
	PQclear(res);
	PQfinish(c);
	free(section);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_units_written_by_the_city_admin_only),
	    cmocka_unit_test(test_tables_without_rls_have_a_written_reason),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
