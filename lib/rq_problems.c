#include "rq_problems.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void rq_problems_init(struct rq_problems *p, struct rq_arena *a)
{
	*p = (struct rq_problems){.arena = a};
}

void rq_problems_add(struct rq_problems *p, long line, const char *field, const char *fmt, ...)
{
	if (p->n == p->cap) {
		size_t cap = p->cap == 0 ? 64 : p->cap * 2;
		struct rq_problem *items = rq_alloc(p->arena, cap * sizeof(*items));
		if (p->n > 0)
			memcpy(items, p->items, p->n * sizeof(*items));
		p->items = items;
		p->cap = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	char buf[512];
	int len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len >= (int)sizeof(buf)) {
		/* cut short: drop a character the cut split, so the message stays UTF-8 */
		size_t n = strlen(buf), k = n;
		while (k > 0 && n - k < 3 && ((unsigned char)buf[k - 1] & 0xC0) == 0x80)
			k--;
		unsigned char lead = k > 0 ? (unsigned char)buf[k - 1] : 0;
		size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
		if (k > 0 && need > n - (k - 1))
			buf[k - 1] = '\0';
	}
	p->items[p->n++] = (struct rq_problem){line, field, rq_strdup(p->arena, buf)};
}

/* Insertion order, kept next to each problem so that sorting by line is stable. */
struct slot {
	struct rq_problem p;
	size_t seq;
};

static int by_line(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	if (x->p.line != y->p.line)
		return x->p.line < y->p.line ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

void rq_problems_sort(struct rq_problems *p)
{
	if (p->n < 2)
		return;
	struct slot *slots = malloc(p->n * sizeof(*slots));
	if (slots == NULL)
		abort();
	for (size_t i = 0; i < p->n; i++)
		slots[i] = (struct slot){p->items[i], i};
	qsort(slots, p->n, sizeof(*slots), by_line);
	for (size_t i = 0; i < p->n; i++)
		p->items[i] = slots[i].p;
	free(slots);
}

void rq_problems_print(FILE *f, const struct rq_problems *p)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct rq_problem *x = &p->items[i];
		if (x->line > 0)
			fprintf(f, "line %ld: %s: %s\n", x->line, x->field, x->message);
		else
			fprintf(f, "%s: %s\n", x->field, x->message);
	}
}

struct key_ref {
	const char *key;
	size_t row;
};

static int by_key_then_row(const void *a, const void *b)
{
	const struct key_ref *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c != 0 ? c : (x->row > y->row) - (x->row < y->row);
}

void rq_problems_twice(size_t nrows, const char *(*key)(void *ctx, size_t i),
		       void (*twice)(void *ctx, size_t i, size_t first), void *ctx)
{
	if (nrows < 2)
		return;
	struct key_ref *refs = malloc(nrows * sizeof(*refs));
	if (refs == NULL)
		abort();
	size_t n = 0;
	for (size_t i = 0; i < nrows; i++) {
		const char *k = key(ctx, i);
		if (k != NULL)
			refs[n++] = (struct key_ref){k, i};
	}
	qsort(refs, n, sizeof(*refs), by_key_then_row);
	for (size_t i = 1, first = 0; i < n; i++) {
		if (strcmp(refs[i].key, refs[first].key) != 0)
			first = i;
		else
			twice(ctx, refs[i].row, refs[first].row);
	}
	free(refs);
}
