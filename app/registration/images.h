/* The images of a code: the bare QR and the printable A4 poster, both public to whoever
 * holds the token (it is printed on the door anyway). */
#ifndef REGISTRATION_IMAGES_H
#define REGISTRATION_IMAGES_H

#include "rq_http.h"

/* GET /api/v1/registration/codes/{token}/qr.png: the bare QR of <public base URL>/e/<token>
 * (error correction H, integer module size, 4-module quiet zone). Answers 404 code-unknown,
 * 410 code-revoked, 503 without a database, 500 when rendering fails. Public. */
void registration_code_qr_png(struct rq_req *req, struct rq_resp *resp);

/* GET /api/v1/registration/codes/{token}/poster.png: the A4 poster at 300 dpi with the
 * enterprise's name, the QR and the serial; nothing else about the enterprise. Answers as
 * registration_code_qr_png. Public. */
void registration_code_poster_png(struct rq_req *req, struct rq_resp *resp);

#endif
