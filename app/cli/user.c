/* ruqima user add: creates a portal user with a generated password (shown once). */
#include "cli.h"

#include "rq_auth.h"
#include "rq_token.h"

#include <crypt.h>
#include <stdio.h>
#include <string.h>

int cli_user_add(const struct rq_config *cfg, int argc, char **argv)
{
	const char *username = NULL, *role = NULL, *county = NULL, *unit = NULL;
	for (int i = 0; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--username") == 0)
			username = argv[i + 1];
		else if (strcmp(argv[i], "--role") == 0)
			role = argv[i + 1];
		else if (strcmp(argv[i], "--county") == 0)
			county = argv[i + 1];
		else if (strcmp(argv[i], "--unit") == 0)
			unit = argv[i + 1];
		else
			username = role = NULL; /* unknown option: fall through to usage */
	}
	if (username == NULL || role == NULL || argc % 2 != 0) {
		fputs("usage: ruqima user add --username NAME --role ROLE [--county CODE] [--unit "
		      "ID]\n"
		      "roles: city_admin county_admin unit_admin market_supervision\n"
		      "       discipline_inspector judicial_analyst\n",
		      stderr);
		return 2;
	}
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
		const char *params[] = {username, hash, role, county, unit};
		PGresult *r =
		    PQexecParams(c, "SELECT rq.admin_user_create($1, $2, $3, $4, $5::bigint)", 5,
				 NULL, params, NULL, NULL, 0);
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && cli_exec(c, "COMMIT") == 0) {
			printf("created portal user \"%s\" (%s)\npassword: %s\n", username, role,
			       password);
			rc = 0;
		} else if (state != NULL && strcmp(state, "23505") == 0) {
			fprintf(stderr, "ruqima: user \"%s\" already exists\n", username);
			rc = 3;
		} else {
			fprintf(stderr, "ruqima: could not create the user: %s",
				PQresultErrorMessage(r));
		}
		PQclear(r);
	}
	memset(password, 0, sizeof(password));
	memset(token, 0, sizeof(token));
	PQfinish(c);
	return rc;
}
