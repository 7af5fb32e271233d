-- lib/sql/auth.sql — mini-program accounts, portal logins and sessions (called by lib/rq_auth.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- ---------------------------------------------------------------------------------
-- Authentication functions. SECURITY DEFINER (they run as the owner, past RLS), with a
-- pinned search_path, EXECUTE revoked from PUBLIC and granted to the family role whose
-- routes log in: ruqima_registration (mini-program, /api/v1/auth/) and ruqima_admin (the
-- portal). The writes they make to audited tables need the actor context, so the worker
-- calls rq.set_actor('anonymous', ...) before logging anyone in.
--
-- Those two roles are trusted to authenticate (the admin pool checks the password, the
-- registration pool talks to WeChat); every other pool's role can neither open a session
-- nor read a password hash, the registration role opens no portal session, and each login,
-- session and logout is recorded in rq.auth_events (with the request id and address of
-- the actor context).
-- ---------------------------------------------------------------------------------

-- One row of rq.auth_events, with the request id of the actor context. Only the functions
-- below call it (as the owner): no role has EXECUTE.
CREATE OR REPLACE FUNCTION rq.auth_event(p_event text, p_kind text, p_username text, p_admin_user_id bigint, p_account_id bigint, p_session_id bigint, p_client_addr text) RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
    INSERT INTO rq.auth_events (event, actor_kind, username, admin_user_id, account_id,
                                session_id, client_addr, request_id)
    VALUES (p_event, p_kind, left(lower(p_username), 200), p_admin_user_id, p_account_id,
            p_session_id,
            left(coalesce(nullif(p_client_addr, ''),
                          nullif(current_setting('rq.client_addr', true), '')), 100),
            left(nullif(current_setting('rq.request_id', true), ''), 200))
$$;
REVOKE ALL ON FUNCTION rq.auth_event(text,text,text,bigint,bigint,bigint,text) FROM PUBLIC;

-- The family role the database session belongs to (session_user, a member of ruqima_app),
-- or NULL: which pool is calling, past SECURITY DEFINER.
CREATE OR REPLACE FUNCTION rq.caller_family() RETURNS text LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN session_user::text IN ('ruqima_registration', 'ruqima_evaluation',
                                            'ruqima_complaints', 'ruqima_reporting',
                                            'ruqima_admin')
                THEN substr(session_user::text, 8) END
$$;
REVOKE ALL ON FUNCTION rq.caller_family() FROM PUBLIC;

-- Mini-program login: the openid WeChat vouched for → accounts.id, creating the
-- account on first login. Records last_login_at; keeps a known unionid when WeChat
-- sends none. Raises 23514/23502 for an empty or overlong openid.
CREATE OR REPLACE FUNCTION rq.account_login(p_openid text, p_unionid text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_id bigint;
BEGIN
    INSERT INTO rq.accounts AS a (openid, unionid, last_login_at)
    VALUES (p_openid, nullif(p_unionid, ''), now())
    ON CONFLICT (openid) DO UPDATE
        SET last_login_at = now(),
            unionid = coalesce(EXCLUDED.unionid, a.unionid)
    RETURNING a.id INTO v_id;
    PERFORM rq.auth_event('login_success', 'account', NULL, NULL, v_id, NULL, NULL);
    RETURN v_id;
END
$$;
GRANT EXECUTE ON FUNCTION rq.account_login(text,text) TO ruqima_registration;

-- Opens a session; returns sessions.id. p_kind is 'account' (p_account_id set) or
-- 'admin' (p_admin_user_id and p_csrf_hash set); the table's CHECKs enforce the shape.
-- p_dev_login: made by the development login (RUQIMA_DEV_LOGIN=1), which a pool running
-- without it refuses and ends (rq.session_resolve, rq.sessions_end_dev).
-- Only the pool whose routes log that kind in may open it: an account's session the
-- registration pool (/api/v1/auth/), an admin's the admin pool (the portal login); the
-- owner (CLI, tests) any. Recorded in rq.auth_events with the new session's id.
-- Raises 22023 for a TTL that is not positive, 42501 for another pool's kind and for an
-- admin user that does not exist, is inactive or is locked (for a while, or by an admin),
-- 23505 when the token hash is already in use.
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
    IF session_user::text <> 'ruqima_owner'
       AND rq.caller_family() IS DISTINCT FROM
           (CASE p_kind WHEN 'account' THEN 'registration' WHEN 'admin' THEN 'admin' END) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = format('role %s may not open a session of kind %s', session_user,
                             p_kind);
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
    PERFORM rq.auth_event('session_created', p_kind,
                          (SELECT u.username FROM rq.admin_users u WHERE u.id = p_admin_user_id),
                          p_admin_user_id, p_account_id, v_id, p_client_addr);
    RETURN v_id;
END
$$;
GRANT EXECUTE ON FUNCTION rq.session_create(bytea,text,bigint,bigint,bytea,integer,text,boolean) TO ruqima_registration, ruqima_admin;

-- Token hash → who is calling, without writing anything: what a hot standby can answer (the
-- reporting pool's statistics routes look sessions up on their replica, lib/rq_auth.c). No
-- row when the token is unknown, ended, past expires_at, idle for p_idle_seconds or more,
-- or belongs to an inactive admin user. (A locked admin keeps open sessions: lockout stops
-- password guessing, and letting a guesser also end the real user's sessions would be a
-- denial of service.) role is the admin role, or 'account'; county_code and unit_id are the
-- admin's scope; seen_ago the seconds since the session's activity was last noted. A
-- session of the development login is no session at all to a pool that runs without it
-- (p_dev_login false). Raises 22023 for an idle limit that is not positive.
CREATE OR REPLACE FUNCTION rq.session_peek(p_token_hash bytea, p_idle_seconds int, p_dev_login boolean) RETURNS TABLE (session_id bigint, actor_kind text, account_id bigint, admin_user_id bigint, role text, county_code text, unit_id bigint, csrf_hash bytea, seen_ago double precision) LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
BEGIN
    IF p_idle_seconds IS NULL OR p_idle_seconds <= 0 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('session idle limit must be positive, got %s', p_idle_seconds);
    END IF;
    RETURN QUERY
    SELECT s.id, s.actor_kind, s.account_id, s.admin_user_id,
           CASE WHEN s.actor_kind = 'account' THEN 'account' ELSE u.role END,
           u.county_code, u.unit_id, s.csrf_hash,
           extract(epoch FROM now() - s.last_seen_at)::double precision
      FROM rq.sessions s
      LEFT JOIN rq.admin_users u ON u.id = s.admin_user_id
     WHERE s.token_hash = p_token_hash
       AND s.ended_at IS NULL
       AND now() < s.expires_at
       AND now() < s.last_seen_at + make_interval(secs => p_idle_seconds)
       AND (s.actor_kind = 'account' OR u.active)
       AND (NOT s.dev_login OR p_dev_login);
END
$$;
GRANT EXECUTE ON FUNCTION rq.session_peek(bytea,integer,boolean) TO ruqima_app;

-- rq.session_peek on the primary, noting the session's activity: touches last_seen_at only
-- when it is more than 30 s old, one write per session per half minute instead of one per
-- request, at the price of an idle timeout that is up to 30 s early. Disabling the
-- development login ends its sessions (each pool running without it also ends them in the
-- table when its workers start, rq.sessions_end_dev).
CREATE OR REPLACE FUNCTION rq.session_resolve(p_token_hash bytea, p_idle_seconds int, p_dev_login boolean) RETURNS TABLE (session_id bigint, actor_kind text, account_id bigint, admin_user_id bigint, role text, county_code text, unit_id bigint, csrf_hash bytea) LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
#variable_conflict use_column
DECLARE
    v_seen_ago double precision;
BEGIN
    SELECT p.session_id, p.actor_kind, p.account_id, p.admin_user_id, p.role, p.county_code,
           p.unit_id, p.csrf_hash, p.seen_ago
      INTO session_id, actor_kind, account_id, admin_user_id,
           role, county_code, unit_id, csrf_hash, v_seen_ago
      FROM rq.session_peek(p_token_hash, p_idle_seconds, p_dev_login) p;
    IF NOT FOUND THEN
        RETURN;
    END IF;

    IF v_seen_ago > 30 THEN
        UPDATE rq.sessions s SET last_seen_at = now()
         WHERE s.id = session_id AND s.last_seen_at < now() - interval '30 seconds';
    END IF;
    -- the proof that this transaction's actor comes from this live session, which the
    -- audit trigger checks (audit.actor_check; a forged actor has none); the worker passes
    -- it on to the request's later transactions (lib/rq_db.c)
    PERFORM pg_catalog.set_config('rq.actor_session',
                                  session_id || ':' || audit.actor_proof(session_id), true);
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

-- Logout: ends the session, recorded in rq.auth_events. Returns true when a live session
-- was ended, false when the token was unknown or already ended.
CREATE OR REPLACE FUNCTION rq.session_end(p_token_hash bytea)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    s rq.sessions%ROWTYPE;
BEGIN
    UPDATE rq.sessions SET ended_at = now()
     WHERE token_hash = p_token_hash AND ended_at IS NULL
    RETURNING * INTO s;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM rq.auth_event('logout', s.actor_kind,
                          (SELECT u.username FROM rq.admin_users u WHERE u.id = s.admin_user_id),
                          s.admin_user_id, s.account_id, s.id, NULL);
    RETURN true;
END
$$;
GRANT EXECUTE ON FUNCTION rq.session_end(bytea) TO ruqima_app;

-- Portal login, step 1 (committed on its own, before the password is checked): reserves a
-- failure in the three counters of the attempt (rq.login_throttle) — the client address, the
-- username, and the username from that address — or says how long the caller must wait
-- first. README, "Portal logins: the threat model":
--   address   a leaky bucket of 50 failures, drained one per 6 s (spraying names from one
--             address)
--   pair      the username from one address: p_pair_free failures (RUQIMA_LOGIN_MAX_FAILURES),
--             then a delay that doubles with each further failure, 1 s, 2 s, 4 s ... up to
--             p_max_delay seconds (RUQIMA_LOGIN_LOCKOUT); forgotten 24 h after its last one
--   username  a leaky bucket of 20 failures, drained one per 60 s (one name tried from many
--             addresses); not applied to an address the user logged in from within 30 days,
--             so that guessing elsewhere never locks the owner out where they work
-- The reservation is taken under row locks and before the check, so parallel tries cannot
-- pass a limit together; rq.login_end gives it back on success. A refused attempt reserves
-- nothing and reads no user: retry_after > 0 and no user columns, whether the username
-- exists or not. Otherwise retry_after 0 and the user of the (lower-case) username, if any,
-- with the hash the password is checked against — only this function reads it for the
-- application role. Rows untouched for 30 days are dropped now and then. Raises 22023 for
-- bad limits.
CREATE OR REPLACE FUNCTION rq.login_begin(p_username text, p_addr text, p_pair_free int,
                                          p_max_delay int)
RETURNS TABLE (retry_after int, id bigint, password_hash text, role text, active boolean,
               admin_locked boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
#variable_conflict use_column
DECLARE
    address_burst  constant double precision := 50;
    address_drain  constant double precision := 6;    -- seconds per failure
    username_burst constant double precision := 20;
    username_drain constant double precision := 60;
    forget         constant interval := '24 hours';
    known          constant interval := '30 days';
    v_user text := lower(p_username);
    v_addr text := coalesce(nullif(p_addr, ''), '-');
    v_pair text := lower(p_username) || ' ' || coalesce(nullif(p_addr, ''), '-');
    a      rq.login_throttle%ROWTYPE;
    p      rq.login_throttle%ROWTYPE;
    u      rq.login_throttle%ROWTYPE;
    v_a    double precision;
    v_p    double precision;
    v_u    double precision;
    v_wait double precision := 0;
BEGIN
    IF p_pair_free IS NULL OR p_pair_free < 1 OR p_max_delay IS NULL OR p_max_delay < 1 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('login_begin: bad limits (free failures %s, longest delay %s)',
                             p_pair_free, p_max_delay);
    END IF;
    IF random() < 0.01 THEN
        DELETE FROM rq.login_throttle t
         WHERE t.failed_at < now() - known
           AND (t.succeeded_at IS NULL OR t.succeeded_at < now() - known);
    END IF;
    -- the three rows, locked in one order (address, pair, username): no deadlock
    INSERT INTO rq.login_throttle (scope, key)
    VALUES ('address', v_addr), ('pair', v_pair), ('username', v_user)
    ON CONFLICT DO NOTHING;
    SELECT * INTO a FROM rq.login_throttle t WHERE t.scope = 'address' AND t.key = v_addr
       FOR UPDATE;
    SELECT * INTO p FROM rq.login_throttle t WHERE t.scope = 'pair' AND t.key = v_pair
       FOR UPDATE;
    SELECT * INTO u FROM rq.login_throttle t WHERE t.scope = 'username' AND t.key = v_user
       FOR UPDATE;

    v_a := greatest(0, a.failures - extract(epoch FROM now() - a.failed_at) / address_drain);
    v_u := greatest(0, u.failures - extract(epoch FROM now() - u.failed_at) / username_drain);
    v_p := CASE WHEN p.failed_at > now() - forget THEN p.failures ELSE 0 END;
    IF v_a + 1 > address_burst THEN
        v_wait := greatest(v_wait, (v_a + 1 - address_burst) * address_drain);
    END IF;
    IF v_u + 1 > username_burst AND NOT coalesce(p.succeeded_at > now() - known, false) THEN
        v_wait := greatest(v_wait, (v_u + 1 - username_burst) * username_drain);
    END IF;
    IF v_p >= p_pair_free THEN
        v_wait := greatest(v_wait, least(p_max_delay, power(2, v_p - p_pair_free))
                                   - extract(epoch FROM now() - p.failed_at));
    END IF;
    IF v_wait > 0 THEN
        PERFORM rq.auth_event('login_throttled', 'admin', v_user, NULL, NULL, NULL, p_addr);
        RETURN QUERY SELECT greatest(1, ceil(v_wait))::int, NULL::bigint, NULL::text,
                            NULL::text, NULL::boolean, NULL::boolean;
        RETURN;
    END IF;

    UPDATE rq.login_throttle t SET failures = v_a + 1, failed_at = now()
     WHERE t.scope = 'address' AND t.key = v_addr;
    UPDATE rq.login_throttle t SET failures = v_p + 1, failed_at = now()
     WHERE t.scope = 'pair' AND t.key = v_pair;
    UPDATE rq.login_throttle t SET failures = v_u + 1, failed_at = now()
     WHERE t.scope = 'username' AND t.key = v_user;
    RETURN QUERY SELECT 0, x.id, x.password_hash, x.role, x.active, x.admin_locked
                   FROM (SELECT 1) one LEFT JOIN rq.admin_users x ON x.username = v_user;
END
$$;
GRANT EXECUTE ON FUNCTION rq.login_begin(text,text,integer,integer) TO ruqima_admin;

-- Portal login, step 2: the outcome of the password check of an attempt rq.login_begin let
-- through. Success gives the reservation back (address, username), clears the pair's
-- failures and records the address as one the user logs in from; and clears the user's
-- failed_attempts. A failure stays counted; p_user_id (the existing, active user, or NULL)
-- gets failed_attempts + 1, audited under the request. Either is recorded in
-- rq.auth_events (a right password of a user locked by an admin as login_locked).
-- Returns nothing.
CREATE OR REPLACE FUNCTION rq.login_end(p_username text, p_addr text, p_user_id bigint,
                                        p_success boolean)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_user text := lower(p_username);
    v_addr text := coalesce(nullif(p_addr, ''), '-');
BEGIN
    IF NOT coalesce(p_success, false) THEN
        UPDATE rq.admin_users SET failed_attempts = failed_attempts + 1 WHERE id = p_user_id;
        PERFORM rq.auth_event('login_failure', 'admin', v_user, p_user_id, NULL, NULL, p_addr);
        RETURN;
    END IF;
    PERFORM rq.auth_event((CASE WHEN (SELECT u.admin_locked FROM rq.admin_users u
                                       WHERE u.id = p_user_id)
                                THEN 'login_locked' ELSE 'login_success' END),
                          'admin', v_user, p_user_id, NULL, NULL, p_addr);
    UPDATE rq.login_throttle t
       SET failures = CASE WHEN t.scope = 'pair' THEN 0 ELSE greatest(0, t.failures - 1) END,
           succeeded_at = CASE WHEN t.scope = 'pair' THEN now() ELSE t.succeeded_at END
     WHERE (t.scope, t.key) IN (('address', v_addr), ('pair', v_user || ' ' || v_addr),
                                ('username', v_user));
    UPDATE rq.admin_users SET failed_attempts = 0 WHERE id = p_user_id AND failed_attempts <> 0;
END
$$;
GRANT EXECUTE ON FUNCTION rq.login_end(text,text,bigint,boolean) TO ruqima_admin;

-- What an admin's unlock or password reset clears (rq.admin_user_change): the failures of
-- the username, from everywhere, so that the owner can log in again at once.
CREATE OR REPLACE FUNCTION rq.login_throttle_clear(p_username text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
    UPDATE rq.login_throttle t SET failures = 0
     WHERE t.failures > 0
       AND ((t.scope = 'username' AND t.key = lower(p_username))
            OR (t.scope = 'pair' AND split_part(t.key, ' ', 1) = lower(p_username)))
$$;
