#include "rq_page.h"

#include "rq_db.h"
#include "rq_num.h"

#include <stdio.h>

int rq_page_parse(struct rq_req *req, struct rq_resp *resp, struct rq_page *page)
{
	page->after = 0;
	page->limit = RQ_PAGE_DEFAULT;
	const char *v = rq_req_query(req, "after");
	if (v != NULL && rq_parse_i64(v, 0, INT64_MAX, &page->after) != 0) {
		rq_problem_field(req, resp, 400, "after",
				 "must be the id of the last item of the previous page");
		return -1;
	}
	v = rq_req_query(req, "limit");
	if (v != NULL && rq_parse_i64(v, 1, RQ_PAGE_MAX, &page->limit) != 0) {
		rq_problem_field(req, resp, 400, "limit", "must be a whole number from 1 to 200");
		return -1;
	}
	snprintf(page->after_s, sizeof(page->after_s), "%lld", (long long)page->after);
	snprintf(page->limit_s, sizeof(page->limit_s), "%lld", (long long)page->limit);
	return 0;
}

void rq_page_respond(struct rq_req *req, struct rq_resp *resp, const PGresult *res,
		     const struct rq_page *page, cJSON *(*item)(const PGresult *res, int row))
{
	cJSON *o = cJSON_CreateObject();
	cJSON *items = cJSON_AddArrayToObject(o, "items");
	int n = PQntuples(res);
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(items, item(res, i));
	/* A full page may have a successor; a short one is the last. */
	if (n > 0 && n == page->limit)
		cJSON_AddStringToObject(o, "next_after", rq_sql_val(res, n - 1, "id"));
	else
		cJSON_AddNullToObject(o, "next_after");
	rq_resp_json(req, resp, 200, o);
}

cJSON *rq_page_json_item(const PGresult *res, int row)
{
	return rq_json_column(res, row, "item");
}
