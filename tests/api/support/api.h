/* Helpers for the API tests: HTTPS calls through nginx to the real pools, and direct
 * database access as the owner or the application role, on the stack that
 * tests/stack/start brought up (described by $RUQIMA_TEST_STACK_FILE). */
#ifndef API_H
#define API_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <cjson/cJSON.h>
#include <libpq-fe.h>

struct api_resp {
	long status;
	char *body; /* NUL-terminated */
	size_t len;
	char *headers; /* raw header block of the final response */
	cJSON *json;   /* parsed body when it is JSON, else NULL */
};

/* Loads the stack description; call once from main() before the tests run. */
void api_init(void);
/* A setting of the stack (RUQIMA_TEST_BASE_URL, RUQIMA_DSN, ...); fails the test if absent. */
const char *api_env(const char *key);

/* One HTTPS request. headers: NULL-terminated "Name: value" strings, or NULL. body may be
 * NULL. Returns a response to free with api_free(). */
struct api_resp *api_call(const char *method, const char *path, const char *content_type,
			  const char *body, const char *const *headers);
/* A JSON POST with an optional bearer token. */
struct api_resp *api_post_json(const char *path, const char *json, const char *bearer);
/* A GET with an optional bearer token. */
struct api_resp *api_get(const char *path, const char *bearer);
void api_free(struct api_resp *r);

/* The value of a response header (case-insensitive name), malloc'd, or NULL. */
char *api_header(const struct api_resp *r, const char *name);
/* A string member of the JSON body ("a.b" walks objects), or NULL. */
const char *api_json_str(const struct api_resp *r, const char *path);
/* Asserts an application/problem+json answer with this status and type /problems/<slug>. */
void api_assert_problem(const struct api_resp *r, long status, const char *slug);
/* Asserts errors[] names field. */
void api_assert_error_field(const struct api_resp *r, const char *field);

/* Logs in through the fake WeChat server as openid; returns the bearer token (malloc'd). */
char *api_wx_login(const char *openid);
/* Creates a portal user with the CLI; returns the password (malloc'd). */
char *api_create_admin(const char *username, const char *role);
/* Portal login; returns the "rq_session=..." cookie pair and sets *csrf (both malloc'd). */
char *api_admin_login(const char *username, const char *password, char **csrf);
/* A name unique to this test run (prefix + pid + counter). */
const char *api_unique(const char *prefix);

/* Connections: "owner" (ruqima_owner) or "app" (ruqima_app, subject to RLS). */
PGconn *api_db(const char *who);
/* First column of the first row as a malloc'd string (NULL for no row or SQL NULL);
 * fails the test on an SQL error. */
char *api_sql_value(PGconn *c, const char *sql, int n, const char *const *params);
/* Runs sql and returns the error's SQLSTATE (malloc'd, "" on success). */
char *api_sql_state(PGconn *c, const char *sql, int n, const char *const *params);

/* Runs a shell command; returns its exit status. */
int api_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
