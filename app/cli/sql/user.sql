-- app/cli/sql/user.sql — portal users created by the operator CLI (app/cli/user.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- `ruqima user add`: creates a portal user; returns its id. The CLI hashes the
-- password. Owner only (the CLI connects as ruqima_owner); not granted to the app.
-- Raises 23505 for a taken username, 23514 for a bad username, hash, role or scope,
-- 23503 for an unknown county or unit.
CREATE OR REPLACE FUNCTION rq.admin_user_create(p_username text, p_password_hash text, p_role text,
                                     p_county_code text, p_unit_id bigint)
RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
    INSERT INTO rq.admin_users (username, password_hash, role, county_code, unit_id)
    VALUES (p_username, p_password_hash, p_role, p_county_code, p_unit_id)
    RETURNING id
$$;

-- `ruqima user add --discipline-group NAME`: the discipline-inspection group (派驻纪检监察组,
-- as rq.units.discipline_group names it) of the new discipline inspector p_id, whose filings
-- they read; NULL leaves none (the city level: every group's). Returns p_id. Owner only.
-- Raises 23514 for a group on another role or a name of more than 100 characters.
CREATE OR REPLACE FUNCTION rq.admin_user_discipline_group(p_id bigint, p_group text)
RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
    UPDATE rq.admin_users SET discipline_group = btrim(p_group)
     WHERE id = p_id AND p_group IS NOT NULL;
    SELECT p_id
$$;
