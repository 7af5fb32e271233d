/* Per-request memory: everything allocated for a request dies with it in one call. */
#ifndef RQ_ARENA_H
#define RQ_ARENA_H

#include "rq_attr.h"

#include <stddef.h>

struct rq_arena;

/* Returns a new arena, or NULL when out of memory; must be freed with rq_arena_free(). */
struct rq_arena *rq_arena_new(void) RQ_MUST_USE;
/* Runs the registered cleanups (last registered first) and frees every allocation. */
void rq_arena_reset(struct rq_arena *a);
void rq_arena_free(struct rq_arena *a);

/* Zeroed memory that lives until the next reset; aborts when out of memory, like
 * PostgreSQL's palloc: a worker that cannot allocate cannot answer either. */
void *rq_alloc(struct rq_arena *a, size_t size);
char *rq_strdup(struct rq_arena *a, const char *s);
char *rq_strndup(struct rq_arena *a, const char *s, size_t n);
char *rq_printf(struct rq_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* items, an array of *cap elements of size bytes of which n are used, with room for one
 * more: when full, copied into new memory of the arena twice as large (*cap doubled). */
void *rq_grow(struct rq_arena *a, void *items, size_t n, size_t *cap, size_t size);

/* Calls fn(arg) at the next reset; used for PQclear and cJSON_Delete so that an early
 * return cannot leak. */
void rq_arena_cleanup(struct rq_arena *a, void (*fn)(void *), void *arg);

#endif
