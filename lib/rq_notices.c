#include "rq_notices.h"

#include "rq_db.h"
#include "rq_input.h"
#include "rq_num.h"
#include "rq_outcome.h"
#include "rq_page.h"
#include "rq_row_json.h"

#include <stdint.h>
#include <string.h>

/* One statement per kind of recipient, each asking the index of its own column (RLS says
 * the same: outbox_app_read, outbox_admin_read). $1 is the keyset bound (rq_page_before). */
#define NOTICES_PAGE                                                                               \
	" AND l._id < $1::bigint AND ($3::boolean IS NULL OR l._unread = $3::boolean)"             \
	" ORDER BY l._id DESC LIMIT $2::int"
static struct rq_stmt st_list_account =
    RQ_STMT("notices_list_account",
	    "SELECT l.* FROM rq.notification_lines l"
	    " WHERE l._account_id = rq.current_account_id()" NOTICES_PAGE,
	    3);
static struct rq_stmt st_list_admin =
    RQ_STMT("notices_list_admin",
	    "SELECT l.* FROM rq.notification_lines l"
	    " WHERE l._admin_id = rq.current_admin_id()" NOTICES_PAGE,
	    3);
/* The unread ones of either kind of recipient (each has a partial index of its own). */
static struct rq_stmt st_unread = RQ_STMT(
    "notices_unread",
    "SELECT count(*) AS n FROM rq.outbox o WHERE o.read_at IS NULL"
    " AND (o.account_id = rq.current_account_id() OR o.admin_user_id = rq.current_admin_id())",
    0);
static struct rq_stmt st_read =
    RQ_STMT("notices_read", "SELECT * FROM rq.notification_read($1::bigint)", 1);
static struct rq_stmt st_one =
    RQ_STMT("notices_one", "SELECT l.* FROM rq.notification_lines l WHERE l._id = $1::bigint", 1);

static bool is_admin(const struct rq_req *req)
{
	return req->actor.kind != NULL && strcmp(req->actor.kind, "admin") == 0;
}

void rq_notices_list(struct rq_req *req, struct rq_resp *resp)
{
	struct rq_page page;
	if (rq_page_parse(req, resp, &page) != 0)
		return;
	bool admin = is_admin(req);
	PGresult *count = rq_sql(req, &st_unread, NULL);
	if (!rq_sql_one(req, resp, count))
		return;
	const char *params[] = {rq_page_before(&page), page.limit_s, rq_req_arg(req, "unread")};
	PGresult *res = rq_sql_final(req, admin ? &st_list_admin : &st_list_account, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	int64_t unread = 0;
	cJSON *o = rq_page_rows_object(res, &page);
	if (o == NULL || rq_parse_i64(rq_sql_val(count, 0, "n"), 0, INT64_MAX, &unread) != 0) {
		cJSON_Delete(o);
		rq_problem_internal(req, resp, "could not print a page");
		return;
	}
	cJSON_AddNumberToObject(o, "unread", (double)unread);
	rq_resp_json(req, resp, 200, o);
}

void rq_notices_read(struct rq_req *req, struct rq_resp *resp)
{
	const char *params[] = {rq_req_param(req, "id")};
	if (rq_outcome_row(req, resp, rq_sql(req, &st_read, params), NULL, NULL) < 0)
		return;
	PGresult *res = rq_sql(req, &st_one, params);
	if (!rq_sql_one(req, resp, res))
		return;
	rq_resp_json(req, resp, 200, rq_json_row(res, 0));
}
