/* Portal users, managed by the city admin: listed, created with a generated password (shown
 * once), locked and unlocked, given a new generated password, deactivated. The changes are
 * rq.admin_user_change's (lib/sql/users.sql), shared with `ruqima user`; lock, password
 * reset and deactivation end the user's sessions. */
#ifndef ADMIN_USERS_H
#define ADMIN_USERS_H

#include "rq_router.h"

/* GET /api/v1/admin/users?role=&active=&q=&after=&limit=: 200 {items, next_after}, keyset-paged
 * by id, q a part of the username (any case): id, username, role, county_code, unit_id, unit_name,
 * discipline_group, active, locked (by an admin), locked_until (a lockout after failed logins,
 * while it lasts), failed_attempts, created_at. Raises 400 naming a malformed query parameter. */
RQ_HANDLER_DECL(admin_users_list);
/* POST /api/v1/admin/users {username, role, county_code?, unit_id?, discipline_group?}: 201
 * with the user and its generated password (shown this once). Raises 422 naming each bad
 * field: a username that breaks the rule (3 to 64 characters of a-z 0-9 _ . -, said in
 * Chinese), an unknown role, a county_admin without an existing county_code or a unit_admin
 * without an active unit_id (and either given to another role), a discipline_group of 1 to
 * 100 characters given to another role than discipline_inspector; 409 username-taken. */
RQ_HANDLER_DECL(admin_users_create);
/* POST /api/v1/admin/users/{id}/lock: 200 with the user, locked until unlocked, its
 * sessions ended (sessions_ended). Raises 404 user-unknown, 409 user-inactive (deactivated)
 * or user-self (the admin's own account). */
RQ_HANDLER_DECL(admin_users_lock);
/* POST /api/v1/admin/users/{id}/unlock: 200 with the user, unlocked (also from a lockout
 * after failed logins). Raises 404 user-unknown, 409 user-inactive. */
RQ_HANDLER_DECL(admin_users_unlock);
/* POST /api/v1/admin/users/{id}/reset-password: 200 with the user, its new generated
 * password (shown this once) and sessions_ended; a lockout after failed logins is cleared
 * (not a lock by an admin). Raises 404 user-unknown, 409 user-inactive. */
RQ_HANDLER_DECL(admin_users_reset_password);
/* POST /api/v1/admin/users/{id}/deactivate: 200 with the user, deactivated for good (it
 * cannot log in again), its sessions ended. Raises 404 user-unknown, 409 user-inactive
 * (twice) or user-self. */
RQ_HANDLER_DECL(admin_users_deactivate);

#endif
