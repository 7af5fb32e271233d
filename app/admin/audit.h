/* The audit trail in the portal (app/DESIGN.md §7): the audit viewer's searches by table and
 * row, actor, request id, operation and days, for the city admin and discipline inspectors. */
#ifndef ADMIN_AUDIT_H
#define ADMIN_AUDIT_H

#include "rq_router.h"

/* The tables under audit as audit.log names them (lib/sql/tables.sql), and audit.log itself
 * for its MAINTENANCE rows: what ?table= takes. */
extern const char *const admin_audit_tables[];
/* audit.log's operations and the actor kinds of the actor context (lib/sql/actor.sql). */
extern const char *const admin_audit_operations[];
extern const char *const admin_audit_actor_kinds[];

/* GET /api/v1/admin/audit?table=&row=&actor_kind=&actor_id=&request_id=&operation=&from=&to=
 * &after=&limit=: audit rows newest first, keyset-paged by their id, narrowed by each filter
 * given; each {id, at, table_name, operation, row_pk, old_row, new_row, actor {kind, id, role,
 * name}, request_id, client_addr, db_user, sealed} as the reader may see it
 * (rq.audit_page, app/admin/sql/audit.sql: sealed actors for discipline inspectors only, a
 * rater's phone hidden from the city admin). Raises 400 naming row without table or actor_id
 * without actor_kind, 403 for every role but city_admin and discipline_inspector (route, and
 * again in SQL). */
RQ_HANDLER_DECL(admin_audit_list);

#endif
