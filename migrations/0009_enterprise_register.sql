-- 0009_enterprise_register.sql — who may read and change the enterprise register
-- through the portal (design §2, §8).
--
--   market supervision (市场监管局) and city admins import the register: insert and update
--     any enterprise;
--   a county admin (县区营商办) checks the names of their own county's enterprises
--     (核对企业名称): sees and updates only those;
--   everyone else with an actor context (the mini-program, other portal roles) reads all
--     of them: a scanned code must resolve to the enterprise's public facts.
-- The handlers filter by county as well; these policies make a handler bug unable to
-- show or change another county's enterprise.

ALTER TABLE rq.enterprises ENABLE ROW LEVEL SECURITY;
-- FORCE: the owner is bound too, by its own policy below (USING true), like 0004's tables.
ALTER TABLE rq.enterprises FORCE ROW LEVEL SECURITY;

-- The owner: migrations, the CLI (`ruqima import enterprises`, `codes ...`, demo data) and
-- the SECURITY DEFINER functions (rq.issue_code, the revocation trigger of 0007).
CREATE POLICY enterprises_owner_all ON rq.enterprises TO ruqima_owner
    USING (true) WITH CHECK (true);

-- Reporting reads everything.
CREATE POLICY enterprises_report_read ON rq.enterprises FOR SELECT TO ruqima_report
    USING (true);

-- The application role reads only with an actor context, and a county admin only their
-- county. rq.actor_county() is NULL for a county admin without scope, which the
-- admin_users CHECK rules out; the comparison would then match nothing anyway.
CREATE POLICY enterprises_app_read ON rq.enterprises FOR SELECT TO ruqima_app
    USING (rq.actor_kind() IS NOT NULL
           AND (rq.actor_role() IS DISTINCT FROM 'county_admin'
                OR county_code = rq.actor_county()));

-- Import through the portal.
CREATE POLICY enterprises_app_insert ON rq.enterprises FOR INSERT TO ruqima_app
    WITH CHECK (rq.actor_kind() = 'admin'
                AND rq.actor_role() IN ('market_supervision', 'city_admin'));

-- Import (market supervision, city admin) and name verification (city admin, county
-- admin of the enterprise's county; WITH CHECK keeps the row in that county).
CREATE POLICY enterprises_app_update ON rq.enterprises FOR UPDATE TO ruqima_app
    USING (rq.actor_kind() = 'admin'
           AND (rq.actor_role() IN ('market_supervision', 'city_admin')
                OR (rq.actor_role() = 'county_admin' AND county_code = rq.actor_county())))
    WITH CHECK (rq.actor_kind() = 'admin'
                AND (rq.actor_role() IN ('market_supervision', 'city_admin')
                     OR (rq.actor_role() = 'county_admin' AND county_code = rq.actor_county())));

-- Column privileges: what the import and the verification write. id, created_at and
-- updated_at (set by rq.touch_updated_at) are never written by the application.
GRANT INSERT (uscc, project_code, name, legal_rep, address, county_code, industry,
              business_status, latitude, longitude)
    ON rq.enterprises TO ruqima_app;
GRANT UPDATE (name, legal_rep, address, county_code, industry, business_status, latitude,
              longitude, name_verified)
    ON rq.enterprises TO ruqima_app;
GRANT USAGE ON SEQUENCE rq.enterprises_id_seq TO ruqima_app;

-- "Awaiting name verification in my county", keyset-paginated by id.
CREATE INDEX enterprises_unverified_idx ON rq.enterprises (county_code, id)
    WHERE NOT name_verified;
