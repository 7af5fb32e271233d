/* rq_json_add_column: SQL NULL → null, timestamptz → RFC 3339 (a 'T' and a full offset),
 * anything else → the text. Results are built in memory, so no database is needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rq_db.h"

enum { TEXT_OID = 25, TIMESTAMPTZ_OID = 1184 };

/* A one-row result with column "v" of type oid holding value (NULL = SQL NULL). */
static PGresult *one_value(unsigned oid, const char *value)
{
	PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	assert_non_null(res);
	PGresAttDesc attr = {.name = (char *)"v", .typid = oid, .typlen = -1, .atttypmod = -1};
	assert_int_equal(PQsetResultAttrs(res, 1, &attr), 1);
	assert_int_equal(
	    PQsetvalue(res, 0, 0, (char *)value, value != NULL ? (int)strlen(value) : -1), 1);
	return res;
}

static const char *added(unsigned oid, const char *value, cJSON **holder)
{
	PGresult *res = one_value(oid, value);
	*holder = cJSON_CreateObject();
	rq_json_add_column(*holder, res, 0, "v");
	PQclear(res);
	cJSON *v = cJSON_GetObjectItemCaseSensitive(*holder, "v");
	assert_non_null(v);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void timestamps_become_rfc3339(void **state)
{
	(void)state;
	cJSON *o;
	assert_string_equal(added(TIMESTAMPTZ_OID, "2026-11-26 03:01:51.206254+08", &o),
			    "2026-11-26T03:01:51.206254+08:00");
	cJSON_Delete(o);
	assert_string_equal(added(TIMESTAMPTZ_OID, "2026-11-26 03:01:51+05:30", &o),
			    "2026-11-26T03:01:51+05:30");
	cJSON_Delete(o);
	assert_string_equal(added(TIMESTAMPTZ_OID, "2026-01-02 00:00:00-03", &o),
			    "2026-01-02T00:00:00-03:00");
	cJSON_Delete(o);
}

static void null_and_other_types(void **state)
{
	(void)state;
	cJSON *o;
	assert_null(added(TIMESTAMPTZ_OID, NULL, &o));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, "v")));
	cJSON_Delete(o);
	/* Text that looks like a timestamp stays as it is. */
	assert_string_equal(added(TEXT_OID, "2026-11-26 03:01:51+08", &o),
			    "2026-11-26 03:01:51+08");
	cJSON_Delete(o);
	assert_string_equal(added(TEXT_OID, "信阳", &o), "信阳");
	cJSON_Delete(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(timestamps_become_rfc3339),
	    cmocka_unit_test(null_and_other_types),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
