-- app/admin/sql/sealed_audit.sql — the sealed actors of the audit trail, read by discipline inspectors (app/admin/sealed_audit.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- The audit rows written by sealed transactions (anonymous ratings, app/DESIGN.md §7), newest
-- first, below the keyset bound p_before, at most p_limit: each with what the log row lacks
-- — the actor (kind, id, role), the client address and the sealed columns' values
-- (audit.sealed). Raises 42501 unless the actor is a discipline inspector: they alone may
-- know an anonymous rater. SECURITY DEFINER: the application role has no privilege on the
-- audit schema at all.
CREATE OR REPLACE FUNCTION rq.sealed_audit_page(p_before bigint, p_limit int)
RETURNS TABLE (id bigint, at timestamptz, table_name text, operation text, row_pk text,
               request_id text, actor_kind text, actor_id text, actor_role text,
               client_addr text, sealed_old jsonb, sealed_new jsonb)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
BEGIN
    IF rq.actor_admin_role() IS DISTINCT FROM 'discipline_inspector' THEN
        RAISE EXCEPTION 'the sealed actors are for discipline inspectors only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN QUERY
        SELECT l.id, l.at, l.table_name, l.operation, l.row_pk, l.request_id, s.actor_kind,
               s.actor_id, s.actor_role, s.client_addr, s.old_values, s.new_values
          FROM audit.sealed s JOIN audit.log l ON l.id = s.log_id
         WHERE s.log_id < p_before
         ORDER BY s.log_id DESC
         LIMIT p_limit;
END
$$;
GRANT EXECUTE ON FUNCTION rq.sealed_audit_page(bigint, int) TO ruqima_admin;
