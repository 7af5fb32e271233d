/* The official's profile (name, unit, post, 执法证号, phone): what the mini-program shows
 * on the first scan ("初次扫码 → 入企登记") and what enterprises see at the door. */
#ifndef REGISTRATION_PROFILE_H
#define REGISTRATION_PROFILE_H

#include "rq_http.h"

/* GET /api/v1/registration/profile: 200 with the account's profile, or 404
 * profile-missing (the mini-program then shows the profile form). */
void registration_profile_get(struct rq_req *req, struct rq_resp *resp);
/* PUT /api/v1/registration/profile: creates (201) or replaces (200) the account's
 * profile. Raises 422 naming each bad field; writes nothing then. A change of name, unit
 * or cert_no takes away the verification (in SQL). */
void registration_profile_put(struct rq_req *req, struct rq_resp *resp);
/* GET /api/v1/registration/units?after=&limit=: the active units, keyset-paginated by id,
 * for the profile form's unit and a joint inspection's participating units. */
void registration_units_list(struct rq_req *req, struct rq_resp *resp);

#endif
