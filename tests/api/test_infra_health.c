/* GET /api/v1/<family>/health on every pool, through nginx: what the pool reports (family,
 * version, its pid, the database and the migration level), the request id that nginx gives
 * every request, and the headers nginx adds to every answer. */
#include "api.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* True when s is exactly 32 lower-case hex digits, the form of nginx's $request_id. */
static int is_request_id(const char *s)
{
	if (s == NULL || strlen(s) != 32)
		return 0;
	for (const char *p = s; *p != '\0'; p++)
		if (!isdigit((unsigned char)*p) && !(*p >= 'a' && *p <= 'f'))
			return 0;
	return 1;
}

/* How many times the final response carries header name (case-insensitive). */
static int header_count(const struct api_resp *r, const char *name)
{
	const char *p = r->headers, *last = r->headers;
	while ((p = strstr(p, "HTTP/")) != NULL)
		last = p++;
	int count = 0;
	size_t n = strlen(name);
	for (p = last; *p != '\0';) {
		const char *eol = strstr(p, "\r\n");
		if (eol == NULL)
			break;
		if ((size_t)(eol - p) > n && strncasecmp(p, name, n) == 0 && p[n] == ':')
			count++;
		p = eol + 2;
	}
	return count;
}

static void test_health_reports_pool_and_database(void **state)
{
	const char *family = *state;
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/%s/health", family);
	struct api_resp *r = api_get(path, NULL);
	if (r->status != 200)
		fail_msg("GET %s: %ld %s", path, r->status, r->body);
	api_assert_header(r, "Content-Type", "application/json; charset=utf-8");
	assert_non_null(r->json);
	assert_string_equal(api_json_str(r, "status"), "ok");
	assert_string_equal(api_json_str(r, "family"), family);
	assert_string_equal(api_json_str(r, "version"), RUQIMA_VERSION);
	cJSON *db = cJSON_GetObjectItemCaseSensitive(r->json, "database");
	assert_true(cJSON_IsTrue(db));

	/* The pid is the worker that answered: a child of this family's supervisor. */
	cJSON *pid = cJSON_GetObjectItemCaseSensitive(r->json, "pid");
	assert_true(cJSON_IsNumber(pid));
	assert_true(pid->valuedouble > 1);
	assert_true(pid->valuedouble == (double)(long)pid->valuedouble);
	assert_int_equal(api_parent_of((long)pid->valuedouble, NULL), api_supervisor_pid(family));

	/* The migration level is the highest applied migration. */
	char *max = api_owner_value("SELECT max(version) FROM public.schema_migrations", 0, NULL);
	assert_non_null(max);
	cJSON *mig = cJSON_GetObjectItemCaseSensitive(r->json, "migration");
	assert_true(cJSON_IsNumber(mig));
	assert_int_equal((long)mig->valuedouble, strtol(max, NULL, 10));
	assert_true(mig->valuedouble >= 1);
	free(max);
	api_free(r);
}

/* X-Request-Id is nginx's $request_id: one header, 32 hex digits, and the same id is in
 * nginx's access log line and in the pool's log line of that request. */
static void test_request_id_is_nginx_request_id(void **state)
{
	const char *family = *state;
	char path[128], needle[128], file[4096];
	snprintf(path, sizeof(path), "/api/v1/%s/health", family);
	struct api_resp *r = api_get(path, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(header_count(r, "X-Request-Id"), 1);
	char *id = api_header(r, "X-Request-Id");
	if (!is_request_id(id))
		fail_msg("X-Request-Id \"%s\" is not 32 hex digits", id != NULL ? id : "(none)");
	snprintf(needle, sizeof(needle), "\"request_id\":\"%s\"", id);
	snprintf(file, sizeof(file), "%s/nginx-access.log", api_env("RUQIMA_TEST_LOG_DIR"));
	if (!api_file_has_line_soon(file, needle, NULL, 5))
		fail_msg("request id %s is not in %s", id, file);
	snprintf(file, sizeof(file), "%s/%s.log", api_env("RUQIMA_TEST_LOG_DIR"), family);
	if (!api_file_has_line_soon(file, needle, NULL, 5))
		fail_msg("request id %s is not in %s", id, file);

	/* Every request gets its own id. */
	struct api_resp *r2 = api_get(path, NULL);
	char *id2 = api_header(r2, "X-Request-Id");
	assert_true(is_request_id(id2));
	assert_string_not_equal(id, id2);
	free(id);
	free(id2);
	api_free(r);
	api_free(r2);
}

/* A client cannot choose its own request id: nginx's replaces whatever it sends. */
static void test_client_request_id_is_ignored(void **state)
{
	(void)state;
	const char *mine = "0123456789abcdef0123456789abcdef";
	const char *headers[] = {"X-Request-Id: 0123456789abcdef0123456789abcdef", NULL};
	struct api_resp *r = api_call("GET", "/api/v1/admin/health", NULL, NULL, headers);
	assert_int_equal(r->status, 200);
	assert_int_equal(header_count(r, "X-Request-Id"), 1);
	char *id = api_header(r, "X-Request-Id");
	assert_true(is_request_id(id));
	assert_string_not_equal(id, mine);
	free(id);
	api_free(r);
}

/* nginx's security headers are on the pools' answers, and nginx does not say its version. */
static void test_security_headers(void **state)
{
	const char *family = *state;
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/%s/health", family);
	struct api_resp *r = api_get(path, NULL);
	assert_int_equal(r->status, 200);
	char *hsts = api_header(r, "Strict-Transport-Security");
	assert_non_null(hsts);
	assert_non_null(strstr(hsts, "max-age="));
	assert_true(strtol(strstr(hsts, "max-age=") + 8, NULL, 10) >= 15552000); /* 180 days */
	api_assert_header(r, "X-Content-Type-Options", "nosniff");
	char *server = api_header(r, "Server");
	if (server != NULL) {
		/* server_tokens off: "nginx", never "nginx/1.22.1" */
		assert_null(strchr(server, '/'));
		for (const char *p = server; *p != '\0'; p++)
			assert_false(isdigit((unsigned char)*p));
	}
	api_assert_header(r, "Cache-Control", "no-store");
	free(hsts);
	free(server);
	api_free(r);
}

/* The same headers on an answer nginx makes itself (no pool involved). */
static void test_security_headers_on_nginx_answers(void **state)
{
	(void)state;
	struct api_resp *r = api_get("/nginx-health", NULL);
	assert_int_equal(r->status, 200);
	char *hsts = api_header(r, "Strict-Transport-Security");
	char *nosniff = api_header(r, "X-Content-Type-Options");
	char *server = api_header(r, "Server");
	assert_non_null(hsts);
	assert_non_null(nosniff);
	if (server != NULL)
		assert_null(strchr(server, '/'));
	free(hsts);
	free(nosniff);
	free(server);
	api_free(r);
}

/* One test per family, named after both ("test_x(admin)"), the family as its state. */
#define FAMILY_TEST(fn, family)                                                                    \
	{                                                                                          \
		.name = #fn "(" family ")", .test_func = fn, .initial_state = (void *)family       \
	}
#define PER_FAMILY(fn)                                                                             \
	FAMILY_TEST(fn, "registration"), FAMILY_TEST(fn, "evaluation"),                            \
	    FAMILY_TEST(fn, "complaints"), FAMILY_TEST(fn, "reporting"), FAMILY_TEST(fn, "admin")

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    PER_FAMILY(test_health_reports_pool_and_database),
	    PER_FAMILY(test_request_id_is_nginx_request_id),
	    PER_FAMILY(test_security_headers),
	    cmocka_unit_test(test_client_request_id_is_ignored),
	    cmocka_unit_test(test_security_headers_on_nginx_answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
