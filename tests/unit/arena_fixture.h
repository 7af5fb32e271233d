/* Fixtures of lib/ unit tests that own an arena: its teardown, and the fixture of a bare
 * request (static inline: a test uses what it needs). */
#ifndef ARENA_FIXTURE_H
#define ARENA_FIXTURE_H

#include <string.h>

#include "rq_arena.h"
#include "rq_http.h"

/* cmocka teardown for a fixture whose first member is its arena (struct rq_arena *). */
static inline int arena_teardown(void **state)
{
	rq_arena_free(*(struct rq_arena **)*state);
	return 0;
}

/* A request with its arena, as the parser and the router get it. */
struct req_fixture {
	struct rq_arena *arena;
	struct rq_req req;
};

static inline int req_fixture_setup(void **state)
{
	static struct req_fixture f;
	memset(&f, 0, sizeof(f));
	f.arena = rq_arena_new();
	*state = &f;
	return f.arena != NULL ? 0 : -1;
}

#endif
