/* What the libFuzzer targets share: one request through the real pipeline (rq_req_parse →
 * rq_app_handle → rq_resp_serialize) with no database (req.db never connects: a statement
 * answers NULL, so a handler that got past its checks answers 503), and the checks every answer
 * must pass. A target aborts (a finding) when an answer breaks a rule, not only on a crash. */
#ifndef FUZZ_SUPPORT_H
#define FUZZ_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "rq_http.h"
#include "rq_router.h"

/* Every route of the five families, in table order. */
const struct rq_route *fz_route(size_t i);
size_t fz_nroutes(void);

/* One request: the CGI variables nginx would pass (NULL ones absent) and a body. */
struct fz_request {
	const char *method, *uri, *query, *content_type, *cookie, *authorization, *length;
	const char *body;
	size_t body_len;
};

/* How the routes answer: RQ_AUTH_NONE and a handler that reads every declared input
 * (probe), or the real handler behind an actor of the kind the route needs (real). */
enum fz_mode { FZ_PROBE, FZ_REAL };

/* What a request got. */
struct fz_answer {
	int status;
	const char *type;	      /* the problem type of a problem answer ("" otherwise) */
	const struct rq_route *route; /* the route it matched, or NULL */
	bool handled;		      /* the route's handler ran */
};

/* Runs r through one app made of every route (mode decides their auth and handlers), checks
 * the rules every answer keeps (fz_fail on a breach) and fills *a. */
void fz_run(const struct fz_request *r, enum fz_mode mode, struct fz_answer *a);

/* The first key some object in json has twice (depth first), or NULL: written here apart from
 * lib/rq_input.c so that the two are compared. */
const char *fz_duplicate_key(const cJSON *json);

/* True when s is UTF-8 (control characters allowed: JSON answers escape them). */
bool fz_utf8(const char *s);

/* Reports a broken rule with the input's context and aborts (libFuzzer saves the input). */
void fz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Splits the first n_lines '\n'-terminated lines off [data, data+size) into NUL-terminated
 * copies (lines[i] NULL when the input ran out) and returns where the rest begins; *rest_len
 * gets its length. The copies live until the next call. */
const char *fz_lines(const uint8_t *data, size_t size, char **lines, size_t n_lines,
		     size_t *rest_len);

#endif
