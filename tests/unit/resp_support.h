/* A request and response made in-process for tests of what lib/ writes into a response
 * (problem+json, outcomes, serialisation): the fixture, and readers of the response (static
 * inline: a test uses those it needs). */
#ifndef RESP_SUPPORT_H
#define RESP_SUPPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "rq_arena.h"
#include "rq_http.h"

struct fixture {
	struct rq_arena *arena;
	struct rq_req req;
	struct rq_resp resp;
};

static inline int setup(void **state)
{
	static struct fixture f;
	memset(&f, 0, sizeof(f));
	f.arena = rq_arena_new();
	f.req.arena = f.arena;
	f.req.request_id = "req-0123456789abcdef";
	f.req.method = "POST";
	f.req.path = "/api/v1/admin/units";
	*state = &f;
	return f.arena != NULL ? 0 : -1;
}

static inline int teardown(void **state)
{
	struct fixture *f = *state;
	rq_arena_free(f->arena); /* also deletes the JSON the responses registered */
	return 0;
}

static inline void delete_json(void *p)
{
	cJSON_Delete(p);
}

/* Parses the response body; the document is freed with the arena. */
static inline cJSON *body_json(struct fixture *f)
{
	assert_non_null(f->resp.body);
	assert_int_equal(f->resp.body_len, strlen(f->resp.body));
	cJSON *j = cJSON_ParseWithLength(f->resp.body, f->resp.body_len);
	assert_non_null(j);
	rq_arena_cleanup(f->arena, delete_json, j);
	assert_true(cJSON_IsObject(j));
	return j;
}

static inline const char *str_member(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	if (!cJSON_IsString(v))
		fail_msg("member \"%s\" is missing or not a string", name);
	return v->valuestring;
}

static inline int num_member(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	if (!cJSON_IsNumber(v))
		fail_msg("member \"%s\" is missing or not a number", name);
	return v->valueint;
}

static inline const char *header(const struct rq_resp *resp, const char *name)
{
	for (size_t i = 0; i < resp->nheaders; i++)
		if (strcmp(resp->header_names[i], name) == 0)
			return resp->header_values[i];
	return NULL;
}

#endif
