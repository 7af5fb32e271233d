#include "users.h"

#include "rq_auth.h"
#include "rq_db.h"
#include "rq_input.h"
#include "rq_outcome.h"
#include "rq_page.h"
#include "units.h"

#include <crypt.h>
#include <string.h>

enum { GROUP_MAX_CHARS = 100 }; /* as rq.admin_users.discipline_group */

/* A portal user as the city admin sees it (the policy admin_users_app_city): never the
 * password hash; locked is the city admin's lock; failed_attempts the failed logins since
 * the last success. locked_until stays for the portal's sake but is null: failed logins
 * slow the guesser down per address (rq.login_begin) and lock nobody. */
#define USER_COLUMNS                                                                               \
	"SELECT u.id, u.username, u.role, u.county_code, u.unit_id, n.name AS unit_name,"          \
	" u.discipline_group,"                                                                     \
	" u.active, u.admin_locked AS locked,"                                                     \
	" CASE WHEN u.locked_until > now() THEN u.locked_until END AS locked_until,"               \
	" to_json(u.failed_attempts) AS failed_attempts, u.created_at"                             \
	" FROM rq.admin_users u LEFT JOIN rq.units n ON n.id = u.unit_id"
static struct rq_stmt st_users_list =
    RQ_STMT("admin_users_list",
	    USER_COLUMNS " WHERE ($3::text IS NULL OR u.role = $3)"
			 " AND ($4::boolean IS NULL OR u.active = $4::boolean)"
			 " AND ($5::text IS NULL OR strpos(u.username, lower($5)) > 0)"
			 " AND u.id > $1::bigint ORDER BY u.id LIMIT $2::int",
	    5);
static struct rq_stmt st_user_one =
    RQ_STMT("admin_users_one", USER_COLUMNS " WHERE u.id = $1::bigint", 1);
/* Both raise 42501 for anyone but the city admin (app/admin/sql/users.sql,
 * lib/sql/users.sql). */
static struct rq_stmt st_user_create = RQ_STMT(
    "admin_users_create", "SELECT * FROM rq.portal_user_create($1, $2, $3, $4, $5::bigint, $6)", 6);
static struct rq_stmt st_user_change =
    RQ_STMT("admin_users_change", "SELECT * FROM rq.admin_user_change($1::bigint, $2, $3)", 3);

RQ_HANDLER(admin_users_list)
{
	static const char *const args[] = {"role", "active", "q", NULL};
	rq_page_list_args(req, resp, &st_users_list, args);
}

/* Answers status with user id as the list shows it, and when not NULL the generated
 * password (shown this once) and how many sessions the change ended (from the data of
 * rq.admin_user_change). */
static void respond_user(struct rq_req *req, struct rq_resp *resp, int status, const char *id,
			 const char *password, const char *change_data)
{
	const char *params[] = {id};
	PGresult *res = rq_sql(req, &st_user_one, params);
	if (!rq_sql_one(req, resp, res))
		return;
	cJSON *o = cJSON_CreateObject();
	for (int c = 0; c < PQnfields(res); c++)
		cJSON_AddItemToObject(o, PQfname(res, c), rq_json_column(res, 0, PQfname(res, c)));
	if (password != NULL)
		cJSON_AddStringToObject(o, "password", password);
	cJSON *data = change_data != NULL ? cJSON_Parse(change_data) : NULL;
	const cJSON *ended = cJSON_GetObjectItemCaseSensitive(data, "sessions_ended");
	if (cJSON_IsNumber(ended))
		cJSON_AddNumberToObject(o, "sessions_ended", ended->valuedouble);
	cJSON_Delete(data);
	rq_resp_json(req, resp, status, o);
}

/* The scope a role takes: county_code for county_admin, unit_id (an active unit) for
 * unit_admin, optionally discipline_group for discipline_inspector (without one: the city
 * level), none for the others. Adds errors; returns -1 after answering a failed query
 * (errors deleted), else 0. */
static int check_scope(struct rq_req *req, struct rq_resp *resp, const char *role,
		       const char **county, const char **unit, const char **group, cJSON *errors)
{
	*group = rq_json_string(req->json, "discipline_group", false, 1, GROUP_MAX_CHARS, errors);
	if (*group != NULL && role != NULL && strcmp(role, "discipline_inspector") != 0)
		rq_errors_add(errors, "discipline_group",
			      "只有纪检监察（discipline_inspector）指定所属纪检监察组");
	int before = cJSON_GetArraySize(errors);
	*county = rq_json_string(req->json, "county_code", false, 6, 6, errors);
	bool county_ok = cJSON_GetArraySize(errors) == before;
	bool unit_ok = rq_input_id_member(req, req->json, "unit_id", false, "须为单位编号（id）",
					  unit, errors);
	bool county_admin = role != NULL && strcmp(role, "county_admin") == 0;
	bool unit_admin = role != NULL && strcmp(role, "unit_admin") == 0;
	if (role != NULL && county_ok && county_admin != (*county != NULL))
		rq_errors_add(errors, "county_code",
			      county_admin ? "县区管理员（county_admin）须指定所管县区"
					   : "只有县区管理员（county_admin）指定县区");
	if (role != NULL && unit_ok && unit_admin != (*unit != NULL))
		rq_errors_add(errors, "unit_id",
			      unit_admin ? "单位管理员（unit_admin）须指定所管单位"
					 : "只有单位管理员（unit_admin）指定单位");
	if (admin_county_check(req, resp, *county, errors) != 0 ||
	    admin_unit_active_check(req, resp, *unit, errors) != 0)
		return -1;
	return 0;
}

RQ_HANDLER(admin_users_create)
{
	cJSON *errors = rq_errors_new();
	const char *username = rq_json_string(req->json, "username", true, 1, 64, errors);
	if (username != NULL && !rq_username_ok(username))
		rq_errors_add(errors, "username", RQ_MSG_USERNAME);
	const char *role = rq_input_enum(req->json, "role", rq_admin_roles, true, errors);
	const char *county, *unit, *group;
	if (check_scope(req, resp, role, &county, &unit, &group, errors) != 0 ||
	    rq_problem_if_invalid(req, resp, errors))
		return;
	char password[RQ_PASSWORD_LEN + 1], hash[CRYPT_OUTPUT_SIZE];
	if (rq_password_new(password, hash, sizeof(hash)) != 0) {
		rq_problem_internal(req, resp, "could not make a password");
		return;
	}
	const char *params[] = {username, hash, role, county, unit, group};
	const char *data;
	if (rq_outcome_row(req, resp, rq_sql(req, &st_user_create, params), NULL, &data) < 0)
		return;
	cJSON *d = data != NULL ? cJSON_Parse(data) : NULL;
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(d, "id");
	if (cJSON_IsString(id))
		respond_user(req, resp, 201, rq_strdup(req->arena, id->valuestring), password,
			     NULL);
	else
		rq_problem_internal(req, resp, "rq.portal_user_create answered no id");
	cJSON_Delete(d);
	memset(password, 0, sizeof(password));
}

/* rq.admin_user_change's action on the user of the path; answers the user after it. */
static void change(struct rq_req *req, struct rq_resp *resp, const char *action)
{
	const char *id = rq_req_param(req, "id");
	bool reset = strcmp(action, "reset-password") == 0;
	char password[RQ_PASSWORD_LEN + 1], hash[CRYPT_OUTPUT_SIZE];
	if (reset && rq_password_new(password, hash, sizeof(hash)) != 0) {
		rq_problem_internal(req, resp, "could not make a password");
		return;
	}
	const char *params[] = {id, action, reset ? hash : NULL};
	const char *data;
	if (rq_outcome_row(req, resp, rq_sql(req, &st_user_change, params), NULL, &data) >= 0)
		respond_user(req, resp, 200, id, reset ? password : NULL, data);
	if (reset)
		memset(password, 0, sizeof(password));
}

RQ_HANDLER(admin_users_lock)
{
	change(req, resp, "lock");
}

RQ_HANDLER(admin_users_unlock)
{
	change(req, resp, "unlock");
}

RQ_HANDLER(admin_users_reset_password)
{
	change(req, resp, "reset-password");
}

RQ_HANDLER(admin_users_deactivate)
{
	change(req, resp, "deactivate");
}
