-- 0004_accounts_admins_sessions.sql — who can log in, and their sessions.
--
-- Two kinds of identity (design §8):
--   accounts     mini-program users, identified by their WeChat openid
--   admin_users  intranet portal users, username + password (slow KDF, lockout)
-- and one table of opaque session tokens for both, stored only as hashes.
--
-- The application role reads these tables through row-level security (an actor sees
-- their own rows only) and writes them only through the SECURITY DEFINER functions at
-- the end of this file, each of which does one narrow thing.

-- ---------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------

CREATE TABLE rq.accounts (
    id            bigserial PRIMARY KEY,
    -- WeChat openid: stable per user per mini-program; the login key. Opaque.
    openid        text NOT NULL UNIQUE CHECK (char_length(openid) BETWEEN 1 AND 128),
    -- Only present when the mini-program is bound to an Open Platform account.
    unionid       text CHECK (char_length(unionid) BETWEEN 1 AND 128),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz
);
COMMENT ON TABLE rq.accounts IS
    'mini-program identities (WeChat openid); profiles and bindings hang off these';

CREATE TABLE rq.admin_users (
    id              bigserial PRIMARY KEY,
    username        text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9_.-]{3,64}$'),
    -- A crypt(3) string ($y$ yescrypt or $2b$ bcrypt, written by the CLI). The CHECK
    -- keeps a plaintext password from ever being stored by mistake.
    password_hash   text NOT NULL CHECK (password_hash ~ '^\$[0-9a-z]+\$'),
    -- What the portal lets the user do (design §2). Scope comes with the role:
    --   county_admin  → county_code; unit_admin → unit_id (and the unit's county).
    role            text NOT NULL
                    CHECK (role IN ('city_admin', 'county_admin', 'unit_admin',
                                    'market_supervision', 'discipline_inspector',
                                    'judicial_analyst')),
    county_code     text REFERENCES rq.regions (code) ON UPDATE CASCADE,
    unit_id         bigint REFERENCES rq.units (id),
    -- Deactivated users cannot log in, and their open sessions stop resolving.
    active          boolean NOT NULL DEFAULT true,
    -- Consecutive failed logins; reset by a successful one (rq.admin_login_record).
    failed_attempts int NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    -- Logins are refused until then.
    locked_until    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- A scoped role without its scope would see either nothing or, worse, everything.
    CONSTRAINT admin_users_county_admin_has_county
        CHECK (role <> 'county_admin' OR county_code IS NOT NULL),
    CONSTRAINT admin_users_unit_admin_has_unit
        CHECK (role <> 'unit_admin' OR unit_id IS NOT NULL)
);
COMMENT ON TABLE rq.admin_users IS
    'intranet portal users with their role and scope; created by `ruqima user add`';

CREATE TABLE rq.sessions (
    id            bigserial PRIMARY KEY,
    -- sha256 of the opaque token handed to the client; the token itself is never stored,
    -- so a copy of this table logs nobody in.
    token_hash    bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    actor_kind    text NOT NULL CHECK (actor_kind IN ('account', 'admin')),
    account_id    bigint REFERENCES rq.accounts (id),
    admin_user_id bigint REFERENCES rq.admin_users (id),
    -- Hash of the portal's CSRF token (admin sessions only; mini-program requests carry
    -- a bearer token that a browser never sends on its own, so they need none).
    csrf_hash     bytea CHECK (octet_length(csrf_hash) BETWEEN 16 AND 64),
    client_addr   text CHECK (char_length(client_addr) <= 64),
    created_at    timestamptz NOT NULL DEFAULT now(),
    -- Touched at most every 30 s by rq.session_resolve (idle timeout).
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    -- Absolute end of life (RUQIMA_SESSION_TTL after creation).
    expires_at    timestamptz NOT NULL,
    -- Set by logout (rq.session_end). Rows are kept, not deleted: they are the login
    -- history (who, when, from where).
    ended_at      timestamptz,
    -- The id column that matches the kind is set, the other is not.
    CONSTRAINT sessions_one_identity CHECK (
        (actor_kind = 'account' AND account_id IS NOT NULL AND admin_user_id IS NULL) OR
        (actor_kind = 'admin' AND admin_user_id IS NOT NULL AND account_id IS NULL)),
    CONSTRAINT sessions_admin_has_csrf CHECK (actor_kind <> 'admin' OR csrf_hash IS NOT NULL),
    CONSTRAINT sessions_expiry_after_creation CHECK (expires_at > created_at)
);
COMMENT ON TABLE rq.sessions IS
    'opaque login sessions of accounts and admin users (token stored as sha256); not row-audited';

CREATE INDEX sessions_account_idx ON rq.sessions (account_id) WHERE account_id IS NOT NULL;
CREATE INDEX sessions_admin_user_idx ON rq.sessions (admin_user_id) WHERE admin_user_id IS NOT NULL;

-- ---------------------------------------------------------------------------------
-- Audit. accounts and admin_users are row-audited like every business table; the
-- password hash never reaches audit.log (ruqima_report reads it): it is redacted, and
-- a change of it shows as "[redacted: changed]".
--
-- sessions is deliberately NOT row-audited: rq.session_resolve touches last_seen_at on
-- nearly every request, which would put a row in audit.log per request and bury the
-- changes that matter. The table is its own record: rows are never deleted, and
-- creation, last use and end are columns of the row.
-- ---------------------------------------------------------------------------------
SELECT audit.enable('rq.accounts');
SELECT audit.enable('rq.admin_users', 'id', ARRAY['password_hash']);

-- ---------------------------------------------------------------------------------
-- Privileges and row-level security.
--
-- FORCE makes the policies apply to the table owner as well, so every role's access
-- is spelled out below; the owner's own policy is USING (true), which is what the
-- SECURITY DEFINER functions (running as the owner) and the CLI need. Superusers and
-- BYPASSRLS roles are not subject to RLS at all; none of our roles is either.
-- ---------------------------------------------------------------------------------
ALTER TABLE rq.accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE rq.accounts FORCE ROW LEVEL SECURITY;
ALTER TABLE rq.admin_users ENABLE ROW LEVEL SECURITY;
ALTER TABLE rq.admin_users FORCE ROW LEVEL SECURITY;
ALTER TABLE rq.sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE rq.sessions FORCE ROW LEVEL SECURITY;

-- The application role: reads only, and only the actor's own rows. Writes go through
-- the functions below; the policies are FOR ALL so that a write privilege granted by a
-- later migration would still be confined to the actor's own rows.
GRANT SELECT ON rq.accounts, rq.sessions TO ruqima_app;
-- Column list: the password hash is readable only through rq.admin_login_lookup.
-- (So `SELECT * FROM rq.admin_users` fails for the app: name the columns.)
GRANT SELECT (id, username, role, county_code, unit_id, active, failed_attempts,
              locked_until, created_at)
    ON rq.admin_users TO ruqima_app;

CREATE POLICY accounts_app_own ON rq.accounts TO ruqima_app
    USING (id = rq.current_account_id());
CREATE POLICY sessions_app_own ON rq.sessions TO ruqima_app
    USING (account_id = rq.current_account_id() OR admin_user_id = rq.current_admin_id());
CREATE POLICY admin_users_app_own ON rq.admin_users TO ruqima_app
    USING (id = rq.current_admin_id());

-- The owner: everything. Migrations, the CLI (`ruqima user add`, `demo load`) and the
-- SECURITY DEFINER functions below run as ruqima_owner.
CREATE POLICY accounts_owner_all ON rq.accounts TO ruqima_owner
    USING (true) WITH CHECK (true);
CREATE POLICY sessions_owner_all ON rq.sessions TO ruqima_owner
    USING (true) WITH CHECK (true);
CREATE POLICY admin_users_owner_all ON rq.admin_users TO ruqima_owner
    USING (true) WITH CHECK (true);

-- Reporting: all accounts (counts, activity); admin users without anything secret
-- (no password hash, no lockout state), to name who did what; no sessions.
GRANT SELECT ON rq.accounts TO ruqima_report;
GRANT SELECT (id, username, role, county_code, unit_id, active, created_at)
    ON rq.admin_users TO ruqima_report;
CREATE POLICY accounts_report_read ON rq.accounts FOR SELECT TO ruqima_report
    USING (true);
CREATE POLICY admin_users_report_read ON rq.admin_users FOR SELECT TO ruqima_report
    USING (true);

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
CREATE FUNCTION rq.account_login(p_openid text, p_unionid text)
RETURNS bigint
LANGUAGE sql
SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
    INSERT INTO rq.accounts AS a (openid, unionid, last_login_at)
    VALUES (p_openid, nullif(p_unionid, ''), now())
    ON CONFLICT (openid) DO UPDATE
        SET last_login_at = now(),
            unionid = coalesce(EXCLUDED.unionid, a.unionid)
    RETURNING a.id
$$;

-- Opens a session; returns sessions.id. p_kind is 'account' (p_account_id set) or
-- 'admin' (p_admin_user_id and p_csrf_hash set); the table's CHECKs enforce the shape.
-- Raises 22023 for a TTL that is not positive, 42501 for an admin user that does not
-- exist, is inactive or is locked, 23505 when the token hash is already in use.
CREATE FUNCTION rq.session_create(p_token_hash bytea, p_kind text, p_account_id bigint,
                                  p_admin_user_id bigint, p_csrf_hash bytea,
                                  p_ttl_seconds int, p_client_addr text)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
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
             WHERE u.id = p_admin_user_id AND u.active
               AND (u.locked_until IS NULL OR u.locked_until <= now())) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = format('admin user %s does not exist, is inactive or is locked',
                             p_admin_user_id);
    END IF;
    INSERT INTO rq.sessions (token_hash, actor_kind, account_id, admin_user_id, csrf_hash,
                             client_addr, created_at, last_seen_at, expires_at)
    VALUES (p_token_hash, p_kind, p_account_id, p_admin_user_id, p_csrf_hash,
            nullif(p_client_addr, ''), now(), now(),
            now() + make_interval(secs => p_ttl_seconds))
    RETURNING id INTO v_id;
    RETURN v_id;
END
$$;

-- Token hash → who is calling. No row when the token is unknown, ended, past
-- expires_at, idle for p_idle_seconds or more, or belongs to an inactive admin user.
-- (A locked admin keeps open sessions: lockout stops password guessing, and letting a
-- guesser also end the real user's sessions would be a denial of service.)
-- role is the admin role, or 'account'; county_code and unit_id are the admin's scope.
-- Touches last_seen_at only when it is more than 30 s old: one write per session per
-- half minute instead of one per request, at the price of an idle timeout that is up
-- to 30 s early. Raises 22023 for an idle limit that is not positive.
CREATE FUNCTION rq.session_resolve(p_token_hash bytea, p_idle_seconds int)
RETURNS TABLE (session_id bigint, actor_kind text, account_id bigint, admin_user_id bigint,
               role text, county_code text, unit_id bigint, csrf_hash bytea)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
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
       AND (s.actor_kind = 'account' OR u.active);
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

-- Logout: ends the session. Returns true when a live session was ended, false when
-- the token was unknown or already ended.
CREATE FUNCTION rq.session_end(p_token_hash bytea)
RETURNS boolean
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
BEGIN
    UPDATE rq.sessions SET ended_at = now()
     WHERE token_hash = p_token_hash AND ended_at IS NULL;
    RETURN FOUND;
END
$$;

-- Portal login, step 1: what the password is checked against. No row for an unknown
-- username; the caller must then still run its KDF on a dummy hash, so that timing
-- does not tell which usernames exist. The username is matched in lower case.
CREATE FUNCTION rq.admin_login_lookup(p_username text)
RETURNS TABLE (id bigint, password_hash text, role text, active boolean,
               locked_until timestamptz)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
    SELECT u.id, u.password_hash, u.role, u.active, u.locked_until
      FROM rq.admin_users u
     WHERE u.username = lower(p_username)
$$;

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
CREATE FUNCTION rq.admin_login_record(p_id bigint, p_success boolean, p_max_failures int,
                                      p_lockout_seconds int)
RETURNS timestamptz
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
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

-- `ruqima user add`: creates a portal user; returns its id. The CLI hashes the
-- password. Owner only (the CLI connects as ruqima_owner); not granted to the app.
-- Raises 23505 for a taken username, 23514 for a bad username, hash, role or scope,
-- 23503 for an unknown county or unit.
CREATE FUNCTION rq.admin_user_create(p_username text, p_password_hash text, p_role text,
                                     p_county_code text, p_unit_id bigint)
RETURNS bigint
LANGUAGE sql
SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
    INSERT INTO rq.admin_users (username, password_hash, role, county_code, unit_id)
    VALUES (p_username, p_password_hash, p_role, p_county_code, p_unit_id)
    RETURNING id
$$;

REVOKE ALL ON FUNCTION rq.account_login(text, text),
                       rq.session_create(bytea, text, bigint, bigint, bytea, int, text),
                       rq.session_resolve(bytea, int),
                       rq.session_end(bytea),
                       rq.admin_login_lookup(text),
                       rq.admin_login_record(bigint, boolean, int, int),
                       rq.admin_user_create(text, text, text, text, bigint)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rq.account_login(text, text),
                          rq.session_create(bytea, text, bigint, bigint, bytea, int, text),
                          rq.session_resolve(bytea, int),
                          rq.session_end(bytea),
                          rq.admin_login_lookup(text),
                          rq.admin_login_record(bigint, boolean, int, int)
    TO ruqima_app;
