/* Checks of request input that several families share: enumerations, calendar dates, lists
 * of ids and the numeric {id} of a path. Each either accepts the input or adds an error
 * naming the field (rq_errors_add) for a 4xx problem answer. */
#ifndef RQ_INPUT_H
#define RQ_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "rq_http.h"

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
/* An array member of ids (digit strings or whole numbers), at most max of them, written as
 * a PostgreSQL array literal into *pg ("{1,2}"; NULL when absent). Returns false after
 * adding an error for field. */
bool rq_input_ids(struct rq_req *req, cJSON *obj, const char *field, int max, bool required,
		  const char **pg, cJSON *errors);
/* An optional boolean member; *out keeps dflt when absent. Returns false after adding an
 * error for field. */
bool rq_input_bool(cJSON *obj, const char *field, bool dflt, bool *out, cJSON *errors);

#endif
