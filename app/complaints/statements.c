#include "statements.h"

#include "rq_db.h"
#include "rq_input.h"
#include "rq_page.h"

const char *const complaints_statement_statuses[] = {"pending", "submitted", NULL};

/* Row-level security (case_statements_app_read) decides whose; newest first by id. */
static struct rq_stmt st_list = RQ_STMT(
    "complaints_statements_list",
    "SELECT s.id::text AS id, s.case_id::text AS case_id, s.unit_id::text AS \"unit.id\","
    " u.name AS \"unit.name\", s.question, s.requested_at, s.due_at, s.status, s.text,"
    " s.submitted_at, l.source AS \"case.source\", l.status AS \"case.status\","
    " l.status_label AS \"case.status_label\", l.\"enterprise.name\" AS \"case.enterprise\","
    " s.id AS _id"
    " FROM rq.case_statements s JOIN rq.units u ON u.id = s.unit_id"
    " JOIN rq.case_lines l ON l._id = s.case_id"
    " WHERE s.id < $1::bigint AND ($3::text IS NULL OR s.status = $3)"
    " ORDER BY s.id DESC LIMIT $2::int",
    3);

RQ_HANDLER(complaints_statements_list)
{
	static const char *const args[] = {"status", NULL};
	rq_page_list_newest(req, resp, &st_list, args);
}
