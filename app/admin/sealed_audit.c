#include "sealed_audit.h"

#include "rq_db.h"
#include "rq_page.h"

/* app/admin/sql/sealed_audit.sql; $1 is the keyset bound (rq_page_before). */
static struct rq_stmt st_list =
    RQ_STMT("admin_sealed_audit_list",
	    "SELECT s.id::text AS id, s.at, s.table_name, s.operation, s.row_pk, s.request_id,"
	    " s.actor_kind AS \"actor.kind\", s.actor_id AS \"actor.id\","
	    " s.actor_role AS \"actor.role\", s.client_addr, s.sealed_old, s.sealed_new"
	    " FROM rq.sealed_audit_page($1::bigint, $2::int) s",
	    2);

RQ_HANDLER(admin_sealed_audit_list)
{
	rq_page_list_newest(req, resp, &st_list, NULL);
}
