#include "rq_buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { RQ_BUF_FIRST = 256 };

void rq_buf_init(struct rq_buf *b, size_t max)
{
	/* the doubling below must not overflow */
	*b = (struct rq_buf){.max = max < SIZE_MAX / 4 ? max : SIZE_MAX / 4};
}

static void fail(struct rq_buf *b)
{
	free(b->p);
	*b = (struct rq_buf){.max = b->max, .failed = true};
}

/* Room for n more bytes and the NUL; false (and failed) when past the cap or out of memory. */
static bool grow(struct rq_buf *b, size_t n)
{
	if (b->failed)
		return false;
	if (n > b->max - b->len) {
		fail(b);
		return false;
	}
	size_t need = b->len + n + 1;
	if (need <= b->cap)
		return true;
	/* never above max + 1: rq_buf_add's inline append counts on it */
	size_t cap = b->cap > 0 ? b->cap : (RQ_BUF_FIRST < b->max + 1 ? RQ_BUF_FIRST : b->max + 1);
	while (cap < need)
		cap = cap > (b->max + 1) / 2 ? b->max + 1 : cap * 2;
	char *p = realloc(b->p, cap);
	if (p == NULL) {
		fail(b);
		return false;
	}
	p[b->len] = '\0';
	b->p = p;
	b->cap = cap;
	return true;
}

void rq_buf_reserve(struct rq_buf *b, size_t n)
{
	if (n > b->max - b->len)
		n = b->max - b->len;
	(void)grow(b, n);
}

void rq_buf_add_growing(struct rq_buf *b, const void *s, size_t n)
{
	if (!grow(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void rq_buf_add_str(struct rq_buf *b, const char *s)
{
	rq_buf_add(b, s, strlen(s));
}

bool rq_buf_ok(const struct rq_buf *b)
{
	return !b->failed;
}

const char *rq_buf_ptr(const struct rq_buf *b)
{
	return b->p != NULL ? b->p : "";
}

size_t rq_buf_len(const struct rq_buf *b)
{
	return b->len;
}

void rq_buf_clear(struct rq_buf *b)
{
	b->len = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

void *rq_buf_take(struct rq_buf *b, size_t *len)
{
	if (len != NULL)
		*len = 0;
	if (!grow(b, 0))
		return NULL;
	if (len != NULL)
		*len = b->len;
	char *p = b->p;
	*b = (struct rq_buf){.max = b->max};
	return p;
}

void rq_buf_free(struct rq_buf *b)
{
	free(b->p);
	*b = (struct rq_buf){.max = b->max};
}
