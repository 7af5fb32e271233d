-- lib/sql/unit_mappings.sql — the unit names of another system (慧企通) and the platform unit each one is: one write for the CLI (`ruqima units map`) and the portal (app/admin/sql/unit_mappings.sql).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- A mapping as the portal and the CLI show it.
CREATE OR REPLACE FUNCTION rq.unit_mapping_json(p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT jsonb_build_object('id', m.id::text, 'source', m.source, 'name', m.name,
                              'unit_id', m.unit_id::text, 'unit_name', u.name,
                              'unit_active', u.active, 'updated_at', m.updated_at,
                              'updated_by', m.updated_by::text)
      FROM rq.unit_mappings m JOIN rq.units u ON u.id = m.unit_id
     WHERE m.id = p_id
$$;
GRANT EXECUTE ON FUNCTION rq.unit_mapping_json(bigint) TO ruqima_app, ruqima_report;

-- Maps the unit name p_name of p_source (trimmed) to unit p_unit_id, in the name of portal
-- user p_admin_id (NULL: the CLI): a new name is inserted, a known one moved to the unit (or
-- left alone when it is there already: nothing written, nothing audited). A unit no longer
-- active may be named: the records are history. Answers ok with the mapping and change
-- (inserted, updated, unchanged); unit-mapping-name-invalid; mapping-unit-unknown.
CREATE OR REPLACE FUNCTION rq.unit_mapping_put(p_source text, p_name text, p_unit_id bigint, p_admin_id bigint)
RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_name   text := btrim(p_name, E' \t\r\n\u3000\u00a0');
    v_row    rq.unit_mappings%ROWTYPE;
    v_change text;
BEGIN
    IF v_name IS NULL OR char_length(v_name) NOT BETWEEN 1 AND 100 OR v_name ~ '[[:cntrl:]]' THEN
        RETURN rq.refusal('unit-mapping-name-invalid');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM rq.units u WHERE u.id = p_unit_id) THEN
        RETURN rq.refusal('mapping-unit-unknown');
    END IF;
    SELECT * INTO v_row FROM rq.unit_mappings m
     WHERE m.source = p_source AND m.name = v_name FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO rq.unit_mappings (source, name, unit_id, updated_by)
        VALUES (p_source, v_name, p_unit_id, p_admin_id)
        RETURNING * INTO v_row;
        v_change := 'inserted';
    ELSIF v_row.unit_id <> p_unit_id THEN
        UPDATE rq.unit_mappings m SET unit_id = p_unit_id, updated_at = now(),
                                      updated_by = p_admin_id
         WHERE m.id = v_row.id;
        v_change := 'updated';
    ELSE
        v_change := 'unchanged';
    END IF;
    RETURN rq.ok(rq.unit_mapping_json(v_row.id) || jsonb_build_object('change', v_change));
END
$$;
REVOKE ALL ON FUNCTION rq.unit_mapping_put(text, text, bigint, bigint) FROM PUBLIC;

-- Removes a mapping: later imports report its name as unknown again (visits imported
-- through it keep their unit). Answers ok, or unit-mapping-unknown.
CREATE OR REPLACE FUNCTION rq.unit_mapping_remove(p_id bigint) RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
BEGIN
    DELETE FROM rq.unit_mappings m WHERE m.id = p_id;
    IF NOT FOUND THEN
        RETURN rq.refusal('unit-mapping-unknown');
    END IF;
    RETURN rq.ok();
END
$$;
REVOKE ALL ON FUNCTION rq.unit_mapping_remove(bigint) FROM PUBLIC;
