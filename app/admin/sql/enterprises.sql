-- app/admin/sql/enterprises.sql — the enterprise register in the portal: the county office's search (app/admin/enterprises.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- The enterprises whose name shown holds p_q (any case, its % and _ taken literally), or
-- whose credit code or project code is p_q (any case), or which had a code of serial p_q;
-- of those the actor may read (enterprises_app_read of lib/sql/policies.sql, said again
-- here). SECURITY DEFINER and planned for each call: under row-level security ILIKE (not
-- leakproof) could not use the trigram index, and the pools' generic plans would not
-- either; each arm below is one index lookup.
CREATE OR REPLACE FUNCTION rq.enterprise_search(p_q text) RETURNS SETOF bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET plan_cache_mode = force_custom_plan SET search_path = rq, pg_temp AS $$
DECLARE
    v_like   text := '%' || replace(replace(replace(p_q, '\', '\\'), '%', '\%'), '_', '\_') || '%';
    v_all    boolean := rq.actor_sees_register();
    v_county text := rq.actor_county_scope();
BEGIN
    RETURN QUERY
        SELECT s.id FROM (
            SELECT e.id, e.county_code FROM rq.enterprises e WHERE e.name ILIKE v_like
            UNION SELECT e.id, e.county_code FROM rq.enterprises e WHERE e.uscc = upper(p_q)
            UNION SELECT e.id, e.county_code FROM rq.enterprises e
                   WHERE e.project_code = upper(p_q)
            UNION SELECT e.id, e.county_code FROM rq.codes c
                   JOIN rq.enterprises e ON e.id = c.enterprise_id WHERE c.serial = p_q) s
         WHERE v_all OR s.county_code = v_county;
END
$$;
GRANT EXECUTE ON FUNCTION rq.enterprise_search(text) TO ruqima_admin;
