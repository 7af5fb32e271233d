/* Rows sent to a COPY ... FROM STDIN in text format, a chunk at a time: how the imports
 * stage the rows of a file on the server (lib/rq_import.c, lib/rq_huiqitong.c) before one
 * statement writes them, instead of a round trip per row. */
#ifndef RQ_COPY_H
#define RQ_COPY_H

#include "rq_attr.h"

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

#include "rq_buf.h"

/* Fields are the module's. */
struct rq_copy {
	PGconn *c;
	struct rq_buf b;
	bool sent;   /* every chunk so far reached libpq */
	bool in_row; /* a value of the current row was added */
};

/* Starts copy_sql (a COPY ... FROM STDIN) on c. Returns 0, or -1 with *err the failed
 * result (NULL when the connection was lost; the caller PQclears it). */
int rq_copy_begin(struct rq_copy *cp, PGconn *c, const char *copy_sql, PGresult **err) RQ_MUST_USE;
/* The next column of the current row: v in COPY's text format (NULL as \N; backslash, tab,
 * CR and LF escaped). */
void rq_copy_value(struct rq_copy *cp, const char *v);
/* Ends the current row; sends the buffered rows when they fill a chunk. A row may hold what
 * one CSV record (RQ_CSV_MAX_RECORD) becomes, escaped. */
void rq_copy_end_row(struct rq_copy *cp);
/* Sends the rest and ends the COPY. Returns 0, or -1 with *err as rq_copy_begin. */
int rq_copy_end(struct rq_copy *cp, PGresult **err) RQ_MUST_USE;

/* Told how far a long job is: phase ("staged", "written"...), done of total rows. */
typedef void (*rq_copy_progress)(void *ctx, const char *phase, size_t done, size_t total);

/* Rows of a file staged in a temporary table. */
struct rq_copy_stage {
	const char *create_sql; /* CREATE TEMPORARY TABLE ... ON COMMIT DROP */
	const char *copy_sql;	/* COPY it FROM STDIN */
	/* run after the copy: an index on its line column and ANALYZE, so the statements that
	 * read it plan with its size (NULL-terminated) */
	const char *const *after_sql;
	size_t nrows; /* rows offered */
	size_t total; /* of which staged: what progress counts to */
	/* adds the values of row i to cp, or returns false to leave it out */
	bool (*row)(void *ctx, size_t i, struct rq_copy *cp);
	void *ctx;
	rq_copy_progress progress; /* "staged" every `every` rows and at the end, or NULL */
	size_t every;
	void *progress_ctx;
};

/* Creates the table and copies the rows into it. Returns 0, or -1 with *err as
 * rq_copy_begin. */
int rq_copy_stage(PGconn *c, const struct rq_copy_stage *s, PGresult **err) RQ_MUST_USE;

/* Runs sql with params as text; *out is its result either way (NULL when the connection was
 * lost). Returns true when it succeeded. */
bool rq_copy_exec(PGconn *c, const char *sql, int n, const char *const *params, PGresult **out);

#endif
