-- tests/bench/eval_list.sql — what tests/bench/eval_list adds to tests/bench/register's data
-- set (psql -v target=2000), as the superuser, in one transaction; running it again changes
-- nothing. Bench enterprise 10 (manager 'bench-manager-10', bound by register_data.sql) gets
-- exactly :target visits: visits of other bench enterprises move to it, picked at random so
-- that its rows lie all over the table as a real enterprise's would (rows appended at the
-- end would sit in a few heap pages and flatter the list; see the CLUSTER below); a surplus (visits the register
-- bench made there since) moves on to bench enterprise 11, which has no manager. The table
-- keeps its size. Its confirmed visits get a rating (the list shows it), and enterprise 10
-- becomes the manager's selected one.
\set ON_ERROR_STOP 1
BEGIN;
SELECT pg_advisory_xact_lock(hashtext('tests/bench/eval_list.sql'));
SELECT rq.set_actor('system', 'tests/bench/eval_list', 'owner', NULL, NULL, 'bench-load', NULL);
-- no triggers (audit rows, foreign-key checks), like the data set's own past visits
SET LOCAL session_replication_role = replica;

CREATE TEMPORARY TABLE bench_to ON COMMIT DROP AS
SELECT e.name, e.id, c.id AS code_id, e.county_code, e.latitude, e.longitude
  FROM rq.enterprises e JOIN rq.codes c ON c.enterprise_id = e.id AND c.status = 'active'
 WHERE e.name IN ('信阳登记基准企业第10号有限公司', '信阳登记基准企业第11号有限公司');
CREATE TEMPORARY TABLE bench_move (id bigint PRIMARY KEY, dest bigint NOT NULL) ON COMMIT DROP;

-- Too few: visits of other bench enterprises without filings (the loaded past visits, not
-- the register bench's) move in.
INSERT INTO bench_move
SELECT v.id, t.id
  FROM rq.visits v
  JOIN rq.enterprises e ON e.id = v.enterprise_id AND e.name LIKE '信阳登记基准企业第%'
  JOIN bench_to t ON t.name = '信阳登记基准企业第10号有限公司'
 WHERE v.enterprise_id <> t.id AND NOT EXISTS (SELECT 1 FROM rq.filings f WHERE f.visit_id = v.id)
 ORDER BY random()
 LIMIT greatest(0, :target - (SELECT count(*) FROM rq.visits v JOIN bench_to t ON t.id = v.enterprise_id
                               WHERE t.name = '信阳登记基准企业第10号有限公司'));
-- Too many: the newest move on to enterprise 11.
INSERT INTO bench_move
SELECT v.id, (SELECT id FROM bench_to WHERE name = '信阳登记基准企业第11号有限公司')
  FROM rq.visits v JOIN bench_to t ON t.id = v.enterprise_id
 WHERE t.name = '信阳登记基准企业第10号有限公司'
 ORDER BY v.id DESC
 LIMIT greatest(0, (SELECT count(*) FROM rq.visits v JOIN bench_to t ON t.id = v.enterprise_id
                     WHERE t.name = '信阳登记基准企业第10号有限公司') - :target);

UPDATE rq.visits v
   SET enterprise_id = t.id, code_id = t.code_id, county_code = t.county_code,
       latitude = CASE WHEN v.latitude IS NOT NULL THEN t.latitude + 0.001 END,
       longitude = CASE WHEN v.longitude IS NOT NULL THEN t.longitude + 0.001 END
  FROM bench_move m JOIN bench_to t ON t.id = m.dest
 WHERE v.id = m.id;
UPDATE rq.visit_units vu SET enterprise_id = m.dest FROM bench_move m WHERE vu.visit_id = m.id;
UPDATE rq.evaluations ev SET enterprise_id = t.id, county_code = t.county_code
  FROM bench_move m JOIN bench_to t ON t.id = m.dest
 WHERE ev.visit_id = m.id;

-- The enterprise's confirmed visits are rated (3 in 4 满意, 1 in 5 基本满意, the rest 不满意).
INSERT INTO rq.evaluations (visit_id, enterprise_id, unit_id, county_code, value, comment,
                            anonymous, rated_at)
SELECT v.id, v.enterprise_id, v.unit_id, v.county_code,
       CASE WHEN v.id % 20 < 15 THEN 'satisfied' WHEN v.id % 20 < 19 THEN 'basically_satisfied'
            ELSE 'unsatisfied' END,
       CASE WHEN v.id % 20 = 19 THEN '基准：态度生硬' END, v.id % 3 = 0, v.entered_at + interval '2 days'
  FROM rq.visits v JOIN bench_to t ON t.id = v.enterprise_id
 WHERE t.name = '信阳登记基准企业第10号有限公司' AND v.confirmation = 'confirmed'
ON CONFLICT (visit_id) DO NOTHING;

UPDATE rq.accounts a SET current_enterprise_id = t.id
  FROM bench_to t
 WHERE a.openid = 'bench-manager-10' AND t.name = '信阳登记基准企业第10号有限公司'
   AND a.current_enterprise_id IS DISTINCT FROM t.id;
SELECT count(*) > 0 AS moved FROM bench_move \gset
COMMIT;
-- An UPDATE writes the new row versions together at the table's end; rewriting the table in
-- id (registration) order puts the moved visits back among the others, as in a real table.
\if :moved
CLUSTER rq.visits USING visits_pkey;
ANALYZE rq.visits, rq.visit_units, rq.evaluations;
\endif
