/* Helpers for the tests of 公务入企码 (tests/api/test_codes_*.c): enterprises made directly
 * in the database as the owner (with an actor context, so they are audited like any
 * write), valid credit codes, and runs of the build's CLI (ruqima) against the test stack. */
#ifndef CODES_SUPPORT_H
#define CODES_SUPPORT_H

#include <stdbool.h>

#include "api.h"

/* Writes into out (19 bytes) the 17 characters of prefix17 followed by their GB 32100
 * check character. */
void ct_uscc_complete(const char *prefix17, char out[19]);
/* A valid credit code no one used before: "91" + county + "MA" + 7 random characters. */
void ct_uscc_new(const char *county, char out[19]);

struct ct_enterprise {
	char id[24];
	char uscc[19];
	char name[128];
	char county[7];
};
/* Inserts an enterprise of county with a new credit code and a unique name, business
 * status status ('normal', 'cancelled'...) and name_verified verified. Its legal
 * representative is "法人代表测试" and its address "测试路1号仅内部可见" (which no public
 * answer may contain). */
void ct_enterprise_new(struct ct_enterprise *e, const char *county, const char *status,
		       bool verified);
/* Runs sql (with $1..$n) as the owner inside a transaction with the actor context set
 * ('system', 'test'); fails the test on an error. */
void ct_owner_write(const char *sql, int n, const char *const *params);

/* What a CLI run printed. */
struct ct_run {
	int status; /* exit status, or -1 when it did not exit normally */
	char *out;  /* stdout (malloc'd) */
	char *err;  /* stderr (malloc'd) */
};
/* Runs the build's ruqima with args (NULL-terminated, each passed as one argument) against the
 * stack's env file. Free with ct_run_free(). */
void ct_cli(struct ct_run *r, const char *const *args);
void ct_run_free(struct ct_run *r);
/* ct_cli("codes", "issue", "--uscc", uscc) that must succeed. */
void ct_issue(const char *uscc);

/* `ruqima codes print --county county` into a temporary ZIP that must succeed: the batch's
 * manifest.csv (malloc'd; serial, credit/project code, name, poster and slip files per
 * line). The ZIP is removed. */
char *ct_print_manifest(const char *county);

/* The token of the enterprise's active code (malloc'd), or NULL when it has none. */
char *ct_active_token(const char *enterprise_id);
/* Asserts that no print touched the enterprise: its active code is not marked printed and it
 * has no activation code. */
void ct_assert_unprinted(const char *enterprise_id);
/* "/api/v1/registration/codes/<token>" in a static buffer. */
const char *ct_code_path(const char *token);

#endif
