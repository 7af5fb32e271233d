/* rq_json_add_column: SQL NULL → null, timestamptz → RFC 3339 (a 'T' and a full offset),
 * anything else → the text; rq_json_row: a row as an object, booleans and json as such,
 * "a.b" columns nested; rq_json_rows: all rows as one array, escaped as cJSON escapes.
 * Results are built in memory, so no database is needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <stdlib.h>

#include "rq_db.h"

enum { BOOL_OID = 16, TEXT_OID = 25, JSON_OID = 114, TIMESTAMPTZ_OID = 1184, JSONB_OID = 3802 };

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

/* A two-row result of the columns named and typed as given; values[row][col], NULL = SQL
 * NULL. */
static PGresult *rows(int ncols, const char *const names[], const unsigned oids[],
		      const char *const values[][8])
{
	PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	assert_non_null(res);
	PGresAttDesc attrs[8];
	for (int c = 0; c < ncols; c++)
		attrs[c] = (PGresAttDesc){
		    .name = (char *)names[c], .typid = oids[c], .typlen = -1, .atttypmod = -1};
	assert_int_equal(PQsetResultAttrs(res, ncols, attrs), 1);
	for (int r = 0; r < 2; r++)
		for (int c = 0; c < ncols; c++) {
			const char *v = values[r][c];
			assert_int_equal(
			    PQsetvalue(res, r, c, (char *)v, v != NULL ? (int)strlen(v) : -1), 1);
		}
	return res;
}

static char *printed_row(const PGresult *res, int row)
{
	cJSON *o = rq_json_row(res, row);
	assert_non_null(o);
	char *text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	assert_non_null(text);
	return text;
}

static void rows_print_in_column_order_with_types(void **state)
{
	(void)state;
	const char *names[] = {"id",   "enterprise.id", "enterprise.name", "overdue", "flags", "at",
			       "_key", "extra"};
	const unsigned oids[] = {TEXT_OID, TEXT_OID,	    TEXT_OID, BOOL_OID,
				 JSON_OID, TIMESTAMPTZ_OID, TEXT_OID, JSONB_OID};
	const char *const values[2][8] = {{"7", "13", "信阳\"茶\"", "t", "[\"far_away\"]",
					   "2026-11-26 03:01:51+08", "77", "{\"a\": 1}"},
					  {"8", "13", NULL, "f", NULL, NULL, NULL, "null"}};
	PGresult *res = rows(8, names, oids, values);
	char *text = printed_row(res, 0);
	assert_string_equal(text, "{\"id\":\"7\",\"enterprise\":{\"id\":\"13\",\"name\":"
				  "\"信阳\\\"茶\\\"\"},\"overdue\":true,\"flags\":[\"far_away\"],"
				  "\"at\":\"2026-11-26T03:01:51+08:00\",\"extra\":{\"a\": 1}}");
	free(text);
	text = printed_row(res, 1);
	assert_string_equal(text, "{\"id\":\"8\",\"enterprise\":{\"id\":\"13\",\"name\":null},"
				  "\"overdue\":false,\"flags\":null,\"at\":null,\"extra\":null}");
	free(text);
	PQclear(res);
}

/* rq_json_rows: the rows as one array, the same text as rq_json_row's; members of a nested
 * object gathered where its first column is; strings escaped as cJSON escapes them. */
static void rows_print_as_one_array(void **state)
{
	(void)state;
	const char *names[] = {"unit.id", "note", "_key", "unit.name", "ok"};
	const unsigned oids[] = {TEXT_OID, TEXT_OID, TEXT_OID, TEXT_OID, BOOL_OID};
	const char *const values[2][8] = {{"5", "a\nb\t\"c\"\\\x01", "1", "局", "t"},
					  {"6", NULL, "2", NULL, "f"}};
	PGresult *res = rows(5, names, oids, values);
	char *text = rq_json_rows(res);
	assert_non_null(text);
	const char *want = "[{\"unit\":{\"id\":\"5\",\"name\":\"局\"},"
			   "\"note\":\"a\\nb\\t\\\"c\\\"\\\\\\u0001\",\"ok\":true},"
			   "{\"unit\":{\"id\":\"6\",\"name\":null},\"note\":null,\"ok\":false}]";
	assert_string_equal(text, want);
	/* what cJSON reads back is what was stored */
	cJSON *parsed = cJSON_Parse(text);
	assert_non_null(parsed);
	assert_string_equal(
	    cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(parsed, 0), "note")->valuestring,
	    "a\nb\t\"c\"\\\x01");
	cJSON_Delete(parsed);
	/* one row alone prints the same object */
	char *one = printed_row(res, 1);
	assert_non_null(strstr(text, one));
	free(one);
	free(text);
	PQclear(res);
	/* no rows: an empty array */
	PGresult *none = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	text = rq_json_rows(none);
	assert_string_equal(text, "[]");
	free(text);
	PQclear(none);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(timestamps_become_rfc3339),
	    cmocka_unit_test(null_and_other_types),
	    cmocka_unit_test(rows_print_in_column_order_with_types),
	    cmocka_unit_test(rows_print_as_one_array),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
