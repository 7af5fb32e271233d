/* A table of results written as a file people open in Excel or WPS: CSV (UTF-8 with a BOM,
 * RFC 4180 quoting, CRLF) or XLSX (libxlsxwriter in constant-memory mode: rows stream to the
 * file, memory does not grow with the table). The XLSX has a cover sheet first (title, then
 * label/value lines such as the parameters, the run time and the row count) and the data
 * sheet with a bold, frozen header row, column widths and number and date formats by column
 * kind. Used by the judicial bureau's reports and the auditors' exports. */
#ifndef RQ_TABLE_H
#define RQ_TABLE_H

#include <stdbool.h>
#include <stdio.h>

#include "rq_attr.h"

enum rq_table_format { RQ_TABLE_CSV, RQ_TABLE_XLSX };

/* How a column's text values are written in XLSX (CSV writes every value as it is). */
enum rq_col_kind {
	RQ_COL_TEXT,
	RQ_COL_INT,	/* whole numbers, #,##0 */
	RQ_COL_DECIMAL, /* 0.00 */
	RQ_COL_PERCENT, /* a fraction shown as 0.0% */
	RQ_COL_DATE,	/* YYYY-MM-DD */
	RQ_COL_TIME,	/* YYYY-MM-DD HH:MM[:SS][...]: the local time as written */
};

struct rq_col {
	const char *name; /* the header: UTF-8 */
	enum rq_col_kind kind;
};

struct rq_table;

/* Creates path (mode 0640, never over an existing file) and writes the header. title names
 * the data sheet's tab and heads the cover (XLSX). Returns NULL after logging why. */
struct rq_table *rq_table_open(enum rq_table_format format, const char *path, const char *title,
			       const struct rq_col *cols, int ncols) RQ_MUST_USE;
/* A CSV table written to f, an open stream the caller keeps (a streamed answer): the BOM
 * and the header now. rq_table_close flushes f and leaves it open; rq_table_abort too. */
struct rq_table *rq_table_open_csv_stream(FILE *f, const struct rq_col *cols,
					  int ncols) RQ_MUST_USE;
/* One row: ncols values as text (NULL: an empty cell). A value that does not read as its
 * column's kind is written as text. Returns 0, or -1 when the file could not be written. */
int rq_table_row(struct rq_table *t, const char *const *values) RQ_MUST_USE;
/* Rows written so far. */
long rq_table_rows(const struct rq_table *t);
/* Finishes the file (XLSX: the cover with lines, label/value pairs, NULL-terminated; CSV
 * ignores them) and frees t. Returns 0, or -1 when the file is incomplete (it is removed). */
int rq_table_close(struct rq_table *t, const char *const *cover) RQ_MUST_USE;
/* Frees t and removes its file (an aborted run). */
void rq_table_abort(struct rq_table *t);

/* How a column of PostgreSQL type oid (pg_type.dat) is written: whole numbers, decimals,
 * dates, times, else text. A report shows some decimals as percentages itself. */
enum rq_col_kind rq_table_kind_of_type(unsigned oid);

/* The media type of a file of format (CSV: UTF-8). */
const char *rq_table_content_type(enum rq_table_format format);

/* The format named "csv" or "xlsx"; false for anything else. */
bool rq_table_format_parse(const char *name, enum rq_table_format *out);

#endif
