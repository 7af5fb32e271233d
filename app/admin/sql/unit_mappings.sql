-- app/admin/sql/unit_mappings.sql — the city admin keeps the unit names of 慧企通 and their units in the portal (app/admin/unit_mappings.c); the writes themselves are lib/sql/unit_mappings.sql's.
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- Raises 42501 for anyone but the city admin.
CREATE OR REPLACE FUNCTION rq.unit_mapping_admin_check() RETURNS void
LANGUAGE plpgsql STABLE SET search_path = rq, pg_temp AS $$
BEGIN
    IF rq.actor_kind() IS DISTINCT FROM 'admin' OR rq.actor_role() IS DISTINCT FROM 'city_admin' THEN
        RAISE EXCEPTION 'only the city admin may change the unit mappings' USING ERRCODE = '42501';
    END IF;
END
$$;

-- The city admin maps a unit name: rq.unit_mapping_put's answer, in the admin's name.
CREATE OR REPLACE FUNCTION rq.unit_mapping_set(p_source text, p_name text, p_unit_id bigint) RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
BEGIN
    PERFORM rq.unit_mapping_admin_check();
    RETURN rq.unit_mapping_put(p_source, p_name, p_unit_id, rq.current_admin_id());
END
$$;
GRANT EXECUTE ON FUNCTION rq.unit_mapping_set(text, text, bigint) TO ruqima_admin;

-- The city admin removes a mapping: rq.unit_mapping_remove's answer.
CREATE OR REPLACE FUNCTION rq.unit_mapping_delete(p_id bigint) RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
BEGIN
    PERFORM rq.unit_mapping_admin_check();
    RETURN rq.unit_mapping_remove(p_id);
END
$$;
GRANT EXECUTE ON FUNCTION rq.unit_mapping_delete(bigint) TO ruqima_admin;
