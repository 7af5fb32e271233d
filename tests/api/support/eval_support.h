/* Helpers for the tests of the evaluation family's visit routes (tests/api/test_eval_*.c):
 * a scene with a bound manager, visits registered through the real registration API, and
 * the manager's calls under /api/v1/evaluation/. Built on visits_support. */
#ifndef EVAL_SUPPORT_H
#define EVAL_SUPPORT_H

#include <stdbool.h>

#include "visits_support.h"

#define EV_BASE "/api/v1/evaluation"

/* A vs_scene (unit, located enterprise with a code, verified official) and an account
 * bound to the enterprise as its manager (current enterprise). Free with ev_scene_free(). */
struct ev_scene {
	struct vs_scene s;
	char *manager;	  /* bearer */
	char *manager_id; /* account id */
};
void ev_scene_new(struct ev_scene *sc);
void ev_scene_free(struct ev_scene *sc);

/* A visit (activity visit) registered by the scene's official: its id (malloc'd). */
char *ev_visit(const struct ev_scene *sc);
/* ev_visit, then confirmed by the manager (must answer 200). */
char *ev_confirmed_visit(const struct ev_scene *sc);
/* The official edits the visit's matter to matter, then files the result done (both must
 * answer 200): what the enterprise sees as edit history and result. */
void ev_edit_and_finish(const struct ev_scene *sc, const char *visit_id, const char *matter,
			const char *done);
/* "/api/v1/evaluation/visits/<id><suffix>" in a static buffer. */
const char *ev_path(const char *visit_id, const char *suffix);
/* POST (or PUT when change) /visits/{id}/rating {value, comment unless NULL, anonymous}. */
struct api_resp *ev_rate(const char *bearer, const char *visit_id, const char *value,
			 const char *comment, bool anonymous, bool change);
/* A new county admin of county: its admin_users id (malloc'd). */
char *ev_county_admin(const char *county);
/* Rows of rq.outbox addressed to admin user admin_id about case case_id (as the owner). */
int64_t ev_admin_notices(const char *admin_id, const char *case_id);
/* The string member of every item of a list answer, joined by commas (static buffer). */
const char *ev_joined(const struct api_resp *r, const char *member);
/* The list answer's next_after as text (static buffer); fails the test when it is null. */
const char *ev_next_after(const struct api_resp *r);
/* An app-role connection inside a transaction with the actor context (kind, id, role,
 * county, unit); PQfinish it when done. */
PGconn *ev_app_as(const char *kind, const char *id, const char *role, const char *county,
		  const char *unit);

#endif
