/* The problems an import found in a file, one per line and field, as every import reports
 * them (the enterprise register, lib/rq_import.c; 慧企通's records, lib/rq_huiqitong.c): the
 * CLI prints "line N: field: message", the portal answers them as JSON. Messages are
 * Chinese, to show as they are. Everything is allocated in the list's arena. */
#ifndef RQ_PROBLEMS_H
#define RQ_PROBLEMS_H

#include <stddef.h>
#include <stdio.h>

#include "rq_arena.h"

struct rq_problem {
	long line;	     /* 0 for the file as a whole */
	const char *field;   /* "uscc", ... or "file" */
	const char *message; /* Chinese, to show as it is; no final full stop */
};

struct rq_problems {
	struct rq_arena *arena;
	struct rq_problem *items;
	size_t n, cap;
};

/* An empty list whose problems live in a. */
void rq_problems_init(struct rq_problems *p, struct rq_arena *a);
/* Adds a problem; a message longer than 511 bytes is cut at a character boundary. */
void rq_problems_add(struct rq_problems *p, long line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Sorts the problems by line, keeping the order in which each line's were added. */
void rq_problems_sort(struct rq_problems *p);
/* Prints each problem as "line N: field: message" ("field: message" for the file). */
void rq_problems_print(FILE *f, const struct rq_problems *p);

/* The rows of a file whose key another row before them has (a credit code, a record id, a
 * day twice): key(ctx, i) is row i's key (NULL: none), and twice(ctx, i, first) is called for
 * each such row i, in no particular order, with the first row that has its key. */
void rq_problems_twice(size_t nrows, const char *(*key)(void *ctx, size_t i),
		       void (*twice)(void *ctx, size_t i, size_t first), void *ctx);

#endif
