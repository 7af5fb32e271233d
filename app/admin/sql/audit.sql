-- app/admin/sql/audit.sql — the audit trail as the portal's audit viewer reads it (app/admin/audit.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.
--
-- Who reads what (app/DESIGN.md §7): the city admin, who runs the platform, and discipline
-- inspectors, who supervise it; every other role is refused (42501). Both see every row of
-- every audited table, as row-level security shows them every visit and case, except:
--   * the sealed rows (anonymous ratings): the city admin reads them as audit.log has them,
--     without actor id or client address and with "[sealed]" for the rater's columns;
--     discipline inspectors, the one role that may know an anonymous rater, get the actor
--     and the values back from audit.sealed, and find those rows by the sealed actor too;
--   * a rater's phone number (rq.evaluation_raters.phone), which nobody but discipline
--     inspectors sees anywhere (rq.visit_rating), is "[hidden]" for the city admin;
--   * WeChat identifiers (rq.accounts.openid, unionid), which the portal shows nobody, are
--     "[hidden]" for both.

-- An image (old or new row) of table as reader sees it: the columns above hidden.
CREATE OR REPLACE FUNCTION rq.audit_image(p_table text, p_image jsonb, p_inspector boolean) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN p_image IS NULL THEN NULL
        WHEN p_table = 'rq.accounts'
            THEN p_image || (SELECT coalesce(jsonb_object_agg(k, '[hidden]'), '{}')
                               FROM unnest(ARRAY['openid', 'unionid']) k
                              WHERE p_image ? k AND p_image -> k <> 'null')
        WHEN p_table = 'rq.evaluation_raters' AND NOT p_inspector AND p_image ? 'phone'
             AND p_image ->> 'phone' <> '[sealed]'
            THEN p_image || '{"phone": "[hidden]"}'
        ELSE p_image
    END
$$;

-- The audit rows newest first, below the keyset bound p_before, at most p_limit, narrowed by
-- each filter given (NULL: not narrowed): the table (schema-qualified, as audit.log names
-- it) and its row's primary key as text (a JSON array for a composite key), the actor's
-- kind and id, the request id, the operation, and the days from and to (inclusive, the
-- city's). Each row with its images as the reader may see them (above), its actor (kind,
-- id, role, and the name of a portal user or an official) and whether it was sealed.
-- Raises 42501 for every role but city_admin and discipline_inspector.
-- SECURITY DEFINER: the application role has no privilege on the audit schema. The query
-- is put together from the filters given (constant pieces, values as parameters) so that
-- each search is planned with the index its filters allow: table and row, request id,
-- actor (log_actor_idx), time; with none, the log read backwards by id.
CREATE OR REPLACE FUNCTION rq.audit_page(p_before bigint, p_limit int, p_table text, p_row text, p_actor_kind text, p_actor_id text, p_request_id text, p_operation text, p_from date, p_to date) RETURNS TABLE (id bigint, at timestamptz, table_name text, operation text, row_pk text, old_row jsonb, new_row jsonb, actor_kind text, actor_id text, actor_role text, actor_name text, request_id text, client_addr text, db_user text, sealed boolean) LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_role      text := rq.actor_admin_role();
    v_inspector boolean;
    v_where     text := '';
    v_ids       text;
BEGIN
    IF v_role IS NULL OR v_role NOT IN ('city_admin', 'discipline_inspector') THEN
        RAISE EXCEPTION 'the audit trail is for the city admin and discipline inspectors only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    v_inspector := v_role = 'discipline_inspector';
    IF p_table IS NOT NULL THEN v_where := v_where || ' AND l.table_name = $3'; END IF;
    IF p_row IS NOT NULL THEN v_where := v_where || ' AND l.row_pk = $4'; END IF;
    IF p_request_id IS NOT NULL THEN v_where := v_where || ' AND l.request_id = $7'; END IF;
    IF p_operation IS NOT NULL THEN v_where := v_where || ' AND l.operation = $8'; END IF;
    IF p_from IS NOT NULL THEN
        v_where := v_where || ' AND l.at >= $9::timestamp AT TIME ZONE ''Asia/Shanghai''';
    END IF;
    IF p_to IS NOT NULL THEN
        v_where := v_where || ' AND l.at < ($10 + 1)::timestamp AT TIME ZONE ''Asia/Shanghai''';
    END IF;
    v_ids := 'SELECT l.id FROM audit.log l WHERE l.id < $1' || v_where;
    IF p_actor_kind IS NOT NULL THEN
        v_ids := v_ids || ' AND l.actor_kind = $5'
                       || CASE WHEN p_actor_id IS NOT NULL THEN ' AND l.actor_id = $6' ELSE '' END;
        -- a sealed row names its actor in audit.sealed only: an inspector finds it there
        IF v_inspector THEN
            v_ids := '(' || v_ids || ' ORDER BY l.id DESC LIMIT $2) UNION ('
                  || 'SELECT l.id FROM audit.sealed s JOIN audit.log l ON l.id = s.log_id'
                  || ' WHERE s.log_id < $1 AND s.actor_kind = $5'
                  || CASE WHEN p_actor_id IS NOT NULL THEN ' AND s.actor_id = $6' ELSE '' END
                  || v_where || ' ORDER BY l.id DESC LIMIT $2)';
        END IF;
    END IF;
    RETURN QUERY EXECUTE
        'SELECT l.id, l.at, l.table_name, l.operation, l.row_pk,'
        ' rq.audit_image(l.table_name, CASE WHEN $11 THEN coalesce(l.old_row || s.old_values, l.old_row)'
        '                                   ELSE l.old_row END, $11),'
        ' rq.audit_image(l.table_name, CASE WHEN $11 THEN coalesce(l.new_row || s.new_values, l.new_row)'
        '                                   ELSE l.new_row END, $11),'
        ' a.kind, a.id, a.role,'
        ' CASE WHEN a.id !~ ''^[0-9]{1,18}$'' THEN NULL'
        '      WHEN a.kind = ''admin'' THEN (SELECT u.username FROM rq.admin_users u WHERE u.id = a.id::bigint)'
        '      WHEN a.kind = ''account'' THEN (SELECT p.name FROM rq.official_profiles p'
        '                                      WHERE p.account_id = a.id::bigint) END,'
        ' l.request_id, CASE WHEN $11 AND s.log_id IS NOT NULL THEN s.client_addr ELSE l.client_addr END,'
        ' l.db_user, s.log_id IS NOT NULL'
        ' FROM (' || v_ids || ' ORDER BY 1 DESC LIMIT $2) k'
        ' JOIN audit.log l ON l.id = k.id'
        ' LEFT JOIN audit.sealed s ON s.log_id = l.id'
        ' CROSS JOIN LATERAL (SELECT CASE WHEN $11 AND s.log_id IS NOT NULL THEN s.actor_kind ELSE l.actor_kind END AS kind,'
        '                            CASE WHEN $11 AND s.log_id IS NOT NULL THEN s.actor_id ELSE l.actor_id END AS id,'
        '                            CASE WHEN $11 AND s.log_id IS NOT NULL THEN s.actor_role ELSE l.actor_role END AS role) a'
        ' ORDER BY l.id DESC'
    USING p_before, p_limit, p_table, p_row, p_actor_kind, p_actor_id, p_request_id,
          p_operation, p_from, p_to, v_inspector;
END
$$;
GRANT EXECUTE ON FUNCTION rq.audit_page(bigint, int, text, text, text, text, text, text, date, date) TO ruqima_admin;
