/* CSV files as spreadsheets save them, read for the imports (the enterprise register,
 * lib/rq_import.c; the calendar of working days, lib/rq_calendar.c): the encoding (UTF-8,
 * UTF-8 with BOM, GB18030/GBK, detected from the bytes), RFC 4180 records, blank and
 * trimmed values. Messages are Chinese, to show as they are. Everything is allocated in
 * the caller's arena. */
#ifndef RQ_CSV_H
#define RQ_CSV_H

#include "rq_attr.h"

#include <stdbool.h>
#include <stddef.h>

#include "rq_arena.h"

enum {
	RQ_CSV_MAX_RECORD = 64 * 1024, /* bytes in one record (line) at most */
	RQ_CSV_MAX_FIELDS = 256,       /* fields in one record, one more than read */
};

#define RQ_CSV_MSG_QUOTE_OPEN "引号未闭合（缺少 \"）"

/* A file's text as UTF-8 without a byte order mark, or why it cannot be read. */
struct rq_csv_text {
	const char *text;
	size_t len;
	const char *encoding; /* "UTF-8", "UTF-8 with BOM" or "GB18030" */
	long error_line;      /* where the problem is (0: the file as a whole) */
	const char *error;    /* NULL, or why the file is refused */
};

/* Decodes len bytes of a file. Refuses (returns -1 with out->error) more than max_bytes,
 * UTF-16, bytes that are neither UTF-8 nor GB18030, and NUL bytes. Returns 0 otherwise. */
int rq_csv_decode(struct rq_arena *a, const char *data, size_t len, size_t max_bytes,
		  struct rq_csv_text *out) RQ_MUST_USE;

/* A reader of records. */
struct rq_csv {
	const char *p, *end;
	long line;     /* current physical line */
	char *scratch; /* the record's unquoted bytes, fields NUL-separated */
	size_t used;   /* bytes of scratch in use */
	size_t start[RQ_CSV_MAX_FIELDS];
	size_t nfields;
	long record_line; /* line where the record began */
	bool too_long, bad_quote, too_many;
};

void rq_csv_init(struct rq_csv *c, struct rq_arena *a, const struct rq_csv_text *t);
/* Reads the next record. Returns 1, 0 at the end of the input, or -1 for a quoted field
 * that is never closed (c->record_line says where it began). */
int rq_csv_next(struct rq_csv *c) RQ_MUST_USE;
/* Opens a file for its records: decodes it (rq_csv_decode) and reads its header. Returns
 * NULL with c at the first data record and *encoding set, or why the file is refused with
 * its line in *line (0: the file as a whole): empty says why a file without a header is. */
const char *rq_csv_open(struct rq_arena *a, const char *data, size_t len, size_t max_bytes,
			const char *empty, struct rq_csv *c, const char **encoding,
			long *line) RQ_MUST_USE;
/* The next data record that is not blank (one too long or with too many fields is returned,
 * for rq_csv_record_problem). Returns as rq_csv_next. */
int rq_csv_next_record(struct rq_csv *c) RQ_MUST_USE;
/* Reads the header: the first record that is not blank. Returns as rq_csv_next; 0 means the
 * file has no header. */
int rq_csv_header(struct rq_csv *c) RQ_MUST_USE;
/* Field i of the record ("" past its end). */
const char *rq_csv_field(const struct rq_csv *c, size_t i);
/* A record of empty fields only (a blank line, or ",,,," as spreadsheets leave them). */
bool rq_csv_blank_record(const struct rq_csv *c);
/* Why a data record cannot be read (too long, too many fields, a stray quote, more
 * non-blank fields than the header's header_fields), or NULL. */
const char *rq_csv_record_problem(struct rq_arena *a, const struct rq_csv *c, size_t header_fields);

/* A name a header may give a column, and the column (an index of the caller's). */
struct rq_csv_alias {
	const char *name;
	int col;
};
/* Maps the header record of c to columns: col[k] (k < ncols) is the field holding column k,
 * -1 when the header has none. A header name matches an alias in any (ASCII) case, a
 * trailing "*" (a required column in many templates) ignored; other names are ignored.
 * Returns NULL, or the message refusing a header that has a column twice (names[k] names
 * column k in it). */
const char *rq_csv_columns(struct rq_arena *a, const struct rq_csv *c,
			   const struct rq_csv_alias *aliases, size_t naliases,
			   const char *const *names, int *col, int ncols) RQ_MUST_USE;

/* True when s has nothing but white space (ASCII blanks, NBSP, the ideographic space). */
bool rq_csv_blank(const char *s);
/* s without white space at either end, as an arena string; NULL when nothing is left. */
char *rq_csv_trimmed(struct rq_arena *a, const char *s);

/* The characters of UTF-8 text s (not its bytes). */
size_t rq_csv_chars(const char *s);
/* True when s has a control character (below U+0020, or DEL). */
bool rq_csv_has_control(const char *s);
/* Turns each run of control characters in s (line breaks inside a spreadsheet cell) into one
 * space, in place. */
void rq_csv_flatten_controls(char *s);

#endif
