/* Scanned codes: GET /api/v1/registration/codes/{token} resolves the token printed in an
 * enterprise's QR code to the enterprise's public facts; .../qr.png and .../poster.png are
 * its images, public to whoever holds the token (it is printed on the door anyway). */
#ifndef REGISTRATION_CODES_H
#define REGISTRATION_CODES_H

#include "rq_attr.h"
#include "rq_router.h"

/* An active code and the public facts of its enterprise; strings live in the request's
 * arena. Nothing here is private: the token is printed on the door. */
struct registration_code {
	const char *token;
	const char *serial;	     /* 411502-000017, printed under the QR */
	const char *url;	     /* <RUQIMA_PUBLIC_BASE_URL>/e/<token>: what the QR encodes */
	const char *issued_at;	     /* RFC 3339 */
	const char *name;	     /* the enterprise's (verified) name */
	const char *kind;	     /* "enterprise" or "project" (在建项目) */
	const char *county_code;     /* 411502 */
	const char *county_name;     /* 浉河区 */
	const char *business_status; /* "normal" while the code is active */
};

/* Finds the active code with this token and fills *out. Returns 0, or -1 after answering:
 * 404 code-unknown (no such token, or not a token's shape: no query is made then),
 * 422 enterprise-not-operating when its enterprise left normal operation (naming its state,
 * 注销, 吊销 ...; its code was revoked then), 410 code-revoked for a code revoked otherwise
 * (with revoked_at, never the reason), 503 when the database is down. */
int registration_code_find(struct rq_req *req, struct rq_resp *resp, const char *token,
			   struct registration_code *out) RQ_MUST_USE;

/* GET /api/v1/registration/codes/{token}: 200 with the code and its enterprise's public
 * facts (name, county, business status; no credit code, legal representative or address),
 * else as registration_code_find. Public: RQ_AUTH_NONE. */
RQ_HANDLER_DECL(registration_codes_get);

/* GET /api/v1/registration/codes/{token}/qr.png: the bare QR of <public base URL>/e/<token>
 * (error correction H, integer module size, 4-module quiet zone). Answers 404 code-unknown,
 * 410 code-revoked, 503 without a database, 500 when rendering fails. Public. */
RQ_HANDLER_DECL(registration_code_qr_png);

/* GET /api/v1/registration/codes/{token}/poster.png: the A4 poster at 300 dpi with the
 * enterprise's name, the QR and the serial; nothing else about the enterprise. Answers as
 * registration_code_qr_png. Public. */
RQ_HANDLER_DECL(registration_code_poster_png);

#endif
