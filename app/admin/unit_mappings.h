/* The unit names of 浉河区's 慧企通 and the platform's units they are (rq.unit_mappings), which
 * `ruqima import huiqitong` matches a record's unit by, exactly and only so. The city admin
 * keeps them here or with `ruqima units map`; every change is audited. */
#ifndef ADMIN_UNIT_MAPPINGS_H
#define ADMIN_UNIT_MAPPINGS_H

#include "rq_router.h"

/* GET /api/v1/admin/unit-mappings?after=&limit=: {items: [{id, source, name, unit_id,
 * unit_name, unit_active, updated_at, updated_by}], next_after}, by id. */
RQ_HANDLER_DECL(admin_unit_mappings_list);
/* POST /api/v1/admin/unit-mappings {name, unit_id, source?}: maps the name (trimmed; source
 * huiqitong, the only one) to the unit, a new name (201) or a known one moved or left where
 * it is (200), answered as the list's item with change inserted, updated or unchanged.
 * Raises 422 naming name (unit-mapping-name-invalid) or unit_id (mapping-unit-unknown),
 * 403 for anyone but the city admin (route, and again in rq.unit_mapping_set). */
RQ_HANDLER_DECL(admin_unit_mappings_set);
/* DELETE /api/v1/admin/unit-mappings/{id}: removes the mapping (204): later imports report
 * its name as unknown again; visits imported through it keep their unit. Raises 404
 * (unit-mapping-unknown), 403 for anyone but the city admin. */
RQ_HANDLER_DECL(admin_unit_mappings_delete);

#endif
