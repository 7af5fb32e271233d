-- lib/sql/tables.sql — what each table carries besides its columns: the audit trigger
-- (audit.enable: primary key columns, columns never copied into the log) and forced
-- row-level security with the owner's and the reporting role's policies (rq.rls_enable;
-- p_report => false where the reporting role reads nothing). The application role's
-- policies are in lib/sql/policies.sql, the privileges in lib/sql/grants.sql.
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.
-- A new table gets its lines here in the same change as its numbered migration.

-- Reference data: audited, readable by every role, no row-level security (README,
-- "Database roles", says why for each table left without it); the units are, since the
-- application role may create them (the city admin only).
SELECT audit.enable('rq.regions', 'code');
SELECT audit.enable('rq.uscc_allowlist', 'code');
SELECT audit.enable('rq.units');
SELECT rq.rls_enable('rq.units');
SELECT audit.enable('rq.codes');
SELECT audit.enable('rq.code_serials', 'county_code');

-- Identities and sessions.
SELECT audit.enable('rq.accounts');
SELECT rq.rls_enable('rq.accounts');
SELECT audit.enable('rq.admin_users', 'id', ARRAY['password_hash']);
SELECT rq.rls_enable('rq.admin_users');
SELECT rq.rls_enable('rq.sessions', p_report => false);
-- failed portal logins (rq.login_begin): not business rows, not audited, like sessions
SELECT rq.rls_enable('rq.login_throttle', p_report => false);
-- logins, sessions opened and logouts (lib/sql/auth.sql): a record of their own, not
-- audited, like sessions (the audit rows would repeat them); read by no pool
SELECT rq.rls_enable('rq.auth_events', p_report => false);

-- The enterprise register, its managers and its print jobs.
SELECT audit.enable('rq.enterprises');
SELECT rq.rls_enable('rq.enterprises');
SELECT audit.enable('rq.activation_codes', 'id', ARRAY['code_hash']);
SELECT rq.rls_enable('rq.activation_codes', p_report => false);
SELECT audit.enable('rq.claim_requests');
SELECT rq.rls_enable('rq.claim_requests');
SELECT audit.enable('rq.manager_bindings');
SELECT rq.rls_enable('rq.manager_bindings');
SELECT audit.enable('rq.claim_failures');
SELECT rq.rls_enable('rq.claim_failures', p_report => false);
SELECT audit.enable('rq.print_jobs');
SELECT rq.rls_enable('rq.print_jobs', p_report => false);

-- Officials.
SELECT audit.enable('rq.official_profiles', 'account_id');
SELECT rq.rls_enable('rq.official_profiles');

-- The rule thresholds.
SELECT audit.enable('rq.policy', 'key');
SELECT rq.rls_enable('rq.policy');
SELECT audit.enable('rq.policy_unit_overrides', 'unit_id,key');
SELECT rq.rls_enable('rq.policy_unit_overrides');

-- The calendar of working days (holidays and 调休 working weekend days).
SELECT audit.enable('rq.calendar_days', 'day');
SELECT rq.rls_enable('rq.calendar_days');

-- Visits and what hangs off them.
SELECT audit.enable('rq.attachments');
SELECT rq.rls_enable('rq.attachments');
SELECT audit.enable('rq.visits');
SELECT rq.rls_enable('rq.visits');
SELECT audit.enable('rq.visit_units', 'visit_id,unit_id');
SELECT rq.rls_enable('rq.visit_units');
SELECT audit.enable('rq.visit_attachments', 'visit_id,attachment_id');
SELECT rq.rls_enable('rq.visit_attachments');
SELECT audit.enable('rq.visit_edits');
SELECT rq.rls_enable('rq.visit_edits');
SELECT audit.enable('rq.filings');
SELECT rq.rls_enable('rq.filings');
SELECT audit.enable('rq.outbox');
SELECT rq.rls_enable('rq.outbox');
-- The stored answers of idempotent requests are the app's business only (not audited:
-- they repeat what the audited rows say).
SELECT rq.rls_enable('rq.idempotency_keys', p_report => false);

-- The enterprise's answers, ratings and cases.
SELECT audit.enable('rq.visit_answers', 'visit_id');
SELECT rq.rls_enable('rq.visit_answers');
SELECT audit.enable('rq.evaluations', 'visit_id');
SELECT rq.rls_enable('rq.evaluations');
-- The rater of an anonymous rating is sealed out of the audit rows (app/DESIGN.md §7); the
-- reporting role reads the raters of named ratings only (lib/sql/policies.sql).
SELECT audit.enable('rq.evaluation_raters', 'visit_id', '{}', ARRAY['account_id', 'name', 'phone']);
SELECT rq.rls_enable('rq.evaluation_raters', p_report => false);
SELECT audit.enable('rq.cases');
SELECT rq.rls_enable('rq.cases');
SELECT audit.enable('rq.case_events');
SELECT rq.rls_enable('rq.case_events');
SELECT audit.enable('rq.case_attachments', 'case_id,attachment_id');
SELECT rq.rls_enable('rq.case_attachments');

-- The sealed actors of the audit trail: the owner only (discipline inspectors read them
-- through rq.sealed_audit_page; the reporting role never). Not audited: part of the trail.
SELECT rq.rls_enable('audit.sealed', p_report => false);

-- Reports of the judicial bureau: every run, readable in the portal by the roles that may
-- download them (lib/sql/policies.sql).
SELECT audit.enable('rq.report_runs');
SELECT rq.rls_enable('rq.report_runs');

-- The auditors' exports built by `ruqima exports run`: their requester reads them
-- (lib/sql/policies.sql); the reporting role has no business with them.
SELECT audit.enable('rq.export_jobs');
SELECT rq.rls_enable('rq.export_jobs', p_report => false);

-- The case chain (the complaints family): the transition table, what each step recorded,
-- the statements of units, the enterprise's ratings of the handling, accountability.
SELECT audit.enable('rq.case_transitions', 'action,from_status');
SELECT rq.rls_enable('rq.case_transitions');
SELECT audit.enable('rq.case_records');
SELECT rq.rls_enable('rq.case_records');
SELECT audit.enable('rq.case_statements');
SELECT rq.rls_enable('rq.case_statements');
SELECT audit.enable('rq.case_ratings', 'case_id,round');
SELECT rq.rls_enable('rq.case_ratings');
SELECT audit.enable('rq.accountability_entries');
SELECT rq.rls_enable('rq.accountability_entries');
SELECT audit.enable('rq.case_overdue_steps', 'case_id,step_seq');
SELECT rq.rls_enable('rq.case_overdue_steps');

-- Unit names of 慧企通 and the units they are (the imports' mapping, kept by the city admin).
SELECT audit.enable('rq.unit_mappings');
SELECT rq.rls_enable('rq.unit_mappings');

-- The aggregates of the statistics (lib/sql/stats.sql): derived from the audited raw rows
-- and written only by their triggers, so not audited themselves.
SELECT rq.rls_enable('rq.visit_stats');
SELECT rq.rls_enable('rq.case_stats');
SELECT rq.rls_enable('rq.enterprise_ranks');
SELECT rq.rls_enable('rq.stats_builds');
