/* Statement requests (调查申诉): what a unit admin is asked to explain about a case of their
 * unit, and what they submitted (the submission itself is the case action POST
 * /api/v1/complaints/cases/{id}/statement, cases.h). Row-level security shows a unit admin
 * their unit's requests and whoever handles a case its requests. */
#ifndef COMPLAINTS_STATEMENTS_H
#define COMPLAINTS_STATEMENTS_H

#include "rq_router.h"

/* The values of the list's ?status= (NULL-terminated). */
extern const char *const complaints_statement_statuses[];

/* GET /api/v1/complaints/statements?status=pending|submitted&after=&limit=: the requests the
 * reader sees, newest first, each with its case (source, status, enterprise, unit) and
 * deadline. Raises 400 naming a malformed parameter. */
RQ_HANDLER_DECL(complaints_statements_list);

#endif
