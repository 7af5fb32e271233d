/* The enterprise register in the portal: import (market supervision, city admin) and the
 * county offices' name verification (核对企业名称). */
#ifndef ADMIN_ENTERPRISES_H
#define ADMIN_ENTERPRISES_H

#include "rq_router.h"

/* POST /api/v1/admin/enterprises/import?dry_run=&strict= with a text/csv body (UTF-8 with
 * or without BOM, or GB18030/GBK): 200 {dry_run, encoding, rows, inserted, updated,
 * unchanged, out_of_scope, names_kept, rejected: [{line, field, message}]}. Raises 415 for
 * another media type, 400 for a bad flag, 422 when the file as a whole is refused or, with
 * strict=1, when any row is (nothing is written then). */
RQ_HANDLER_DECL(admin_enterprises_import);
/* GET /api/v1/admin/enterprises?county=&verified=&in_scope=&register_name_changed=&q=
 * &after=&limit=: keyset-paginated by id. verified=false lists only the enterprises that
 * will get a code once their name is checked (in scope, in normal operation); q searches
 * the name shown, the credit or project code and the code serials (rq.enterprise_search).
 * A county admin sees their county only (403 when asking for another). Raises 400 naming
 * a malformed parameter. */
RQ_HANDLER_DECL(admin_enterprises_list);
/* GET /api/v1/admin/enterprises/{id}: the enterprise as in the list, with its codes, its
 * managers (active and former) and its visit counts. Raises 404 for an enterprise outside
 * the admin's county, or none. */
RQ_HANDLER_DECL(admin_enterprises_get);
/* PATCH /api/v1/admin/enterprises/{id} {name}: corrects the name shown (the register's name
 * stays as imported), which must then be verified again. Raises 404 for an enterprise
 * outside the admin's county, 422 on a bad name. */
RQ_HANDLER_DECL(admin_enterprises_patch);
/* POST /api/v1/admin/enterprises/{id}/verify: marks the name verified and settles a flagged
 * difference with the register's name (idempotent). Raises 404 for an enterprise outside
 * the admin's county. */
RQ_HANDLER_DECL(admin_enterprises_verify);

#endif
