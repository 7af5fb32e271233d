#include "audit.h"

#include "rq_db.h"
#include "rq_input.h"
#include "rq_page.h"

const char *const admin_audit_tables[] = {"rq.regions",
					  "rq.uscc_allowlist",
					  "rq.units",
					  "rq.codes",
					  "rq.code_serials",
					  "rq.accounts",
					  "rq.admin_users",
					  "rq.enterprises",
					  "rq.activation_codes",
					  "rq.claim_requests",
					  "rq.manager_bindings",
					  "rq.claim_failures",
					  "rq.print_jobs",
					  "rq.official_profiles",
					  "rq.policy",
					  "rq.policy_unit_overrides",
					  "rq.calendar_days",
					  "rq.attachments",
					  "rq.visits",
					  "rq.visit_units",
					  "rq.visit_attachments",
					  "rq.visit_edits",
					  "rq.filings",
					  "rq.outbox",
					  "rq.visit_answers",
					  "rq.evaluations",
					  "rq.evaluation_raters",
					  "rq.cases",
					  "rq.case_events",
					  "rq.case_attachments",
					  "rq.report_runs",
					  "rq.case_transitions",
					  "rq.case_records",
					  "rq.case_statements",
					  "rq.case_ratings",
					  "rq.accountability_entries",
					  "rq.case_overdue_steps",
					  "rq.export_jobs",
					  "rq.unit_mappings",
					  "audit.log",
					  NULL};
const char *const admin_audit_operations[] = {"INSERT",	  "UPDATE",	 "DELETE",
					      "TRUNCATE", "MAINTENANCE", NULL};
const char *const admin_audit_actor_kinds[] = {"admin", "account", "system", "anonymous", NULL};

/* app/admin/sql/audit.sql; $1 is the keyset bound (rq_page_before). */
static struct rq_stmt st_list = RQ_STMT(
    "admin_audit_list",
    "SELECT a.id::text AS id, a.at, a.table_name, a.operation, a.row_pk, a.old_row, a.new_row,"
    " a.actor_kind AS \"actor.kind\", a.actor_id AS \"actor.id\", a.actor_role AS \"actor.role\","
    " a.actor_name AS \"actor.name\", a.request_id, a.client_addr, a.db_user, a.sealed"
    " FROM rq.audit_page($1::bigint, $2::int, $3, $4, $5, $6, $7, $8, $9::date, $10::date) a",
    10);

RQ_HANDLER(admin_audit_list)
{
	/* a row is a row of one table; an actor id means nothing without its kind */
	if (rq_req_arg(req, "row") != NULL && rq_req_arg(req, "table") == NULL) {
		rq_problem_field(req, resp, 400, "row", "按行查询须同时指定表（table）");
		return;
	}
	if (rq_req_arg(req, "actor_id") != NULL && rq_req_arg(req, "actor_kind") == NULL) {
		rq_problem_field(req, resp, 400, "actor_id",
				 "按操作者查询须同时指定操作者类型（actor_kind）");
		return;
	}
	static const char *const args[] = {"table",    "row",	     "actor_kind",
					   "actor_id", "request_id", "operation",
					   "from",     "to",	     NULL};
	rq_page_list_newest(req, resp, &st_list, args);
}
