/* Helpers for the tests of enterprise managers (tests/api/test_managers_*.c): enterprises
 * and activation codes made as the owner with an actor context, claims through the API,
 * county admins' portal sessions. */
#ifndef MANAGERS_SUPPORT_H
#define MANAGERS_SUPPORT_H

#include <stdbool.h>

#include "api.h"

#define MT_LEGAL_REP "王法人测试"
#define MT_PHONE     "13800138000"

struct mt_enterprise {
	char id[24];
	char uscc[19];
	char name[128];
	char county[7];
};
/* Inserts a name-verified enterprise of county with a new valid credit code, a unique
 * name, legal representative MT_LEGAL_REP and business status status. */
void mt_enterprise_new(struct mt_enterprise *e, const char *county, const char *status);
/* rq.activation_code_create(e) as the owner: the plaintext code (malloc'd). */
char *mt_activation_code(const struct mt_enterprise *e);
/* POST /api/v1/evaluation/enterprises/claim for e with legal_rep and, unless NULL, an
 * activation code. Free with api_free(). */
struct api_resp *mt_claim(const char *bearer, const struct mt_enterprise *e, const char *legal_rep,
			  const char *code);
/* The same by codes: an enterprise's credit code uscc, or a construction project's
 * project_code (either may be NULL, and both given to be refused). */
struct api_resp *mt_claim_by(const char *bearer, const char *uscc, const char *project_code,
			     const char *legal_rep, const char *code);
/* A new mini-program account (unique openid with prefix): its bearer token (malloc'd);
 * *account_id (malloc'd) unless NULL. */
char *mt_account(const char *prefix, char **account_id);
/* A portal session of a new admin of role (city_admin, or county_admin of county). */
void mt_portal_login(struct api_portal *p, const char *prefix, const char *role,
		     const char *county);
/* The same with the user's scope option opt of `ruqima user add` ("--county", "--unit",
 * "--discipline-group") set to value (none when NULL). Free with api_portal_free(). */
void mt_portal_login_with(struct api_portal *p, const char *prefix, const char *role,
			  const char *opt, const char *value);
/* A portal POST with the session's cookie and CSRF token. */
struct api_resp *mt_portal_post(const struct api_portal *p, const char *path, const char *json);
struct api_resp *mt_portal_get(const struct api_portal *p, const char *path);
/* Runs sql (with $1..$n) as the owner in a transaction with a 'system' actor context. */
void mt_owner_write(const char *sql, int n, const char *const *params);

#endif
