/* Checks of request input that several families share: enumerations, calendar dates, lists
 * of ids, and the declared path and query parameters of a route (struct rq_param), checked
 * before its handler runs. Each either accepts the input or names the field in a 4xx
 * problem answer. */
#ifndef RQ_INPUT_H
#define RQ_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "rq_http.h"
#include "rq_router.h"

/* True when s equals one of the NULL-terminated list. */
bool rq_input_one_of(const char *s, const char *const *list);
/* A string member of obj that must be one of list; NULL when absent (an error added when
 * required) or after adding "must be one of: ..." for field. */
const char *rq_input_enum(cJSON *obj, const char *field, const char *const *list, bool required,
			  cJSON *errors);
/* True when s is YYYY-MM-DD naming a real day of 2000..2100. */
bool rq_input_date(const char *s);
/* True when s is 1..max_digits decimal digits without a leading zero (an id). */
bool rq_input_id(const char *s, size_t max_digits);
/* True when s names a row: a positive bigint, digits without a leading zero. */
bool rq_input_row_id(const char *s);
/* An id member of obj: a digit string (rq_input_row_id) or a whole number, written as
 * digits into *out (NULL when absent or null). Returns false after adding message for
 * field (also when required and absent). */
bool rq_input_id_member(struct rq_req *req, cJSON *obj, const char *field, bool required,
			const char *message, const char **out, cJSON *errors);
/* True when s has the shape of a code token: 22 to 64 base64url characters. */
bool rq_input_token(const char *s);
/* True when s has the characters of a law-enforcement certificate number: ASCII letters,
 * digits and '-' (its length is the caller's check). */
bool rq_input_cert_no(const char *s);
/* An array member of ids (digit strings or whole numbers), at most max of them, written as
 * a PostgreSQL array literal into *pg ("{1,2}"; NULL when absent). Returns false after
 * adding an error for field. */
bool rq_input_ids(struct rq_req *req, cJSON *obj, const char *field, int max, bool required,
		  const char **pg, cJSON *errors);
/* An optional boolean member; *out keeps dflt when absent. Returns false after adding an
 * error for field. */
bool rq_input_bool(cJSON *obj, const char *field, bool dflt, bool *out, cJSON *errors);

/* The first key some object of json has twice (depth first, objects before their members),
 * as a path in the arena: "companions", "location.latitude", "companions[1].name"; NULL
 * when none. cJSON keeps every duplicate, and which one a handler would read is an accident. */
const char *rq_input_duplicate_key(struct rq_arena *a, const cJSON *json);
/* Checks req->json, the parsed body: raises 400 duplicate-key naming a key some object has
 * twice, anywhere in it; and, when req->route declares its members (RQ_BODY), 400
 * unknown-field naming every other member. Returns 0, or -1 after answering. */
int rq_input_body_check(struct rq_req *req, struct rq_resp *resp);

/* Checks the declared inputs of req->route (struct rq_param) and keeps them in req->in.
 * Raises 400 naming a bad query parameter (the first, in declaration order), or the
 * route's 404 (param->unknown, naming the parameter) for a malformed path parameter.
 * Returns 0, or -1 after answering. */
int rq_input_check(struct rq_req *req, struct rq_resp *resp);

/* A declared path parameter as checked (a canonical id, a token, a key). */
const char *rq_req_param(const struct rq_req *req, const char *name);
/* A declared RQ_PARAM_ID path parameter as a number. */
int64_t rq_req_param_id(const struct rq_req *req, const char *name);
/* A declared query parameter as checked: its text (RQ_PARAM_BOOL: "true" or "false"), its
 * default when absent or empty, or NULL. */
const char *rq_req_arg(const struct rq_req *req, const char *name);
/* A declared RQ_PARAM_BOOL query parameter: true when given as true (or its default is). */
bool rq_req_arg_true(const struct rq_req *req, const char *name);

#endif
