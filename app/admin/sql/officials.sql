-- app/admin/sql/officials.sql — officials verified, un-verified, deactivated and reactivated by their unit admin (app/admin/officials.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- Changes the profile of official p_account_id, by the city admin or a unit admin of the
-- profile's unit (app/DESIGN.md §2):
--   verify      verified by the acting admin
--   unverify    no longer verified (the check was wrong, or must be made again): their
--               registrations are flagged official_unverified again
--   deactivate  the official left the unit: no more registrations (refusal
--               official-deactivated); p_reason (1-200 characters) says why. The profile and
--               its visits stay
--   reactivate  active again (back in the unit; or moved to another unit, whose admin
--               then sees the profile and reactivates it)
-- Each leaves a profile already in that state as it is (a deactivation keeps its first
-- reason). Answers (rq.outcome, no data): ok, or official-unknown when there is no such
-- profile. Raises 42501 unless the actor is the city admin or a unit admin of the
-- profile's unit, 22023 for an unknown action, 23514 for a deactivation without a reason.
CREATE OR REPLACE FUNCTION rq.official_change(p_account_id bigint, p_action text, p_reason text)
RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_admin bigint := rq.current_admin_id();
    v_unit  bigint;
BEGIN
    IF rq.actor_kind() IS DISTINCT FROM 'admin' OR v_admin IS NULL THEN
        RAISE EXCEPTION 'only an admin may change an official' USING ERRCODE = '42501';
    END IF;
    IF p_action IS NULL OR p_action NOT IN ('verify', 'unverify', 'deactivate', 'reactivate') THEN
        RAISE EXCEPTION 'unknown action %', p_action USING ERRCODE = 'invalid_parameter_value';
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
    IF p_action = 'verify' THEN
        UPDATE rq.official_profiles
           SET verified = true, verified_by = v_admin, verified_at = now()
         WHERE account_id = p_account_id AND NOT verified;
    ELSIF p_action = 'unverify' THEN
        UPDATE rq.official_profiles
           SET verified = false, verified_by = NULL, verified_at = NULL
         WHERE account_id = p_account_id AND verified;
    ELSIF p_action = 'deactivate' THEN
        UPDATE rq.official_profiles
           SET active = false, deactivated_by = v_admin, deactivated_at = now(),
               deactivation_reason = p_reason
         WHERE account_id = p_account_id AND active;
    ELSE
        UPDATE rq.official_profiles
           SET active = true, deactivated_by = NULL, deactivated_at = NULL,
               deactivation_reason = NULL
         WHERE account_id = p_account_id AND NOT active;
    END IF;
    RETURN rq.ok();
END
$$;

COMMENT ON FUNCTION rq.official_change(bigint, text, text) IS
    'verifies, un-verifies, deactivates or reactivates an official''s profile; city admin or a unit admin of its unit (else 42501)';
GRANT EXECUTE ON FUNCTION rq.official_change(bigint,text,text) TO ruqima_admin;

