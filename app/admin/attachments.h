/* Photos in the portal: a visit's credential photos and a case's evidence, as thumbnails and
 * in full, for the roles that read visits and cases. */
#ifndef ADMIN_ATTACHMENTS_H
#define ADMIN_ATTACHMENTS_H

#include "rq_router.h"

/* GET /api/v1/admin/attachments/{id}: the photo (rq_attachment_send), once row-level security
 * let the portal user see a visit or a case it belongs to (a county admin their county's, a
 * unit admin their unit's, the city-wide roles every one). Raises 404 attachment-unknown
 * otherwise. */
RQ_HANDLER_DECL(admin_attachments_get);

#endif
