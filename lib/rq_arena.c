#include "rq_arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { RQ_ARENA_BLOCK = 16384 };

struct rq_block {
	struct rq_block *next;
	size_t used, size;
	max_align_t data[];
};

struct rq_cleanup {
	struct rq_cleanup *next;
	void (*fn)(void *);
	void *arg;
};

struct rq_arena {
	struct rq_block *blocks;
	struct rq_cleanup *cleanups;
};

static void *xmalloc(size_t n)
{
	void *p = malloc(n);
	if (p == NULL) {
		fputs("ruqima: out of memory\n", stderr);
		abort();
	}
	return p;
}

struct rq_arena *rq_arena_new(void)
{
	struct rq_arena *a = calloc(1, sizeof(*a));
	return a;
}

void rq_arena_reset(struct rq_arena *a)
{
	while (a->cleanups != NULL) {
		struct rq_cleanup *c = a->cleanups;
		a->cleanups = c->next;
		c->fn(c->arg);
	}
	/* Keep the first block for the next request; free the rest. */
	struct rq_block *b = a->blocks;
	if (b == NULL)
		return;
	struct rq_block *rest = b->next;
	b->next = NULL;
	b->used = 0;
	while (rest != NULL) {
		struct rq_block *n = rest->next;
		free(rest);
		rest = n;
	}
}

void rq_arena_free(struct rq_arena *a)
{
	if (a == NULL)
		return;
	rq_arena_reset(a);
	free(a->blocks);
	free(a);
}

void *rq_alloc(struct rq_arena *a, size_t size)
{
	const size_t align = sizeof(max_align_t);
	size = (size + align - 1) / align * align;
	if (size == 0)
		size = align;
	struct rq_block *b = a->blocks;
	if (b == NULL || b->size - b->used < size) {
		size_t cap = size > RQ_ARENA_BLOCK ? size : RQ_ARENA_BLOCK;
		struct rq_block *nb = xmalloc(sizeof(*nb) + cap);
		nb->size = cap;
		nb->used = 0;
		if (b != NULL && cap > RQ_ARENA_BLOCK) {
			/* A large one-off allocation goes behind the current block so the
			 * current block's free space stays usable. */
			nb->next = b->next;
			b->next = nb;
		} else {
			nb->next = b;
			a->blocks = nb;
		}
		b = nb;
	}
	void *p = (char *)b->data + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

char *rq_strndup(struct rq_arena *a, const char *s, size_t n)
{
	char *p = rq_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *rq_strdup(struct rq_arena *a, const char *s)
{
	return rq_strndup(a, s, strlen(s));
}

char *rq_printf(struct rq_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return rq_strdup(a, "");
	char *p = rq_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void rq_arena_cleanup(struct rq_arena *a, void (*fn)(void *), void *arg)
{
	struct rq_cleanup *c = rq_alloc(a, sizeof(*c));
	c->fn = fn;
	c->arg = arg;
	c->next = a->cleanups;
	a->cleanups = c;
}

void *rq_grow(struct rq_arena *a, void *items, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return items;
	size_t grown = *cap > 0 ? 2 * *cap : 64;
	void *p = rq_alloc(a, grown * size);
	if (n > 0)
		memcpy(p, items, n * size);
	*cap = grown;
	return p;
}
