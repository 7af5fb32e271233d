/* Visits registered by officials: scan-and-register with the city's rules (the rules
 * themselves are in rq.visit_register, migration 0014), own list and detail, later
 * edits, the after-visit result, and the official's card for the enterprise (亮证). */
#ifndef REGISTRATION_VISITS_H
#define REGISTRATION_VISITS_H

#include "rq_http.h"

void registration_visits_create(struct rq_req *req, struct rq_resp *resp);
void registration_visits_list(struct rq_req *req, struct rq_resp *resp);
void registration_visits_get(struct rq_req *req, struct rq_resp *resp);
void registration_visits_edit(struct rq_req *req, struct rq_resp *resp);
void registration_visits_finish(struct rq_req *req, struct rq_resp *resp);
void registration_visits_official(struct rq_req *req, struct rq_resp *resp);

#endif
