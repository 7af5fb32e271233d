/* Credential photos (attachments): uploaded by an official before a visit references them,
 * stored once per content under their SHA-256, and read back through nginx. */
#ifndef REGISTRATION_ATTACHMENTS_H
#define REGISTRATION_ATTACHMENTS_H

#include "rq_router.h"

/* POST /api/v1/registration/attachments: the body is the photo itself. Its type comes from
 * the bytes (JPEG or PNG); Content-Type must be image/jpeg, image/png or
 * application/octet-stream, and a declared image type must match the bytes. The row goes
 * through rq.attachment_add, then the file to
 * $RUQIMA_STATE_DIR/uploads/attachments/<sha[0:2]>/<sha> (kept when already there).
 * Answers 201 {id, content_type, size_bytes, sha256, created_at} (rq.attachment_add's data)
 * with Location; 415 attachment-media-type for another media type; 422 naming body (empty,
 * not an image) or Content-Type (not what the bytes are); 429 attachment-quota past
 * RUQIMA_ATTACHMENT_DAILY_MAX in 24 hours; 500 when the file cannot be written. Accounts
 * only. */
RQ_HANDLER_DECL(registration_attachments_create);

/* GET /api/v1/registration/attachments/{id}: the photo, sent by nginx (X-Accel-Redirect)
 * once row-level security let the actor see the row (the uploader, or whoever may see a
 * visit it belongs to). Answers 404 otherwise: whether it exists is not revealed. */
RQ_HANDLER_DECL(registration_attachments_get);

#endif
