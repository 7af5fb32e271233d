#include "rq_page.h"

#include "rq_db.h"
#include "rq_input.h"
#include "rq_num.h"
#include "rq_outcome.h"

#include <stdio.h>
#include <stdlib.h>

int rq_page_parse(struct rq_req *req, struct rq_resp *resp, struct rq_page *page)
{
	if (rq_route_input(req->route, "after", NULL) == NULL ||
	    rq_route_input(req->route, "limit", NULL) == NULL) {
		rq_problem_internal(req, resp, "a paged route does not declare RQ_QUERY_PAGE");
		return -1;
	}
	/* checked by rq_input_check: these parse */
	const char *after = rq_req_arg(req, "after"), *limit = rq_req_arg(req, "limit");
	page->after = 0;
	page->limit = RQ_PAGE_DEFAULT;
	if ((after != NULL && rq_parse_i64(after, 0, INT64_MAX, &page->after) != 0) ||
	    (limit != NULL && rq_parse_i64(limit, 1, RQ_PAGE_MAX, &page->limit) != 0)) {
		rq_problem_internal(req, resp, "a checked page parameter did not parse");
		return -1;
	}
	snprintf(page->after_s, sizeof(page->after_s), "%lld", (long long)page->after);
	snprintf(page->limit_s, sizeof(page->limit_s), "%lld", (long long)page->limit);
	return 0;
}

const char *rq_page_before(const struct rq_page *page)
{
	return page->after > 0 ? page->after_s : "9223372036854775807";
}

/* {items, next_after} with items already built. */
static cJSON *page_object(const PGresult *res, const struct rq_page *page, cJSON *items)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "items", items);
	/* A full page may have a successor; a short one is the last. */
	int n = PQntuples(res);
	if (n > 0 && n == page->limit)
		cJSON_AddStringToObject(o, "next_after", rq_sql_val(res, n - 1, "id"));
	else
		cJSON_AddNullToObject(o, "next_after");
	return o;
}

static void respond(struct rq_req *req, struct rq_resp *resp, const PGresult *res,
		    const struct rq_page *page, cJSON *items)
{
	rq_resp_json(req, resp, 200, page_object(res, page, items));
}

void rq_page_respond(struct rq_req *req, struct rq_resp *resp, const PGresult *res,
		     const struct rq_page *page, cJSON *(*item)(const PGresult *res, int row))
{
	cJSON *items = cJSON_CreateArray();
	int n = PQntuples(res);
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(items, item(res, i));
	respond(req, resp, res, page, items);
}

cJSON *rq_page_rows_object(const PGresult *res, const struct rq_page *page)
{
	char *text = rq_json_rows(res);
	cJSON *items = text != NULL ? cJSON_CreateRaw(text) : NULL;
	free(text);
	return items != NULL ? page_object(res, page, items) : NULL;
}

void rq_page_respond_rows(struct rq_req *req, struct rq_resp *resp, const PGresult *res,
			  const struct rq_page *page)
{
	cJSON *o = rq_page_rows_object(res, page);
	if (o == NULL) {
		rq_problem_internal(req, resp, "could not print a page");
		return;
	}
	rq_resp_json(req, resp, 200, o);
}

/* The enterprise the account acts for, while it still manages it (else NULL). */
static struct rq_stmt st_current =
    RQ_STMT("rq_page_current_enterprise", "SELECT rq.actor_enterprise() AS id", 0);

/* rq_page_list and rq_page_list_newest: $1 is the bound, $2 the limit, $3.. the arguments;
 * with of_current_enterprise, an empty page of an account that acts for no enterprise is
 * 409 no-enterprise-selected. */
static void list(struct rq_req *req, struct rq_resp *resp, struct rq_stmt *st, bool newest,
		 const char *const *args, bool of_current_enterprise)
{
	enum { ARGS_MAX = 10 };
	struct rq_page page;
	if (rq_page_parse(req, resp, &page) != 0)
		return;
	const char *params[2 + ARGS_MAX] = {newest ? rq_page_before(&page) : page.after_s,
					    page.limit_s};
	for (int i = 0; args != NULL && args[i] != NULL; i++) {
		if (i == ARGS_MAX) {
			rq_problem_internal(req, resp, "a list has more arguments than it may");
			return;
		}
		params[2 + i] = rq_req_arg(req, args[i]);
	}
	PGresult *res = newest ? rq_sql_final(req, st, params) : rq_sql(req, st, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	if (of_current_enterprise && PQntuples(res) == 0) {
		PGresult *cur = rq_sql_final(req, &st_current, NULL);
		if (!rq_sql_ok(cur)) {
			rq_problem_sql(req, resp, cur);
			return;
		}
		if (rq_sql_val(cur, 0, "id") == NULL) {
			rq_outcome_refuse(req, resp, "no-enterprise-selected", NULL, NULL);
			return;
		}
	}
	rq_page_respond_rows(req, resp, res, &page);
}

void rq_page_list(struct rq_req *req, struct rq_resp *resp, struct rq_stmt *st)
{
	list(req, resp, st, false, NULL, false);
}

void rq_page_list_args(struct rq_req *req, struct rq_resp *resp, struct rq_stmt *st,
		       const char *const *args)
{
	list(req, resp, st, false, args, false);
}

void rq_page_list_newest(struct rq_req *req, struct rq_resp *resp, struct rq_stmt *st,
			 const char *const *args)
{
	list(req, resp, st, true, args, false);
}

void rq_page_list_of_current_enterprise(struct rq_req *req, struct rq_resp *resp,
					struct rq_stmt *st, const char *const *args)
{
	list(req, resp, st, true, args, true);
}

cJSON *rq_page_json_item(const PGresult *res, int row)
{
	return rq_json_column(res, row, "item");
}
