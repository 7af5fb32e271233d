-- 0001_audit.sql — schemas, the actor context, and the append-only row audit trail.
--
-- Design §7: every change of every business row is written to audit.log with who
-- (actor kind, id, role), the request id, the client address, the transaction and the
-- time. The actor reaches the trigger through transaction-local settings that each
-- worker sets at the start of its request (rq.set_actor), and that the migration runner
-- sets to 'system' before every file. A write without an actor is refused, so a code
-- path that forgot to set one fails loudly instead of leaving an anonymous hole.
--
-- The runner wraps this file in one transaction; no BEGIN/COMMIT here.

-- ---------------------------------------------------------------------------------
-- Schemas. Both are owned by the role running the migrations (ruqima_owner). New
-- schemas grant nothing to PUBLIC; the REVOKEs only say so out loud.
-- ---------------------------------------------------------------------------------
CREATE SCHEMA rq;
COMMENT ON SCHEMA rq IS 'ruqima business tables and functions';
CREATE SCHEMA audit;
COMMENT ON SCHEMA audit IS 'append-only row audit trail (design §7)';

REVOKE ALL ON SCHEMA rq FROM PUBLIC;
REVOKE ALL ON SCHEMA audit FROM PUBLIC;
GRANT USAGE ON SCHEMA rq TO ruqima_app, ruqima_report;
-- Reporting reads audit.log, so it needs to reach the schema. The application role gets
-- nothing here: the audit trigger runs as the owner (SECURITY DEFINER), and firing a
-- trigger needs no privilege on its function or schema.
GRANT USAGE ON SCHEMA audit TO ruqima_report;

-- The runner creates public.schema_migrations before the first file; the health
-- endpoints of every pool (ruqima_app) and reporting report the applied version.
GRANT SELECT ON public.schema_migrations TO ruqima_app, ruqima_report;

-- ---------------------------------------------------------------------------------
-- Actor context (SPEC "Actor context"). Transaction-local settings:
--   rq.actor_kind   'anonymous' | 'account' | 'admin' | 'system'
--   rq.actor_id     accounts.id / admin_users.id as text; free text for 'system'
--   rq.actor_role   admin role, 'account', or e.g. 'owner' for the runner
--   rq.actor_county region code the admin is scoped to
--   rq.actor_unit   unit id the admin is scoped to
--   rq.request_id   nginx $request_id (also in the log line and X-Request-Id)
--   rq.client_addr  REMOTE_ADDR
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
CREATE FUNCTION rq.set_actor(p_kind text, p_id text, p_role text, p_county text,
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

-- Readers. Plain SQL, STABLE and without SET clauses so the planner can inline them and
-- use an index for policies like (id = rq.current_account_id()). pg_catalog is always
-- searched first unless a caller deliberately puts it later, and these run with the
-- caller's rights, so the explicit schema only guards the caller against itself.

-- 'anonymous' | 'account' | 'admin' | 'system', or NULL when no context was set.
CREATE FUNCTION rq.actor_kind() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(pg_catalog.current_setting('rq.actor_kind', true), '') $$;

-- The admin role (or 'account', 'owner'...) of the actor, or NULL.
CREATE FUNCTION rq.actor_role() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(pg_catalog.current_setting('rq.actor_role', true), '') $$;

-- The region code the actor is scoped to (county admins), or NULL.
CREATE FUNCTION rq.actor_county() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(pg_catalog.current_setting('rq.actor_county', true), '') $$;

-- The unit id the actor is scoped to (unit admins), as text, or NULL.
CREATE FUNCTION rq.actor_unit() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(pg_catalog.current_setting('rq.actor_unit', true), '') $$;

-- accounts.id of the actor when the actor is a mini-program account, else NULL.
-- rq.set_actor guarantees the id is numeric; a hand-set non-numeric id raises 22P02,
-- which fails the query rather than widening it.
CREATE FUNCTION rq.current_account_id() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN pg_catalog.current_setting('rq.actor_kind', true) = 'account'
                THEN nullif(pg_catalog.current_setting('rq.actor_id', true), '')::bigint
           END
$$;

-- admin_users.id of the actor when the actor is a portal admin, else NULL.
CREATE FUNCTION rq.current_admin_id() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN pg_catalog.current_setting('rq.actor_kind', true) = 'admin'
                THEN nullif(pg_catalog.current_setting('rq.actor_id', true), '')::bigint
           END
$$;

REVOKE ALL ON FUNCTION rq.set_actor(text, text, text, text, text, text, text),
                       rq.actor_kind(), rq.actor_role(), rq.actor_county(), rq.actor_unit(),
                       rq.current_account_id(), rq.current_admin_id()
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rq.set_actor(text, text, text, text, text, text, text),
                          rq.actor_kind(), rq.actor_role(), rq.actor_county(), rq.actor_unit(),
                          rq.current_account_id(), rq.current_admin_id()
    TO ruqima_app, ruqima_report;

-- ---------------------------------------------------------------------------------
-- audit.log — one row per changed row of every audited table, never updated.
-- ---------------------------------------------------------------------------------
CREATE TABLE audit.log (
    id          bigserial PRIMARY KEY,
    -- clock_timestamp(), not now(): rows of one long transaction keep their order in time.
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- schema-qualified, e.g. 'rq.enterprises'; 'audit.log' for MAINTENANCE rows.
    table_name  text NOT NULL,
    -- MAINTENANCE: a row written by audit.purge_before() recording a purge.
    operation   text NOT NULL
                CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'MAINTENANCE')),
    -- The primary key value as text; for a composite key, a JSON array of the values.
    -- NULL for TRUNCATE and MAINTENANCE.
    row_pk      text,
    old_row     jsonb,          -- UPDATE, DELETE
    new_row     jsonb,          -- INSERT, UPDATE; the details of a MAINTENANCE row
    actor_kind  text,           -- copied from the actor context at the time of the write
    actor_id    text,
    actor_role  text,
    request_id  text,
    client_addr text,
    -- The database login that made the change (session_user: ruqima_app for the
    -- workers, ruqima_owner for migrations and the CLI), independent of the actor
    -- context, which the client sets itself.
    db_user     text NOT NULL DEFAULT session_user,
    txid        bigint NOT NULL DEFAULT txid_current(),
    -- Shape of each kind of row, so a reader can rely on it.
    CONSTRAINT log_shape CHECK (
        CASE operation
            WHEN 'INSERT' THEN old_row IS NULL AND new_row IS NOT NULL
            WHEN 'UPDATE' THEN old_row IS NOT NULL AND new_row IS NOT NULL
            WHEN 'DELETE' THEN old_row IS NOT NULL AND new_row IS NULL
            WHEN 'TRUNCATE' THEN old_row IS NULL AND new_row IS NULL AND row_pk IS NULL
            WHEN 'MAINTENANCE' THEN new_row IS NOT NULL AND row_pk IS NULL
        END)
);
COMMENT ON TABLE audit.log IS
    'append-only trail: one row per INSERT/UPDATE/DELETE of an audited row, one per '
    'TRUNCATE of an audited table, one per purge (MAINTENANCE); see audit.record()';

-- "History of this row" (the enterprise sees every edit of a visit, design §5).
CREATE INDEX log_table_pk_idx ON audit.log (table_name, row_pk);
-- "Everything this request did" (X-Request-Id from a complaint or a log line).
CREATE INDEX log_request_id_idx ON audit.log (request_id);
-- Time ranges, and audit.purge_before().
CREATE INDEX log_at_idx ON audit.log (at);

-- Privileges: only the owner writes (through the SECURITY DEFINER functions below);
-- reporting reads; the application role has nothing, not even SELECT.
REVOKE ALL ON audit.log FROM PUBLIC;
REVOKE ALL ON SEQUENCE audit.log_id_seq FROM PUBLIC;
GRANT SELECT ON audit.log TO ruqima_report;

-- ---------------------------------------------------------------------------------
-- audit.record() — the one generic row trigger.
--
-- Arguments (set by audit.enable, never by hand):
--   TG_ARGV[0]  primary key column, or a comma-separated list for a composite key
--               (default 'id')
--   TG_ARGV[1]  comma-separated columns whose values are never copied into the log
--               (e.g. admin_users.password_hash, which ruqima_report must not read)
--
-- SECURITY DEFINER so that it can insert into audit.log, which the application role
-- cannot touch; search_path pinned so that nothing a caller creates is resolved here.
--
-- Raises 42501 when no actor context is set: every write must say who made it.
-- An UPDATE that changes nothing (old row = new row) is not logged: it changes no
-- state, and logging it would only add noise (e.g. a re-saved form).
-- ---------------------------------------------------------------------------------
CREATE FUNCTION audit.record() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_kind    text := nullif(current_setting('rq.actor_kind', true), '');
    v_pk_cols text[];
    v_redact  text[];
    v_old     jsonb;
    v_new     jsonb;
    v_row     jsonb;
    v_pk      text;
    v_col     text;
BEGIN
    IF v_kind IS NULL THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = 'write refused: no actor context (rq.actor_kind) set',
            DETAIL = format('%s on %I.%I', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME),
            HINT = 'call rq.set_actor(...) in the same transaction before writing';
    END IF;

    IF TG_LEVEL = 'STATEMENT' THEN
        -- Only TRUNCATE is wired at statement level (see audit.enable).
        INSERT INTO audit.log (table_name, operation, actor_kind, actor_id, actor_role,
                               request_id, client_addr)
        VALUES (format('%I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME), TG_OP, v_kind,
                nullif(current_setting('rq.actor_id', true), ''),
                nullif(current_setting('rq.actor_role', true), ''),
                nullif(current_setting('rq.request_id', true), ''),
                nullif(current_setting('rq.client_addr', true), ''));
        RETURN NULL;
    END IF;

    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        v_old := to_jsonb(OLD);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        v_new := to_jsonb(NEW);
    END IF;
    IF TG_OP = 'UPDATE' AND v_old = v_new THEN
        RETURN NULL;                    -- nothing changed: nothing to record
    END IF;

    -- Primary key, read from whichever image exists.
    v_row := coalesce(v_new, v_old);
    v_pk_cols := string_to_array(coalesce(nullif(TG_ARGV[0], ''), 'id'), ',');
    IF cardinality(v_pk_cols) = 1 THEN
        v_pk := v_row ->> v_pk_cols[1];
    ELSE
        SELECT jsonb_agg(v_row -> c ORDER BY n)::text INTO v_pk
          FROM unnest(v_pk_cols) WITH ORDINALITY AS k(c, n);
    END IF;

    -- Redaction: the value is replaced by a marker; an UPDATE that changed it says so.
    -- Done after the "nothing changed" test, so a password change alone is still logged.
    v_redact := string_to_array(nullif(TG_ARGV[1], ''), ',');
    IF v_redact IS NOT NULL THEN
        FOREACH v_col IN ARRAY v_redact LOOP
            IF v_new IS NOT NULL AND v_new ? v_col THEN
                v_new := jsonb_set(v_new, ARRAY[v_col],
                    CASE WHEN v_old IS NOT NULL AND v_old -> v_col IS DISTINCT FROM v_new -> v_col
                         THEN '"[redacted: changed]"'::jsonb
                         ELSE '"[redacted]"'::jsonb END);
            END IF;
            IF v_old IS NOT NULL AND v_old ? v_col THEN
                v_old := jsonb_set(v_old, ARRAY[v_col], '"[redacted]"'::jsonb);
            END IF;
        END LOOP;
    END IF;

    INSERT INTO audit.log (table_name, operation, row_pk, old_row, new_row,
                           actor_kind, actor_id, actor_role, request_id, client_addr)
    VALUES (format('%I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME), TG_OP, v_pk, v_old, v_new,
            v_kind,
            nullif(current_setting('rq.actor_id', true), ''),
            nullif(current_setting('rq.actor_role', true), ''),
            nullif(current_setting('rq.request_id', true), ''),
            nullif(current_setting('rq.client_addr', true), ''));
    RETURN NULL;                        -- AFTER trigger: the return value is ignored
END
$$;
COMMENT ON FUNCTION audit.record() IS
    'AFTER row trigger (and AFTER TRUNCATE statement trigger) writing audit.log; '
    'attach with audit.enable(), never by hand';
REVOKE ALL ON FUNCTION audit.record() FROM PUBLIC;

-- ---------------------------------------------------------------------------------
-- audit.enable(table, pk, redact) — puts a table under audit. Idempotent (drops and
-- re-creates the triggers), so a later migration may call it again with new arguments.
--   p_pk      primary key column, or 'a,b' for a composite key
--   p_redact  columns never copied into the log
-- Raises 42703 when a named column does not exist.
-- Creates:
--   audit_row       AFTER INSERT OR UPDATE OR DELETE FOR EACH ROW
--   audit_truncate  AFTER TRUNCATE FOR EACH STATEMENT
-- Owner only (migrations).
-- ---------------------------------------------------------------------------------
CREATE FUNCTION audit.enable(p_table regclass, p_pk text DEFAULT 'id',
                             p_redact text[] DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql
-- With only pg_catalog on the path, %s of a regclass is always schema-qualified.
-- client_min_messages: DROP TRIGGER IF EXISTS would NOTICE on every first call.
SET search_path = pg_catalog, pg_temp
SET client_min_messages = warning
AS $$
DECLARE
    v_col text;
BEGIN
    IF p_pk IS NULL OR p_pk !~ '^[a-z_][a-z0-9_]*(,[a-z_][a-z0-9_]*)*$' THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('audit.enable: bad primary key column list %L', p_pk);
    END IF;
    FOREACH v_col IN ARRAY string_to_array(p_pk, ',') || coalesce(p_redact, '{}') LOOP
        IF position(',' IN v_col) > 0 THEN
            RAISE EXCEPTION USING
                ERRCODE = 'invalid_parameter_value',
                MESSAGE = format('audit.enable: column name %L contains a comma', v_col);
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_attribute
                        WHERE attrelid = p_table AND attname = v_col
                          AND attnum > 0 AND NOT attisdropped) THEN
            RAISE EXCEPTION USING
                ERRCODE = 'undefined_column',
                MESSAGE = format('audit.enable: column %I does not exist in %s', v_col, p_table);
        END IF;
    END LOOP;

    EXECUTE format('DROP TRIGGER IF EXISTS audit_row ON %s', p_table);
    EXECUTE format('CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON %s '
                   'FOR EACH ROW EXECUTE FUNCTION audit.record(%L, %L)',
                   p_table, p_pk, array_to_string(coalesce(p_redact, '{}'), ','));
    EXECUTE format('DROP TRIGGER IF EXISTS audit_truncate ON %s', p_table);
    EXECUTE format('CREATE TRIGGER audit_truncate AFTER TRUNCATE ON %s '
                   'FOR EACH STATEMENT EXECUTE FUNCTION audit.record()', p_table);
END
$$;
COMMENT ON FUNCTION audit.enable(regclass, text, text[]) IS
    'attaches audit.record() to a table (idempotent); used by every migration that '
    'creates a business table';
REVOKE ALL ON FUNCTION audit.enable(regclass, text, text[]) FROM PUBLIC;

-- ---------------------------------------------------------------------------------
-- Append-only protection of audit.log itself.
--
-- ruqima_app and ruqima_report have no UPDATE/DELETE/TRUNCATE privilege on audit.log;
-- that is the real barrier for them. The triggers below also stop the owner: an
-- UPDATE is always refused, a DELETE or TRUNCATE only passes while the
-- transaction-local setting audit.maintenance is 'on', which audit.purge_before() sets
-- around its own DELETE and resets straight after.
--
-- Limits, stated plainly: PostgreSQL cannot reserve a custom setting to one function,
-- so the owner could set_config('audit.maintenance', 'on', true) by hand, or
-- ALTER TABLE audit.log DISABLE TRIGGER, or drop the table; a superuser can do anything.
-- These triggers stop accidents and careless scripts by the owner; trusting the owner
-- and the superuser beyond that is what owning the database means. Ship audit.log to
-- an external store if that trust is not enough.
-- ---------------------------------------------------------------------------------
CREATE FUNCTION audit.refuse_change() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE')
       AND current_setting('audit.maintenance', true) = 'on' THEN
        RETURN OLD;                     -- NULL for the TRUNCATE statement trigger: fine
    END IF;
    RAISE EXCEPTION USING
        ERRCODE = 'insufficient_privilege',
        MESSAGE = format('audit.log is append-only: %s refused', TG_OP),
        HINT = CASE WHEN TG_OP = 'UPDATE' THEN 'audit rows are never changed'
                    ELSE 'old rows are removed only by audit.purge_before(cutoff, reason)' END;
END
$$;
COMMENT ON FUNCTION audit.refuse_change() IS
    'BEFORE trigger on audit.log: refuses UPDATE always, DELETE/TRUNCATE outside '
    'audit.purge_before()';
REVOKE ALL ON FUNCTION audit.refuse_change() FROM PUBLIC;

CREATE TRIGGER log_refuse_update_delete
    BEFORE UPDATE OR DELETE ON audit.log
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER log_refuse_truncate
    BEFORE TRUNCATE ON audit.log
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

-- ---------------------------------------------------------------------------------
-- audit.purge_before(cutoff, reason) — the one sanctioned way to remove audit rows
-- (retention). Deletes every row older than p_before except earlier MAINTENANCE rows
-- (a purge never erases the record of a previous purge), then appends a MAINTENANCE
-- row saying who purged, up to when, why, and how many rows went.
-- Returns the number of rows deleted.
-- Raises 22023 when the reason is empty or the cutoff is NULL or in the future.
-- Owner only: EXECUTE is revoked from PUBLIC and granted to nobody.
-- ---------------------------------------------------------------------------------
CREATE FUNCTION audit.purge_before(p_before timestamptz, p_reason text)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_deleted bigint;
BEGIN
    IF p_reason IS NULL OR btrim(p_reason) = '' THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = 'purge refused: a reason is required';
    END IF;
    IF p_before IS NULL OR p_before > clock_timestamp() THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('purge refused: cutoff %L must not be NULL or in the future', p_before);
    END IF;

    PERFORM set_config('audit.maintenance', 'on', true);
    DELETE FROM audit.log WHERE at < p_before AND operation <> 'MAINTENANCE';
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    -- Reset at once; on an error the whole transaction, flag included, rolls back.
    PERFORM set_config('audit.maintenance', 'off', true);

    INSERT INTO audit.log (table_name, operation, new_row,
                           actor_kind, actor_id, actor_role, request_id, client_addr)
    VALUES ('audit.log', 'MAINTENANCE',
            jsonb_build_object('action', 'purge_before',
                               'cutoff', p_before,
                               'reason', p_reason,
                               'deleted', v_deleted,
                               'session_user', session_user),
            nullif(current_setting('rq.actor_kind', true), ''),
            nullif(current_setting('rq.actor_id', true), ''),
            nullif(current_setting('rq.actor_role', true), ''),
            nullif(current_setting('rq.request_id', true), ''),
            nullif(current_setting('rq.client_addr', true), ''));
    RETURN v_deleted;
END
$$;
COMMENT ON FUNCTION audit.purge_before(timestamptz, text) IS
    'retention: deletes audit rows older than the cutoff (never MAINTENANCE rows) and '
    'records the purge; owner only';
REVOKE ALL ON FUNCTION audit.purge_before(timestamptz, text) FROM PUBLIC;
