/* ruqima user add|list|reset-password|lock|unlock: the portal users, for the operator (the
 * portal's own user management is the city admin's: app/admin/users.c). add creates one with
 * its scope (a county, a unit, or a discipline inspector's discipline-inspection group) and a
 * generated password, shown once, as reset-password does. The changes are
 * rq.admin_user_change's (lib/sql/users.sql), as in the portal. */
#include "cli.h"

#include "rq_auth.h"

#include <crypt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The username rule, in English and in Chinese (README, Portal users). */
static void username_refused(const char *username)
{
	fprintf(stderr,
		"ruqima: username \"%s\" is not allowed: use 3 to 64 characters, each a "
		"lower-case letter a-z, a digit 0-9, '_', '.' or '-' (%s)\n",
		username, RQ_MSG_USERNAME);
}

static bool digits_ok(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);
	return n >= min && n <= max && strspn(s, "0123456789") == n && s[0] != '0';
}

/* Checks the options before anything reaches the database; prints what is wrong in plain
 * words and returns false. */
static bool options_ok(const char *username, const char *role, const char *county, const char *unit,
		       const char *group)
{
	if (!rq_username_ok(username)) {
		username_refused(username);
		return false;
	}
	bool known = false;
	for (const char *const *r = rq_admin_roles; *r != NULL; r++)
		known = known || strcmp(role, *r) == 0;
	if (!known) {
		fprintf(stderr,
			"ruqima: unknown role \"%s\"; roles: city_admin county_admin unit_admin "
			"market_supervision discipline_inspector judicial_analyst\n",
			role);
		return false;
	}
	if (county != NULL && (strlen(county) != 6 || strspn(county, "0123456789") != 6)) {
		fprintf(stderr, "ruqima: --county takes a 6-digit region code, not \"%s\"\n",
			county);
		return false;
	}
	if (unit != NULL && !digits_ok(unit, 1, 18)) {
		fprintf(stderr, "ruqima: --unit takes a unit id (a positive number), not \"%s\"\n",
			unit);
		return false;
	}
	if (strcmp(role, "county_admin") == 0 && county == NULL) {
		fputs("ruqima: role county_admin needs --county CODE (the county it administers)\n",
		      stderr);
		return false;
	}
	if (strcmp(role, "unit_admin") == 0 && unit == NULL) {
		fputs("ruqima: role unit_admin needs --unit ID (the unit it administers)\n",
		      stderr);
		return false;
	}
	if (group != NULL && strcmp(role, "discipline_inspector") != 0) {
		fputs("ruqima: --discipline-group is for role discipline_inspector only\n", stderr);
		return false;
	}
	if (group != NULL &&
	    (strlen(group) < 1 || strlen(group) > 300 || strspn(group, " \t") == strlen(group))) {
		fputs("ruqima: --discipline-group takes the group's name as the units name it "
		      "(1 to 100 characters)\n",
		      stderr);
		return false;
	}
	return true;
}

/* Says in plain words why rq.admin_user_create failed (the server's text is not for the
 * operator to decode); returns the exit status. */
static int creation_failed(PGconn *c, const PGresult *r, const char *username, const char *county,
			   const char *unit)
{
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	const char *constraint = PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME);
	if (state != NULL && strcmp(state, "23505") == 0) {
		fprintf(stderr, "ruqima: user \"%s\" already exists\n", username);
		return 3;
	}
	if (state != NULL && strcmp(state, "23503") == 0 && constraint != NULL &&
	    strcmp(constraint, "admin_users_county_code_fkey") == 0) {
		fprintf(stderr, "ruqima: %s is not a county, district or zone of Xinyang\n",
			county != NULL ? county : "the county");
	} else if (state != NULL && strcmp(state, "23503") == 0) {
		fprintf(stderr, "ruqima: there is no unit %s\n", unit != NULL ? unit : "");
	} else if (state != NULL && strncmp(state, "23", 2) == 0) {
		fprintf(stderr, "ruqima: the user breaks a rule of the portal users (%s)\n",
			constraint != NULL ? constraint : "a constraint");
	} else if (PQstatus(c) != CONNECTION_OK) {
		fputs("ruqima: could not create the user: the database connection was lost\n",
		      stderr);
	} else {
		const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
		fprintf(stderr, "ruqima: could not create the user: %s\n",
			msg != NULL ? msg : "no answer from the database");
	}
	return 1;
}

static int user_add(const struct rq_config *cfg, int argc, char **argv)
{
	const char *username = NULL, *role = NULL, *county = NULL, *unit = NULL, *group = NULL;
	for (int i = 0; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--username") == 0)
			username = argv[i + 1];
		else if (strcmp(argv[i], "--role") == 0)
			role = argv[i + 1];
		else if (strcmp(argv[i], "--county") == 0)
			county = argv[i + 1];
		else if (strcmp(argv[i], "--unit") == 0)
			unit = argv[i + 1];
		else if (strcmp(argv[i], "--discipline-group") == 0)
			group = argv[i + 1];
		else
			username = role = NULL; /* unknown option: fall through to usage */
	}
	if (username == NULL || role == NULL || argc % 2 != 0) {
		fputs("usage: ruqima user add --username NAME --role ROLE [--county CODE] [--unit "
		      "ID]\n"
		      "                     [--discipline-group NAME]\n"
		      "roles: city_admin county_admin unit_admin market_supervision\n"
		      "       discipline_inspector judicial_analyst\n",
		      stderr);
		return 2;
	}
	if (!options_ok(username, role, county, unit, group))
		return 2;
	char password[RQ_PASSWORD_LEN + 1], hash[CRYPT_OUTPUT_SIZE];
	if (rq_password_new(password, hash, sizeof(hash)) != 0) {
		fputs("ruqima: could not make a password (no randomness, or no hash)\n", stderr);
		return 1;
	}
	PGconn *c = cli_connect_owner(cfg);
	if (c == NULL)
		return 1;
	int rc = 1;
	if (cli_exec(c, "BEGIN") == 0 && cli_set_actor(c, "cli-user-add") == 0) {
		const char *params[] = {username, hash, role, county, unit, group};
		PGresult *r = PQexecParams(c,
					   "SELECT rq.admin_user_discipline_group("
					   "rq.admin_user_create($1, $2, $3, $4, $5::bigint), $6)",
					   6, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			rc = creation_failed(c, r, username, county, unit);
		} else if (cli_exec(c, "COMMIT") == 0) {
			printf("created portal user \"%s\" (%s)\npassword: %s\n", username, role,
			       password);
			rc = 0;
		}
		PQclear(r);
	}
	memset(password, 0, sizeof(password));
	PQfinish(c);
	return rc;
}

/* ruqima user list [--role ROLE] [--all]: every active portal user (--all: the deactivated
 * ones too), with its scope and whether it can log in now. */
static int user_list(const struct rq_config *cfg, int argc, char **argv)
{
	const char *role = NULL;
	bool all = false;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--all") == 0) {
			all = true;
		} else if (strcmp(argv[i], "--role") == 0 && i + 1 < argc) {
			role = argv[++i];
		} else {
			fputs("usage: ruqima user list [--role ROLE] [--all]\n", stderr);
			return 2;
		}
	}
	PGconn *c = cli_connect_owner(cfg);
	if (c == NULL)
		return 1;
	const char *params[] = {role, all ? "true" : "false"};
	PGresult *r = PQexecParams(
	    c,
	    "SELECT u.id, u.username, u.role,"
	    " coalesce(u.county_code, 'unit ' || u.unit_id || ' ' || n.name,"
	    " 'group ' || u.discipline_group, '-') AS scope,"
	    " CASE WHEN NOT u.active THEN 'deactivated' WHEN u.admin_locked THEN 'locked'"
	    " WHEN u.failed_attempts > 0 THEN 'active, ' || u.failed_attempts"
	    " || ' failed logins' ELSE 'active' END AS state"
	    " FROM rq.admin_users u LEFT JOIN rq.units n ON n.id = u.unit_id"
	    " WHERE ($1::text IS NULL OR u.role = $1) AND (u.active OR $2::boolean)"
	    " ORDER BY u.id",
	    2, NULL, params, NULL, NULL, 0);
	int rc = 1;
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "ruqima: could not list the users: %s", PQresultErrorMessage(r));
	} else {
		printf("%-6s %-24s %-21s %-24s %s\n", "id", "username", "role", "scope", "state");
		for (int i = 0; i < PQntuples(r); i++)
			printf("%-6s %-24s %-21s %-24s %s\n", PQgetvalue(r, i, 0),
			       PQgetvalue(r, i, 1), PQgetvalue(r, i, 2), PQgetvalue(r, i, 3),
			       PQgetvalue(r, i, 4));
		rc = 0;
	}
	PQclear(r);
	PQfinish(c);
	return rc;
}

/* Says what rq.admin_user_change answered other than ok; returns the exit status. */
static int change_refused(const char *outcome, const char *username)
{
	if (strcmp(outcome, "user-unknown") == 0)
		fprintf(stderr, "ruqima: there is no portal user \"%s\"\n", username);
	else if (strcmp(outcome, "user-inactive") == 0)
		fprintf(stderr,
			"ruqima: portal user \"%s\" is deactivated; create another one with "
			"ruqima user add\n",
			username);
	else
		fprintf(stderr, "ruqima: the change was refused (%s)\n", outcome);
	return 1;
}

/* ruqima user reset-password|lock|unlock --username NAME: rq.admin_user_change's action in
 * one audited transaction (request id cli-user-<action>). */
static int user_change(const struct rq_config *cfg, const char *action, int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[0], "--username") != 0) {
		fprintf(stderr, "usage: ruqima user %s --username NAME\n", action);
		return 2;
	}
	const char *username = argv[1];
	if (!rq_username_ok(username)) {
		username_refused(username);
		return 2;
	}
	bool reset = strcmp(action, "reset-password") == 0;
	char password[RQ_PASSWORD_LEN + 1] = "", hash[CRYPT_OUTPUT_SIZE] = "";
	if (reset && rq_password_new(password, hash, sizeof(hash)) != 0) {
		fputs("ruqima: could not make a password (no randomness, or no hash)\n", stderr);
		return 1;
	}
	PGconn *c = cli_connect_owner(cfg);
	if (c == NULL)
		return 1;
	char what[64];
	snprintf(what, sizeof(what), "cli-user-%s", action);
	int rc = 1;
	if (cli_exec(c, "BEGIN") == 0 && cli_set_actor(c, what) == 0) {
		const char *params[] = {username, action, reset ? hash : NULL};
		/* an unknown username reaches the function as no id: user-unknown */
		PGresult *r = PQexecParams(
		    c,
		    "SELECT o.outcome, o.data ->> 'sessions_ended' AS ended, u.admin_locked"
		    " FROM rq.admin_user_change((SELECT x.id FROM rq.admin_users x"
		    " WHERE x.username = $1), $2, $3) o"
		    " LEFT JOIN rq.admin_users u ON u.username = $1",
		    3, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
			fprintf(stderr, "ruqima: could not change the user: %s",
				PQresultErrorMessage(r));
		} else if (strcmp(PQgetvalue(r, 0, 0), "ok") != 0) {
			rc = change_refused(PQgetvalue(r, 0, 0), username);
		} else if (cli_exec(c, "COMMIT") == 0) {
			const char *ended = PQgetvalue(r, 0, 1);
			if (reset)
				printf("new password of portal user \"%s\": %s\n", username,
				       password);
			else
				printf("%sed portal user \"%s\"\n", action, username);
			if (strcmp(action, "unlock") != 0)
				printf("sessions ended: %s\n", ended);
			if (reset && strcmp(PQgetvalue(r, 0, 2), "t") == 0)
				printf(
				    "the user is locked: ruqima user unlock --username %s lets it "
				    "log in\n",
				    username);
			rc = 0;
		}
		PQclear(r);
	}
	memset(password, 0, sizeof(password));
	PQfinish(c);
	return rc;
}

int cli_user(const struct rq_config *cfg, int argc, char **argv)
{
	static const char *const changes[] = {"reset-password", "lock", "unlock", NULL};
	if (argc >= 1 && strcmp(argv[0], "add") == 0)
		return user_add(cfg, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "list") == 0)
		return user_list(cfg, argc - 1, argv + 1);
	for (const char *const *a = changes; argc >= 1 && *a != NULL; a++)
		if (strcmp(argv[0], *a) == 0)
			return user_change(cfg, *a, argc - 1, argv + 1);
	fputs("usage: ruqima user add|list|reset-password|lock|unlock ...\n", stderr);
	return 2;
}
