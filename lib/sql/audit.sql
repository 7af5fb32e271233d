-- lib/sql/audit.sql — the row-level audit trail: the trigger function, its installer and the append-only protection of audit.log (app/DESIGN.md §7).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- ---------------------------------------------------------------------------------
-- audit.record() — the one generic row trigger.
--
-- Arguments (set by audit.enable, never by hand):
--   TG_ARGV[0]  primary key column, or a comma-separated list for a composite key
--               (default 'id')
--   TG_ARGV[1]  comma-separated columns whose values are never copied into the log
--               (e.g. admin_users.password_hash, which ruqima_report must not read)
--   TG_ARGV[2]  comma-separated columns that name the actor of a sealed transaction
--               (e.g. evaluation_raters.account_id of an anonymous rating)
--
-- A sealed transaction (rq.actor_seal(): an anonymous rating, app/DESIGN.md §7) writes its
-- rows without the actor's id and client address, and with "[sealed]" for the values of
-- the sealed columns; what was taken out goes to audit.sealed under the log row's id,
-- which only discipline inspectors read (through rq.sealed_audit_page).
--
-- SECURITY DEFINER so that it can insert into audit.log, which the application role
-- cannot touch; search_path pinned so that nothing a caller creates is resolved here.
--
-- Raises 42501 when no actor context is set: every write must say who made it.
-- An UPDATE that changes nothing (old row = new row) is not logged: it changes no
-- state, and logging it would only add noise (e.g. a re-saved form).
-- ---------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION audit.record() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_kind    text := nullif(current_setting('rq.actor_kind', true), '');
    v_sealed  boolean := coalesce(current_setting('rq.actor_sealed', true) = 'on', false);
    v_actor   text := nullif(current_setting('rq.actor_id', true), '');
    v_addr    text := nullif(current_setting('rq.client_addr', true), '');
    v_pk_cols text[];
    v_redact  text[];
    v_old     jsonb;
    v_new     jsonb;
    v_row     jsonb;
    v_pk      text;
    v_col     text;
    v_old_seal jsonb;
    v_new_seal jsonb;
    v_log_id  bigint;
BEGIN
    IF v_kind IS NULL THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = 'write refused: no actor context (rq.actor_kind) set',
            DETAIL = format('%s on %I.%I', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME),
            HINT = 'call rq.set_actor(...) in the same transaction before writing';
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

    -- Primary key, read from whichever image exists; none for a TRUNCATE (the one
    -- statement-level trigger, see audit.enable), which has no row images either.
    v_row := coalesce(v_new, v_old);
    v_pk_cols := string_to_array(coalesce(nullif(TG_ARGV[0], ''), 'id'), ',');
    IF v_row IS NULL THEN
        v_pk := NULL;
    ELSIF cardinality(v_pk_cols) = 1 THEN
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

    -- Sealing: the values of the columns that name the actor move to audit.sealed.
    IF v_sealed THEN
        FOREACH v_col IN ARRAY coalesce(string_to_array(nullif(TG_ARGV[2], ''), ','), '{}') LOOP
            IF v_new IS NOT NULL AND v_new ? v_col THEN
                v_new_seal := coalesce(v_new_seal, '{}') || jsonb_build_object(v_col, v_new -> v_col);
                v_new := jsonb_set(v_new, ARRAY[v_col], '"[sealed]"'::jsonb);
            END IF;
            IF v_old IS NOT NULL AND v_old ? v_col THEN
                v_old_seal := coalesce(v_old_seal, '{}') || jsonb_build_object(v_col, v_old -> v_col);
                v_old := jsonb_set(v_old, ARRAY[v_col], '"[sealed]"'::jsonb);
            END IF;
        END LOOP;
    END IF;

    -- The one record of every write (row or TRUNCATE); sealed, it names nobody here.
    INSERT INTO audit.log (table_name, operation, row_pk, old_row, new_row,
                           actor_kind, actor_id, actor_role, request_id, client_addr)
    VALUES (format('%I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME), TG_OP, v_pk, v_old, v_new,
            v_kind,
            CASE WHEN NOT v_sealed THEN v_actor END,
            nullif(current_setting('rq.actor_role', true), ''),
            nullif(current_setting('rq.request_id', true), ''),
            CASE WHEN NOT v_sealed THEN v_addr END)
    RETURNING id INTO v_log_id;
    IF v_sealed THEN
        INSERT INTO audit.sealed (log_id, actor_kind, actor_id, actor_role, client_addr,
                                  old_values, new_values)
        VALUES (v_log_id, v_kind, v_actor, nullif(current_setting('rq.actor_role', true), ''),
                v_addr, v_old_seal, v_new_seal);
    END IF;
    RETURN NULL;                        -- AFTER trigger: the return value is ignored
END
$$;

COMMENT ON FUNCTION audit.record() IS
    'AFTER row trigger (and AFTER TRUNCATE statement trigger) writing audit.log; '
    'attach with audit.enable(), never by hand';

-- ---------------------------------------------------------------------------------
-- audit.enable(table, pk, redact, sealed) — puts a table under audit. Idempotent (drops
-- and re-creates the triggers), so lib/sql/tables.sql may call it again with new arguments.
--   p_pk      primary key column, or 'a,b' for a composite key
--   p_redact  columns never copied into the log
--   p_sealed  columns that name the actor: kept out of the log by a sealed transaction
-- Raises 42703 when a named column does not exist.
-- Creates:
--   audit_row       AFTER INSERT OR UPDATE OR DELETE FOR EACH ROW
--   audit_truncate  AFTER TRUNCATE FOR EACH STATEMENT
-- Owner only (ruqima migrate).
-- ---------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION audit.enable(p_table regclass, p_pk text DEFAULT 'id',
                             p_redact text[] DEFAULT '{}', p_sealed text[] DEFAULT '{}')
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
    FOREACH v_col IN ARRAY string_to_array(p_pk, ',') || coalesce(p_redact, '{}')
                           || coalesce(p_sealed, '{}') LOOP
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
                   'FOR EACH ROW EXECUTE FUNCTION audit.record(%L, %L, %L)',
                   p_table, p_pk, array_to_string(coalesce(p_redact, '{}'), ','),
                   array_to_string(coalesce(p_sealed, '{}'), ','));
    EXECUTE format('DROP TRIGGER IF EXISTS audit_truncate ON %s', p_table);
    EXECUTE format('CREATE TRIGGER audit_truncate AFTER TRUNCATE ON %s '
                   'FOR EACH STATEMENT EXECUTE FUNCTION audit.record()', p_table);
END
$$;

COMMENT ON FUNCTION audit.enable(regclass, text, text[], text[]) IS
    'attaches audit.record() to a table (idempotent); used by lib/sql/tables.sql for every '
    'creates a business table';

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
CREATE OR REPLACE FUNCTION audit.refuse_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE')
       AND current_setting('audit.maintenance', true) = 'on' THEN
        RETURN OLD;                     -- NULL for the TRUNCATE statement trigger: fine
    END IF;
    RAISE EXCEPTION USING
        ERRCODE = 'insufficient_privilege',
        MESSAGE = format('%I.%I is append-only: %s refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP),
        HINT = CASE WHEN TG_OP = 'UPDATE' THEN 'audit rows are never changed'
                    ELSE 'old rows are removed only by audit.purge_before(cutoff, reason)' END;
END
$$;

COMMENT ON FUNCTION audit.refuse_change() IS
    'BEFORE trigger on audit.log and audit.sealed: refuses UPDATE always, DELETE/TRUNCATE '
    'outside audit.purge_before()';

-- audit.log, and audit.sealed with it (it completes the log's rows): append-only alike.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['log', 'sealed'] LOOP
        EXECUTE format('CREATE OR REPLACE TRIGGER %I BEFORE UPDATE OR DELETE ON audit.%I'
                       ' FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()',
                       t || '_refuse_update_delete', t);
        EXECUTE format('CREATE OR REPLACE TRIGGER %I BEFORE TRUNCATE ON audit.%I'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()',
                       t || '_refuse_truncate', t);
    END LOOP;
END
$$;

-- ---------------------------------------------------------------------------------
-- audit.purge_before(cutoff, reason) — the one sanctioned way to remove audit rows
-- (retention). Deletes every row older than p_before except earlier MAINTENANCE rows
-- (a purge never erases the record of a previous purge), with the sealed actors of those
-- rows (audit.sealed), then appends a MAINTENANCE row saying who purged, up to when, why,
-- and how many rows went.
-- Returns the number of rows deleted.
-- Raises 22023 when the reason is empty or the cutoff is NULL or in the future.
-- Owner only: EXECUTE is revoked from PUBLIC and granted to nobody.
-- ---------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION audit.purge_before(p_before timestamptz, p_reason text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
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
    DELETE FROM audit.sealed s USING audit.log l
     WHERE l.id = s.log_id AND l.at < p_before AND l.operation <> 'MAINTENANCE';
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
