-- lib/sql/audit.sql — the row-level audit trail: the trigger function, its installer and the append-only protection of audit.log (app/DESIGN.md §7).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- ---------------------------------------------------------------------------------
-- The hash chain (app/DESIGN.md §7, "The hash chain"). Every row inserted into audit.log
-- gets, in audit.chain_row (a BEFORE INSERT trigger on audit.log itself, so that the purge's
-- and the genesis's MAINTENANCE rows are chained like the trigger's), its content_hash:
-- sha256 of what a later anonymisation may replace (old_row, new_row, client_addr:
-- audit.content_hash). At the commit of its transaction (audit.chain_commit, a deferred
-- constraint trigger) it gets its link in audit.chain:
--   seq       the next place in one gap-free order (1, 2, 3 …)
--   row_hash  sha256(previous link's row_hash ‖ seq and the row's meta data as a JSON array
--             ‖ content_hash) (audit.row_hash); the genesis row's previous hash is empty
-- Committing writers are serialised by one transaction-level advisory lock, taken by the
-- first link and held through the commit: the head read under it is the last committed
-- link, and a transaction that rolls back leaves no gap. These formulas are frozen: a row
-- chained with them must verify with them forever (a change needs a new genesis).
-- ---------------------------------------------------------------------------------

-- sha256 of a row's content. Plain SQL without SET clauses, so that verify's big scan
-- inlines it; every name is schema-qualified.
CREATE OR REPLACE FUNCTION audit.content_hash(p_old jsonb, p_new jsonb, p_client_addr text) RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pg_catalog.sha256(pg_catalog.convert_to(
               pg_catalog.jsonb_build_array(p_old, p_new, p_client_addr)::text, 'UTF8'))
$$;

-- The chained hash of a row at place p_seq given its predecessor's (NULL or empty for the
-- genesis row): the place and everything of the row but the content, as a JSON array (times
-- in microseconds since 1970 UTC, so no time zone setting changes the text), then the
-- content's hash.
CREATE OR REPLACE FUNCTION audit.row_hash(p_prev bytea, p_seq bigint, l audit.log) RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pg_catalog.sha256(coalesce(p_prev, '\x'::bytea)
        || pg_catalog.convert_to(pg_catalog.jsonb_build_array(
               p_seq, l.id, (extract(epoch FROM l.at) * 1000000)::bigint, l.table_name,
               l.operation, l.row_pk, l.actor_kind, l.actor_id, l.actor_role, l.request_id,
               l.db_user, l.txid, l.actor_session, l.actor_verified,
               pg_catalog.encode(l.sealed_hash, 'hex'))::text, 'UTF8')
        || l.content_hash)
$$;

-- sha256 of what audit.sealed keeps of a sealed row (its columns, in their order).
CREATE OR REPLACE FUNCTION audit.sealed_hash(p_kind text, p_actor_id text, p_role text, p_client_addr text, p_old jsonb, p_new jsonb) RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pg_catalog.sha256(pg_catalog.convert_to(pg_catalog.jsonb_build_array(
               p_kind, p_actor_id, p_role, p_client_addr, p_old, p_new)::text, 'UTF8'))
$$;

-- A row written before the chain, hashed whole for the genesis row's digest.
CREATE OR REPLACE FUNCTION audit.legacy_row_hash(l audit.log) RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pg_catalog.sha256(pg_catalog.convert_to(pg_catalog.jsonb_build_array(
               l.id, (extract(epoch FROM l.at) * 1000000)::bigint, l.table_name, l.operation,
               l.row_pk, l.old_row, l.new_row, l.actor_kind, l.actor_id, l.actor_role,
               l.request_id, l.client_addr, l.db_user, l.txid)::text, 'UTF8'))
$$;

-- The proof that a worker resolved session p_session from its token in this database: a
-- keyed hash (sha256(key ‖ sha256(key ‖ id))) with the secret of audit.actor_key, which only
-- the owner reads. rq.session_resolve sets it with the session id as 'rq.actor_session'
-- ('<id>:<proof>'); a worker that forges an actor context has no proof of that actor's
-- session, and audit.chain_row records the row as unverified.
CREATE OR REPLACE FUNCTION audit.actor_proof(p_session bigint) RETURNS text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT encode(sha256(k.key || sha256(k.key || convert_to(p_session::text, 'UTF8'))), 'hex')
      FROM audit.actor_key k
$$;

-- Whether the transaction's actor context is what the database can vouch for, and the
-- session it claims (NULL when none): see audit.log.actor_verified. Runs as the owner
-- (SECURITY DEFINER of audit.chain_row), so session_user = current_user means the owner's
-- own login (the CLI, migrations).
CREATE OR REPLACE FUNCTION audit.actor_check(OUT verified boolean, OUT session_id bigint) LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_kind  text := nullif(current_setting('rq.actor_kind', true), '');
    v_actor text := nullif(current_setting('rq.actor_id', true), '');
    v_claim text := nullif(current_setting('rq.actor_session', true), '');
BEGIN
    IF v_claim ~ '^[0-9]{1,18}:[0-9a-f]{64}$' THEN
        session_id := split_part(v_claim, ':', 1)::bigint;
    END IF;
    IF v_kind = 'anonymous' THEN
        verified := true;               -- claims nobody
    ELSIF v_kind IN ('account', 'admin') THEN
        verified := session_id IS NOT NULL
            AND split_part(v_claim, ':', 2) = audit.actor_proof(session_id)
            AND EXISTS (SELECT 1 FROM rq.sessions s
                         WHERE s.id = session_id AND s.actor_kind = v_kind
                           AND CASE v_kind WHEN 'account' THEN s.account_id
                                           ELSE s.admin_user_id END::text = v_actor
                           AND (s.ended_at IS NULL OR s.ended_at >= now())
                           AND s.expires_at > now());
    ELSE
        verified := session_user = current_user;   -- 'system' (or none): the owner only
    END IF;
END
$$;

-- BEFORE INSERT on audit.log: the row's content hash and its actor's check, with no lock.
-- The row's actor_session is left out in a sealed transaction (it would name the rater).
-- Its link in the chain comes at commit (audit.chain_commit).
CREATE OR REPLACE FUNCTION audit.chain_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_chk record;
BEGIN
    v_chk := audit.actor_check();
    NEW.actor_verified := v_chk.verified;
    NEW.actor_session := CASE WHEN current_setting('rq.actor_sealed', true) = 'on' THEN NULL
                              ELSE v_chk.session_id END;
    NEW.content_hash := audit.content_hash(NEW.old_row, NEW.new_row, NEW.client_addr);
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION audit.chain_row() IS
    'BEFORE INSERT trigger on audit.log: the row''s content hash and whether its actor is '
    'verified';

-- Deferred AFTER INSERT constraint trigger on audit.log, fired at COMMIT for each row the
-- transaction wrote, in the order written: under the chain's advisory lock (taken by the
-- first, held through the commit) the row gets the next link of audit.chain. The lock is
-- held only while the transaction commits, not while it works, so writers overlap
-- everywhere but in their commits.
CREATE OR REPLACE FUNCTION audit.chain_commit() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_prev bytea;
    v_seq  bigint;
BEGIN
    -- (each row's event fires once: SET CONSTRAINTS ... IMMEDIATE in audit.chain_flush
    -- fires and removes it, and a second link would break the unique log_id)
    PERFORM pg_advisory_xact_lock(hashtextextended('audit.log chain', 14));
    SELECT c.seq, c.row_hash INTO v_seq, v_prev FROM audit.chain c ORDER BY c.seq DESC LIMIT 1;
    v_seq := coalesce(v_seq, 0) + 1;
    INSERT INTO audit.chain (seq, log_id, row_hash)
    VALUES (v_seq, NEW.id, audit.row_hash(v_prev, v_seq, NEW));
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION audit.chain_commit() IS
    'deferred constraint trigger on audit.log: the row''s link in audit.chain, at commit';

-- Chains the transaction's rows written so far now rather than at commit (audit.seal and
-- the purge, whose own MAINTENANCE row must be in the chain before they seal it).
CREATE OR REPLACE FUNCTION audit.chain_flush() RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    SET CONSTRAINTS audit.log_chain_commit IMMEDIATE;
    SET CONSTRAINTS audit.log_chain_commit DEFERRED;
END
$$;

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

    -- The one record of every write (row or TRUNCATE); sealed, it names nobody here, and
    -- the hash of what audit.sealed keeps binds that row into the chain (audit.chain_row).
    INSERT INTO audit.log (table_name, operation, row_pk, old_row, new_row,
                           actor_kind, actor_id, actor_role, request_id, client_addr,
                           sealed_hash)
    VALUES (format('%I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME), TG_OP, v_pk, v_old, v_new,
            v_kind,
            CASE WHEN NOT v_sealed THEN v_actor END,
            nullif(current_setting('rq.actor_role', true), ''),
            nullif(current_setting('rq.request_id', true), ''),
            CASE WHEN NOT v_sealed THEN v_addr END,
            CASE WHEN v_sealed THEN audit.sealed_hash(v_kind, v_actor,
                     nullif(current_setting('rq.actor_role', true), ''), v_addr,
                     v_old_seal, v_new_seal) END)
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

-- audit.log, and audit.sealed with it (it completes the log's rows), the chain and the
-- seals: append-only alike.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['log', 'sealed', 'seals', 'chain'] LOOP
        EXECUTE format('CREATE OR REPLACE TRIGGER %I BEFORE UPDATE OR DELETE ON audit.%I'
                       ' FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()',
                       t || '_refuse_update_delete', t);
        EXECUTE format('CREATE OR REPLACE TRIGGER %I BEFORE TRUNCATE ON audit.%I'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()',
                       t || '_refuse_truncate', t);
    END LOOP;
END
$$;


-- Every row inserted into audit.log is hashed (audit.chain_row) and chained at commit
-- (audit.chain_commit). An owner who disables them writes rows without a place in the
-- chain: verify finds them.
CREATE OR REPLACE TRIGGER log_chain BEFORE INSERT ON audit.log
    FOR EACH ROW EXECUTE FUNCTION audit.chain_row();
DROP TRIGGER IF EXISTS log_chain_commit ON audit.log;
CREATE CONSTRAINT TRIGGER log_chain_commit AFTER INSERT ON audit.log
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION audit.chain_commit();

-- ---------------------------------------------------------------------------------
-- audit.seal(reason) — records the chain's head (the last committed row) in audit.seals
-- and returns the seal. `ruqima audit seal` calls it (hourly by a timer, or by hand) and
-- then publishes it in the seal file; audit.purge_before seals its own record. The
-- public page shows every seal (rq.public_audit_seals). Owner only.
-- Raises 22023 for an unknown reason, P0002 when the chain is empty.
-- ---------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION audit.seal(p_reason text) RETURNS audit.seals LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_seal audit.seals;
BEGIN
    PERFORM audit.chain_flush();
    PERFORM pg_advisory_xact_lock(hashtextextended('audit.log chain', 14));
    INSERT INTO audit.seals (seq, row_hash, reason)
    SELECT c.seq, c.row_hash, p_reason FROM audit.chain c ORDER BY c.seq DESC LIMIT 1
    RETURNING * INTO v_seal;
    IF v_seal.id IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'no_data_found',
            MESSAGE = 'nothing to seal: the audit chain has no row yet';
    END IF;
    RETURN v_seal;
END
$$;

COMMENT ON FUNCTION audit.seal(text) IS
    'records the audit chain''s head in audit.seals (hourly, on demand, after a purge)';

-- ---------------------------------------------------------------------------------
-- audit.chain_genesis() — the chain's first row, once: a MAINTENANCE row recording the
-- rows written before the chain existed (their number, last id and a digest: sha256 of
-- their audit.legacy_row_hash in id order), then a seal of it. Does nothing when a chained
-- row exists. Called right below (this file is applied by every `ruqima migrate` that
-- changes it; migration 0050 made the columns). Owner only.
-- ---------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION audit.chain_genesis() RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_n      bigint;
    v_last   bigint;
    v_digest bytea;
BEGIN
    IF EXISTS (SELECT 1 FROM audit.chain) THEN
        RETURN;
    END IF;
    SELECT count(*), max(l.id), sha256(coalesce(string_agg(audit.legacy_row_hash(l), ''::bytea
                                                           ORDER BY l.id), ''::bytea))
      INTO v_n, v_last, v_digest
      FROM audit.log l;
    INSERT INTO audit.log (table_name, operation, new_row, actor_kind, actor_id, actor_role,
                           request_id)
    VALUES ('audit.log', 'MAINTENANCE',
            jsonb_build_object('action', 'chain_genesis', 'formula', 1,
                               'earlier_rows', v_n, 'earlier_last_id', v_last,
                               'earlier_digest', encode(v_digest, 'hex')),
            coalesce(nullif(current_setting('rq.actor_kind', true), ''), 'system'),
            nullif(current_setting('rq.actor_id', true), ''),
            nullif(current_setting('rq.actor_role', true), ''),
            nullif(current_setting('rq.request_id', true), ''));
    PERFORM audit.seal('genesis');
END
$$;

SELECT audit.chain_genesis();

-- ---------------------------------------------------------------------------------
-- audit.purge_before(cutoff, reason) — the one sanctioned way to remove audit rows
-- (retention). Deletes, under the chain's lock, every row up to the last chained row
-- written before the cutoff (and every row older than the cutoff written before the
-- chain) except MAINTENANCE rows (a purge never erases the record of a previous purge),
-- with the sealed actors of those rows (audit.sealed), then appends a MAINTENANCE row
-- saying who purged, up to when, why and how many rows went, and what the chain needs to
-- be verified without them: the last purged place (purged_through_seq) and its hash
-- (hash_at), and the place and hash of each MAINTENANCE row it kept before it (kept).
-- Then it seals that row (reason 'purge'; `ruqima audit seal` publishes it).
-- Returns the number of rows deleted.
-- Raises 22023 when the reason is empty or the cutoff is NULL or in the future.
-- Owner only: EXECUTE is revoked from PUBLIC and granted to nobody.
-- ---------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION audit.purge_before(p_before timestamptz, p_reason text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_deleted bigint;
    v_through bigint;
    v_hash_at bytea;
    v_kept    jsonb;
    v_legacy  bigint;
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

    PERFORM audit.chain_flush();
    PERFORM pg_advisory_xact_lock(hashtextextended('audit.log chain', 14));
    SELECT c.seq INTO v_through FROM audit.log l JOIN audit.chain c ON c.log_id = l.id
     WHERE l.at < p_before ORDER BY l.at DESC LIMIT 1;
    -- an earlier purge's range stays purged
    v_through := greatest(v_through, (SELECT max((l.new_row ->> 'purged_through_seq')::bigint)
                                        FROM audit.log l
                                       WHERE l.operation = 'MAINTENANCE'
                                         AND l.new_row ->> 'action' = 'purge_before'));
    SELECT c.row_hash INTO v_hash_at FROM audit.chain c WHERE c.seq = v_through;
    SELECT coalesce(jsonb_agg(jsonb_build_array(c.seq, encode(c.row_hash, 'hex')) ORDER BY c.seq),
                    '[]')
      INTO v_kept
      FROM audit.chain c JOIN audit.log l ON l.id = c.log_id
     WHERE c.seq <= v_through AND l.operation = 'MAINTENANCE';

    PERFORM set_config('audit.maintenance', 'on', true);
    DELETE FROM audit.sealed s USING audit.log l
     WHERE l.id = s.log_id AND l.operation <> 'MAINTENANCE'
       AND (l.id IN (SELECT c.log_id FROM audit.chain c WHERE c.seq <= v_through)
            OR (l.at < p_before AND NOT EXISTS (SELECT 1 FROM audit.chain c WHERE c.log_id = l.id)));
    DELETE FROM audit.log l WHERE l.operation <> 'MAINTENANCE' AND l.at < p_before
       AND NOT EXISTS (SELECT 1 FROM audit.chain c WHERE c.log_id = l.id);
    GET DIAGNOSTICS v_legacy = ROW_COUNT;
    DELETE FROM audit.log l USING audit.chain c
     WHERE c.log_id = l.id AND c.seq <= v_through AND l.operation <> 'MAINTENANCE';
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    v_deleted := v_deleted + v_legacy;
    -- the links of the rows gone go too; the kept rows keep theirs
    DELETE FROM audit.chain c WHERE c.seq <= v_through
       AND NOT EXISTS (SELECT 1 FROM audit.log l WHERE l.id = c.log_id);
    -- Reset at once; on an error the whole transaction, flag included, rolls back.
    PERFORM set_config('audit.maintenance', 'off', true);

    INSERT INTO audit.log (table_name, operation, new_row,
                           actor_kind, actor_id, actor_role, request_id, client_addr)
    VALUES ('audit.log', 'MAINTENANCE',
            jsonb_build_object('action', 'purge_before',
                               'cutoff', p_before,
                               'reason', p_reason,
                               'deleted', v_deleted,
                               'session_user', session_user,
                               'purged_through_seq', v_through,
                               'hash_at', encode(v_hash_at, 'hex'),
                               'kept', v_kept,
                               'pre_chain_deleted', v_legacy),
            nullif(current_setting('rq.actor_kind', true), ''),
            nullif(current_setting('rq.actor_id', true), ''),
            nullif(current_setting('rq.actor_role', true), ''),
            nullif(current_setting('rq.request_id', true), ''),
            nullif(current_setting('rq.client_addr', true), ''));
    PERFORM audit.seal('purge');
    RETURN v_deleted;
END
$$;

COMMENT ON FUNCTION audit.purge_before(timestamptz, text) IS
    'retention: deletes audit rows older than the cutoff (never MAINTENANCE rows), records '
    'and seals the purge; owner only';

-- ---------------------------------------------------------------------------------
-- Verification (`ruqima audit verify`, app/cli/audit.c). Read-only; owner only.
--
-- audit.verify_start(seal_seq, seal_hash) — where the chain's walk starts and what it
-- checks before: after the latest purge (its purged_through_seq, with its hash_at, and
-- its kept rows), at the given seal (its row must carry its hash), else at the genesis
-- row; the genesis digest of the rows before the chain (when no purge took any); rows
-- outside the chain. Returns the place to start after and the hash before it, the head,
-- and the first problem found (bad_seq/bad_id/problem NULL when none), with a note, and
-- the last place a purge took (0: none).
-- ---------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION audit.verify_start(p_seal_seq bigint, p_seal_hash bytea, OUT after_seq bigint, OUT prev_hash bytea, OUT head_seq bigint, OUT bad_seq bigint, OUT bad_id bigint, OUT problem text, OUT note text, OUT purged_through bigint) LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_purge   jsonb;
    v_genesis jsonb;
    v_through bigint := 0;
    v_row     record;
    v_k       jsonb;
BEGIN
    head_seq := (SELECT max(c.seq) FROM audit.chain c);
    after_seq := 0;
    purged_through := 0;
    prev_hash := ''::bytea;
    note := '';
    SELECT l.new_row INTO v_genesis FROM audit.chain c JOIN audit.log l ON l.id = c.log_id
     WHERE l.operation = 'MAINTENANCE' AND l.new_row ->> 'action' = 'chain_genesis'
     ORDER BY c.seq LIMIT 1;
    SELECT l.new_row INTO v_purge FROM audit.log l JOIN audit.chain c ON c.log_id = l.id
     WHERE l.operation = 'MAINTENANCE' AND l.new_row ->> 'action' = 'purge_before'
       AND l.new_row ->> 'purged_through_seq' IS NOT NULL
     ORDER BY c.seq DESC LIMIT 1;

    IF v_purge IS NOT NULL THEN
        v_through := (v_purge ->> 'purged_through_seq')::bigint;
        after_seq := v_through;
        purged_through := v_through;
        prev_hash := decode(v_purge ->> 'hash_at', 'hex');
        note := format('rows up to seq %s were purged; ', v_through);
        -- what it kept must be there, unchanged; nothing else may be
        FOR v_k IN SELECT * FROM jsonb_array_elements(v_purge -> 'kept') LOOP
            SELECT l.id, c.row_hash, l.content_hash,
                   audit.content_hash(l.old_row, l.new_row, l.client_addr) AS content_now
              INTO v_row FROM audit.chain c LEFT JOIN audit.log l ON l.id = c.log_id
             WHERE c.seq = (v_k ->> 0)::bigint;
            IF v_row.id IS NULL OR v_row.row_hash <> decode(v_k ->> 1, 'hex')
               OR v_row.content_hash <> v_row.content_now THEN
                bad_seq := (v_k ->> 0)::bigint;
                bad_id := v_row.id;
                problem := CASE WHEN v_row.id IS NULL THEN 'a MAINTENANCE row kept by the purge is missing'
                                ELSE 'a MAINTENANCE row kept by the purge was changed' END;
                RETURN;
            END IF;
        END LOOP;
        SELECT c.seq, c.log_id INTO bad_seq, bad_id FROM audit.chain c
         WHERE c.seq <= v_through
           AND NOT (v_purge -> 'kept') @> jsonb_build_array(jsonb_build_array(c.seq, encode(c.row_hash, 'hex')))
         ORDER BY c.seq LIMIT 1;
        IF bad_seq IS NOT NULL THEN
            problem := 'a link inside the purged range that the purge did not keep';
            RETURN;
        END IF;
    ELSIF v_genesis IS NOT NULL THEN
        -- the rows before the chain, as the genesis row found them
        IF (SELECT sha256(coalesce(string_agg(audit.legacy_row_hash(l), ''::bytea ORDER BY l.id), ''::bytea))
              FROM audit.log l
             WHERE l.id <= coalesce((v_genesis ->> 'earlier_last_id')::bigint, 0))
           <> decode(v_genesis ->> 'earlier_digest', 'hex') THEN
            bad_seq := 1;
            problem := format('the %s rows written before the chain (ids up to %s) are not those '
                              'its genesis row recorded', v_genesis ->> 'earlier_rows',
                              v_genesis ->> 'earlier_last_id');
            RETURN;
        END IF;
    END IF;

    -- a row outside the chain that is not one of the rows before it
    SELECT l.id INTO bad_id FROM audit.log l
     WHERE l.id > coalesce((v_genesis ->> 'earlier_last_id')::bigint, 0)
       AND NOT EXISTS (SELECT 1 FROM audit.chain c WHERE c.log_id = l.id)
     ORDER BY l.id LIMIT 1;
    IF bad_id IS NOT NULL THEN
        problem := 'a row without a place in the chain (inserted with the chain''s triggers disabled)';
        RETURN;
    END IF;

    IF p_seal_seq IS NOT NULL THEN
        IF p_seal_seq <= v_through THEN
            note := note || format('the seal''s row %s was purged: verified from the purge on; ',
                                   p_seal_seq);
        ELSE
            SELECT l.id, c.row_hash, l.content_hash, l.content_redacted_at,
                   audit.content_hash(l.old_row, l.new_row, l.client_addr) AS content_now
              INTO v_row FROM audit.chain c LEFT JOIN audit.log l ON l.id = c.log_id
             WHERE c.seq = p_seal_seq;
            IF v_row.id IS NULL OR v_row.row_hash <> p_seal_hash
               OR (v_row.content_redacted_at IS NULL AND v_row.content_hash <> v_row.content_now) THEN
                bad_seq := p_seal_seq;
                bad_id := v_row.id;
                problem := CASE WHEN v_row.id IS NULL THEN 'the sealed row is missing'
                                WHEN v_row.row_hash <> p_seal_hash
                                THEN 'the sealed row''s hash is not the seal''s: the log was rewritten'
                                ELSE 'the sealed row''s content is not what was written' END;
                RETURN;
            END IF;
            -- the seal vouches for its row: the walk follows from it
            after_seq := p_seal_seq;
            prev_hash := p_seal_hash;
        END IF;
    END IF;
END
$$;

-- audit.verify_batch(after_seq, prev_hash, limit) — checks the next p_limit links after
-- p_after_seq, the first of which must follow p_prev_hash: each link's place (no gap), its
-- row (present), the row's content (its content_hash, unless anonymised), sealed values
-- (sealed_hash) and chained hash. Returns how many it checked, the last place and hash (the
-- next batch's start), and the first broken row with what is wrong (NULL when none).
CREATE OR REPLACE FUNCTION audit.verify_batch(p_after_seq bigint, p_prev_hash bytea, p_limit int, OUT checked bigint, OUT last_seq bigint, OUT last_hash bytea, OUT bad_seq bigint, OUT bad_id bigint, OUT problem text) LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH b AS (
        SELECT c.seq, c.log_id, c.row_hash, coalesce(lag(c.seq) OVER w, p_after_seq) AS prev_seq,
               coalesce(lag(c.row_hash) OVER w, p_prev_hash) AS prev_hash
          FROM (SELECT * FROM audit.chain c WHERE c.seq > p_after_seq ORDER BY c.seq LIMIT p_limit) c
        WINDOW w AS (ORDER BY c.seq)
    ), r AS (
        SELECT b.seq, b.log_id, b.row_hash,
               -- a gap is reported at its first missing place
               CASE WHEN b.seq <> b.prev_seq + 1 THEN b.prev_seq + 1 ELSE b.seq END AS bad_at,
               CASE
                   WHEN b.seq <> b.prev_seq + 1 THEN
                       format('links %s to %s of the chain are missing (deleted)',
                              b.prev_seq + 1, b.seq - 1)
                   WHEN l.id IS NULL THEN 'its row is missing (deleted)'
                   WHEN l.content_redacted_at IS NULL
                        AND l.content_hash <> audit.content_hash(l.old_row, l.new_row, l.client_addr) THEN
                       'its content is not what was written (changed after the fact)'
                   WHEN l.sealed_hash IS DISTINCT FROM
                        CASE WHEN s.log_id IS NOT NULL THEN
                            audit.sealed_hash(s.actor_kind, s.actor_id, s.actor_role,
                                              s.client_addr, s.old_values, s.new_values) END THEN
                       'its sealed actor (audit.sealed) is not what was written'
                   WHEN b.row_hash <> audit.row_hash(b.prev_hash, b.seq, l) THEN
                       'its hash does not follow from the previous row''s (this row or the '
                       'one before it was rewritten or re-inserted)'
               END AS problem
          FROM b LEFT JOIN audit.log l ON l.id = b.log_id
                 LEFT JOIN audit.sealed s ON s.log_id = b.log_id
    )
    SELECT count(*), max(r.seq), (array_agg(r.row_hash ORDER BY r.seq DESC))[1],
           (array_agg(r.bad_at ORDER BY r.seq) FILTER (WHERE r.problem IS NOT NULL))[1],
           (array_agg(r.log_id ORDER BY r.seq) FILTER (WHERE r.problem IS NOT NULL))[1],
           (array_agg(r.problem ORDER BY r.seq) FILTER (WHERE r.problem IS NOT NULL))[1]
      FROM r
$$;

-- The seals that no longer match the chain (their link is gone or carries another hash),
-- ignoring those of a purged range; oldest first.
CREATE OR REPLACE FUNCTION audit.verify_seals(p_after_seq bigint) RETURNS TABLE (seal_id bigint, at timestamptz, seq bigint, problem text) LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT s.id, s.at, s.seq,
           CASE WHEN c.seq IS NULL THEN 'its row is missing'
                ELSE 'its row carries another hash: the log was rewritten after it' END
      FROM audit.seals s LEFT JOIN audit.chain c ON c.seq = s.seq
     WHERE s.seq > p_after_seq AND (c.seq IS NULL OR c.row_hash <> s.row_hash)
     ORDER BY s.id
$$;
