#include "api.h"

#include "rq_config.h"
#include "rq_num.h"
#include "test_common.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

void api_init(void)
{
	const char *file = getenv("RUQIMA_TEST_STACK_FILE");
	if (file == NULL || rq_config_read_env_file(file) != 0) {
		fprintf(stderr,
			"api tests: RUQIMA_TEST_STACK_FILE (%s) unreadable: is the stack "
			"started (ctest fixture stack.start)?\n",
			file != NULL ? file : "unset");
		exit(1);
	}
	/* The stack file names the stack's env file: load it for DSNs and settings. */
	const char *env = getenv("RUQIMA_ENV_FILE");
	if (env != NULL && rq_config_read_env_file(env) != 0) {
		fprintf(stderr, "api tests: the stack's env file %s is unreadable\n", env);
		exit(1);
	}
	/* and the owner's DSN, which the env file does not hold (deploy/lib.sh) */
	const char *owner = getenv("RUQIMA_OWNER_ENV_FILE");
	if (owner != NULL && rq_config_read_env_file(owner) != 0) {
		fprintf(stderr, "api tests: the stack's owner file %s is unreadable\n", owner);
		exit(1);
	}
	/* "the pools' role" of tests written before each family had its own: the admin
	 * pool's, which holds the most (README, "Database roles") */
	const char *admin_dsn = getenv("RUQIMA_DSN_ADMIN");
	if (admin_dsn != NULL)
		setenv("RUQIMA_DSN", admin_dsn, 0);
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

const char *api_env(const char *key)
{
	const char *v = getenv(key);
	if (v == NULL)
		fail_msg("stack setting %s is missing", key);
	return v;
}

struct buf {
	char *p;
	size_t n;
};

static size_t collect(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct buf *b = ctx;
	size_t n = size * nmemb;
	char *p = realloc(b->p, b->n + n + 1);
	if (p == NULL)
		return 0;
	memcpy(p + b->n, data, n);
	b->p = p;
	b->n += n;
	b->p[b->n] = '\0';
	return n;
}

static const char *source_addr;

void api_set_source(const char *addr)
{
	source_addr = addr;
}

struct api_resp *api_call(const char *method, const char *path, const char *content_type,
			  const char *body, const char *const *headers)
{
	return api_call_bytes(method, path, content_type, body, body != NULL ? strlen(body) : 0,
			      headers);
}

struct api_resp *api_call_bytes(const char *method, const char *path, const char *content_type,
				const void *body, size_t body_len, const char *const *headers)
{
	CURL *c = curl_easy_init();
	assert_non_null(c);
	char url[2048];
	if (strncmp(path, "https://", 8) == 0)
		snprintf(url, sizeof(url), "%s", path);
	else
		snprintf(url, sizeof(url), "%s%s", api_env("RUQIMA_TEST_BASE_URL"), path);
	struct buf b = {calloc(1, 1), 0}, h = {calloc(1, 1), 0};
	struct curl_slist *list = NULL;
	char ct[256];
	if (content_type != NULL) {
		snprintf(ct, sizeof(ct), "Content-Type: %s", content_type);
		list = curl_slist_append(list, ct);
	}
	for (const char *const *p = headers; p != NULL && *p != NULL; p++)
		list = curl_slist_append(list, *p);
	list = curl_slist_append(list, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	}
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
	/* The stack's certificate is self-signed for 127.0.0.1: trust exactly that file. */
	curl_easy_setopt(c, CURLOPT_CAINFO, api_env("RUQIMA_TEST_CA_FILE"));
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	if (source_addr != NULL)
		curl_easy_setopt(c, CURLOPT_INTERFACE, source_addr);
	CURLcode rc = curl_easy_perform(c);
	if (rc != CURLE_OK)
		fail_msg("%s %s: %s", method, path, curl_easy_strerror(rc));
	struct api_resp *r = calloc(1, sizeof(*r));
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	r->body = b.p;
	r->len = b.n;
	r->headers = h.p;
	r->json = cJSON_Parse(r->body);
	curl_slist_free_all(list);
	curl_easy_cleanup(c);
	return r;
}

struct api_resp *api_post_json(const char *path, const char *json, const char *bearer)
{
	char auth[256];
	const char *headers[] = {auth, NULL};
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", bearer != NULL ? bearer : "");
	return api_call("POST", path, "application/json", json, bearer != NULL ? headers : NULL);
}

struct api_resp *api_login_at(const char *url, const char *username, const char *password)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "username", username);
	cJSON_AddStringToObject(o, "password", password);
	char *body = cJSON_PrintUnformatted(o);
	char path[256];
	snprintf(path, sizeof(path), "%s/api/v1/admin/login", url != NULL ? url : "");
	struct api_resp *r = api_post_json(path, body, NULL);
	cJSON_free(body);
	cJSON_Delete(o);
	return r;
}

struct api_resp *api_login(const char *username, const char *password)
{
	return api_login_at(NULL, username, password);
}

struct api_resp *api_get(const char *path, const char *bearer)
{
	char auth[256];
	const char *headers[] = {auth, NULL};
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", bearer != NULL ? bearer : "");
	return api_call("GET", path, NULL, NULL, bearer != NULL ? headers : NULL);
}

void api_free(struct api_resp *r)
{
	if (r == NULL)
		return;
	cJSON_Delete(r->json);
	free(r->body);
	free(r->headers);
	free(r);
}

char *api_header(const struct api_resp *r, const char *name)
{
	size_t n = strlen(name);
	/* The last header block is the final response (after any 100-continue). */
	const char *p = r->headers, *last = r->headers;
	while ((p = strstr(p, "HTTP/")) != NULL) {
		last = p;
		p += 5;
	}
	for (p = last; p != NULL && *p != '\0';) {
		const char *eol = strstr(p, "\r\n");
		if (eol == NULL)
			break;
		if ((size_t)(eol - p) > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			while (*v == ' ')
				v++;
			return strndup(v, (size_t)(eol - v));
		}
		p = eol + 2;
	}
	return NULL;
}

void api_assert_header(const struct api_resp *r, const char *name, const char *value)
{
	char *v = api_header(r, name);
	if (v == NULL)
		fail_msg("no %s header in %ld answer: %s", name, r->status, r->headers);
	assert_string_equal(v, value);
	free(v);
}

char *api_request_id(const struct api_resp *r)
{
	char *rid = api_header(r, "X-Request-Id");
	if (rid == NULL || *rid == '\0')
		fail_msg("no X-Request-Id: %s", r->headers);
	return rid;
}

const char *api_json_str(const struct api_resp *r, const char *path)
{
	cJSON *node = r->json;
	char key[128];
	const char *p = path;
	while (node != NULL && *p != '\0') {
		const char *dot = strchr(p, '.');
		size_t n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		node = cJSON_GetObjectItemCaseSensitive(node, key);
		p = dot != NULL ? dot + 1 : p + n;
	}
	return cJSON_IsString(node) ? node->valuestring : NULL;
}

void api_assert_problem(const struct api_resp *r, long status, const char *slug)
{
	if (r->status != status)
		fail_msg("expected status %ld, got %ld: %s", status, r->status, r->body);
	api_assert_header(r, "Content-Type", "application/problem+json");
	assert_non_null(r->json);
	char type[128];
	snprintf(type, sizeof(type), "/problems/%s", slug);
	assert_string_equal(api_json_str(r, "type"), type);
	assert_non_null(api_json_str(r, "title"));
	cJSON *st = cJSON_GetObjectItemCaseSensitive(r->json, "status");
	assert_true(cJSON_IsNumber(st));
	assert_int_equal((long)st->valuedouble, status);
}

void api_assert_error_field(const struct api_resp *r, const char *field)
{
	cJSON *errors = cJSON_GetObjectItemCaseSensitive(r->json, "errors");
	cJSON *e;
	cJSON_ArrayForEach(e, errors)
	{
		cJSON *f = cJSON_GetObjectItemCaseSensitive(e, "field");
		if (cJSON_IsString(f) && strcmp(f->valuestring, field) == 0)
			return;
	}
	fail_msg("errors[] does not name field \"%s\": %s", field, r->body);
}

const char *api_unique(const char *prefix)
{
	static char buf[8][128];
	static unsigned counter;
	char *out = buf[counter % 8];
	snprintf(out, sizeof(buf[0]), "%s-%d-%u", prefix, (int)getpid(), counter++);
	return out;
}

char *api_wx_login(const char *openid)
{
	char body[512];
	/* The fake answers code "ok:<openid>" with that openid; a code is single use, so
	 * callers pass openids unique to the test (api_unique). */
	snprintf(body, sizeof(body), "{\"code\":\"ok:%s\"}", openid);
	struct api_resp *r = api_post_json("/api/v1/auth/wx-login", body, NULL);
	if (r->status != 200)
		fail_msg("wx-login as %s: %ld %s", openid, r->status, r->body);
	char *token = strdup(api_json_str(r, "token"));
	api_free(r);
	return token;
}

char *api_create_admin_opt(const char *username, const char *role, const char *opt,
			   const char *value)
{
	char scope[160] = "", cmd[1024];
	if (value != NULL)
		snprintf(scope, sizeof(scope), " %s '%s'", opt, value);
	snprintf(cmd, sizeof(cmd),
		 "RUQIMA_ENV_FILE='%s' '%s/ruqima' user add --username '%s' --role '%s'%s",
		 api_env("RUQIMA_ENV_FILE"), api_env("RUQIMA_TEST_BIN_DIR"), username, role, scope);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char line[256], *password = NULL;
	while (fgets(line, sizeof(line), p) != NULL)
		if (strncmp(line, "password: ", 10) == 0)
			password = strndup(line + 10, strcspn(line + 10, "\n"));
	assert_int_equal(pclose(p), 0);
	assert_non_null(password);
	return password;
}

char *api_create_admin_scoped(const char *username, const char *role, const char *county)
{
	return api_create_admin_opt(username, role, "--county", county);
}

char *api_create_admin_of_unit(const char *username, const char *role, const char *unit)
{
	return api_create_admin_opt(username, role, "--unit", unit);
}

char *api_create_admin(const char *username, const char *role)
{
	return api_create_admin_scoped(username, role, NULL);
}

char *api_admin_login(const char *username, const char *password, char **csrf)
{
	char body[512];
	snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"}", username,
		 password);
	struct api_resp *r = api_post_json("/api/v1/admin/login", body, NULL);
	if (r->status != 200)
		fail_msg("portal login as %s: %ld %s", username, r->status, r->body);
	char *cookie = api_header(r, "Set-Cookie");
	assert_non_null(cookie);
	cookie[strcspn(cookie, ";")] = '\0';
	if (csrf != NULL)
		*csrf = strdup(api_json_str(r, "csrf_token"));
	api_free(r);
	return cookie;
}

void api_portal_login(struct api_portal *p, const char *prefix)
{
	snprintf(p->username, sizeof(p->username), "%s", api_unique(prefix));
	p->password = api_create_admin(p->username, "city_admin");
	p->cookie = api_admin_login(p->username, p->password, &p->csrf);
	snprintf(p->cookie_header, sizeof(p->cookie_header), "Cookie: %s", p->cookie);
	snprintf(p->csrf_header, sizeof(p->csrf_header), "X-CSRF-Token: %s", p->csrf);
}

void api_portal_free(struct api_portal *p)
{
	free(p->password);
	free(p->cookie);
	free(p->csrf);
}

void api_unit_made_by_city_admin(struct api_unit_made *out, const char *login_prefix,
				 const char *name_prefix)
{
	struct api_portal a;
	api_portal_login(&a, login_prefix);
	const char *headers[] = {a.cookie_header, a.csrf_header, NULL};
	char body[256];
	snprintf(out->unit_name, sizeof(out->unit_name), "%s", api_unique(name_prefix));
	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"discipline_group\":\"第一派驻组\"}",
		 out->unit_name);
	struct api_resp *r =
	    api_call("POST", "/api/v1/admin/units", "application/json", body, headers);
	if (r->status != 201)
		fail_msg("create unit: %ld %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "name"), out->unit_name);
	snprintf(out->unit_id, sizeof(out->unit_id), "%s", api_json_str(r, "id"));
	char *rid = api_request_id(r);
	snprintf(out->request_id, sizeof(out->request_id), "%s", rid);
	free(rid);
	api_free(r);

	const char *p[] = {a.username};
	char *id = api_owner_value("SELECT id FROM rq.admin_users WHERE username = $1", 1, p);
	assert_non_null(id);
	snprintf(out->admin_id, sizeof(out->admin_id), "%s", id);
	free(id);
	api_portal_free(&a);
}

PGconn *api_db(const char *who)
{
	char family[64];
	const char *key = strcmp(who, "owner") == 0    ? "RUQIMA_OWNER_DSN"
			  : strcmp(who, "report") == 0 ? "RUQIMA_REPORT_DSN"
			  : strcmp(who, "app") == 0    ? "RUQIMA_DSN"
						       : NULL;
	if (key == NULL) { /* a family: its pool's role */
		snprintf(family, sizeof(family), "RUQIMA_DSN_%s", who);
		for (char *c = family; *c != '\0'; c++)
			*c = (char)toupper((unsigned char)*c);
		key = family;
	}
	PGconn *c = PQconnectdb(api_env(key));
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("connect as %s: %s", who, PQerrorMessage(c));
	return c;
}

char *api_sql_value(PGconn *c, const char *sql, int n, const char *const *params)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType s = PQresultStatus(r);
	if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	char *v = NULL;
	if (s == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
		v = strdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

char *api_sql_state(PGconn *c, const char *sql, int n, const char *const *params)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	char *out = strdup(state != NULL ? state : "");
	PQclear(r);
	return out;
}

long api_sql_exec(PGconn *c, const char *sql, int n, const char *const *params)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType s = PQresultStatus(r);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	long rows = strtol(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return rows;
}

PGconn *api_owner_tx(void)
{
	PGconn *c = api_db("owner");
	api_sql_exec(c, "BEGIN", 0, NULL);
	api_sql_exec(c, "SELECT rq.set_actor('system', 'test', 'owner', NULL, NULL, 'test', '')", 0,
		     NULL);
	return c;
}

void api_owner_write(const char *sql, int n, const char *const *params)
{
	PGconn *c = api_owner_tx();
	api_sql_exec(c, sql, n, params);
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
}

char *api_owner_insert(const char *sql, int n, const char *const *params)
{
	PGconn *c = api_owner_tx();
	char *v = api_sql_value(c, sql, n, params);
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
	assert_non_null(v);
	return v;
}

int64_t api_sql_int(PGconn *c, const char *sql, int n, const char *const *params)
{
	char *v = api_sql_value(c, sql, n, params);
	int64_t out = 0;
	if (v == NULL || rq_parse_i64(v, INT64_MIN, INT64_MAX, &out) != 0)
		fail_msg("%s: not a number: %s", sql, v != NULL ? v : "(null)");
	free(v);
	return out;
}

char *api_owner_value(const char *sql, int n, const char *const *params)
{
	PGconn *c = api_db("owner");
	char *v = api_sql_value(c, sql, n, params);
	PQfinish(c);
	return v;
}

int64_t api_owner_int(const char *sql, int n, const char *const *params)
{
	PGconn *c = api_db("owner");
	int64_t v = api_sql_int(c, sql, n, params);
	PQfinish(c);
	return v;
}

int64_t api_to_i64(const char *s)
{
	int64_t v = 0;
	if (s == NULL || rq_parse_i64(s, INT64_MIN, INT64_MAX, &v) != 0)
		fail_msg("not a number: %s", s != NULL ? s : "(null)");
	return v;
}

int64_t api_audit_rows_of(const struct api_resp *r)
{
	char *rid = api_request_id(r);
	const char *p[] = {rid};
	int64_t n = api_owner_int("SELECT count(*) FROM audit.log WHERE request_id = $1", 1, p);
	free(rid);
	return n;
}

int64_t api_accounts_with_openid(const char *openid)
{
	const char *p[] = {openid};
	return api_owner_int("SELECT count(*) FROM rq.accounts WHERE openid = $1", 1, p);
}

char *api_account_id(const char *openid)
{
	const char *p[] = {openid};
	char *id = api_owner_value("SELECT id FROM rq.accounts WHERE openid = $1", 1, p);
	if (id == NULL)
		fail_msg("no account with openid %s", openid);
	return id;
}

int64_t api_admin_sessions(const char *username)
{
	const char *p[] = {username};
	return api_owner_int("SELECT count(*) FROM rq.sessions s JOIN rq.admin_users u"
			     " ON u.id = s.admin_user_id WHERE u.username = $1",
			     1, p);
}

const char *const api_families[API_NFAMILIES] = {"registration", "evaluation", "complaints",
						 "reporting", "admin"};

long api_supervisor_pid(const char *family)
{
	/* deploy/supervise writes the pid of each start there (a killed pool comes back anew) */
	char path[512];
	snprintf(path, sizeof(path), "%s/run/%s.pid", api_env("RUQIMA_TEST_STATE_DIR"), family);
	FILE *f = fopen(path, "r");
	if (f != NULL) {
		long pid = 0;
		int got = fscanf(f, "%ld", &pid);
		fclose(f);
		if (got == 1 && pid > 1)
			return pid;
	}
	char key[64];
	snprintf(key, sizeof(key), "RUQIMA_TEST_PID_%s", family);
	for (char *k = key; *k != '\0'; k++)
		*k = (char)toupper((unsigned char)*k);
	return strtol(api_env(key), NULL, 10);
}

char *api_deploy_status(int *rc)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "RUQIMA_STATE_DIR='%s' '%s/deploy/status' 2>&1",
		 api_env("RUQIMA_TEST_STATE_DIR"), RUQIMA_SOURCE_DIR);
	return tc_run(cmd, NULL, rc);
}

long api_parent_of(long pid, char *state)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')'); /* the command may contain spaces and parentheses */
	if (p == NULL || p[1] != ' ')
		return -1;
	char st = p[2];
	long ppid = strtol(p + 4, NULL, 10);
	if (state != NULL)
		*state = st;
	return ppid;
}

int api_children_of(long parent, long *out, int max)
{
	DIR *d = opendir("/proc");
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end != '\0' || pid <= 0)
			continue;
		char st = '?';
		if (api_parent_of(pid, &st) == parent && st != 'Z' && st != 'X' && n < max)
			out[n++] = pid;
	}
	closedir(d);
	for (int i = 1; i < n; i++) /* insertion sort: a handful of pids */
		for (int j = i; j > 0 && out[j - 1] > out[j]; j--) {
			long t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

bool api_runs_pool(long pid, const char *family)
{
	char path[64], exe[4096], want[64];
	snprintf(path, sizeof(path), "/proc/%ld/exe", pid);
	ssize_t n = readlink(path, exe, sizeof(exe) - 1);
	if (n < 0)
		return false;
	exe[n] = '\0';
	snprintf(want, sizeof(want), "ruqima-%s", family);
	return strstr(exe, want) != NULL;
}

long api_health_status(const char *family)
{
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/%s/health", family);
	struct api_resp *r = api_get(path, NULL);
	long s = r->status;
	api_free(r);
	return s;
}

double api_wait_all_healthy(double secs, int streak)
{
	double start = api_now();
	for (size_t i = 0; i < API_NFAMILIES; i++) {
		int ok = 0;
		while (ok < streak) {
			if (api_health_status(api_families[i]) == 200) {
				ok++;
				continue;
			}
			ok = 0;
			if (api_now() - start > secs)
				return -1;
			usleep(100 * 1000);
		}
	}
	return api_now() - start;
}

double api_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void api_file_setting(const char *file, const char *key, char *out, size_t cap)
{
	char line[4096];
	FILE *f = fopen(file, "r");
	if (f == NULL)
		fail_msg("cannot read %s", file);
	size_t n = strlen(key);
	out[0] = '\0';
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, n) == 0 && line[n] == '=') {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out, cap, "%s", line + n + 1);
		}
	fclose(f);
	if (out[0] == '\0')
		fail_msg("%s has no %s", file, key);
}

bool api_file_has_line_soon(const char *file, const char *needle, const char *also, int secs)
{
	char line[8192];
	for (int i = 0; i < secs * 10; i++) {
		FILE *f = fopen(file, "r");
		bool found = false;
		if (f != NULL) {
			while (!found && fgets(line, sizeof(line), f) != NULL)
				found = strstr(line, needle) != NULL &&
					(also == NULL || strstr(line, also) != NULL);
			fclose(f);
		}
		if (found)
			return true;
		usleep(100 * 1000);
	}
	return false;
}

int api_sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int api_lib_sh(const char *fmt, ...)
{
	char file[] = "/tmp/rq-api-lib-sh-XXXXXX";
	int fd = mkstemp(file);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	fprintf(f, "set -euo pipefail\n. '%s/deploy/lib.sh'\n", RUQIMA_SOURCE_DIR);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	assert_int_equal(fclose(f), 0);
	int rc = api_sh("bash '%s'", file);
	unlink(file);
	return rc;
}

cJSON *api_fake_wechat_get(const char *path)
{
	char url[1024];
	snprintf(url, sizeof(url), "%s%s", api_env("RUQIMA_TEST_FAKE_WECHAT_URL"), path);
	struct buf b = {calloc(1, 1), 0};
	CURL *c = curl_easy_init();
	assert_non_null(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	CURLcode rc = curl_easy_perform(c);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK)
		fail_msg("GET %s: %s", url, curl_easy_strerror(rc));
	cJSON *o = cJSON_Parse(b.p);
	if (o == NULL)
		fail_msg("GET %s: not JSON: %s", url, b.p);
	free(b.p);
	return o;
}
