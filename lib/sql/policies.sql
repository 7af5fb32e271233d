-- lib/sql/policies.sql — the row-level security policies of the application role, table by table.
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

DROP POLICY IF EXISTS accounts_app_own ON rq.accounts;
CREATE POLICY accounts_app_own ON rq.accounts TO ruqima_app
    USING (id = rq.current_account_id());

DROP POLICY IF EXISTS sessions_app_own ON rq.sessions;
CREATE POLICY sessions_app_own ON rq.sessions TO ruqima_app
    USING (account_id = rq.current_account_id() OR admin_user_id = rq.current_admin_id());

DROP POLICY IF EXISTS admin_users_app_own ON rq.admin_users;
CREATE POLICY admin_users_app_own ON rq.admin_users TO ruqima_app
    USING (id = rq.current_admin_id());

-- The owner: everything. Migrations, the CLI (`ruqima user add`, `demo load`) and the
-- SECURITY DEFINER functions below run as ruqima_owner.
DROP POLICY IF EXISTS accounts_owner_all ON rq.accounts;
CREATE POLICY accounts_owner_all ON rq.accounts TO ruqima_owner
    USING (true) WITH CHECK (true);

DROP POLICY IF EXISTS sessions_owner_all ON rq.sessions;
CREATE POLICY sessions_owner_all ON rq.sessions TO ruqima_owner
    USING (true) WITH CHECK (true);

DROP POLICY IF EXISTS admin_users_owner_all ON rq.admin_users;
CREATE POLICY admin_users_owner_all ON rq.admin_users TO ruqima_owner
    USING (true) WITH CHECK (true);

DROP POLICY IF EXISTS accounts_report_read ON rq.accounts;
CREATE POLICY accounts_report_read ON rq.accounts FOR SELECT TO ruqima_report
    USING (true);

DROP POLICY IF EXISTS admin_users_report_read ON rq.admin_users;
CREATE POLICY admin_users_report_read ON rq.admin_users FOR SELECT TO ruqima_report
    USING (true);

-- The owner: migrations, the CLI (`ruqima import enterprises`, `codes ...`, demo data) and
-- the SECURITY DEFINER functions (rq.issue_code, the revocation trigger of 0007).
DROP POLICY IF EXISTS enterprises_owner_all ON rq.enterprises;
CREATE POLICY enterprises_owner_all ON rq.enterprises TO ruqima_owner
    USING (true) WITH CHECK (true);

-- Reporting reads everything.
DROP POLICY IF EXISTS enterprises_report_read ON rq.enterprises;
CREATE POLICY enterprises_report_read ON rq.enterprises FOR SELECT TO ruqima_report
    USING (true);

-- The application role reads only with an actor context, and a county admin only their
-- county. rq.actor_county() is NULL for a county admin without scope, which the
-- admin_users CHECK rules out; the comparison would then match nothing anyway.
DROP POLICY IF EXISTS enterprises_app_read ON rq.enterprises;
CREATE POLICY enterprises_app_read ON rq.enterprises FOR SELECT TO ruqima_app
    USING ((SELECT rq.actor_kind() IS NOT NULL
                   AND rq.actor_role() IS DISTINCT FROM 'county_admin')
           OR county_code = (SELECT CASE WHEN rq.actor_kind() IS NOT NULL
                                              AND rq.actor_role() = 'county_admin'
                                         THEN rq.actor_county() END));

-- Import through the portal.
DROP POLICY IF EXISTS enterprises_app_insert ON rq.enterprises;
CREATE POLICY enterprises_app_insert ON rq.enterprises FOR INSERT TO ruqima_app
    WITH CHECK (rq.actor_kind() = 'admin'
                AND rq.actor_role() IN ('market_supervision', 'city_admin'));

-- Import (market supervision, city admin) and name verification (city admin, county
-- admin of the enterprise's county; WITH CHECK keeps the row in that county).
DROP POLICY IF EXISTS enterprises_app_update ON rq.enterprises;
CREATE POLICY enterprises_app_update ON rq.enterprises FOR UPDATE TO ruqima_app
    USING (rq.actor_kind() = 'admin'
           AND (rq.actor_role() IN ('market_supervision', 'city_admin')
                OR (rq.actor_role() = 'county_admin' AND county_code = rq.actor_county())))
    WITH CHECK (rq.actor_kind() = 'admin'
                AND (rq.actor_role() IN ('market_supervision', 'city_admin')
                     OR (rq.actor_role() = 'county_admin' AND county_code = rq.actor_county())));

-- The owner: migrations, the CLI, and the SECURITY DEFINER functions below.
DROP POLICY IF EXISTS activation_codes_owner_all ON rq.activation_codes;
CREATE POLICY activation_codes_owner_all ON rq.activation_codes TO ruqima_owner
    USING (true) WITH CHECK (true);

DROP POLICY IF EXISTS claim_requests_owner_all ON rq.claim_requests;
CREATE POLICY claim_requests_owner_all ON rq.claim_requests TO ruqima_owner
    USING (true) WITH CHECK (true);

DROP POLICY IF EXISTS manager_bindings_owner_all ON rq.manager_bindings;
CREATE POLICY manager_bindings_owner_all ON rq.manager_bindings TO ruqima_owner
    USING (true) WITH CHECK (true);

DROP POLICY IF EXISTS claim_failures_owner_all ON rq.claim_failures;
CREATE POLICY claim_failures_owner_all ON rq.claim_failures TO ruqima_owner
    USING (true) WITH CHECK (true);

DROP POLICY IF EXISTS claim_requests_app_read ON rq.claim_requests;
CREATE POLICY claim_requests_app_read ON rq.claim_requests FOR SELECT TO ruqima_app
    USING (account_id = rq.current_account_id()
           OR (rq.actor_kind() = 'admin' AND rq.actor_role() = 'city_admin')
           OR (rq.actor_kind() = 'admin' AND rq.actor_role() = 'county_admin'
               AND EXISTS (SELECT 1 FROM rq.enterprises e
                            WHERE e.id = enterprise_id AND e.county_code = rq.actor_county())));

DROP POLICY IF EXISTS manager_bindings_app_read ON rq.manager_bindings;
CREATE POLICY manager_bindings_app_read ON rq.manager_bindings FOR SELECT TO ruqima_app
    USING (account_id = rq.current_account_id()
           OR (rq.actor_kind() = 'admin' AND rq.actor_role() = 'city_admin')
           OR (rq.actor_kind() = 'admin' AND rq.actor_role() = 'county_admin'
               AND EXISTS (SELECT 1 FROM rq.enterprises e
                            WHERE e.id = enterprise_id AND e.county_code = rq.actor_county())));

DROP POLICY IF EXISTS claim_requests_report_read ON rq.claim_requests;
CREATE POLICY claim_requests_report_read ON rq.claim_requests FOR SELECT TO ruqima_report
    USING (true);

DROP POLICY IF EXISTS manager_bindings_report_read ON rq.manager_bindings;
CREATE POLICY manager_bindings_report_read ON rq.manager_bindings FOR SELECT TO ruqima_report
    USING (true);

-- The owner: the CLI's runner.
DROP POLICY IF EXISTS print_jobs_owner_all ON rq.print_jobs;
CREATE POLICY print_jobs_owner_all ON rq.print_jobs TO ruqima_owner
    USING (true) WITH CHECK (true);

-- City admins and market supervision see and queue every job; nobody else sees any.
DROP POLICY IF EXISTS print_jobs_app_read ON rq.print_jobs;
CREATE POLICY print_jobs_app_read ON rq.print_jobs FOR SELECT TO ruqima_app
    USING (rq.actor_kind() = 'admin'
           AND coalesce(rq.actor_role() IN ('market_supervision', 'city_admin'), false));

DROP POLICY IF EXISTS print_jobs_app_insert ON rq.print_jobs;
CREATE POLICY print_jobs_app_insert ON rq.print_jobs FOR INSERT TO ruqima_app
    WITH CHECK (rq.actor_kind() = 'admin'
                AND coalesce(rq.actor_role() IN ('market_supervision', 'city_admin'), false)
                AND requested_by::text = pg_catalog.current_setting('rq.actor_id', true));

DROP POLICY IF EXISTS official_profiles_owner_all ON rq.official_profiles;
CREATE POLICY official_profiles_owner_all ON rq.official_profiles TO ruqima_owner
    USING (true) WITH CHECK (true);

-- Reads: the account its own row; a unit admin the profiles of their unit; a county
-- admin those of units in their county; the city admin all.
DROP POLICY IF EXISTS official_profiles_app_read ON rq.official_profiles;
CREATE POLICY official_profiles_app_read ON rq.official_profiles FOR SELECT TO ruqima_app
    USING (account_id = rq.current_account_id()
           OR (rq.actor_kind() = 'admin' AND rq.actor_role() = 'city_admin')
           OR (rq.actor_kind() = 'admin' AND rq.actor_role() = 'unit_admin'
               AND unit_id::text = rq.actor_unit())
           OR (rq.actor_kind() = 'admin' AND rq.actor_role() = 'county_admin'
               AND EXISTS (SELECT 1 FROM rq.units u
                            WHERE u.id = unit_id AND u.county_code = rq.actor_county())));

-- Writes: an account its own row only.
DROP POLICY IF EXISTS official_profiles_app_insert ON rq.official_profiles;
CREATE POLICY official_profiles_app_insert ON rq.official_profiles FOR INSERT TO ruqima_app
    WITH CHECK (account_id = rq.current_account_id());

DROP POLICY IF EXISTS official_profiles_app_update ON rq.official_profiles;
CREATE POLICY official_profiles_app_update ON rq.official_profiles FOR UPDATE TO ruqima_app
    USING (account_id = rq.current_account_id())
    WITH CHECK (account_id = rq.current_account_id());

DROP POLICY IF EXISTS official_profiles_report_read ON rq.official_profiles;
CREATE POLICY official_profiles_report_read ON rq.official_profiles FOR SELECT
    TO ruqima_report USING (true);

DROP POLICY IF EXISTS policy_app_read ON rq.policy;
CREATE POLICY policy_app_read ON rq.policy FOR SELECT TO ruqima_app
    USING (rq.actor_kind() IS NOT NULL);

DROP POLICY IF EXISTS policy_unit_overrides_app_read ON rq.policy_unit_overrides;
CREATE POLICY policy_unit_overrides_app_read ON rq.policy_unit_overrides FOR SELECT
    TO ruqima_app USING (rq.actor_kind() IS NOT NULL);

DROP POLICY IF EXISTS visits_app_read ON rq.visits;
CREATE POLICY visits_app_read ON rq.visits FOR SELECT TO ruqima_app
    USING (account_id = (SELECT rq.current_account_id())
           OR enterprise_id = ANY ((SELECT rq.actor_managed_ids())::bigint[])
           OR (SELECT rq.actor_admin_role() IN ('city_admin', 'judicial_analyst',
                                                'discipline_inspector'))
           OR county_code = (SELECT CASE WHEN rq.actor_admin_role() = 'county_admin'
                                         THEN rq.actor_county() END)
           OR ((SELECT rq.actor_admin_role() = 'unit_admin') AND rq.actor_unit_entered(id)));

-- The dependent rows follow their visit (the subquery is itself row-level secured).
DROP POLICY IF EXISTS visit_units_app_read ON rq.visit_units;
CREATE POLICY visit_units_app_read ON rq.visit_units FOR SELECT TO ruqima_app
    USING (rq.actor_kind() = 'admin' AND rq.actor_role() = 'unit_admin'
               AND unit_id::text = rq.actor_unit()
           OR EXISTS (SELECT 1 FROM rq.visits v WHERE v.id = visit_id));

DROP POLICY IF EXISTS visit_attachments_app_read ON rq.visit_attachments;
CREATE POLICY visit_attachments_app_read ON rq.visit_attachments FOR SELECT TO ruqima_app
    USING (EXISTS (SELECT 1 FROM rq.visits v WHERE v.id = visit_id));

DROP POLICY IF EXISTS visit_edits_app_read ON rq.visit_edits;
CREATE POLICY visit_edits_app_read ON rq.visit_edits FOR SELECT TO ruqima_app
    USING (EXISTS (SELECT 1 FROM rq.visits v WHERE v.id = visit_id));

DROP POLICY IF EXISTS filings_app_read ON rq.filings;
CREATE POLICY filings_app_read ON rq.filings FOR SELECT TO ruqima_app
    USING (EXISTS (SELECT 1 FROM rq.visits v WHERE v.id = visit_id));

-- An attachment: its uploader, and whoever may see a visit it belongs to.
DROP POLICY IF EXISTS attachments_app_read ON rq.attachments;
CREATE POLICY attachments_app_read ON rq.attachments FOR SELECT TO ruqima_app
    USING (account_id = rq.current_account_id()
           OR EXISTS (SELECT 1 FROM rq.visit_attachments va
                       WHERE va.attachment_id = attachments.id));

-- Notifications: their recipient only.
DROP POLICY IF EXISTS outbox_app_read ON rq.outbox;
CREATE POLICY outbox_app_read ON rq.outbox FOR SELECT TO ruqima_app
    USING (account_id = rq.current_account_id());

-- The answer and the rating follow their visit (the subquery is itself row-level secured:
-- the official, the enterprise's managers, the portal by scope).
DROP POLICY IF EXISTS visit_answers_app_read ON rq.visit_answers;
CREATE POLICY visit_answers_app_read ON rq.visit_answers FOR SELECT TO ruqima_app
    USING (EXISTS (SELECT 1 FROM rq.visits v WHERE v.id = visit_id));

DROP POLICY IF EXISTS evaluations_app_read ON rq.evaluations;
CREATE POLICY evaluations_app_read ON rq.evaluations FOR SELECT TO ruqima_app
    USING (enterprise_id = ANY ((SELECT rq.actor_managed_ids())::bigint[])
           OR EXISTS (SELECT 1 FROM rq.visits v WHERE v.id = visit_id));

-- The rater: the rater themselves; for a rating that is not anonymous, whoever sees the
-- rating; for an anonymous one, discipline inspectors only (design §5).
DROP POLICY IF EXISTS evaluation_raters_app_read ON rq.evaluation_raters;
CREATE POLICY evaluation_raters_app_read ON rq.evaluation_raters FOR SELECT TO ruqima_app
    USING (account_id = rq.current_account_id()
           OR EXISTS (SELECT 1 FROM rq.evaluations e
                       WHERE e.visit_id = evaluation_raters.visit_id
                         AND (NOT e.anonymous
                              OR (rq.actor_kind() = 'admin'
                                  AND rq.actor_role() = 'discipline_inspector'))));

-- Cases: the reporting manager and the enterprise's managers now; the city admin,
-- discipline inspectors and judicial analysts all; a county admin their county's; a unit
-- admin those naming their unit.
DROP POLICY IF EXISTS cases_app_read ON rq.cases;
CREATE POLICY cases_app_read ON rq.cases FOR SELECT TO ruqima_app
    USING (reporter_account_id = rq.current_account_id()
           OR (rq.actor_kind() = 'account'
               AND enterprise_id = ANY ((SELECT rq.actor_managed_ids())::bigint[]))
           OR (rq.actor_kind() = 'admin'
               AND (rq.actor_role() IN ('city_admin', 'judicial_analyst', 'discipline_inspector')
                    OR (rq.actor_role() = 'county_admin' AND county_code = rq.actor_county())
                    OR (rq.actor_role() = 'unit_admin' AND unit_id::text = rq.actor_unit()))));

DROP POLICY IF EXISTS case_events_app_read ON rq.case_events;
CREATE POLICY case_events_app_read ON rq.case_events FOR SELECT TO ruqima_app
    USING (EXISTS (SELECT 1 FROM rq.cases c WHERE c.id = case_id));

DROP POLICY IF EXISTS case_attachments_app_read ON rq.case_attachments;
CREATE POLICY case_attachments_app_read ON rq.case_attachments FOR SELECT TO ruqima_app
    USING (EXISTS (SELECT 1 FROM rq.cases c WHERE c.id = case_id));

-- A report's photos are seen by whoever sees the case.
DROP POLICY IF EXISTS attachments_case_read ON rq.attachments;
CREATE POLICY attachments_case_read ON rq.attachments FOR SELECT TO ruqima_app
    USING (EXISTS (SELECT 1 FROM rq.case_attachments ca WHERE ca.attachment_id = attachments.id));

-- Portal users read the notifications addressed to them.
DROP POLICY IF EXISTS outbox_admin_read ON rq.outbox;
CREATE POLICY outbox_admin_read ON rq.outbox FOR SELECT TO ruqima_app
    USING (admin_user_id = rq.current_admin_id());
