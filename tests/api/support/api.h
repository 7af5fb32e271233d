/* Helpers for the API tests: HTTPS calls through nginx to the real pools, and direct
 * database access as the owner or the application role, on the stack that
 * tests/stack/start brought up (described by $RUQIMA_TEST_STACK_FILE). */
#ifndef API_H
#define API_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
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

/* One HTTPS request to path below the stack's base URL (or to path itself when it is a
 * whole https:// URL: a test's private nginx with the stack's certificate). headers:
 * NULL-terminated "Name: value" strings, or NULL. body may be
 * NULL. A body with content_type NULL goes with curl's default Content-Type,
 * application/x-www-form-urlencoded; to send no Content-Type at all, pass NULL and the header
 * "Content-Type:" (a header with no value makes curl drop its own). Returns a response to
 * free with api_free(). */
struct api_resp *api_call(const char *method, const char *path, const char *content_type,
			  const char *body, const char *const *headers);
/* api_call with a body of body_len bytes, which may hold NUL bytes (images). */
struct api_resp *api_call_bytes(const char *method, const char *path, const char *content_type,
				const void *body, size_t body_len, const char *const *headers);
/* The source address of the calls that follow: another loopback address ("127.0.0.2": all of
 * 127.0.0.0/8 is this host's) is a client of its own to nginx and the database; NULL for the
 * default. */
void api_set_source(const char *addr);
/* POST /api/v1/admin/login {username, password} (path: LOGIN below the stack's base URL, or
 * a whole https:// URL of a private nginx). */
struct api_resp *api_login_at(const char *url, const char *username, const char *password);
struct api_resp *api_login(const char *username, const char *password);
/* A JSON POST with an optional bearer token. */
struct api_resp *api_post_json(const char *path, const char *json, const char *bearer);
/* A GET with an optional bearer token. */
struct api_resp *api_get(const char *path, const char *bearer);
void api_free(struct api_resp *r);

/* The value of a response header (case-insensitive name), malloc'd, or NULL. */
char *api_header(const struct api_resp *r, const char *name);
/* Asserts that response header name is present and equals value. */
void api_assert_header(const struct api_resp *r, const char *name, const char *value);
/* The response's X-Request-Id (malloc'd); fails the test when it is missing or empty. */
char *api_request_id(const struct api_resp *r);
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
/* Creates a portal user with the CLI, `ruqima user add --username U --role R OPT VALUE` (the
 * scope option opt, e.g. "--county", "--unit", "--discipline-group", left out when value is
 * NULL); returns the password it printed (malloc'd). */
char *api_create_admin_opt(const char *username, const char *role, const char *opt,
			   const char *value);
/* The same with a county scope (--county; NULL for none), e.g. for a county_admin. */
char *api_create_admin_scoped(const char *username, const char *role, const char *county);
/* The same with a unit scope (--unit), for a unit_admin. */
char *api_create_admin_of_unit(const char *username, const char *role, const char *unit);
/* Portal login; returns the "rq_session=..." cookie pair and sets *csrf (both malloc'd). */
char *api_admin_login(const char *username, const char *password, char **csrf);
/* A city_admin's portal session (api_portal_login); free with api_portal_free(). */
struct api_portal {
	char username[128];
	char *password;
	char *cookie; /* "rq_session=<token>" */
	char *csrf;
	char cookie_header[128]; /* "Cookie: rq_session=<token>" */
	char csrf_header[128];	 /* "X-CSRF-Token: <csrf>" */
};
/* Creates a city_admin named api_unique(prefix) and logs it in to the portal; fills *p. */
void api_portal_login(struct api_portal *p, const char *prefix);
/* Frees what api_portal_login allocated (not p itself). */
void api_portal_free(struct api_portal *p);
/* A unit created through POST /api/v1/admin/units by a new city admin (api_portal_login
 * with login_prefix), named api_unique(name_prefix): what a test of the audit trail looks
 * up. */
struct api_unit_made {
	char unit_id[32];
	char unit_name[128];
	char admin_id[32];
	char request_id[64];
};
void api_unit_made_by_city_admin(struct api_unit_made *out, const char *login_prefix,
				 const char *name_prefix);
/* A name unique to this test run (prefix + pid + counter). Returns one of 8 static buffers
 * used in turn: the ninth call overwrites the first, so copy a name that must live longer. */
const char *api_unique(const char *prefix);

/* Connections: "owner" (ruqima_owner), a family ("registration", ..., "admin": that pool's
 * role ruqima_<family>, subject to RLS), "app" (the admin pool's role, the pools' widest) or
 * "report" (ruqima_report, the scheduled reports' read-only role). */
PGconn *api_db(const char *who);
/* First column of the first row as a malloc'd string (NULL for no row or SQL NULL);
 * fails the test on an SQL error. */
char *api_sql_value(PGconn *c, const char *sql, int n, const char *const *params);
/* Runs sql and returns the error's SQLSTATE (malloc'd, "" on success). */
char *api_sql_state(PGconn *c, const char *sql, int n, const char *const *params);
/* Runs a statement; returns the rows it affected (PQcmdTuples; 0 when it says none). Fails
 * the test on an SQL error. */
long api_sql_exec(PGconn *c, const char *sql, int n, const char *const *params);
/* An owner connection inside a transaction with the system actor context set (writes are
 * audited and allowed); COMMIT with api_sql_exec, then PQfinish. */
PGconn *api_owner_tx(void);
/* Runs one statement as the owner in its own audited transaction. */
void api_owner_write(const char *sql, int n, const char *const *params);
/* api_owner_write of an INSERT ... RETURNING: the first column of its row (malloc'd); fails
 * the test when there is none. */
char *api_owner_insert(const char *sql, int n, const char *const *params);
/* api_sql_value as an integer; fails the test on an SQL error, no row, NULL or a non-number. */
int64_t api_sql_int(PGconn *c, const char *sql, int n, const char *const *params);
/* api_sql_value on a connection of its own as the owner (past RLS): malloc'd, or NULL. */
char *api_owner_value(const char *sql, int n, const char *const *params);
/* api_sql_int on a connection of its own as the owner (past RLS). */
int64_t api_owner_int(const char *sql, int n, const char *const *params);
/* s as an integer; fails the test when s is NULL or not a whole number. */
int64_t api_to_i64(const char *s);

/* Rows of audit.log written by the request that got r (its X-Request-Id), read as the owner. */
int64_t api_audit_rows_of(const struct api_resp *r);
/* How many rq.accounts rows have this openid (0 or 1), read as the owner. */
int64_t api_accounts_with_openid(const char *openid);
/* The id of the account with this openid (malloc'd); fails the test when there is none. */
char *api_account_id(const char *openid);
/* How many sessions (live or ended) portal user username has, read as the owner. */
int64_t api_admin_sessions(const char *username);

/* The five pool families, and their number. */
#define API_NFAMILIES 5
extern const char *const api_families[API_NFAMILIES];
/* The pid of family's pool supervisor now: run/<family>.pid of the stack's state directory
 * (rewritten by deploy/supervise when it starts the pool again), else the stack file's
 * RUQIMA_TEST_PID_<FAMILY>. */
long api_supervisor_pid(const char *family);
/* deploy/status on the test stack's state directory: its output (malloc'd), *rc its exit
 * status (3 unless every part runs: the background work runs only when the stack was started
 * with RUQIMA_TEST_BACKGROUND=1 or a test started it). */
char *api_deploy_status(int *rc);
/* The parent pid of process pid, and its state letter (R, S, Z, ...) into *state unless
 * state is NULL, from /proc/<pid>/stat; -1 when the process is gone. */
long api_parent_of(long pid, char *state);
/* True when process pid runs the program ruqima-<family>. */
bool api_runs_pool(long pid, const char *family);
/* The living (not zombie) children of parent, at most max of them, sorted into out; returns
 * their count. The kernel of the test machines has no /proc/<pid>/task/<tid>/children, so
 * /proc is scanned. */
int api_children_of(long parent, long *out, int max);
/* The status code of GET /api/v1/<family>/health. */
long api_health_status(const char *family);
/* Waits until every family answered `streak` 200s in a row (which makes it likely that each
 * worker was asked); returns the seconds it took, or -1 when secs ran out first. */
double api_wait_all_healthy(double secs, int streak);

/* The value of KEY in a KEY=VALUE file (a script's report: tests/stack/standby,
 * deploy/restore-drill) into out; fails the test when the file or the key is missing. */
void api_file_setting(const char *file, const char *key, char *out, size_t cap);

/* Seconds on the monotonic clock. */
double api_now(void);
/* Waits up to secs for file to have a line containing needle (and also, unless NULL): logs
 * are written with a buffer. Returns true when it has. */
bool api_file_has_line_soon(const char *file, const char *needle, const char *also, int secs);

/* GET path (a test hook: /_calls, /_messages) of the fake WeChat server; its JSON answer,
 * to free with cJSON_Delete(). Fails the test when it does not answer JSON. */
cJSON *api_fake_wechat_get(const char *path);

/* Runs a shell command; returns its exit status. */
int api_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runs a bash script after `set -euo pipefail` and sourcing deploy/lib.sh (the functions
 * deploy/up and tests/stack/start use); returns its exit status. */
int api_lib_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
