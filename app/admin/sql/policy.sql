-- app/admin/sql/policy.sql — the rule thresholds changed by the city admin (app/admin/policy.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- The city admin changes a threshold (p_unit_id NULL) or a unit's override of one
-- (p_value NULL removes the override). Answers ok, or the refusals policy-key-unknown,
-- policy-value-out-of-range (with the key's bounds), policy-not-overridable, unit-unknown.
-- Raises 42501 for anyone but the city admin.
CREATE OR REPLACE FUNCTION rq.policy_set(p_key text, p_unit_id bigint, p_value int) RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    p rq.policy%ROWTYPE;
BEGIN
    IF rq.actor_kind() IS DISTINCT FROM 'admin' OR rq.actor_role() IS DISTINCT FROM 'city_admin' THEN
        RAISE EXCEPTION 'only the city admin may change the rules' USING ERRCODE = '42501';
    END IF;
    SELECT * INTO p FROM rq.policy x WHERE x.key = p_key FOR UPDATE;
    IF NOT FOUND THEN
        RETURN rq.refusal('policy-key-unknown');
    END IF;
    IF p_unit_id IS NULL THEN
        IF p_value IS NULL OR p_value NOT BETWEEN p.min_value AND p.max_value THEN
            RETURN rq.refusal('policy-value-out-of-range', p.min_value::text, p.max_value::text);
        END IF;
        UPDATE rq.policy SET value = p_value, updated_at = now(), updated_by = rq.current_admin_id()
         WHERE key = p_key AND value <> p_value;
        RETURN rq.ok();
    END IF;
    IF p_key <> 'inspection_year_max' THEN
        RETURN rq.refusal('policy-not-overridable');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM rq.units u WHERE u.id = p_unit_id) THEN
        RETURN rq.refusal('unit-unknown');
    END IF;
    IF p_value IS NULL THEN
        DELETE FROM rq.policy_unit_overrides o WHERE o.unit_id = p_unit_id AND o.key = p_key;
        RETURN rq.ok();
    END IF;
    IF p_value NOT BETWEEN p.min_value AND p.max_value THEN
        RETURN rq.refusal('policy-value-out-of-range', p.min_value::text, p.max_value::text);
    END IF;
    INSERT INTO rq.policy_unit_overrides (unit_id, key, value, updated_by)
    VALUES (p_unit_id, p_key, p_value, rq.current_admin_id())
    ON CONFLICT (unit_id, key) DO UPDATE
       SET value = EXCLUDED.value, updated_at = now(), updated_by = EXCLUDED.updated_by
     WHERE rq.policy_unit_overrides.value <> EXCLUDED.value;
    RETURN rq.ok();
END
$$;
GRANT EXECUTE ON FUNCTION rq.policy_set(text,bigint,integer) TO ruqima_admin;
