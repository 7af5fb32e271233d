#include "api_register.h"
#include "test_common.h"

#include "api.h"

#include "rq_num.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

char api_uscc_check(const char *code17)
{
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (int)(strchr(alphabet, code17[i]) - alphabet) * weights[i];
	return alphabet[(31 - sum % 31) % 31];
}

char *api_uscc_new(const char *county, char out[19])
{
	static char tag[5];
	static unsigned counter;
	if (tag[0] == '\0') {
		/* four characters of the alphabet from the time and the pid: a new tag per run */
		unsigned long v = (unsigned long)time(NULL) * 7919u + (unsigned long)getpid();
		for (int i = 0; i < 4; i++, v /= 31)
			tag[i] = alphabet[v % 31];
	}
	snprintf(out, 19, "91%.6s%s%05u", county, tag, ++counter % 100000);
	out[17] = api_uscc_check(out);
	out[18] = '\0';
	return out;
}

char *api_uscc_individual(const char *county, char out[19])
{
	api_uscc_new(county, out);
	out[1] = '2';
	out[17] = api_uscc_check(out);
	return out;
}

char *api_write_temp(const char *data, size_t len)
{
	char *path = strdup("/tmp/ruqima-import-test.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

int api_cli(const char *args, char **out)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "RUQIMA_ENV_FILE='%s' '%s/ruqima' %s 2>&1",
		 api_env("RUQIMA_ENV_FILE"), api_env("RUQIMA_TEST_BIN_DIR"), args);
	int status;
	char *buf = tc_run(cmd, NULL, &status);
	if (out != NULL)
		*out = buf;
	else
		free(buf);
	return status;
}

int api_cli_import(const char *file, const char *args, char **out)
{
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "import enterprises '%s' %s", file, args != NULL ? args : "");
	return api_cli(cmd, out);
}

char *api_report_csv(const char *args, const char *dir)
{
	char cmd[1024], *out;
	snprintf(cmd, sizeof(cmd), "report run %s --format csv --output '%s'", args, dir);
	int st = api_cli(cmd, &out);
	if (st != 0)
		fail_msg("%s: exit %d: %s", cmd, st, out);
	char *path = strstr(out, dir);
	assert_non_null(path);
	path[strcspn(path, " ")] = '\0';
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *csv = tc_read_all(f, NULL);
	fclose(f);
	free(out);
	assert_memory_equal(csv, "\xEF\xBB\xBF", 3);
	memmove(csv, csv + 3, strlen(csv + 3) + 1);
	return csv;
}

int api_cli_import_text(const char *csv, const char *args, char **out)
{
	char *path = api_write_temp(csv, strlen(csv));
	int rc = api_cli_import(path, args, out);
	unlink(path);
	free(path);
	return rc;
}

void api_session_login(struct api_session *s, const char *prefix, const char *role,
		       const char *county)
{
	api_session_login_in(s, prefix, role, county, NULL);
}

void api_session_login_in(struct api_session *s, const char *prefix, const char *role,
			  const char *county, const char *unit)
{
	snprintf(s->username, sizeof(s->username), "%s", api_unique(prefix));
	char *pw = unit != NULL ? api_create_admin_of_unit(s->username, role, unit)
				: api_create_admin_scoped(s->username, role, county);
	s->cookie = api_admin_login(s->username, pw, &s->csrf);
	free(pw);
	snprintf(s->cookie_h, sizeof(s->cookie_h), "Cookie: %s", s->cookie);
	snprintf(s->csrf_h, sizeof(s->csrf_h), "X-CSRF-Token: %s", s->csrf);
}

void api_session_end(struct api_session *s)
{
	free(s->cookie);
	free(s->csrf);
}

struct api_resp *api_session_call(const struct api_session *s, const char *method, const char *path,
				  const char *json)
{
	const char *headers[] = {s->cookie_h, s->csrf_h, NULL};
	return api_call(method, path, json != NULL ? "application/json" : NULL, json, headers);
}

struct api_resp *api_session_import(const struct api_session *s, const char *query,
				    const char *type, const char *body)
{
	char path[256];
	snprintf(path, sizeof(path), "/api/v1/admin/enterprises/import%s",
		 query != NULL ? query : "");
	const char *headers[] = {s->cookie_h, s->csrf_h, NULL};
	return api_call("POST", path, type, body, headers);
}

cJSON *api_list_item(const struct api_resp *r, const char *id)
{
	cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r->json, "items"))
	{
		cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "id");
		if (cJSON_IsString(v) && strcmp(v->valuestring, id) == 0)
			return e;
	}
	return NULL;
}

char *api_enterprise_id(const char *uscc)
{
	PGconn *c = api_db("owner");
	const char *p[] = {uscc};
	char *id = api_sql_value(c, "SELECT id FROM rq.enterprises WHERE uscc = $1", 1, p);
	PQfinish(c);
	return id;
}

long api_enterprise_audit_rows(const char *uscc)
{
	PGconn *c = api_db("owner");
	const char *p[] = {uscc};
	char *n = api_sql_value(c,
				"SELECT count(*) FROM audit.log a JOIN rq.enterprises e"
				" ON a.table_name = 'rq.enterprises' AND a.row_pk = e.id::text"
				" WHERE e.uscc = $1",
				1, p);
	PQfinish(c);
	int64_t v = -1;
	if (n == NULL || rq_parse_i64(n, 0, INT64_MAX, &v) != 0)
		fail_msg("audit count: %s", n != NULL ? n : "(null)");
	free(n);
	return (long)v;
}
