/* The refusals the API answers, in one table (lib/rq_outcome.c), and the one shape of the
 * answers of the SQL write functions.
 *
 * A refusal has a name ("visit-unknown", "already-rated"); the table says its HTTP status,
 * its problem type and title (English, for programs), its detail (Chinese, ready to show in
 * the mini-program and the portal; {1}..{9} take arguments) and the request field it is
 * about, if any (then errors: [{field, message}] carries the same Chinese text).
 *
 * Every SECURITY DEFINER write the pools call answers one rq.outcome row (outcome, args,
 * data): "ok", or another success its handler names, with data (jsonb) as its payload; or
 * the name of a refusal of the table with args, a JSON array of the strings for its detail.
 * Handlers pass it through with rq_outcome_row. */
#ifndef RQ_OUTCOME_H
#define RQ_OUTCOME_H

#include <libpq-fe.h>

#include "rq_arena.h"
#include "rq_attr.h"
#include "rq_http.h"

/* Answers refusal `name`: args (NULL-terminated, or NULL) fill {1}.. of its detail; errors,
 * when not NULL, is taken as the errors list instead of the refusal's own field. An unknown
 * name answers 500 (and is logged). */
void rq_outcome_refuse(struct rq_req *req, struct rq_resp *resp, const char *name,
		       const char *const *args, cJSON *errors);

/* The one row of a write's rq.outcome in res (columns outcome, args, data). Returns the index
 * in successes (NULL-terminated; NULL stands for {"ok"}) of its outcome, with *data (when
 * not NULL) set to the payload's JSON text in the arena, or NULL. Otherwise answers: the
 * refusal's problem; rq_problem_sql for a failed statement; 500 for anything else; and
 * returns -1. */
int rq_outcome_row(struct rq_req *req, struct rq_resp *resp, PGresult *res,
		   const char *const *successes, const char **data) RQ_MUST_USE;

struct rq_stmt;
/* Runs st, a write answering rq.outcome whose data is the row written with member change
 * (inserted, updated, unchanged), and answers that row: 201 when it was inserted, else 200;
 * or the refusal, as rq_outcome_row. */
void rq_outcome_put(struct rq_req *req, struct rq_resp *resp, struct rq_stmt *st,
		    const char *const *params);
/* Runs st with params and answers the JSON column col of its one row with status, or the
 * refusal `unknown` when that column is NULL (no such row, or row-level security hides it);
 * a failed statement answers as rq_sql_one does. */
void rq_outcome_json(struct rq_req *req, struct rq_resp *resp, struct rq_stmt *st,
		     const char *const *params, const char *col, int status, const char *unknown);

/* The Chinese detail of refusal name with args_json (a JSON array of strings, or NULL) for
 * its {1}.., in the arena, and its field (NULL when it has none) in *field: what a CLI
 * prints for a write's refusal. NULL for a name the table does not have. */
const char *rq_outcome_text(struct rq_arena *a, const char *name, const char *args_json,
			    const char **field) RQ_MUST_USE;

/* True when name is a refusal of the table (tests, and the route tables' checks). */
bool rq_outcome_known(const char *name);

#endif
