/* The discipline inspectors' inbox (执纪监督组): the cases the city handed over to them after
 * its determination (移交), waiting for their disposition or already disposed of. The
 * disposition itself is the case action POST /api/v1/complaints/cases/{id}/dispose
 * (cases.h). */
#ifndef COMPLAINTS_INBOX_H
#define COMPLAINTS_INBOX_H

#include "rq_router.h"

/* The values of the inbox's ?status= (NULL-terminated): handed_over (waiting, the default)
 * or closed (disposed of). */
extern const char *const complaints_inbox_statuses[];

/* GET /api/v1/complaints/inbox?status=handed_over|closed&after=&limit=: handed-over cases,
 * newest first, each with its line, the determination and the clue. Raises 400 naming a
 * malformed parameter. */
RQ_HANDLER_DECL(complaints_inbox_list);

#endif
