-- lib/sql/auth.sql — mini-program accounts, portal logins and sessions (called by lib/rq_auth.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- ---------------------------------------------------------------------------------
-- Authentication functions. SECURITY DEFINER (they run as the owner, past RLS), with a
-- pinned search_path, EXECUTE revoked from PUBLIC and granted to ruqima_app only.
-- The writes they make to audited tables need the actor context, so the worker calls
-- rq.set_actor('anonymous', ...) before logging anyone in.
--
-- The application role is trusted to authenticate (it checks the password, it talks
-- to WeChat); these functions narrow what a handler bug can do, they do not stop a
-- hostile ruqima_app from creating a session for any user.
-- ---------------------------------------------------------------------------------

-- Mini-program login: the openid WeChat vouched for → accounts.id, creating the
-- account on first login. Records last_login_at; keeps a known unionid when WeChat
-- sends none. Raises 23514/23502 for an empty or overlong openid.
CREATE OR REPLACE FUNCTION rq.account_login(p_openid text, p_unionid text)
RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
    INSERT INTO rq.accounts AS a (openid, unionid, last_login_at)
    VALUES (p_openid, nullif(p_unionid, ''), now())
    ON CONFLICT (openid) DO UPDATE
        SET last_login_at = now(),
            unionid = coalesce(EXCLUDED.unionid, a.unionid)
    RETURNING a.id
$$;
GRANT EXECUTE ON FUNCTION rq.account_login(text,text) TO ruqima_app;

-- Opens a session; returns sessions.id. p_kind is 'account' (p_account_id set) or
-- 'admin' (p_admin_user_id and p_csrf_hash set); the table's CHECKs enforce the shape.
-- p_dev_login: made by the development login (RUQIMA_DEV_LOGIN=1), which a pool running
-- without it refuses and ends (rq.session_resolve, rq.sessions_end_dev).
-- Raises 22023 for a TTL that is not positive, 42501 for an admin user that does not
-- exist, is inactive or is locked (for a while, or by an admin), 23505 when the token hash
-- is already in use.
CREATE OR REPLACE FUNCTION rq.session_create(p_token_hash bytea, p_kind text, p_account_id bigint,
                                  p_admin_user_id bigint, p_csrf_hash bytea,
                                  p_ttl_seconds int, p_client_addr text,
                                  p_dev_login boolean)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_id bigint;
BEGIN
    IF p_ttl_seconds IS NULL OR p_ttl_seconds <= 0 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('session ttl must be positive, got %s', p_ttl_seconds);
    END IF;
    IF p_kind = 'admin' AND NOT EXISTS (
            SELECT 1 FROM rq.admin_users u
             WHERE u.id = p_admin_user_id AND u.active AND NOT u.admin_locked
               AND (u.locked_until IS NULL OR u.locked_until <= now())) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = format('admin user %s does not exist, is inactive or is locked',
                             p_admin_user_id);
    END IF;
    INSERT INTO rq.sessions (token_hash, actor_kind, account_id, admin_user_id, csrf_hash,
                             client_addr, created_at, last_seen_at, expires_at, dev_login)
    VALUES (p_token_hash, p_kind, p_account_id, p_admin_user_id, p_csrf_hash,
            nullif(p_client_addr, ''), now(), now(),
            now() + make_interval(secs => p_ttl_seconds), coalesce(p_dev_login, false))
    RETURNING id INTO v_id;
    RETURN v_id;
END
$$;
GRANT EXECUTE ON FUNCTION rq.session_create(bytea,text,bigint,bigint,bytea,integer,text,boolean) TO ruqima_app;

-- Token hash → who is calling. No row when the token is unknown, ended, past
-- expires_at, idle for p_idle_seconds or more, or belongs to an inactive admin user.
-- (A locked admin keeps open sessions: lockout stops password guessing, and letting a
-- guesser also end the real user's sessions would be a denial of service.)
-- role is the admin role, or 'account'; county_code and unit_id are the admin's scope.
-- Touches last_seen_at only when it is more than 30 s old: one write per session per
-- half minute instead of one per request, at the price of an idle timeout that is up
-- to 30 s early. A session of the development login is no session at all to a pool that
-- runs without it (p_dev_login false): disabling the development login ends such sessions
-- (each such pool's workers also end them in the table when they start,
-- rq.sessions_end_dev). Raises 22023 for an idle limit that is not positive.
CREATE OR REPLACE FUNCTION rq.session_resolve(p_token_hash bytea, p_idle_seconds int,
                                   p_dev_login boolean)
RETURNS TABLE (session_id bigint, actor_kind text, account_id bigint, admin_user_id bigint,
               role text, county_code text, unit_id bigint, csrf_hash bytea)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
#variable_conflict use_column
DECLARE
    v_last_seen timestamptz;
BEGIN
    IF p_idle_seconds IS NULL OR p_idle_seconds <= 0 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('session idle limit must be positive, got %s', p_idle_seconds);
    END IF;

    SELECT s.id, s.actor_kind, s.account_id, s.admin_user_id,
           CASE WHEN s.actor_kind = 'account' THEN 'account' ELSE u.role END,
           u.county_code, u.unit_id, s.csrf_hash, s.last_seen_at
      INTO session_id, actor_kind, account_id, admin_user_id,
           role, county_code, unit_id, csrf_hash, v_last_seen
      FROM rq.sessions s
      LEFT JOIN rq.admin_users u ON u.id = s.admin_user_id
     WHERE s.token_hash = p_token_hash
       AND s.ended_at IS NULL
       AND now() < s.expires_at
       AND now() < s.last_seen_at + make_interval(secs => p_idle_seconds)
       AND (s.actor_kind = 'account' OR u.active)
       AND (NOT s.dev_login OR p_dev_login);
    IF NOT FOUND THEN
        RETURN;
    END IF;

    IF v_last_seen < now() - interval '30 seconds' THEN
        UPDATE rq.sessions s SET last_seen_at = now()
         WHERE s.id = session_id AND s.last_seen_at < now() - interval '30 seconds';
    END IF;
    RETURN NEXT;
END
$$;
GRANT EXECUTE ON FUNCTION rq.session_resolve(bytea,integer,boolean) TO ruqima_app;

-- Ends every live session of the development login; returns how many. Called by each worker
-- of a pool that runs without it, when it starts (lib/rq_auth.c): turning the development
-- login on again does not bring them back.
CREATE OR REPLACE FUNCTION rq.sessions_end_dev() RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
    WITH ended AS (
        UPDATE rq.sessions SET ended_at = now() WHERE dev_login AND ended_at IS NULL
        RETURNING 1)
    SELECT count(*) FROM ended
$$;
GRANT EXECUTE ON FUNCTION rq.sessions_end_dev() TO ruqima_app;

-- Logout: ends the session. Returns true when a live session was ended, false when
-- the token was unknown or already ended.
CREATE OR REPLACE FUNCTION rq.session_end(p_token_hash bytea)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
BEGIN
    UPDATE rq.sessions SET ended_at = now()
     WHERE token_hash = p_token_hash AND ended_at IS NULL;
    RETURN FOUND;
END
$$;
GRANT EXECUTE ON FUNCTION rq.session_end(bytea) TO ruqima_app;

-- Portal login, step 1: what the password is checked against. No row for an unknown
-- username; the caller must then still run its KDF on a dummy hash, so that timing
-- does not tell which usernames exist. The username is matched in lower case.
-- admin_locked: locked by the city admin (or `ruqima user lock`) until unlocked.
CREATE OR REPLACE FUNCTION rq.admin_login_lookup(p_username text)
RETURNS TABLE (id bigint, password_hash text, role text, active boolean,
               locked_until timestamptz, admin_locked boolean)
LANGUAGE sql
STABLE
SECURITY DEFINER SET search_path = rq, pg_temp AS $$
    SELECT u.id, u.password_hash, u.role, u.active, u.locked_until, u.admin_locked
      FROM rq.admin_users u
     WHERE u.username = lower(p_username)
$$;
GRANT EXECUTE ON FUNCTION rq.admin_login_lookup(text) TO ruqima_app;

-- Portal login, step 2: records the outcome of a password check; returns locked_until
-- (NULL = not locked; non-NULL and in the future = refuse the login).
--   success, not locked  → failed_attempts and an expired lock are cleared (only when
--                          set, so a normal login writes nothing); returns NULL.
--   success while locked → nothing changes; returns locked_until. The database keeps
--                          the lockout even if a caller forgot to check it first.
--   failure while locked → counted, the lock is not extended (else a guesser could
--                          keep the real user out forever at no cost).
--   failure otherwise    → counted (from 0 again after an expired lock); on reaching
--                          p_max_failures, locked_until := now() + p_lockout_seconds.
-- Raises P0002 for an unknown id, 22023 for a bad limit.
CREATE OR REPLACE FUNCTION rq.admin_login_record(p_id bigint, p_success boolean, p_max_failures int,
                                      p_lockout_seconds int)
RETURNS timestamptz
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_failed int;
    v_locked timestamptz;
BEGIN
    IF p_success IS NULL OR p_max_failures IS NULL OR p_max_failures < 1
       OR p_lockout_seconds IS NULL OR p_lockout_seconds < 0 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('admin_login_record: bad arguments (success %s, max failures %s, lockout %s)',
                             p_success, p_max_failures, p_lockout_seconds);
    END IF;

    SELECT u.failed_attempts, u.locked_until INTO v_failed, v_locked
      FROM rq.admin_users u WHERE u.id = p_id
       FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING
            ERRCODE = 'no_data_found',
            MESSAGE = format('admin user %s does not exist', p_id);
    END IF;

    IF v_locked IS NOT NULL AND v_locked > now() THEN
        IF NOT p_success THEN
            UPDATE rq.admin_users SET failed_attempts = failed_attempts + 1 WHERE id = p_id;
        END IF;
        RETURN v_locked;
    END IF;

    IF p_success THEN
        IF v_failed <> 0 OR v_locked IS NOT NULL THEN
            UPDATE rq.admin_users SET failed_attempts = 0, locked_until = NULL WHERE id = p_id;
        END IF;
        RETURN NULL;
    END IF;

    IF v_locked IS NOT NULL THEN        -- an expired lock: the count starts over
        v_failed := 0;
        v_locked := NULL;
    END IF;
    v_failed := v_failed + 1;
    IF v_failed >= p_max_failures THEN
        v_locked := now() + make_interval(secs => p_lockout_seconds);
    END IF;
    UPDATE rq.admin_users SET failed_attempts = v_failed, locked_until = v_locked
     WHERE id = p_id;
    RETURN v_locked;
END
$$;
GRANT EXECUTE ON FUNCTION rq.admin_login_record(bigint,boolean,integer,integer) TO ruqima_app;
