/* Helpers for the tests of the case chain (tests/api/test_cases_*.c): a scene with every party
 * of a case — the evaluation scene's unit, enterprise, official and manager, and portal
 * sessions of the county admin of the enterprise's county, a city admin, the unit admin of
 * the official's unit and a discipline inspector — cases opened through the real evaluation
 * API for each source, and the actions of the complaints family. Built on eval_support. */
#ifndef CASES_SUPPORT_H
#define CASES_SUPPORT_H

#include <stdbool.h>

#include "eval_support.h"

#define CS_BASE "/api/v1/complaints"

/* A portal session of a new admin of role with its scope (county or unit, or neither), and
 * its admin_users id. */
struct cs_admin {
	struct api_portal p;
	char id[24];
};
void cs_admin_new(struct cs_admin *a, const char *role, const char *county, const char *unit);
void cs_admin_free(struct cs_admin *a);

struct cs_scene {
	struct ev_scene ev; /* unit, enterprise of county 411502, official, bound manager */
	struct cs_admin county, city, unit, discipline;
};
void cs_scene_new(struct cs_scene *s);
void cs_scene_free(struct cs_scene *s);

/* A case of each source, opened through the evaluation API by the scene's manager: a
 * confirmed visit rated 不满意 (anonymously or not), a disputed visit, a no-scan report
 * naming the scene's unit (or none). Returns the case id (malloc'd); *visit_id (malloc'd)
 * unless NULL or no_scan. */
char *cs_open(const struct cs_scene *s, const char *source, bool anonymous, char **visit_id);

/* "/api/v1/complaints/cases/<id><suffix>" in a static buffer (one of 4 used in turn). */
const char *cs_path(const char *case_id, const char *suffix);
/* POST /api/v1/complaints/cases/{id}/<action> with the body json as the portal user. */
struct api_resp *cs_act(const struct cs_admin *a, const char *case_id, const char *action,
			const char *json);
/* cs_act that must answer 200 with the case in status; fails the test with the answer
 * otherwise. Returns the request id (malloc'd). */
char *cs_act_ok(const struct cs_admin *a, const char *case_id, const char *action, const char *json,
		const char *status);
/* GET /api/v1/complaints/cases/{id} as the portal user. */
struct api_resp *cs_get(const struct cs_admin *a, const char *case_id);

/* Asserts a refusal of rq.case_act: status, problem type slug and allowed_actions exactly
 * the comma-separated list allowed ("" for none); and that the request wrote nothing (no
 * audit row carries its request id). */
void cs_assert_refused(const struct api_resp *r, long status, const char *slug,
		       const char *allowed);
/* The JSON array member of r's body (or of its object at path "a.b"), as its strings joined
 * by commas (static buffer). */
const char *cs_joined(const struct api_resp *r, const char *member);

/* Rows of the case's timeline (rq.case_events), read as the owner. */
int64_t cs_events(const char *case_id);
/* The case's status, read as the owner (malloc'd). */
char *cs_status(const char *case_id);
/* Moves every case's step to an earlier time as the owner: closed_at (the reopen window) and
 * step_started_at go back by interval (an SQL interval literal, e.g. '8 days'). */
void cs_case_age(const char *case_id, const char *interval);

/* 回访 of the case by a (method phone, an hour ago, contact_person, enterprise_says and wish
 * as given), which must answer 200 with the case in analysis. */
void cs_follow_up(const struct cs_admin *a, const char *case_id, const char *contact_person,
		  const char *says, const char *wish);
/* From analysis to determination as the handlers take it: investigate (county, with
 * classification), statement (unit), refer (county). Each step must answer 200. */
void cs_take_to_determination(const struct cs_scene *s, const char *case_id,
			      const char *classification);
/* The whole chain from open to closed: accept (county), cs_follow_up (county),
 * cs_take_to_determination, determine (city, with outcome). */
void cs_take_to_closed(const struct cs_scene *s, const char *case_id, const char *outcome);

#endif
