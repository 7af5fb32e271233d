-- lib/sql/policies.sql — the row-level security policies of the application role
-- (ruqima_app), table by table. The owner's and the reporting role's policies are made by
-- rq.rls_enable (lib/sql/tables.sql).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.
--
-- Every arm asks one question about the actor through the predicates of
-- lib/sql/visibility.sql, in a sub-select (computed once per query, not once per row).

-- ---------------------------------------------------------------------------------
-- Identities: each actor its own row and sessions.
-- ---------------------------------------------------------------------------------
DROP POLICY IF EXISTS accounts_app_own ON rq.accounts;
CREATE POLICY accounts_app_own ON rq.accounts TO ruqima_app
    USING (id = (SELECT rq.current_account_id()));

DROP POLICY IF EXISTS sessions_app_own ON rq.sessions;
CREATE POLICY sessions_app_own ON rq.sessions TO ruqima_app
    USING (account_id = (SELECT rq.current_account_id())
           OR admin_user_id = (SELECT rq.current_admin_id()));

DROP POLICY IF EXISTS admin_users_app_own ON rq.admin_users;
CREATE POLICY admin_users_app_own ON rq.admin_users TO ruqima_app
    USING (id = (SELECT rq.current_admin_id()));

-- The city admin manages the portal users (app/admin/users.c): it reads every one of them.
-- Writes go through rq.admin_user_change (app/admin/sql/users.sql).
DROP POLICY IF EXISTS admin_users_app_city ON rq.admin_users;
CREATE POLICY admin_users_app_city ON rq.admin_users FOR SELECT TO ruqima_app
    USING ((SELECT rq.actor_admin_role() = 'city_admin'));

-- ---------------------------------------------------------------------------------
-- Units: every actor reads them (an official chooses theirs); the city admin creates one
-- (app/admin/units.c); changes go through rq.unit_change (app/admin/sql/units.sql).
-- ---------------------------------------------------------------------------------
DROP POLICY IF EXISTS units_app_read ON rq.units;
CREATE POLICY units_app_read ON rq.units FOR SELECT TO ruqima_app USING (true);

DROP POLICY IF EXISTS units_app_create ON rq.units;
CREATE POLICY units_app_create ON rq.units FOR INSERT TO ruqima_app
    WITH CHECK ((SELECT rq.actor_admin_role() = 'city_admin'));

-- ---------------------------------------------------------------------------------
-- The enterprise register.
-- ---------------------------------------------------------------------------------
-- Reads: every signed-in actor, a county admin only their county.
DROP POLICY IF EXISTS enterprises_app_read ON rq.enterprises;
CREATE POLICY enterprises_app_read ON rq.enterprises FOR SELECT TO ruqima_app
    USING ((SELECT rq.actor_sees_register())
           OR county_code = (SELECT rq.actor_county_scope()));

-- Import through the portal.
DROP POLICY IF EXISTS enterprises_app_insert ON rq.enterprises;
CREATE POLICY enterprises_app_insert ON rq.enterprises FOR INSERT TO ruqima_app
    WITH CHECK ((SELECT rq.actor_admin_role() IN ('market_supervision', 'city_admin')));

-- Import (market supervision, city admin) and name verification (city admin, county
-- admin of the enterprise's county; WITH CHECK keeps the row in that county).
DROP POLICY IF EXISTS enterprises_app_update ON rq.enterprises;
CREATE POLICY enterprises_app_update ON rq.enterprises FOR UPDATE TO ruqima_app
    USING ((SELECT rq.actor_admin_role() IN ('market_supervision', 'city_admin'))
           OR county_code = (SELECT rq.actor_county_scope()))
    WITH CHECK ((SELECT rq.actor_admin_role() IN ('market_supervision', 'city_admin'))
                OR county_code = (SELECT rq.actor_county_scope()));

-- Claims and bindings: the account its own; the city admin all; a county admin those of
-- its county's enterprises.
SELECT rq.rls_enterprise_claims_read('rq.claim_requests');
SELECT rq.rls_enterprise_claims_read('rq.manager_bindings');

-- Print jobs: city admins and market supervision see and queue every job; nobody else
-- sees any. A job is queued in the requesting admin's name only.
DROP POLICY IF EXISTS print_jobs_app_read ON rq.print_jobs;
CREATE POLICY print_jobs_app_read ON rq.print_jobs FOR SELECT TO ruqima_app
    USING (coalesce((SELECT rq.actor_admin_role() IN ('market_supervision', 'city_admin')),
                    false));

DROP POLICY IF EXISTS print_jobs_app_insert ON rq.print_jobs;
CREATE POLICY print_jobs_app_insert ON rq.print_jobs FOR INSERT TO ruqima_app
    WITH CHECK (coalesce((SELECT rq.actor_admin_role() IN ('market_supervision',
                                                           'city_admin')), false)
                AND requested_by = (SELECT rq.current_admin_id()));

-- ---------------------------------------------------------------------------------
-- Officials' profiles.
-- ---------------------------------------------------------------------------------
-- Reads: the account its own row; a unit admin the profiles of their unit; a county
-- admin those of units in their county; the city admin all.
DROP POLICY IF EXISTS official_profiles_app_read ON rq.official_profiles;
CREATE POLICY official_profiles_app_read ON rq.official_profiles FOR SELECT TO ruqima_app
    USING (account_id = (SELECT rq.current_account_id())
           OR (SELECT rq.actor_admin_role() = 'city_admin')
           OR unit_id = (SELECT rq.actor_unit_scope())
           OR EXISTS (SELECT 1 FROM rq.units u
                       WHERE u.id = unit_id
                         AND u.county_code = (SELECT rq.actor_county_scope())));

-- Writes: an account its own row only.
DROP POLICY IF EXISTS official_profiles_app_insert ON rq.official_profiles;
CREATE POLICY official_profiles_app_insert ON rq.official_profiles FOR INSERT TO ruqima_app
    WITH CHECK (account_id = (SELECT rq.current_account_id()));

DROP POLICY IF EXISTS official_profiles_app_update ON rq.official_profiles;
CREATE POLICY official_profiles_app_update ON rq.official_profiles FOR UPDATE TO ruqima_app
    USING (account_id = (SELECT rq.current_account_id()))
    WITH CHECK (account_id = (SELECT rq.current_account_id()));

-- ---------------------------------------------------------------------------------
-- The rule thresholds: public to every signed-in actor (the mini-program explains them).
-- ---------------------------------------------------------------------------------
DROP POLICY IF EXISTS policy_app_read ON rq.policy;
CREATE POLICY policy_app_read ON rq.policy FOR SELECT TO ruqima_app
    USING ((SELECT rq.actor_kind() IS NOT NULL));

DROP POLICY IF EXISTS policy_unit_overrides_app_read ON rq.policy_unit_overrides;
CREATE POLICY policy_unit_overrides_app_read ON rq.policy_unit_overrides FOR SELECT
    TO ruqima_app USING ((SELECT rq.actor_kind() IS NOT NULL));

-- ---------------------------------------------------------------------------------
-- The calendar of working days: public (the State Council's notices) and read by everyone
-- the deadlines are computed for, so that rq.working_days_add and rq.working_days_between
-- (SECURITY INVOKER) give every actor the same answer. Written only through the city
-- admin's functions (app/admin/sql/calendar.sql).
-- ---------------------------------------------------------------------------------
DROP POLICY IF EXISTS calendar_days_app_read ON rq.calendar_days;
CREATE POLICY calendar_days_app_read ON rq.calendar_days FOR SELECT TO ruqima_app
    USING (true);

-- ---------------------------------------------------------------------------------
-- Visits and what hangs off them.
-- ---------------------------------------------------------------------------------
-- The official who registered it; the managers of the enterprise now; the city-wide
-- roles; a county admin their county's; a unit admin those their unit entered in (lead
-- or participant).
SELECT rq.rls_scoped_read('rq.visits', 'account_id', 'rq.actor_unit_entered(id)');

-- The dependent rows follow their visit (rq.rls_follow); a unit admin also sees the
-- visit_units rows naming their unit.
DROP POLICY IF EXISTS visit_units_app_read ON rq.visit_units;
CREATE POLICY visit_units_app_read ON rq.visit_units FOR SELECT TO ruqima_app
    USING (unit_id = (SELECT rq.actor_unit_scope())
           OR EXISTS (SELECT 1 FROM rq.visits v WHERE v.id = visit_id));

SELECT rq.rls_follow('rq.visit_attachments', 'rq.visits', 'visit_id');
SELECT rq.rls_follow('rq.visit_edits', 'rq.visits', 'visit_id');
SELECT rq.rls_follow('rq.filings', 'rq.visits', 'visit_id');
SELECT rq.rls_follow('rq.visit_answers', 'rq.visits', 'visit_id');

-- The rating follows its visit; a manager's arm first, on the rating's own enterprise, so
-- a manager's rows never reach the sub-select.
DROP POLICY IF EXISTS evaluations_app_read ON rq.evaluations;
CREATE POLICY evaluations_app_read ON rq.evaluations FOR SELECT TO ruqima_app
    USING (enterprise_id = ANY ((SELECT rq.actor_managed_ids())::bigint[])
           OR EXISTS (SELECT 1 FROM rq.visits v WHERE v.id = visit_id));

-- The rater: the rater themselves; for a rating that is not anonymous, whoever sees the
-- rating; for an anonymous one, discipline inspectors only (app/DESIGN.md §5).
DROP POLICY IF EXISTS evaluation_raters_app_read ON rq.evaluation_raters;
CREATE POLICY evaluation_raters_app_read ON rq.evaluation_raters FOR SELECT TO ruqima_app
    USING (account_id = (SELECT rq.current_account_id())
           OR EXISTS (SELECT 1 FROM rq.evaluations e
                       WHERE e.visit_id = evaluation_raters.visit_id
                         AND (NOT e.anonymous
                              OR (SELECT rq.actor_admin_role() = 'discipline_inspector'))));

-- The reporting role: the raters of named ratings only. An anonymous rater is for discipline
-- inspectors alone, also in the audit trail (sealed, app/DESIGN.md §7).
DROP POLICY IF EXISTS evaluation_raters_report_read ON rq.evaluation_raters;
CREATE POLICY evaluation_raters_report_read ON rq.evaluation_raters FOR SELECT TO ruqima_report
    USING (EXISTS (SELECT 1 FROM rq.evaluations e
                    WHERE e.visit_id = evaluation_raters.visit_id AND NOT e.anonymous));

-- ---------------------------------------------------------------------------------
-- Photos: the uploader, and whoever may see a visit or a case it belongs to.
-- ---------------------------------------------------------------------------------
DROP POLICY IF EXISTS attachments_app_read ON rq.attachments;
CREATE POLICY attachments_app_read ON rq.attachments FOR SELECT TO ruqima_app
    USING (account_id = (SELECT rq.current_account_id())
           OR EXISTS (SELECT 1 FROM rq.visit_attachments va
                       WHERE va.attachment_id = attachments.id));

DROP POLICY IF EXISTS attachments_case_read ON rq.attachments;
CREATE POLICY attachments_case_read ON rq.attachments FOR SELECT TO ruqima_app
    USING (EXISTS (SELECT 1 FROM rq.case_attachments ca WHERE ca.attachment_id = attachments.id));

-- ---------------------------------------------------------------------------------
-- Cases: the reporting manager and the enterprise's managers now; the city-wide roles; a
-- county admin their county's; a unit admin those naming their unit. Their events and
-- photos follow the case.
-- ---------------------------------------------------------------------------------
SELECT rq.rls_scoped_read('rq.cases', 'reporter_account_id',
                          'unit_id = (SELECT rq.actor_unit_scope())');
SELECT rq.rls_follow('rq.case_events', 'rq.cases', 'case_id');
SELECT rq.rls_follow('rq.case_ratings', 'rq.cases', 'case_id');
SELECT rq.rls_follow('rq.case_overdue_steps', 'rq.cases', 'case_id');

-- An official also sees the cases about their own visits.
DROP POLICY IF EXISTS cases_official_read ON rq.cases;
CREATE POLICY cases_official_read ON rq.cases FOR SELECT TO ruqima_app
    USING (official_account_id = (SELECT rq.current_account_id()));

-- What a step recorded (rq.case_records): whoever handles the case (the city-wide roles, a
-- county admin its county's), and of those who see the case, the parties in its audience:
-- the unit admin ('unit'), the enterprise's managers now ('enterprise'), the official
-- whose visit it is ('official'). So the official never reads the follow-up with the
-- enterprise, nor the unit the enterprise's additions.
DROP POLICY IF EXISTS case_records_app_read ON rq.case_records;
CREATE POLICY case_records_app_read ON rq.case_records FOR SELECT TO ruqima_app
    USING (EXISTS (SELECT 1 FROM rq.cases c WHERE c.id = case_id)
           AND ((SELECT rq.actor_sees_all() OR rq.actor_county_scope() IS NOT NULL)
                OR ('unit' = ANY (audience) AND (SELECT rq.actor_unit_scope() IS NOT NULL))
                OR ('enterprise' = ANY (audience)
                    AND EXISTS (SELECT 1 FROM rq.cases c
                                 WHERE c.id = case_id
                                   AND c.enterprise_id = ANY ((SELECT rq.actor_managed_ids())::bigint[])))
                OR ('official' = ANY (audience) AND (SELECT rq.current_account_id() IS NOT NULL)
                    AND EXISTS (SELECT 1 FROM rq.cases c
                                 WHERE c.id = case_id
                                   AND c.official_account_id = (SELECT rq.current_account_id())))));

-- Photos of a case: the report's own with the case; a step's with its record.
SELECT rq.rls_read_policy('rq.case_attachments',
    'EXISTS (SELECT 1 FROM rq.cases p WHERE p.id = case_id)'
    ' AND (record_id IS NULL OR EXISTS (SELECT 1 FROM rq.case_records r WHERE r.id = record_id))');

-- Statement requests and statements: whoever handles the case, and the unit admin of the
-- unit asked.
DROP POLICY IF EXISTS case_statements_app_read ON rq.case_statements;
CREATE POLICY case_statements_app_read ON rq.case_statements FOR SELECT TO ruqima_app
    USING (unit_id = (SELECT rq.actor_unit_scope())
           OR ((SELECT rq.actor_sees_all() OR rq.actor_county_scope() IS NOT NULL)
               AND EXISTS (SELECT 1 FROM rq.cases c WHERE c.id = case_id)));

-- Accountability entries: the city-wide roles, a county admin its county's, the unit admin
-- of the unit, the official named.
DROP POLICY IF EXISTS accountability_entries_app_read ON rq.accountability_entries;
CREATE POLICY accountability_entries_app_read ON rq.accountability_entries FOR SELECT TO ruqima_app
    USING ((SELECT rq.actor_sees_all())
           OR county_code = (SELECT rq.actor_county_scope())
           OR unit_id = (SELECT rq.actor_unit_scope())
           OR account_id = (SELECT rq.current_account_id()));

-- The transition table: every signed-in actor (the portal shows what may come next).
DROP POLICY IF EXISTS case_transitions_app_read ON rq.case_transitions;
CREATE POLICY case_transitions_app_read ON rq.case_transitions FOR SELECT TO ruqima_app
    USING ((SELECT rq.actor_kind() IS NOT NULL));

-- ---------------------------------------------------------------------------------
-- Notifications: their recipient only (a mini-program account or a portal user). A
-- manager's notice of a visit goes with the binding: once the manager unbound the
-- enterprise, its visits' notices are no longer theirs (rq.notification_read says the same).
-- ---------------------------------------------------------------------------------
DROP POLICY IF EXISTS outbox_app_read ON rq.outbox;
CREATE POLICY outbox_app_read ON rq.outbox FOR SELECT TO ruqima_app
    USING (account_id = (SELECT rq.current_account_id())
           AND (visit_id IS NULL
                OR enterprise_id = ANY ((SELECT rq.actor_managed_ids())::bigint[])));

DROP POLICY IF EXISTS outbox_admin_read ON rq.outbox;
CREATE POLICY outbox_admin_read ON rq.outbox FOR SELECT TO ruqima_app
    USING (admin_user_id = (SELECT rq.current_admin_id()));

-- ---------------------------------------------------------------------------------
-- Report runs: the roles that see every row of the city see every run; a county admin the
-- runs made for its county.
-- ---------------------------------------------------------------------------------
SELECT rq.rls_read_policy('rq.report_runs',
    '(SELECT rq.actor_sees_all()) OR county_code = (SELECT rq.actor_county_scope())');

-- ---------------------------------------------------------------------------------
-- The unit names of 慧企通 and the units they are: the city admin keeps them (written only
-- through rq.unit_mapping_set and rq.unit_mapping_delete, app/admin/sql/unit_mappings.sql).
-- ---------------------------------------------------------------------------------
SELECT rq.rls_read_policy('rq.unit_mappings', '(SELECT rq.actor_admin_role() = ''city_admin'')');

-- ---------------------------------------------------------------------------------
-- Export jobs: the portal user who asked for one, and nobody else (written through
-- rq.export_job_request, app/reporting/sql/exports.sql, and by the CLI).
-- ---------------------------------------------------------------------------------
SELECT rq.rls_read_policy('rq.export_jobs', 'requested_by = (SELECT rq.current_admin_id())');

-- ---------------------------------------------------------------------------------
-- The aggregates of the statistics (migration 0029): the city-wide roles every row; a county
-- admin its county's; a unit admin its unit's (as lead or participant; its flagged pairs
-- and quiet-day inspections), and the determinations naming it responsible.
-- ---------------------------------------------------------------------------------
SELECT rq.rls_read_policy('rq.visit_stats',
    '(SELECT rq.actor_sees_all()) OR county_code = (SELECT rq.actor_county_scope())'
    ' OR (dim IN (''unit'', ''pair'', ''exemption'') AND key_id = (SELECT rq.actor_unit_scope()))');
-- the whole city's ranking: only the city-wide roles read it whole (others rank what they see
-- of rq.visit_stats)
SELECT rq.rls_read_policy('rq.enterprise_ranks', '(SELECT rq.actor_sees_all())');
SELECT rq.rls_read_policy('rq.case_stats',
    '(SELECT rq.actor_sees_all()) OR county_code = (SELECT rq.actor_county_scope())'
    ' OR unit_id = (SELECT rq.actor_unit_scope())'
    ' OR (dim = ''determined'' AND responsible_unit_id = (SELECT rq.actor_unit_scope()))');
