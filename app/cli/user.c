/* ruqima user add: creates a portal user with a generated password (shown once), with its
 * scope: a county, a unit, or a discipline inspector's discipline-inspection group. */
#include "cli.h"

#include "rq_auth.h"
#include "rq_token.h"

#include <crypt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *const roles[] = {
    "city_admin",	    "county_admin",	"unit_admin", "market_supervision",
    "discipline_inspector", "judicial_analyst", NULL};

/* The form rq.admin_users' CHECK requires (migrations/0018_baseline.sql):
 * ^[a-z0-9_.-]{3,64}$. */
static bool username_ok(const char *s)
{
	size_t n = strlen(s);
	return n >= 3 && n <= 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
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
	if (!username_ok(username)) {
		fprintf(stderr,
			"ruqima: username \"%s\" is not allowed: use 3 to 64 characters, each a "
			"lower-case letter a-z, a digit 0-9, '_', '.' or '-'\n",
			username);
		return false;
	}
	bool known = false;
	for (const char *const *r = roles; *r != NULL; r++)
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

int cli_user_add(const struct rq_config *cfg, int argc, char **argv)
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
	/* 24 characters of a 256-bit token (144 bits): typed once, then changed. */
	char token[RQ_TOKEN_LEN + 1], password[25], hash[CRYPT_OUTPUT_SIZE];
	if (rq_token_new(token) != 0) {
		fputs("ruqima: no randomness for a password\n", stderr);
		return 1;
	}
	memcpy(password, token, 24);
	password[24] = '\0';
	if (rq_password_hash(password, hash, sizeof(hash)) != 0) {
		fputs("ruqima: could not hash the password\n", stderr);
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
	memset(token, 0, sizeof(token));
	PQfinish(c);
	return rc;
}
