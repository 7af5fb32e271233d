/* Reading a photo back (rq.attachments): the one way every family sends one, so the
 * mini-program's route and the portal's answer alike. */
#ifndef RQ_ATTACHMENT_H
#define RQ_ATTACHMENT_H

#include "rq_http.h"

/* The photo of the path's {id}, sent by nginx (X-Accel-Redirect) once row-level security
 * let the actor see its row (the uploader, or whoever may see a visit or a case it belongs
 * to), cacheable by that browser only. Answers 404 attachment-unknown otherwise: whether it
 * exists is not revealed. */
void rq_attachment_send(struct rq_req *req, struct rq_resp *resp);

#endif
