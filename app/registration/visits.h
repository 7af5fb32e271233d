/* Visits registered by officials: scan-and-register with the city's rules (the rules
 * themselves are in rq.visit_register, migration 0014), own list and detail, later
 * edits, the after-visit result, and the official's card for the enterprise (亮证). */
#ifndef REGISTRATION_VISITS_H
#define REGISTRATION_VISITS_H

#include "rq_router.h"

/* The activity types of a visit (visit, research, inspection), NULL-terminated. */
extern const char *const registration_activity_types[];
/* The 404 of a visit the official may not see (or that does not exist). */
extern const struct rq_not_found registration_visit_unknown;

RQ_HANDLER_DECL(registration_visits_create);
RQ_HANDLER_DECL(registration_visits_list);
RQ_HANDLER_DECL(registration_visits_get);
RQ_HANDLER_DECL(registration_visits_edit);
RQ_HANDLER_DECL(registration_visits_finish);
RQ_HANDLER_DECL(registration_visits_official);

#endif
