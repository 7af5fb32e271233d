-- lib/sql/users.sql — portal users changed by the city admin in the portal (app/admin/users.c) and by the operator (app/cli/user.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- Changes portal user p_user_id, by the city admin (portal) or the operator (`ruqima user
-- lock|unlock|reset-password`, actor 'system'):
--   lock            locked until unlocked (admin_locked): the login answers 423
--   unlock          admin_locked and the failed logins cleared: the count and the
--                   username's throttles from every address (rq.login_throttle_clear)
--   reset-password  p_password_hash (made by the caller) is the new password; the failed
--                   logins cleared as by unlock
--   deactivate      active = false, for good: the user never logs in again
-- lock, reset-password and deactivate end every open session of the user. Answers
-- (rq.outcome): ok with data {sessions_ended}; user-unknown; user-inactive (the user was
-- deactivated); user-self (an admin locking or deactivating themself). Raises 42501 for
-- anyone but the city admin and the system actor, 22023 for an unknown action.
CREATE OR REPLACE FUNCTION rq.admin_user_change(p_user_id bigint, p_action text,
                                                p_password_hash text)
RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    u rq.admin_users%ROWTYPE;
    n int := 0;
BEGIN
    IF NOT coalesce(rq.actor_kind() = 'system' OR rq.actor_admin_role() = 'city_admin', false) THEN
        RAISE EXCEPTION 'portal users are managed by the city admin only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_action IS NULL OR p_action NOT IN ('lock', 'unlock', 'reset-password', 'deactivate') THEN
        RAISE EXCEPTION 'unknown action %', p_action USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO u FROM rq.admin_users x WHERE x.id = p_user_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN rq.refusal('user-unknown');
    END IF;
    IF NOT u.active THEN
        RETURN rq.refusal('user-inactive');
    END IF;
    IF p_action IN ('lock', 'deactivate') AND u.id = rq.current_admin_id() THEN
        RETURN rq.refusal('user-self');
    END IF;
    IF p_action = 'lock' THEN
        UPDATE rq.admin_users SET admin_locked = true WHERE id = u.id AND NOT admin_locked;
    ELSIF p_action = 'unlock' THEN
        UPDATE rq.admin_users SET admin_locked = false, failed_attempts = 0, locked_until = NULL
         WHERE id = u.id AND (admin_locked OR failed_attempts <> 0 OR locked_until IS NOT NULL);
        PERFORM rq.login_throttle_clear(u.username);
    ELSIF p_action = 'reset-password' THEN
        UPDATE rq.admin_users
           SET password_hash = p_password_hash, failed_attempts = 0, locked_until = NULL
         WHERE id = u.id;
        PERFORM rq.login_throttle_clear(u.username);
    ELSE
        UPDATE rq.admin_users SET active = false WHERE id = u.id;
    END IF;
    IF p_action <> 'unlock' THEN
        UPDATE rq.sessions s SET ended_at = now()
         WHERE s.admin_user_id = u.id AND s.ended_at IS NULL;
        GET DIAGNOSTICS n = ROW_COUNT;
    END IF;
    RETURN rq.ok(jsonb_build_object('sessions_ended', n));
END
$$;

COMMENT ON FUNCTION rq.admin_user_change(bigint, text, text) IS
    'locks, unlocks, resets the password of or deactivates a portal user (city admin, CLI); ends its sessions';
GRANT EXECUTE ON FUNCTION rq.admin_user_change(bigint,text,text) TO ruqima_admin;

-- A portal user's own password (修改密码, app/admin/password.c): the C code checks the
-- current password against this hash (yescrypt, in C like the login) before it sets a new one.
CREATE OR REPLACE FUNCTION rq.admin_own_password_hash() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
    SELECT u.password_hash FROM rq.admin_users u WHERE u.id = rq.current_admin_id() AND u.active
$$;
GRANT EXECUTE ON FUNCTION rq.admin_own_password_hash() TO ruqima_admin;

-- Sets the acting portal user's own password to p_password_hash (made by the caller) and
-- ends their other sessions — a password someone else learnt stops working everywhere —
-- but not the one of the request (p_session_token), so the portal page stays logged in.
-- Answers (rq.outcome) ok with data {sessions_ended}, or user-inactive. Raises 42501 for
-- anyone but a portal user.
CREATE OR REPLACE FUNCTION rq.admin_own_password_set(p_password_hash text, p_session_token text) RETURNS rq.outcome LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    n int := 0;
BEGIN
    IF rq.current_admin_id() IS NULL THEN
        RAISE EXCEPTION 'only a portal user changes their own password'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE rq.admin_users SET password_hash = p_password_hash
     WHERE id = rq.current_admin_id() AND active;
    IF NOT FOUND THEN
        RETURN rq.refusal('user-inactive');
    END IF;
    UPDATE rq.sessions s SET ended_at = now()
     WHERE s.admin_user_id = rq.current_admin_id() AND s.ended_at IS NULL
       AND s.token_hash <> sha256(convert_to(p_session_token, 'UTF8'));
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN rq.ok(jsonb_build_object('sessions_ended', n));
END
$$;
GRANT EXECUTE ON FUNCTION rq.admin_own_password_set(text, text) TO ruqima_admin;
