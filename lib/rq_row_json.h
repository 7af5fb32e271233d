/* Query results as JSON: the one set of rules by which the pools print columns and rows. */
#ifndef RQ_ROW_JSON_H
#define RQ_ROW_JSON_H

#include "rq_attr.h"

#include <stddef.h>

#include <cjson/cJSON.h>
#include <libpq-fe.h>

/* Adds column col of row to o as a member of the same name: null for SQL NULL, RFC 3339
 * for timestamptz ("2026-11-26T03:01:51.206254+08:00", what every client parses), else
 * the text as PostgreSQL gives it. */
void rq_json_add_column(cJSON *o, const PGresult *res, int row, const char *col);

/* Column col of row as JSON by the rules of rq_json_row (never NULL unless out of memory). */
cJSON *rq_json_column(const PGresult *res, int row, const char *col) RQ_MUST_USE;

/* Row `row` of res as an object, a member per column in their order: as
 * rq_json_add_column, except booleans (true/false) and json/jsonb columns (the JSON itself,
 * not parsed again). A column named "a.b" is member b of object member a, so a query
 * shapes one level of nesting by naming its columns (the members of a come out together,
 * where its first column is); a column whose name starts with "_" is left out
 * (rq.json_nest does the same in SQL). The object is printed text (a raw cJSON item): add
 * it to others, print it, but do not look inside it.
 * Cheaper than building JSON in SQL, where json_build_object looks up every value's type
 * output function again on every row. */
cJSON *rq_json_row(const PGresult *res, int row) RQ_MUST_USE;

/* Every row of res as rq_json_row prints it, as one JSON array printed straight from
 * libpq's text: no tree of cJSON items, which cost an allocation per value. Returns malloc'd
 * text (free it), or NULL when out of memory or res has more than 64 columns. */
char *rq_json_rows(const PGresult *res) RQ_MUST_USE;
/* rq_json_rows with integer and numeric columns as JSON numbers (the statistics' counts and
 * rates), not the strings every list prints (ids are integers there too). */
char *rq_json_rows_numbers(const PGresult *res) RQ_MUST_USE;

#endif
