/* The sealed actors of the audit trail (app/DESIGN.md §7): who wrote the audit rows of an
 * anonymous rating, which audit.log itself no longer says. Discipline inspectors only. */
#ifndef ADMIN_SEALED_AUDIT_H
#define ADMIN_SEALED_AUDIT_H

#include "rq_router.h"

/* GET /api/v1/admin/sealed-audit?after=&limit=: newest first, keyset-paged by audit row id;
 * each {id, at, table_name, operation, row_pk, request_id, actor {kind, id, role},
 * client_addr, sealed_old, sealed_new} (rq.sealed_audit_page). Discipline inspectors only:
 * 403 for every other role, by the route and again by the function. Raises 400 naming a
 * malformed query parameter. */
RQ_HANDLER_DECL(admin_sealed_audit_list);

#endif
