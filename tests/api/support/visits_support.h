/* Helpers for the tests of visits (tests/api/test_visits_*.c) and of what hangs off them
 * (the evaluation family): units, enterprises with coordinates and an active code,
 * officials with a profile, bound managers, registrations with an Idempotency-Key, the
 * rule thresholds of rq.policy (always restored), and counts of what a visit wrote. */
#ifndef VISITS_SUPPORT_H
#define VISITS_SUPPORT_H

#include <stdbool.h>

#include "api.h"
#include "managers_support.h"

#define VS_VISITS "/api/v1/registration/visits"
/* Where the test enterprises stand (Xinyang). */
#define VS_LAT 32.123
#define VS_LON 114.07

struct vs_unit {
	char id[24];
	char name[128];
	char discipline_group[128]; /* "" when the unit has none */
};
/* Inserts an active unit with a unique name and, unless NULL, a discipline group. */
void vs_unit_new(struct vs_unit *u, const char *discipline_group);

struct vs_enterprise {
	struct mt_enterprise m; /* id, uscc, name, county: for mt_claim() */
	char token[80];		/* its active code's token */
	char code_id[24];
};
/* A name-verified enterprise of county 411502 in normal operation standing at VS_LAT,
 * VS_LON (no coordinates unless located), with an active code issued by rq.issue_code. */
void vs_enterprise_new(struct vs_enterprise *e, bool located);

struct vs_official {
	char *bearer;
	char *account_id;
	char unit_id[24];
	char cert_no[48]; /* "" when none */
};
/* A new mini-program account with a profile (PUT /api/v1/registration/profile) in unit
 * unit_id, with cert_no unless NULL, verified (rq.official_change by a city admin) when
 * verified. Free with vs_official_free(). */
void vs_official_new(struct vs_official *o, const char *unit_id, const char *cert_no,
		     bool verified);
/* A new mini-program account with no profile at all. */
void vs_account_new(struct vs_official *o);
void vs_official_free(struct vs_official *o);

/* A new account bound to e as its manager with a fresh activation code (the real claim
 * through the evaluation pool): its bearer token (malloc'd), *account_id unless NULL. */
char *vs_manager_new(const struct vs_enterprise *e, char **account_id);

/* One whole scene: a unit with a discipline group, a located enterprise with a code, and a
 * verified official of the unit with a certificate number. */
struct vs_scene {
	struct vs_unit unit;
	struct vs_enterprise ent;
	struct vs_official off;
};
void vs_scene_new(struct vs_scene *s);
void vs_scene_free(struct vs_scene *s);

/* A fresh Idempotency-Key (static buffer of api_unique's). */
const char *vs_key(void);
/* A registration body: token, activity_type, matter, and a location 100 m from VS_LAT,
 * VS_LON. For an inspection: legal_basis too. Free with cJSON_Delete(). */
cJSON *vs_body(const char *token, const char *activity_type);
/* Replaces body's location by {latitude, longitude, accuracy: 15}. */
void vs_body_location(cJSON *body, double latitude, double longitude);
/* Replaces (or adds) a string member. */
void vs_body_str(cJSON *body, const char *field, const char *value);
/* Adds the exemption {category, reason}. */
void vs_body_exemption(cJSON *body, const char *category);
/* POST /api/v1/registration/visits with header Idempotency-Key: key (none when key is
 * NULL) and the body text json. */
struct api_resp *vs_post(const char *bearer, const char *key, const char *json);
/* vs_post of body with a fresh key. */
struct api_resp *vs_register(const char *bearer, const cJSON *body);
/* vs_register that must answer 201: the new visit's id (malloc'd). */
char *vs_register_ok(const char *bearer, const cJSON *body);
/* vs_register that must be refused with status and problem slug, errors[] naming field
 * (unless NULL); what names the case in the failure message. */
void vs_assert_refused(const char *bearer, const cJSON *body, long status, const char *slug,
		       const char *field, const char *what);
/* A request with a bearer token and a JSON body (or none). */
struct api_resp *vs_call(const char *method, const char *path, const char *bearer,
			 const char *json);
/* "/api/v1/registration/visits/<id><suffix>" in a static buffer. */
const char *vs_path(const char *visit_id, const char *suffix);

/* An uploaded photo of the account (the row only, as the owner): its id (malloc'd). */
char *vs_attachment_new(const char *account_id);

/* True when the answer's flags[] holds flag. */
bool vs_has_flag(const struct api_resp *r, const char *flag);
/* Asserts flags[] is exactly the NULL-terminated list (in any order). */
void vs_assert_flags(const struct api_resp *r, const char *const *flags);
/* The warning of rule (about unit_id unless NULL) in warnings[], or NULL. Each warning has
 * a non-empty message, which this checks. */
cJSON *vs_warning(const struct api_resp *r, const char *rule, const char *unit_id);
/* A number member of a JSON object as an integer; fails the test when absent. */
long vs_num(const cJSON *o, const char *field);

/* The city's time for an SQL expression of now() (e.g. "now() - interval '2 days'"), as
 * RFC 3339 with +08:00 (malloc'd). */
char *vs_time(const char *sql_expr);
/* Moves a visit's time of entry (visits and visit_units) as the owner: a past or future
 * visit the counting rules see. */
void vs_visit_move(const char *visit_id, const char *entered_at);
/* count(*) of table WHERE column = id (read as the owner, past row-level security). */
int64_t vs_rows(const char *table, const char *column, const char *id);
/* Rows the account's visits left anywhere: visits, visit_units, filings, outbox, keys. */
int64_t vs_account_visit_rows(const char *account_id);

/* Sets rq.policy's key to value as the owner (audited); the first value each key had is
 * remembered and put back by vs_policy_restore(), which a test must reach: use
 * vs_policy_teardown as its cmocka teardown. */
void vs_policy_set(const char *key, int value);
void vs_policy_restore(void);
int vs_policy_teardown(void **state);

#endif
