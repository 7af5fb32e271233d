-- app/admin/sql/users.sql — portal users created by the city admin in the portal (app/admin/users.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.
-- Their other changes (lock, unlock, password reset, deactivation) are shared with the CLI:
-- rq.admin_user_change, lib/sql/users.sql.

-- The city admin creates a portal user; the handler has checked the username's form, the
-- role and its scope (an existing county, an active unit, a discipline inspector's group)
-- and hashed the generated password. Answers (rq.outcome): ok with data {id}; username-taken (args: the username).
-- Raises 42501 for anyone but the city admin, 23514/23503 for what the handler should
-- have refused (the table's checks and foreign keys).
CREATE OR REPLACE FUNCTION rq.portal_user_create(p_username text, p_password_hash text,
                                                 p_role text, p_county_code text,
                                                 p_unit_id bigint, p_discipline_group text)
RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_id bigint;
BEGIN
    IF rq.actor_admin_role() IS DISTINCT FROM 'city_admin' THEN
        RAISE EXCEPTION 'portal users are created by the city admin only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- one creation of a name at a time: the second waits, then finds it taken
    PERFORM pg_advisory_xact_lock(hashtextextended('admin_user/' || lower(p_username), 14));
    IF EXISTS (SELECT 1 FROM rq.admin_users u WHERE u.username = lower(p_username)) THEN
        RETURN rq.refusal('username-taken', lower(p_username));
    END IF;
    INSERT INTO rq.admin_users (username, password_hash, role, county_code, unit_id,
                                discipline_group)
    VALUES (p_username, p_password_hash, p_role, p_county_code, p_unit_id, p_discipline_group)
    RETURNING id INTO v_id;
    RETURN rq.ok(jsonb_build_object('id', v_id::text));
END
$$;
GRANT EXECUTE ON FUNCTION rq.portal_user_create(text,text,text,text,bigint,text) TO ruqima_admin;
