#include "password.h"

#include "rq_auth.h"
#include "rq_db.h"
#include "rq_outcome.h"

#include <crypt.h>
#include <string.h>

static struct rq_stmt st_own_hash =
    RQ_STMT("admin_own_password_hash", "SELECT rq.admin_own_password_hash() AS hash", 0);
static struct rq_stmt st_own_set =
    RQ_STMT("admin_own_password_set", "SELECT * FROM rq.admin_own_password_set($1, $2)", 2);

RQ_HANDLER(admin_password_change)
{
	cJSON *errors = rq_errors_new();
	const char *current = rq_json_string(req->json, "current_password", true, 1, 256, errors);
	const char *next = rq_json_string(req->json, "new_password", true, 12, 256, errors);
	if (current == NULL || next == NULL) {
		rq_problem_invalid(req, resp, errors);
		return;
	}
	cJSON_Delete(errors);
	PGresult *res = rq_sql(req, &st_own_hash, NULL);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	const char *hash =
	    PQntuples(res) == 1 && !PQgetisnull(res, 0, 0) ? rq_sql_val(res, 0, "hash") : NULL;
	if (hash == NULL || !rq_password_verify(req->arena, current, hash)) {
		rq_outcome_refuse(req, resp, "password-wrong", NULL, NULL);
		return;
	}
	if (strcmp(current, next) == 0) {
		rq_outcome_refuse(req, resp, "password-unchanged", NULL, NULL);
		return;
	}
	char new_hash[CRYPT_OUTPUT_SIZE];
	if (rq_password_hash(next, new_hash, sizeof(new_hash)) != 0) {
		rq_problem_internal(req, resp, "could not hash the new password");
		return;
	}
	const char *params[] = {new_hash, req->actor.session_token};
	const char *data;
	if (rq_outcome_row(req, resp, rq_sql(req, &st_own_set, params), NULL, &data) < 0)
		return;
	rq_resp_json(req, resp, 200, data != NULL ? cJSON_Parse(data) : cJSON_CreateObject());
}
