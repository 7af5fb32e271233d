-- 0019_outcome.sql — the one shape of the answer of every write the pools call.
--
-- A SECURITY DEFINER write answers one rq.outcome: "ok" (or another success its handler
-- names) with its payload in data; or the name of a refusal of lib/rq_outcome.c, which says
-- the HTTP status, the problem type and the Chinese detail, with args for the {1}, {2}... of
-- that detail. Built with rq.ok() and rq.refusal() (lib/sql/common.sql).
CREATE TYPE rq.outcome AS (
    outcome text,
    args    jsonb,
    data    jsonb
);
COMMENT ON TYPE rq.outcome IS
    'the answer of a write: outcome (ok, a success, or a refusal of lib/rq_outcome.c), args, data';

-- The writes whose answer becomes rq.outcome: dropped here, created again by their
-- definition files (CREATE OR REPLACE cannot change a function's result type; after a
-- numbered migration `ruqima migrate` applies every definition file again).
DROP FUNCTION IF EXISTS rq.claim_decide(bigint, boolean, text);
DROP FUNCTION IF EXISTS rq.portal_issue_code(bigint);
DROP FUNCTION IF EXISTS rq.portal_reissue_code(bigint, text);
DROP FUNCTION IF EXISTS rq.portal_revoke_code(bigint, text);
DROP FUNCTION IF EXISTS rq.official_verify(bigint);
DROP FUNCTION IF EXISTS rq.policy_set(text, bigint, integer);
DROP FUNCTION IF EXISTS rq.manager_claim(text, text, text, text, text, text);
DROP FUNCTION IF EXISTS rq.manager_select(bigint);
DROP FUNCTION IF EXISTS rq.manager_unbind(bigint);
DROP FUNCTION IF EXISTS rq.notification_read(bigint);
DROP FUNCTION IF EXISTS rq.visit_answer(bigint, text, text, text);
DROP FUNCTION IF EXISTS rq.rating_give(bigint, text, text, boolean);
DROP FUNCTION IF EXISTS rq.rating_change(bigint, text, text, boolean);
DROP FUNCTION IF EXISTS rq.no_scan_report(text, bigint, text, text, bigint[]);
DROP FUNCTION IF EXISTS rq.attachment_add(text, text, integer, integer);
DROP FUNCTION IF EXISTS rq.visit_register(text, jsonb, text);
DROP FUNCTION IF EXISTS rq.visit_edit(bigint, text, bigint[]);
DROP FUNCTION IF EXISTS rq.visit_finish(bigint, text, text, text, bigint[]);
