/* The official's profile (name, unit, post, 执法证号, phone): what the mini-program shows
 * on the first scan ("初次扫码 → 入企登记") and what enterprises see at the door. */
#ifndef REGISTRATION_PROFILE_H
#define REGISTRATION_PROFILE_H

#include "rq_router.h"

/* GET /api/v1/registration/profile: 200 with the account's profile, or 404 of type
 * profile-missing (refusal profile-unknown; the mini-program then shows the profile
 * form). */
RQ_HANDLER_DECL(registration_profile_get);
/* PUT /api/v1/registration/profile: creates (201) or replaces (200) the account's
 * profile. Raises 422 naming each bad field; writes nothing then. A change of name, unit
 * or cert_no takes away the verification (in SQL). */
RQ_HANDLER_DECL(registration_profile_put);
#endif
