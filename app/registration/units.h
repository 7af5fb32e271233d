/* The units (departments) an official picks from in the mini-program. */
#ifndef REGISTRATION_UNITS_H
#define REGISTRATION_UNITS_H

#include "rq_router.h"

/* GET /api/v1/registration/units?after=&limit=: the active units, keyset-paginated by id,
 * for the profile form's unit and a joint inspection's participating units. Answers 200
 * {items, next_after}; raises 400 naming a malformed after or limit. */
RQ_HANDLER_DECL(registration_units_list);

#endif
