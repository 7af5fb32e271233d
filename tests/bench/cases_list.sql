-- tests/bench/cases_list.sql — what tests/bench/cases_list adds to tests/bench/register's data
-- set (psql -v target=10000), as the superuser, in one transaction; running it again changes
-- nothing. County 411502 gets :target cases (不满意 cases on its visits, picked at random over
-- the whole table, in every status, each with its opening event), and the
-- county admin 'bench.cases' of that county whose portal list the bench measures.
\set ON_ERROR_STOP 1
BEGIN;
SELECT pg_advisory_xact_lock(hashtext('tests/bench/cases_list.sql'));
SELECT rq.set_actor('system', 'tests/bench/cases_list', 'owner', NULL, NULL, 'bench-load', NULL);
-- no triggers (audit rows, foreign-key checks), like the data set's own past visits
SET LOCAL session_replication_role = replica;

INSERT INTO rq.admin_users (username, password_hash, role, county_code, active)
VALUES ('bench.cases', '$y$j9T$bench$nopasswordmatchesthis', 'county_admin', '411502', true)
ON CONFLICT (username) DO NOTHING;

CREATE TEMPORARY TABLE bench_case ON COMMIT DROP AS
SELECT v.id AS visit_id, v.account_id, v.enterprise_id, v.unit_id, v.county_code, v.entered_at,
       row_number() OVER () AS k
  FROM rq.visits v
 WHERE v.county_code = '411502'
   AND NOT EXISTS (SELECT 1 FROM rq.cases c WHERE c.visit_id = v.id)
 ORDER BY random()
 LIMIT greatest(0, :target - (SELECT count(*) FROM rq.cases WHERE county_code = '411502'));

-- statuses by k: a fifth closed, the rest spread over the open steps; every step's deadline
-- from its start (some long past: overdue)
INSERT INTO rq.cases (source, status, visit_id, official_account_id, enterprise_id, unit_id, county_code,
                      description, opened_at, updated_at, step_started_at, due_at,
                      classification, closing, closed_at)
SELECT 'rating', s.status, b.visit_id, b.account_id, b.enterprise_id, b.unit_id, b.county_code,
       '基准：检查人员态度生硬', b.entered_at + interval '3 days', b.entered_at + interval '4 days',
       b.entered_at + interval '4 days',
       CASE WHEN s.status <> 'closed' THEN b.entered_at + interval '6 days' END,
       CASE WHEN s.status IN ('investigation', 'determination', 'closed') THEN 'attitude' END,
       CASE WHEN s.status = 'closed' THEN 'resolved' END,
       CASE WHEN s.status = 'closed' THEN b.entered_at + interval '10 days' END
  FROM bench_case b
 CROSS JOIN LATERAL (SELECT (ARRAY['open', 'follow_up', 'analysis', 'investigation',
                                   'determination', 'closed', 'closed'])[b.k % 7 + 1] AS status) s;

INSERT INTO rq.case_events (case_id, kind, status, created_at)
SELECT c.id, 'opened', 'open', c.opened_at
  FROM rq.cases c
 WHERE c.county_code = '411502'
   AND NOT EXISTS (SELECT 1 FROM rq.case_events e WHERE e.case_id = c.id);
COMMIT;
ANALYZE rq.cases, rq.case_events;
