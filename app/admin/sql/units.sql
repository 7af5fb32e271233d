-- app/admin/sql/units.sql — units changed by the city admin (app/admin/units.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- The city admin changes a unit (PATCH /api/v1/admin/units/{id}): each member of p_patch
-- that is present is set, the others are kept: name; county_code (null: a city-level
-- unit); discipline_group (null: none yet); active (false deactivates the unit: no profile
-- may choose it, no joint inspection name it, and its officials may not register visits
-- until they change their profile's unit; true brings it back). The handler has checked the
-- members' types and lengths and that the county exists. Answers (rq.outcome, no data): ok;
-- unit-unknown; unit-name-taken (args: the name; another unit of the same county, or of
-- the city level, has it). Raises 42501 for anyone but the city admin.
CREATE OR REPLACE FUNCTION rq.unit_change(p_unit_id bigint, p_patch jsonb) RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    u rq.units%ROWTYPE;
BEGIN
    IF rq.actor_admin_role() IS DISTINCT FROM 'city_admin' THEN
        RAISE EXCEPTION 'units are changed by the city admin only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO u FROM rq.units x WHERE x.id = p_unit_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN rq.refusal('unit-unknown');
    END IF;
    IF p_patch ? 'name' THEN
        u.name := p_patch ->> 'name';
    END IF;
    IF p_patch ? 'county_code' THEN
        u.county_code := p_patch ->> 'county_code';
    END IF;
    IF p_patch ? 'discipline_group' THEN
        u.discipline_group := p_patch ->> 'discipline_group';
    END IF;
    IF p_patch ? 'active' THEN
        u.active := (p_patch ->> 'active')::boolean;
    END IF;
    IF EXISTS (SELECT 1 FROM rq.units x
                WHERE x.id <> u.id AND x.name = u.name
                  AND x.county_code IS NOT DISTINCT FROM u.county_code) THEN
        RETURN rq.refusal('unit-name-taken', u.name);
    END IF;
    -- an unchanged row is not written (nor audited)
    UPDATE rq.units x
       SET name = u.name, county_code = u.county_code, discipline_group = u.discipline_group,
           active = u.active
     WHERE x.id = u.id
       AND (x.name, x.county_code, x.discipline_group, x.active)
           IS DISTINCT FROM (u.name, u.county_code, u.discipline_group, u.active);
    RETURN rq.ok();
END
$$;
GRANT EXECUTE ON FUNCTION rq.unit_change(bigint,jsonb) TO ruqima_admin;
