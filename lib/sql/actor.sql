-- lib/sql/actor.sql — the actor context: who is acting in this transaction (set by every worker and the CLI at the start of a transaction, read by policies, functions and the audit trigger).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- ---------------------------------------------------------------------------------
-- The actor context (app/DESIGN.md §7, §8). Transaction-local settings:
--   rq.actor_kind   'anonymous' | 'account' | 'admin' | 'system'
--   rq.actor_id     accounts.id / admin_users.id as text; free text for 'system'
--   rq.actor_role   admin role, 'account', or e.g. 'owner' for the runner
--   rq.actor_county region code the admin is scoped to
--   rq.actor_unit   unit id the admin is scoped to
--   rq.request_id   nginx $request_id (also in the log line and X-Request-Id)
--   rq.client_addr  REMOTE_ADDR
--   rq.actor_sealed 'on' once rq.actor_seal() sealed the transaction (not set by set_actor)
-- An unset custom setting reads as NULL (current_setting(name, true)) and one reset at
-- the end of a transaction reads as ''; the readers treat both as NULL.
--
-- These settings are trusted: any role can call set_config, so they are not a barrier
-- against a hostile database client. They are what row-level security and the audit
-- trail decide from, so that a handler bug in a WHERE clause cannot leak rows.
-- ---------------------------------------------------------------------------------

-- Sets the whole context at once, for the rest of the current transaction
-- (set_config(..., is_local => true)), so a pooled connection never carries one
-- request's actor into the next. NULL arguments are stored as ''.
-- Raises 22023 for an unknown kind, or for 'account'/'admin' without a numeric id.
CREATE OR REPLACE FUNCTION rq.set_actor(p_kind text, p_id text, p_role text, p_county text,
                             p_unit text, p_request_id text, p_client_addr text)
RETURNS void
LANGUAGE plpgsql
-- No SET search_path: every name used below is pg_catalog's, and the settings must
-- outlive the call (they would either way: a SET clause restores only the variables
-- it names, but keeping this function free of one makes that obvious).
AS $$
BEGIN
    IF p_kind IS NULL OR p_kind NOT IN ('anonymous', 'account', 'admin', 'system') THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('invalid actor kind %L', p_kind),
            HINT = 'one of anonymous, account, admin, system';
    END IF;
    IF p_kind IN ('account', 'admin') AND (p_id IS NULL OR p_id !~ '^[0-9]{1,18}$') THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('actor kind %s needs a numeric actor id, got %L', p_kind, p_id);
    END IF;
    PERFORM pg_catalog.set_config('rq.actor_kind', p_kind, true),
            pg_catalog.set_config('rq.actor_id', coalesce(p_id, ''), true),
            pg_catalog.set_config('rq.actor_role', coalesce(p_role, ''), true),
            pg_catalog.set_config('rq.actor_county', coalesce(p_county, ''), true),
            pg_catalog.set_config('rq.actor_unit', coalesce(p_unit, ''), true),
            pg_catalog.set_config('rq.request_id', coalesce(p_request_id, ''), true),
            pg_catalog.set_config('rq.client_addr', coalesce(p_client_addr, ''), true);
END
$$;

COMMENT ON FUNCTION rq.set_actor(text, text, text, text, text, text, text) IS
    'sets the transaction-local actor context read by RLS policies and audit.record()';
GRANT EXECUTE ON FUNCTION rq.set_actor(text,text,text,text,text,text,text) TO ruqima_app, ruqima_report;

-- Readers. Plain SQL, STABLE and without SET clauses so the planner can inline them and
-- use an index for policies like (id = rq.current_account_id()). pg_catalog is always
-- searched first unless a caller deliberately puts it later, and these run with the
-- caller's rights, so the explicit schema only guards the caller against itself.

-- 'anonymous' | 'account' | 'admin' | 'system', or NULL when no context was set.
CREATE OR REPLACE FUNCTION rq.actor_kind() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(pg_catalog.current_setting('rq.actor_kind', true), '') $$;
GRANT EXECUTE ON FUNCTION rq.actor_kind() TO ruqima_app, ruqima_report;

-- The admin role (or 'account', 'owner'...) of the actor, or NULL.
CREATE OR REPLACE FUNCTION rq.actor_role() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(pg_catalog.current_setting('rq.actor_role', true), '') $$;
GRANT EXECUTE ON FUNCTION rq.actor_role() TO ruqima_app, ruqima_report;

-- The region code the actor is scoped to (county admins), or NULL.
CREATE OR REPLACE FUNCTION rq.actor_county() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(pg_catalog.current_setting('rq.actor_county', true), '') $$;
GRANT EXECUTE ON FUNCTION rq.actor_county() TO ruqima_app, ruqima_report;

-- The unit id the actor is scoped to (unit admins), as text, or NULL.
CREATE OR REPLACE FUNCTION rq.actor_unit() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(pg_catalog.current_setting('rq.actor_unit', true), '') $$;
GRANT EXECUTE ON FUNCTION rq.actor_unit() TO ruqima_app, ruqima_report;

-- The actor's numeric id when the actor is of kind p_kind, else NULL. rq.set_actor
-- guarantees the id is numeric; a hand-set non-numeric id raises 22P02, which fails the
-- query rather than widening it. (SQL functions: inlined into the queries that call them.)
CREATE OR REPLACE FUNCTION rq.actor_id_of_kind(p_kind text) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN pg_catalog.current_setting('rq.actor_kind', true) = p_kind
                THEN nullif(pg_catalog.current_setting('rq.actor_id', true), '')::bigint
           END
$$;
GRANT EXECUTE ON FUNCTION rq.actor_id_of_kind(text) TO ruqima_app, ruqima_report;

-- accounts.id of the actor when the actor is a mini-program account, else NULL.
CREATE OR REPLACE FUNCTION rq.current_account_id() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT rq.actor_id_of_kind('account') $$;
GRANT EXECUTE ON FUNCTION rq.current_account_id() TO ruqima_app, ruqima_report;

-- admin_users.id of the actor when the actor is a portal admin, else NULL.
CREATE OR REPLACE FUNCTION rq.current_admin_id() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT rq.actor_id_of_kind('admin') $$;
GRANT EXECUTE ON FUNCTION rq.current_admin_id() TO ruqima_app, ruqima_report;

-- ---------------------------------------------------------------------------------
-- Functions: writes (SECURITY DEFINER)
-- ---------------------------------------------------------------------------------

-- The acting account, or 42501: these writes are made by mini-program accounts only.
CREATE OR REPLACE FUNCTION rq.require_account() RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = rq, pg_temp AS $$
BEGIN
    IF rq.current_account_id() IS NULL THEN
        RAISE EXCEPTION 'enterprise answers come from mini-program accounts only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN rq.current_account_id();
END
$$;
GRANT EXECUTE ON FUNCTION rq.require_account() TO ruqima_app;

-- The admin role of the actor, NULL for anyone else: each arm of a policy that depends on
-- an admin's role compares this once.
CREATE OR REPLACE FUNCTION rq.actor_admin_role() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN rq.actor_kind() = 'admin' THEN rq.actor_role() END $$;
GRANT EXECUTE ON FUNCTION rq.actor_admin_role() TO ruqima_app, ruqima_report;

-- Seals the rest of the transaction (app/DESIGN.md §7): audit rows written from now on
-- carry no actor id and no client address, and the columns that name the actor are kept
-- out of them (audit.record, audit.sealed). Called by the writes of an anonymous rating
-- before they write anything. Owner only: the SECURITY DEFINER writes call it.
CREATE OR REPLACE FUNCTION rq.actor_seal() RETURNS void
LANGUAGE sql
AS $$ SELECT pg_catalog.set_config('rq.actor_sealed', 'on', true) $$;
