/* A growable byte buffer with a hard size cap and a sticky failure, like curl's dynbuf: once
 * an append runs out of memory or past the cap, the buffer is failed, its memory freed and
 * every later append ignored, so a caller appends freely and checks once at the end. The
 * bytes are always followed by a NUL (not counted), so text can be used as a string. */
#ifndef RQ_BUF_H
#define RQ_BUF_H

#include "rq_attr.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Fields are the module's; use the functions. */
struct rq_buf {
	char *p;
	size_t len, cap, max;
	bool failed;
};

/* An empty buffer that may hold at most max bytes (no memory is taken yet). */
void rq_buf_init(struct rq_buf *b, size_t max);
/* Makes room for n more bytes at once (a hint: appends grow the buffer anyway). */
void rq_buf_reserve(struct rq_buf *b, size_t n);
/* Appends n bytes of s when they need more room than the buffer has (rq_buf_add). */
void rq_buf_add_growing(struct rq_buf *b, const void *s, size_t n);
/* Appends n bytes of s. Inline while they fit (cap <= max + 1, so they are within the cap
 * too): a page of JSON is a thousand small appends, and the call was a tenth of a pool's
 * CPU for a list (tests/bench/cases_list). */
static inline void rq_buf_add(struct rq_buf *b, const void *s, size_t n)
{
	if (n < b->cap - b->len && !b->failed) {
		memcpy(b->p + b->len, s, n);
		b->len += n;
		b->p[b->len] = '\0';
		return;
	}
	rq_buf_add_growing(b, s, n);
}
/* Appends the string s. */
void rq_buf_add_str(struct rq_buf *b, const char *s);
/* True while every append so far succeeded. */
bool rq_buf_ok(const struct rq_buf *b) RQ_MUST_USE;
/* The bytes (NUL-terminated; "" when empty or failed) and their number. */
const char *rq_buf_ptr(const struct rq_buf *b);
size_t rq_buf_len(const struct rq_buf *b);
/* Empties the buffer and keeps its memory; a failed buffer stays failed. */
void rq_buf_clear(struct rq_buf *b);
/* Hands the bytes over (malloc'd, NUL-terminated; free them) and empties the buffer; *len
 * gets their number when len is not NULL. NULL when the buffer failed. */
void *rq_buf_take(struct rq_buf *b, size_t *len) RQ_MUST_USE;
/* Frees the memory; the buffer is then empty (and no longer failed). */
void rq_buf_free(struct rq_buf *b);

#endif
