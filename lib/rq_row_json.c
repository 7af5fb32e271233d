#include "rq_row_json.h"

#include "rq_buf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum {
	BOOL_OID = 16,
	INT8_OID = 20,
	INT2_OID = 21,
	INT4_OID = 23,
	JSON_OID = 114,
	TIMESTAMPTZ_OID = 1184,
	NUMERIC_OID = 1700,
	JSONB_OID = 3802
};
enum { TS_MAX = 64, MAX_COLUMNS = 64 };

enum kind { K_NULL, K_BOOL, K_JSON, K_TIMESTAMP, K_TEXT, K_NUMBER };

/* How column col of row is printed; `typed` also gives booleans and json/jsonb their own
 * JSON (PostgreSQL prints json as valid JSON: passed through, not parsed and printed
 * again); `numbers` integers and numeric values theirs (PostgreSQL prints them as JSON
 * numbers, but for numeric's NaN and infinities). */
static enum kind kind_of(const PGresult *res, int row, int col, bool typed, bool numbers)
{
	if (col < 0 || row >= PQntuples(res) || PQgetisnull(res, row, col))
		return K_NULL;
	Oid type = PQftype(res, col);
	if (numbers && (type == INT2_OID || type == INT4_OID || type == INT8_OID ||
			(type == NUMERIC_OID && strpbrk(PQgetvalue(res, row, col), "NI") == NULL)))
		return K_NUMBER;
	if (typed && type == BOOL_OID)
		return K_BOOL;
	if (typed && (type == JSON_OID || type == JSONB_OID))
		return K_JSON;
	return type == TIMESTAMPTZ_OID ? K_TIMESTAMP : K_TEXT;
}

/* PostgreSQL's ISO style ("2026-11-26 03:01:51.2+08" or "...+05:30") as RFC 3339 in ts;
 * returns its length, or 0 when v is not of that shape (then printed as it is). */
static size_t rfc3339(const char *v, size_t n, char ts[TS_MAX])
{
	if (n + 4 > TS_MAX || n < 13)
		return 0;
	memcpy(ts, v, n + 1);
	if (ts[10] == ' ')
		ts[10] = 'T';
	if ((ts[n - 3] == '+' || ts[n - 3] == '-') && ts[n - 2] >= '0' && ts[n - 1] >= '0') {
		memcpy(ts + n, ":00", 4);
		n += 3;
	}
	return n;
}

static cJSON *column_value(const PGresult *res, int row, int col, bool typed)
{
	const char *v = col >= 0 && row < PQntuples(res) ? PQgetvalue(res, row, col) : NULL;
	char ts[TS_MAX];
	switch (kind_of(res, row, col, typed, false)) {
	case K_NULL:
		return cJSON_CreateNull();
	case K_BOOL:
		return cJSON_CreateBool(v[0] == 't');
	case K_JSON:
		return cJSON_CreateRaw(v);
	case K_TIMESTAMP:
		if (rfc3339(v, (size_t)PQgetlength(res, row, col), ts) > 0)
			return cJSON_CreateString(ts);
		break;
	case K_TEXT:
	case K_NUMBER:
		break;
	}
	return cJSON_CreateString(v);
}

void rq_json_add_column(cJSON *o, const PGresult *res, int row, const char *col)
{
	cJSON *v = column_value(res, row, PQfnumber(res, col), false);
	if (!cJSON_AddItemToObject(o, col, v)) /* out of memory (o or v NULL) */
		cJSON_Delete(v);
}

cJSON *rq_json_column(const PGresult *res, int row, const char *col)
{
	return column_value(res, row, PQfnumber(res, col), true);
}

/* The printed text of one result; far above any page a pool sends. */
enum { TEXT_MAX = 256u << 20 };

#define PUT_LITERAL(t, s) rq_buf_add((t), (s), sizeof(s) - 1)

/* s as a JSON string, escaped as cJSON escapes: quote, backslash and control characters;
 * UTF-8 passes through (the database's text is valid UTF-8). */
static void put_string(struct rq_buf *t, const char *s, size_t n)
{
	PUT_LITERAL(t, "\"");
	size_t run = 0; /* bytes of s not yet copied, that need no escape */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			run++;
			continue;
		}
		rq_buf_add(t, s + i - run, run);
		run = 0;
		/* the characters with a two-character escape, and the letter after the backslash */
		static const char named[] = "\"\\\b\f\n\r\t", letter[] = "\"\\bfnrt";
		static const char hex[] = "0123456789abcdef";
		const char *at = memchr(named, c, sizeof(named) - 1);
		char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
		if (at != NULL)
			esc[1] = letter[at - named];
		rq_buf_add(t, esc, at != NULL ? 2 : 6);
	}
	rq_buf_add(t, s + n - run, run);
	PUT_LITERAL(t, "\"");
}

static void put_value(struct rq_buf *t, const PGresult *res, int row, int col, bool numbers)
{
	const char *v = PQgetvalue(res, row, col);
	size_t n = (size_t)PQgetlength(res, row, col);
	char ts[TS_MAX];
	size_t tn;
	switch (kind_of(res, row, col, true, numbers)) {
	case K_NULL:
		PUT_LITERAL(t, "null");
		return;
	case K_NUMBER:
		rq_buf_add(t, v, n);
		return;
	case K_BOOL:
		if (v[0] == 't')
			PUT_LITERAL(t, "true");
		else
			PUT_LITERAL(t, "false");
		return;
	case K_JSON:
		rq_buf_add(t, v, n);
		return;
	case K_TIMESTAMP:
		tn = rfc3339(v, n, ts);
		if (tn > 0) {
			put_string(t, ts, tn);
			return;
		}
		break;
	case K_TEXT:
		break;
	}
	put_string(t, v, n);
}

/* A member of the printed object: column col as member `name`; `group` > 0 when the
 * member opens object member named by the first `group` bytes of the column's name, and
 * `closes` when it is the last member of its object member. */
struct member {
	int col;
	const char *name;
	size_t name_len;
	size_t group;
	bool closes;
};

/* The members of every row of res, in order: columns "a.b" gathered where the first "a."
 * column is, "_" columns left out. Returns their number, or -1 for too many columns. */
static int layout(const PGresult *res, struct member m[MAX_COLUMNS])
{
	int ncols = PQnfields(res);
	if (ncols > MAX_COLUMNS)
		return -1;
	bool placed[MAX_COLUMNS] = {false};
	int n = 0;
	for (int col = 0; col < ncols; col++) {
		const char *name = PQfname(res, col);
		if (placed[col] || name[0] == '_')
			continue;
		const char *dot = strchr(name, '.');
		if (dot == NULL) {
			m[n++] = (struct member){col, name, strlen(name), 0, false};
			continue;
		}
		size_t prefix = (size_t)(dot - name) + 1; /* "a." */
		int first = n;
		for (int c = col; c < ncols; c++) {
			const char *other = PQfname(res, c);
			if (strncmp(other, name, prefix) == 0) {
				placed[c] = true;
				m[n++] = (struct member){c, other + prefix, strlen(other + prefix),
							 0, false};
			}
		}
		m[first].group = prefix - 1;
		m[n - 1].closes = true;
	}
	return n;
}

/* What comes before each member's value in every row, printed once: `{` or `,`, the object
 * member it opens (`"enterprise":{`), its name and `:`. keys->p + at[i] is member i's. */
static void put_keys(struct rq_buf *keys, size_t at[MAX_COLUMNS + 1], const PGresult *res,
		     const struct member *m, int n)
{
	for (int i = 0; i < n; i++) {
		at[i] = rq_buf_len(keys);
		if (i == 0)
			PUT_LITERAL(keys, "{");
		else
			PUT_LITERAL(keys, ",");
		if (m[i].group > 0) {
			put_string(keys, PQfname(res, m[i].col), m[i].group);
			PUT_LITERAL(keys, ":{");
		}
		put_string(keys, m[i].name, m[i].name_len);
		PUT_LITERAL(keys, ":");
	}
	at[n] = rq_buf_len(keys);
}

static void put_row(struct rq_buf *t, const PGresult *res, int row, const struct member *m, int n,
		    const char *keys, const size_t at[MAX_COLUMNS + 1], bool numbers)
{
	if (n == 0)
		PUT_LITERAL(t, "{");
	for (int i = 0; i < n; i++) {
		rq_buf_add(t, keys + at[i], at[i + 1] - at[i]);
		put_value(t, res, row, m[i].col, numbers);
		if (m[i].closes)
			PUT_LITERAL(t, "}");
	}
	PUT_LITERAL(t, "}");
}

/* Rows first..first+count-1 as an array (`array`) or the one row as an object. */
static char *print_rows(const PGresult *res, int first, int count, bool array, bool numbers)
{
	struct member m[MAX_COLUMNS];
	int n = layout(res, m);
	if (n < 0)
		return NULL;
	struct rq_buf keys;
	size_t at[MAX_COLUMNS + 1];
	rq_buf_init(&keys, TEXT_MAX);
	put_keys(&keys, at, res, m, n);
	if (!rq_buf_ok(&keys))
		return NULL;
	struct rq_buf t;
	rq_buf_init(&t, TEXT_MAX);
	size_t guess = 2;
	for (int r = first; r < first + count; r++)
		for (int i = 0; i < n; i++)
			guess += (size_t)PQgetlength(res, r, m[i].col) + m[i].name_len + 8;
	rq_buf_reserve(&t, guess);
	if (array)
		PUT_LITERAL(&t, "[");
	for (int r = first; r < first + count; r++) {
		if (r > first)
			PUT_LITERAL(&t, ",");
		put_row(&t, res, r, m, n, rq_buf_ptr(&keys), at, numbers);
	}
	if (array)
		PUT_LITERAL(&t, "]");
	rq_buf_free(&keys);
	return rq_buf_take(&t, NULL);
}

cJSON *rq_json_row(const PGresult *res, int row)
{
	char *text = print_rows(res, row, 1, false, false);
	cJSON *o = text != NULL ? cJSON_CreateRaw(text) : NULL;
	free(text);
	return o;
}

char *rq_json_rows(const PGresult *res)
{
	return print_rows(res, 0, PQntuples(res), true, false);
}

char *rq_json_rows_numbers(const PGresult *res)
{
	return print_rows(res, 0, PQntuples(res), true, true);
}
