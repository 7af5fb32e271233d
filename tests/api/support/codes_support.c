#include "codes_support.h"

#include "rq_token.h"
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

void ct_uscc_complete(const char *prefix17, char out[19])
{
	/* GB 32100: weight of position i is 3^i mod 31; check = (31 - sum mod 31) mod 31. */
	int sum = 0, weight = 1;
	for (int i = 0; i < 17; i++) {
		const char *p = strchr(uscc_alphabet, prefix17[i]);
		assert_true(p != NULL && *p != '\0');
		sum += (int)(p - uscc_alphabet) * weight;
		weight = weight * 3 % 31;
		out[i] = prefix17[i];
	}
	out[17] = uscc_alphabet[(31 - sum % 31) % 31];
	out[18] = '\0';
}

void ct_uscc_new(const char *county, char out[19])
{
	static const char hexdigits[] = "0123456789abcdef";
	char hex[15], prefix[18];
	assert_int_equal(rq_random_hex(hex, 7), 0);
	assert_int_equal(snprintf(prefix, sizeof(prefix), "91%.6sMA", county), 10);
	for (int i = 0; i < 7; i++) {
		const char *hi = strchr(hexdigits, hex[2 * i]);
		const char *lo = strchr(hexdigits, hex[2 * i + 1]);
		assert_true(hi != NULL && lo != NULL);
		prefix[10 + i] = uscc_alphabet[((hi - hexdigits) * 16 + (lo - hexdigits)) % 31];
	}
	prefix[17] = '\0';
	ct_uscc_complete(prefix, out);
}

void ct_owner_write(const char *sql, int n, const char *const *params)
{
	api_owner_write(sql, n, params);
}

void ct_enterprise_new(struct ct_enterprise *e, const char *county, const char *status,
		       bool verified)
{
	memset(e, 0, sizeof(*e));
	ct_uscc_new(county, e->uscc);
	snprintf(e->name, sizeof(e->name), "测试企业%s有限公司", e->uscc + 10);
	snprintf(e->county, sizeof(e->county), "%s", county);
	const char *params[] = {e->uscc, e->name, county, status, verified ? "true" : "false"};
	PGconn *c = api_owner_tx();
	PGresult *r = PQexecParams(c,
				   "INSERT INTO rq.enterprises (uscc, name, legal_rep, address,"
				   " county_code, industry, business_status, name_verified)"
				   " VALUES ($1, $2, '法人代表测试', '测试路1号仅内部可见', $3,"
				   " '测试业', $4, $5::boolean) RETURNING id",
				   5, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("insert enterprise %s: %s", e->uscc, PQresultErrorMessage(r));
	snprintf(e->id, sizeof(e->id), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
}

/* Appends sep and then s in single quotes (a ' inside becomes '\'') to the command. */
static void append_quoted(char *cmd, size_t cap, const char *sep, const char *s)
{
	size_t n = strlen(cmd);
	if (n + strlen(sep) + 4 * strlen(s) + 3 >= cap)
		fail_msg("command too long");
	memcpy(cmd + n, sep, strlen(sep));
	n += strlen(sep);
	cmd[n++] = '\'';
	for (; *s != '\0'; s++) {
		if (*s == '\'') {
			memcpy(cmd + n, "'\\''", 4);
			n += 4;
		} else {
			cmd[n++] = *s;
		}
	}
	cmd[n++] = '\'';
	cmd[n] = '\0';
}

void ct_cli(struct ct_run *r, const char *const *args)
{
	char errfile[] = "/tmp/ruqima-codes-test-XXXXXX";
	int fd = mkstemp(errfile);
	assert_true(fd >= 0);
	close(fd);
	char cmd[8192] = "", prog[4096];
	snprintf(prog, sizeof(prog), "%s/ruqima", api_env("RUQIMA_TEST_BIN_DIR"));
	append_quoted(cmd, sizeof(cmd), "RUQIMA_ENV_FILE=", api_env("RUQIMA_ENV_FILE"));
	append_quoted(cmd, sizeof(cmd), " ", prog);
	for (const char *const *a = args; *a != NULL; a++)
		append_quoted(cmd, sizeof(cmd), " ", *a);
	append_quoted(cmd, sizeof(cmd), " 2>", errfile);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	r->out = tc_read_all(p, NULL);
	int st = pclose(p);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	FILE *e = fopen(errfile, "r");
	assert_non_null(e);
	r->err = tc_read_all(e, NULL);
	fclose(e);
	unlink(errfile);
}

void ct_run_free(struct ct_run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

void ct_issue(const char *uscc)
{
	struct ct_run r;
	ct_cli(&r, (const char *const[]){"codes", "issue", "--uscc", uscc, NULL});
	if (r.status != 0)
		fail_msg("codes issue --uscc %s: exit %d: %s%s", uscc, r.status, r.out, r.err);
	ct_run_free(&r);
}

char *ct_print_manifest(const char *county)
{
	char dir[] = "/tmp/ruqima-ct-print.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char zip[64], cmd[128];
	snprintf(zip, sizeof(zip), "%s/batch.zip", dir);
	struct ct_run r;
	ct_cli(&r,
	       (const char *const[]){"codes", "print", "--county", county, "--output", zip, NULL});
	if (r.status != 0)
		fail_msg("codes print --county %s: exit %d: %s", county, r.status, r.err);
	ct_run_free(&r);
	snprintf(cmd, sizeof(cmd), "unzip -p '%s' manifest.csv", zip);
	int status;
	char *manifest = tc_run(cmd, NULL, &status);
	assert_int_equal(status, 0);
	unlink(zip);
	rmdir(dir);
	return manifest;
}

char *ct_active_token(const char *enterprise_id)
{
	const char *p[] = {enterprise_id};
	return api_owner_value("SELECT token FROM rq.codes WHERE enterprise_id = $1::bigint"
			       " AND status = 'active'",
			       1, p);
}

void ct_assert_unprinted(const char *enterprise_id)
{
	const char *p[] = {enterprise_id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.codes WHERE enterprise_id"
				       " = $1::bigint AND status = 'active' AND printed_at IS NULL",
				       1, p),
			 1);
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.activation_codes"
				       " WHERE enterprise_id = $1::bigint",
				       1, p),
			 0);
}

const char *ct_code_path(const char *token)
{
	static char path[512];
	snprintf(path, sizeof(path), "/api/v1/registration/codes/%s", token);
	return path;
}
