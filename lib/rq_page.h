/* Keyset pagination (?after=<id>&limit=N), the one way lists are paged (app/DESIGN.md §9). */
#ifndef RQ_PAGE_H
#define RQ_PAGE_H

#include "rq_attr.h"

#include <stdint.h>

#include <libpq-fe.h>

#include "rq_db.h"
#include "rq_http.h"
#include "rq_router.h"

enum { RQ_PAGE_DEFAULT = 50, RQ_PAGE_MAX = 200 };

struct rq_page {
	int64_t after;	  /* list rows with id > after */
	int64_t limit;	  /* at most this many */
	char after_s[24]; /* the same, as query parameters */
	char limit_s[24];
};

/* The declared inputs of a paged list (RQ_INPUTS): ?after= (the id of the last item of the
 * previous page, default 0) and ?limit= (1..RQ_PAGE_MAX, default RQ_PAGE_DEFAULT), checked
 * before the handler like every declared input. */
#define RQ_QUERY_PAGE                                                                              \
	{.name = "after",                                                                          \
	 .in = RQ_IN_QUERY,                                                                        \
	 .type = RQ_PARAM_INT,                                                                     \
	 .max = INT64_MAX,                                                                         \
	 .message = "must be the id of the last item of the previous page"},                       \
	{                                                                                          \
		.name = "limit", .in = RQ_IN_QUERY, .type = RQ_PARAM_INT, .min = 1,                \
		.max = RQ_PAGE_MAX                                                                 \
	}

/* Reads the page of a route that declares RQ_QUERY_PAGE (already checked). Returns 0, or
 * -1 after answering 500 when the route does not declare it (a mistake in its table). */
int rq_page_parse(struct rq_req *req, struct rq_resp *resp, struct rq_page *page) RQ_MUST_USE;

/* For lists newest first (id < bound): page->after, or INT64_MAX for the first page. A
 * bare "id < $n" stays an index condition of a generic plan under row-level security,
 * where "$n = 0 OR id < $n" or coalesce() would not. */
const char *rq_page_before(const struct rq_page *page);

/* Answers 200 {items: [item(res, i)...], next_after: <id of the last row> | null}; res must
 * have an "id" column and hold at most page->limit rows, in id order. */
void rq_page_respond(struct rq_req *req, struct rq_resp *resp, const PGresult *res,
		     const struct rq_page *page, cJSON *(*item)(const PGresult *res, int row));

/* rq_page_respond with every row as rq_json_row prints it, the items printed at once
 * (rq_json_rows: the cheap way for lists of many lines). */
void rq_page_respond_rows(struct rq_req *req, struct rq_resp *resp, const PGresult *res,
			  const struct rq_page *page);

/* The {items, next_after} object rq_page_respond_rows answers, for an answer that adds
 * members of its own; NULL when the page could not be printed (out of memory). */
cJSON *rq_page_rows_object(const PGresult *res, const struct rq_page *page) RQ_MUST_USE;

/* A list handler's whole work: reads the page (400 on a bad parameter), runs st with $1 the
 * keyset bound (after) and $2 the limit, and answers the page, each row as rq_json_row
 * prints it (or the statement's failure). */
void rq_page_list(struct rq_req *req, struct rq_resp *resp, struct rq_stmt *st);
/* rq_page_list with $3, $4... the declared query arguments named in args (NULL-terminated, at
 * most 10; one not given is SQL NULL), as rq_page_list_newest takes them. */
void rq_page_list_args(struct rq_req *req, struct rq_resp *resp, struct rq_stmt *st,
		       const char *const *args);

/* An item callback for rq_page_respond: the row's "item" column, a json or jsonb built by
 * the query, as JSON (null when SQL NULL). */
/* rq_page_list for a read-only list newest first: $1 is rq_page_before(page) (the keyset
 * bound, "id < $1"), $2 the limit and $3, $4... the declared query arguments named in args
 * (NULL-terminated, at most 10; NULL for none; one not given is SQL NULL); COMMIT goes with
 * the statement (rq_sql_final). */
void rq_page_list_newest(struct rq_req *req, struct rq_resp *resp, struct rq_stmt *st,
			 const char *const *args);
/* rq_page_list_newest for the lists of the enterprise a manager acts for now
 * (rq.actor_enterprise()): an empty page of an account that acts for no enterprise it manages
 * is 409 no-enterprise-selected. */
void rq_page_list_of_current_enterprise(struct rq_req *req, struct rq_resp *resp,
					struct rq_stmt *st, const char *const *args);

cJSON *rq_page_json_item(const PGresult *res, int row);

#endif
