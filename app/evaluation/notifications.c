#include "notifications.h"

#include "rq_outcome.h"
#include "rq_db.h"
#include "rq_input.h"
#include "rq_page.h"

#define NOTIFICATION_JSON                                                                          \
	"jsonb_build_object('id', o.id::text, 'kind', o.kind, 'visit_id', o.visit_id::text,"       \
	" 'enterprise_id', o.enterprise_id::text, 'payload', o.payload,"                           \
	" 'created_at', o.created_at, 'read', o.read_at IS NOT NULL, 'read_at', o.read_at)"

/* Row-level security shows the recipient only their own; the WHERE says the same. */
static struct rq_stmt st_list =
    RQ_STMT("evaluation_notifications_list",
	    "SELECT o.id, " NOTIFICATION_JSON " AS item FROM rq.outbox o"
	    " WHERE o.account_id = rq.current_account_id()"
	    " AND ($1::bigint = 0 OR o.id < $1::bigint)"
	    " AND ($3::boolean IS NULL OR (o.read_at IS NULL) = $3::boolean)"
	    " ORDER BY o.id DESC LIMIT $2::int",
	    3);
static struct rq_stmt st_read =
    RQ_STMT("evaluation_notification_read", "SELECT * FROM rq.notification_read($1::bigint)", 1);
static struct rq_stmt st_one =
    RQ_STMT("evaluation_notification_one",
	    "SELECT " NOTIFICATION_JSON " AS item FROM rq.outbox o WHERE o.id = $1::bigint", 1);

RQ_HANDLER(evaluation_notifications_list)
{
	struct rq_page page;
	if (rq_page_parse(req, resp, &page) != 0)
		return;
	const char *unread = rq_req_arg(req, "unread");
	const char *params[] = {page.after_s, page.limit_s, unread};
	PGresult *res = rq_sql(req, &st_list, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	rq_page_respond(req, resp, res, &page, rq_page_json_item);
}

RQ_HANDLER(evaluation_notifications_read)
{
	const char *id = rq_req_param(req, "id");
	const char *params[] = {id};
	if (rq_outcome_row(req, resp, rq_sql(req, &st_read, params), NULL, NULL) < 0)
		return;
	PGresult *res = rq_sql(req, &st_one, params);
	if (!rq_sql_one(req, resp, res))
		return;
	rq_resp_json(req, resp, 200, rq_page_json_item(res, 0));
}
