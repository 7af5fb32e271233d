-- app/admin/sql/officials.sql — officials verified by their unit admin (app/admin/officials.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- ---------------------------------------------------------------------------------
-- Verification
-- ---------------------------------------------------------------------------------

-- Marks the profile of p_account_id verified by the acting admin: ok, or official-unknown
-- when there is no such profile. Raises 42501 unless the actor is the city admin or a unit
-- admin of the profile's unit.
CREATE OR REPLACE FUNCTION rq.official_verify(p_account_id bigint) RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_unit bigint;
BEGIN
    IF rq.actor_kind() IS DISTINCT FROM 'admin' OR rq.current_admin_id() IS NULL THEN
        RAISE EXCEPTION 'only an admin may verify an official' USING ERRCODE = '42501';
    END IF;
    SELECT p.unit_id INTO v_unit FROM rq.official_profiles p
     WHERE p.account_id = p_account_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN rq.refusal('official-unknown');
    END IF;
    IF NOT (rq.actor_role() = 'city_admin'
            OR (rq.actor_role() = 'unit_admin' AND v_unit::text = rq.actor_unit())) THEN
        RAISE EXCEPTION 'not an admin of this official''s unit' USING ERRCODE = '42501';
    END IF;
    UPDATE rq.official_profiles
       SET verified = true, verified_by = rq.current_admin_id(), verified_at = now()
     WHERE account_id = p_account_id AND NOT verified;
    RETURN rq.ok();
END
$$;

COMMENT ON FUNCTION rq.official_verify(bigint) IS
    'marks an official''s profile verified; city admin or a unit admin of its unit (else 42501)';
GRANT EXECUTE ON FUNCTION rq.official_verify(bigint) TO ruqima_app;
