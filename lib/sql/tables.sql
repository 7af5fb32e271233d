-- lib/sql/tables.sql — what every business table carries: the audit trigger (audit.enable) and forced row-level security with the owner and report policies (rq.rls_enable).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- Under audit before the data goes in, so the seed rows themselves are on record
-- (actor 'system', request 'migrate-0002').
SELECT audit.enable('rq.regions', 'code');

SELECT audit.enable('rq.uscc_allowlist', 'code');

SELECT audit.enable('rq.units');

SELECT audit.enable('rq.enterprises');

-- ---------------------------------------------------------------------------------
-- Audit. accounts and admin_users are row-audited like every business table; the
-- password hash never reaches audit.log (ruqima_report reads it): it is redacted, and
-- a change of it shows as "[redacted: changed]".
--
-- sessions is deliberately NOT row-audited: rq.session_resolve touches last_seen_at on
-- nearly every request, which would put a row in audit.log per request and bury the
-- changes that matter. The table is its own record: rows are never deleted, and
-- creation, last use and end are columns of the row.
-- ---------------------------------------------------------------------------------
SELECT audit.enable('rq.accounts');

SELECT audit.enable('rq.admin_users', 'id', ARRAY['password_hash']);

SELECT audit.enable('rq.codes');

SELECT audit.enable('rq.code_serials', 'county_code');

-- The hash stays out of audit.log (ruqima_report reads it): a 10-character code is few
-- enough bits that an unsalted hash could be brute-forced offline.
SELECT audit.enable('rq.activation_codes', 'id', ARRAY['code_hash']);

SELECT audit.enable('rq.claim_requests');

SELECT audit.enable('rq.manager_bindings');

SELECT audit.enable('rq.claim_failures');

SELECT audit.enable('rq.print_jobs');

SELECT audit.enable('rq.official_profiles', 'account_id');

SELECT audit.enable('rq.policy', 'key');

SELECT audit.enable('rq.policy_unit_overrides', 'unit_id,key');

SELECT audit.enable('rq.attachments');

SELECT audit.enable('rq.visits');

SELECT audit.enable('rq.visit_units', 'visit_id,unit_id');

SELECT audit.enable('rq.visit_attachments', 'visit_id,attachment_id');

SELECT audit.enable('rq.visit_edits');

SELECT audit.enable('rq.filings');

SELECT audit.enable('rq.outbox');

SELECT rq.rls_enable(t) FROM unnest(ARRAY['rq.policy', 'rq.policy_unit_overrides',
    'rq.attachments', 'rq.visits', 'rq.visit_units', 'rq.visit_attachments', 'rq.visit_edits',
    'rq.filings', 'rq.outbox']::regclass[]) AS t;

-- The stored answers are the app's business only.
SELECT rq.rls_enable('rq.idempotency_keys', p_report => false);

SELECT audit.enable('rq.visit_answers', 'visit_id');

SELECT audit.enable('rq.evaluations', 'visit_id');

SELECT audit.enable('rq.evaluation_raters', 'visit_id');

SELECT audit.enable('rq.cases');

SELECT audit.enable('rq.case_events');

SELECT audit.enable('rq.case_attachments', 'case_id,attachment_id');

-- ---------------------------------------------------------------------------------
-- Privileges and row-level security
-- ---------------------------------------------------------------------------------
SELECT rq.rls_enable(t) FROM unnest(ARRAY['rq.visit_answers', 'rq.evaluations',
    'rq.evaluation_raters', 'rq.cases', 'rq.case_events', 'rq.case_attachments']::regclass[]) AS t;
