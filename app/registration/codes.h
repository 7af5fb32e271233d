/* Scanned codes: GET /api/v1/registration/codes/{token} resolves the token printed in an
 * enterprise's QR code to the enterprise's public facts. */
#ifndef REGISTRATION_CODES_H
#define REGISTRATION_CODES_H

#include "rq_attr.h"

#include "rq_http.h"

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

/* True when token has the shape of a code token (22 to 64 base64url characters), so that
 * anything else is refused without a query. */
bool registration_code_token_wellformed(const char *token);

/* Finds the active code with this token and fills *out. Returns 0, or -1 after answering:
 * 404 code-unknown (no such token, or not a token's shape: no query is made then),
 * 410 code-revoked (with revoked_at, never the reason), 503 when the database is down. */
int registration_code_find(struct rq_req *req, struct rq_resp *resp, const char *token,
			   struct registration_code *out) RQ_MUST_USE;

/* GET /api/v1/registration/codes/{token}: 200 with the code and its enterprise's public
 * facts (name, county, business status; no credit code, legal representative or address),
 * else as registration_code_find. Public: RQ_AUTH_NONE. */
void registration_codes_get(struct rq_req *req, struct rq_resp *resp);

#endif
