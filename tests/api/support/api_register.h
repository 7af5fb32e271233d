/* Helpers for the enterprise-register tests: fresh credit codes, CSV files, the import CLI,
 * scoped portal users. */
#ifndef API_REGISTER_H
#define API_REGISTER_H

#include <stddef.h>

#include "api.h"

/* A credit code that passes GB 32100, new to this run: 91 + county + a run tag + a counter
 * + the check character. out must hold 19 bytes. Returns out. */
char *api_uscc_new(const char *county, char out[19]);
/* The check character of the first 17 characters of code. */
char api_uscc_check(const char *code17);
/* A credit code of an individual business (个体工商户: GB 32100 authority 9, category 2),
 * new to this run: api_uscc_new with "92" in front. Returns out. */
char *api_uscc_individual(const char *county, char out[19]);

/* Writes len bytes to a new temporary file; returns its path (malloc'd). */
char *api_write_temp(const char *data, size_t len);
/* Runs `ruqima ARGS` (ARGS already quoted for sh) on the stack with its env file; returns the
 * exit status and, when out is not NULL, its stdout and stderr together (malloc'd). */
int api_cli(const char *args, char **out);
/* Runs `ruqima import enterprises FILE ARGS` on the stack; returns the exit status and, when
 * out is not NULL, its stdout and stderr (malloc'd). */
int api_cli_import(const char *file, const char *args, char **out);
/* api_cli_import of a temporary file holding csv (removed afterwards). */
int api_cli_import_text(const char *csv, const char *args, char **out);
/* The CSV `ruqima report run ARGS --format csv --output DIR` wrote (malloc'd, its BOM cut);
 * fails the test when the run fails. */
char *api_report_csv(const char *args, const char *dir);

/* A portal session: a new user of role (and county, or NULL) logged in; the headers are
 * ready for api_call. End with api_session_end(). */
struct api_session {
	char username[128];
	char *cookie, *csrf;
	char cookie_h[256]; /* "Cookie: rq_session=..." */
	char csrf_h[256];   /* "X-CSRF-Token: ..." */
};
/* Creates the user api_unique(prefix) with role/county and logs it in to the portal. */
void api_session_login(struct api_session *s, const char *prefix, const char *role,
		       const char *county);
/* The same with a unit instead of a county (unless NULL), for a unit_admin. */
void api_session_login_in(struct api_session *s, const char *prefix, const char *role,
			  const char *county, const char *unit);
void api_session_end(struct api_session *s);
/* api_call with the session's cookie and CSRF token, json (or NULL) as the body. */
struct api_resp *api_session_call(const struct api_session *s, const char *method, const char *path,
				  const char *json);
/* POST /api/v1/admin/enterprises/import<query> (NULL for none) of body as type (text/csv,
 * or another to be refused). */
struct api_resp *api_session_import(const struct api_session *s, const char *query,
				    const char *type, const char *body);

/* The member of items[] of a list answer whose "id" is id, or NULL. */
cJSON *api_list_item(const struct api_resp *r, const char *id);

/* The enterprise's id by credit code (malloc'd), or NULL; read as the owner. */
char *api_enterprise_id(const char *uscc);
/* Rows of audit.log about the enterprise with this credit code, read as the owner. */
long api_enterprise_audit_rows(const char *uscc);

#endif
