-- lib/sql/grants.sql — privileges on schemas, tables, sequences and the database (function privileges stand beside each function).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

REVOKE ALL ON SCHEMA rq FROM PUBLIC;

REVOKE ALL ON SCHEMA audit FROM PUBLIC;

-- The roles (README, "Database roles"). Each pool logs in as its family's role
-- (ruqima_registration, ruqima_evaluation, ruqima_complaints, ruqima_reporting,
-- ruqima_admin), a member of ruqima_app, which logs in no more: ruqima_app holds what every
-- pool needs (the actor context, sessions' lookup, the read-only helpers, SELECT on the
-- tables every family reads under row-level security) and is the role the application's
-- policies name (lib/sql/policies.sql), so that they apply to each member. A family's own
-- writes, and whatever only its routes read, are granted to its role alone: beside each
-- function, and below for the tables. The deploy scripts create the roles (deploy/lib.sh
-- pg_roles_and_db); tests/schema/role_matrix holds every role's privilege on every table.

GRANT USAGE ON SCHEMA rq TO ruqima_app, ruqima_report;

-- Reporting reads audit.log, so it needs to reach the schema. The application role gets
-- nothing here: the audit trigger runs as the owner (SECURITY DEFINER), and firing a
-- trigger needs no privilege on its function or schema.
GRANT USAGE ON SCHEMA audit TO ruqima_report;

-- The runner creates public.schema_migrations before the first file; the health
-- endpoints of every pool (ruqima_app) and reporting report the applied version.
GRANT SELECT ON public.schema_migrations TO ruqima_app, ruqima_report;

-- Privileges: only the owner writes (through the SECURITY DEFINER functions below);
-- reporting reads; the application role has nothing, not even SELECT.
REVOKE ALL ON audit.log FROM PUBLIC;

REVOKE ALL ON SEQUENCE audit.log_id_seq FROM PUBLIC;

GRANT SELECT ON audit.log TO ruqima_report;

GRANT SELECT ON rq.regions TO ruqima_app, ruqima_report;

GRANT SELECT ON rq.uscc_allowlist TO ruqima_app, ruqima_report;

GRANT SELECT ON rq.units TO ruqima_app, ruqima_report;

-- The city admin creates units in the portal (the policy units_app_create says who) and
-- changes them through rq.unit_change: no UPDATE. No DELETE: a unit is deactivated, never
-- removed.
GRANT INSERT ON rq.units TO ruqima_admin;
REVOKE UPDATE, DELETE ON rq.units FROM ruqima_app, ruqima_admin;

GRANT USAGE ON SEQUENCE rq.units_id_seq TO ruqima_admin;

GRANT SELECT ON rq.enterprises TO ruqima_app, ruqima_report;

-- The pools read accounts only, and only the actor's own rows (reporting none). Writes go
-- through the functions of lib/sql/auth.sql; the policies are FOR ALL so that a write
-- privilege granted by a later change would still be confined to the actor's own rows.
-- Sessions: no pool reads them but through rq.session_resolve.
GRANT SELECT ON rq.accounts
    TO ruqima_registration, ruqima_evaluation, ruqima_complaints, ruqima_admin;

-- Column list: the password hash is readable only through rq.login_begin (the login
-- path, the admin pool's role alone). rq.login_throttle and rq.auth_events: nothing for
-- any pool (the login and session functions write them; the audit viewer shows the
-- events).
-- (So `SELECT * FROM rq.admin_users` fails for the app: name the columns.)
GRANT SELECT (id, username, role, county_code, unit_id, active, failed_attempts,
              locked_until, admin_locked, created_at, discipline_group)
    ON rq.admin_users TO ruqima_app;

-- Reporting: all accounts (counts, activity); admin users without anything secret
-- (no password hash, no lockout state), to name who did what; no sessions.
GRANT SELECT ON rq.accounts TO ruqima_report;

GRANT SELECT (id, username, role, county_code, unit_id, active, created_at, discipline_group)
    ON rq.admin_users TO ruqima_report;

-- Schema public: PostgreSQL 15 already creates it without CREATE for PUBLIC; said again
-- here so that a database restored from an older dump cannot keep the old default.
-- USAGE stays: public.schema_migrations lives there and both roles read it.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- The database. PUBLIC keeps CONNECT: pg_hba.conf (local socket, scram-sha-256, our
-- three roles) is the gate, and the cluster holds no other login roles, so revoking it
-- would only add a step to every new maintenance or monitoring role. Our roles get
-- CONNECT by name anyway, so a DBA may revoke PUBLIC's without breaking anything.
-- TEMPORARY is taken from PUBLIC: the reporting role needs no temporary tables; the
-- admin pool keeps it (bulk imports may stage rows in a temporary table).
-- The database name is not fixed (tests use throw-away clusters), hence the DO block.
DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO ruqima_registration, ruqima_evaluation,'
                   ' ruqima_complaints, ruqima_reporting, ruqima_admin', current_database());
    -- the portal's imports stage rows in a temporary table
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO ruqima_admin', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO ruqima_report', current_database());
END
$$;

GRANT SELECT ON rq.codes TO ruqima_app, ruqima_report;

-- Column privileges: what the import and the verification write. id, created_at and
-- updated_at (set by rq.touch_updated_at) are never written by the application, nor is
-- in_scope (set from the credit code by a trigger).
-- The portal's (the admin pool's) import and verification only.
GRANT INSERT (uscc, project_code, name, register_name, legal_rep, address, county_code,
              industry, business_status, latitude, longitude)
    ON rq.enterprises TO ruqima_admin;

GRANT UPDATE (name, register_name, register_name_changed, legal_rep, address, county_code,
              industry, business_status, latitude, longitude, name_verified)
    ON rq.enterprises TO ruqima_admin;

GRANT USAGE ON SEQUENCE rq.enterprises_id_seq TO ruqima_admin;

-- activation_codes and claim_failures: nothing for the application role at all.

-- A manager sees their own rows; a county admin those of enterprises in their county; the
-- city admin all. (The enterprise subquery runs under the enterprises policies,
-- which agree: a county admin sees their own county's enterprises only.)
GRANT SELECT ON rq.claim_requests, rq.manager_bindings TO ruqima_app;

-- Reporting reads bindings and decisions (counts, how managers were verified).
GRANT SELECT ON rq.claim_requests, rq.manager_bindings TO ruqima_report;

GRANT SELECT ON rq.print_jobs TO ruqima_app, ruqima_report;

GRANT INSERT (county_code, only_unprinted, requested_by) ON rq.print_jobs TO ruqima_admin;

GRANT USAGE ON SEQUENCE rq.print_jobs_id_seq TO ruqima_admin;

-- The pools read all columns; the registration pool (an official's own profile) writes
-- only the columns an official fills in.
GRANT SELECT ON rq.official_profiles TO ruqima_app;

GRANT INSERT (account_id, name, unit_id, post, cert_no, phone),
      UPDATE (name, unit_id, post, cert_no, phone)
    ON rq.official_profiles TO ruqima_registration;

GRANT SELECT ON rq.official_profiles TO ruqima_report;

-- The rules are public to every signed-in actor (the mini-program explains them).
-- The reporting role reads every table of visits, answers, ratings and cases.
GRANT SELECT ON rq.policy, rq.policy_unit_overrides, rq.attachments, rq.visits,
                rq.visit_units, rq.visit_attachments, rq.visit_edits, rq.filings, rq.outbox,
                rq.visit_answers, rq.evaluations, rq.evaluation_raters, rq.cases,
                rq.case_events, rq.case_attachments
    TO ruqima_report;
GRANT SELECT ON rq.policy, rq.policy_unit_overrides TO ruqima_app;

-- The calendar of working days: read by all (lib/sql/policies.sql), written by no one but
-- the owner's functions (lib/sql/calendar.sql).
GRANT SELECT ON rq.calendar_days TO ruqima_app, ruqima_report;

-- Visits: the official their own; a manager those of enterprises they manage now; the
-- city admin, judicial analysts and discipline inspectors all; a county admin their
-- county's; a unit admin their unit's (lead or participant).
GRANT SELECT ON rq.visits, rq.visit_units, rq.visit_attachments, rq.visit_edits, rq.filings,
                rq.attachments, rq.outbox
    TO ruqima_app;

GRANT SELECT ON rq.visit_answers, rq.evaluations, rq.cases, rq.case_events,
                rq.case_attachments
    TO ruqima_app;

-- Who rated (name, phone, account): the pools whose routes show a rating to its visit's
-- readers, under row-level security (lib/sql/visits.sql rq.visit_rating); never the
-- reporting pool (its export names a rater who chose to be named through
-- rq.export_rater_name).
GRANT SELECT ON rq.evaluation_raters
    TO ruqima_registration, ruqima_evaluation, ruqima_complaints, ruqima_admin;

GRANT SELECT ON rq.visit_lines TO ruqima_app, ruqima_report;

-- Report runs are written by the CLI (the owner) and read in the portal.
GRANT SELECT ON rq.report_runs TO ruqima_app, ruqima_report;

-- Export jobs are queued by rq.export_job_request and built by the CLI (the owner).
GRANT SELECT ON rq.export_jobs TO ruqima_app;

-- The case chain: written only through rq.case_act (app/complaints/sql/cases.sql).
GRANT SELECT ON rq.case_transitions, rq.case_records, rq.case_statements, rq.case_ratings,
                rq.accountability_entries, rq.case_overdue_steps
    TO ruqima_app, ruqima_report;

-- The unit names of 慧企通 and their units: read by the city admin (row-level security) and
-- the reporting role, written only through the SECURITY DEFINER functions of
-- app/admin/sql/unit_mappings.sql and by the CLI (the owner).
GRANT SELECT ON rq.unit_mappings TO ruqima_app, ruqima_report;

-- The aggregates of the statistics: read by the reporting pool (row-level security scopes
-- them) and the reporting role; written only by their triggers (lib/sql/stats.sql).
GRANT SELECT ON rq.visit_stats, rq.case_stats, rq.enterprise_ranks TO ruqima_app, ruqima_report;
GRANT SELECT ON rq.stats_builds TO ruqima_report;
