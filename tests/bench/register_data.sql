-- tests/bench/register_data.sql — the data set of tests/bench/register, loaded by it as the
-- superuser over the cluster's socket (psql -v enterprises=.. units=.. officials=..
-- visits=.. managers=.. replica=0|1). Everything is named 基准/bench so that it stays
-- apart from real or demo rows; the script loads it once per cluster (it checks for the
-- bench admin user 'bench.register' first) in one transaction.
--
-- Numbering, which register.lua and the pgbench script rely on:
--   enterprise n (1..enterprises)  code token 'rqbench' || lpad(n, 17, '0'), county
--                                  n % 10 of the ten below, at bench_lat/bench_lon(n)
--   official k (1..officials)      account openid 'bench-official-<k>', unit k % units,
--                                  profile with a cert_no, 4 in 5 verified
--   manager of n (n % 10 = 0, n <= 10 * managers)  one active binding
-- Past visits: random official, random enterprise, entered in the last 730 days, with
-- their visit_units row (what the counting rules read), mostly confirmed and finished.
\set ON_ERROR_STOP 1
BEGIN;
SELECT rq.set_actor('system', 'tests/bench/register', 'owner', NULL, NULL, 'bench-load', NULL);
SELECT setseed(0.4115);

-- The ten counties with the rough centre of each, and where enterprise n lies: within
-- about ±5 km of its county's centre. register.lua and the pgbench script compute the same.
CREATE FUNCTION pg_temp.bench_county(n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT (ARRAY['411502','411503','411521','411522','411523','411524','411525','411526',
                  '411527','411528'])[n % 10 + 1] $$;
CREATE FUNCTION pg_temp.bench_lat(n bigint) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
    SELECT round((ARRAY[32.12, 32.20, 32.20, 32.01, 31.64, 31.80, 32.17, 32.13, 32.47,
                        32.34])[n % 10 + 1] + ((n * 7919) % 1001 - 500) / 10000.0, 6) $$;
CREATE FUNCTION pg_temp.bench_lon(n bigint) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
    SELECT round((ARRAY[114.06, 114.20, 114.51, 114.92, 114.88, 115.41, 115.65, 115.05,
                        115.42, 114.74])[n % 10 + 1] + ((n * 104729) % 1001 - 500) / 10000.0, 6) $$;
-- GB 32100 check character of the first 17 characters (rq.uscc_valid checks it).
CREATE FUNCTION pg_temp.uscc(p text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT p || substr('0123456789ABCDEFGHJKLMNPQRTUWXY',
                       (31 - sum((strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(p, i, 1)) - 1)
                                 * (ARRAY[1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28])[i])::int
                             % 31) % 31 + 1, 1)
      FROM generate_series(1, 17) i $$;

-- The admin who verified the officials: inactive, with a hash no password matches.
INSERT INTO rq.admin_users (username, password_hash, role, active)
VALUES ('bench.register', '$y$bench$no-login', 'city_admin', false);

INSERT INTO rq.units (name, short_name, county_code, discipline_group)
SELECT format('基准单位%s', u), format('基准局%s', u),
       CASE WHEN u <= 20 THEN NULL ELSE pg_temp.bench_county(u) END,
       format('派驻第%s纪检监察组', u % 20 + 1)
  FROM generate_series(1, :units) u;
CREATE TEMPORARY TABLE bench_unit AS
SELECT row_number() OVER (ORDER BY id) - 1 AS i, id FROM rq.units WHERE name LIKE '基准单位%';

INSERT INTO rq.enterprises (uscc, name, legal_rep, address, county_code, industry,
                            business_status, latitude, longitude, name_verified)
SELECT pg_temp.uscc('91' || pg_temp.bench_county(n) || 'BQ' || lpad(n::text, 7, '0')),
       format('信阳登记基准企业第%s号有限公司', n), format('法人%s', n),
       format('信阳市基准路%s号', n), pg_temp.bench_county(n),
       (ARRAY['制造业','批发和零售业','建筑业','住宿和餐饮业','信息技术服务业'])[n % 5 + 1],
       'normal', pg_temp.bench_lat(n), pg_temp.bench_lon(n), true
  FROM generate_series(1, :enterprises) n;
CREATE TEMPORARY TABLE bench_ent AS
SELECT substring(e.name FROM '第([0-9]+)号')::bigint AS n, e.id, e.county_code,
       e.latitude, e.longitude
  FROM rq.enterprises e WHERE e.name LIKE '信阳登记基准企业第%';
CREATE UNIQUE INDEX ON bench_ent (n);

-- Codes with known tokens; serials continue each county's sequence.
INSERT INTO rq.code_serials (county_code, last_value)
SELECT code, 0 FROM rq.regions WHERE code IN (SELECT county_code FROM bench_ent)
ON CONFLICT (county_code) DO NOTHING;
INSERT INTO rq.codes (enterprise_id, token, serial, printed_at)
SELECT b.id, 'rqbench' || lpad(b.n::text, 17, '0'),
       b.county_code || '-' || lpad((s.last_value + row_number() OVER (PARTITION BY b.county_code
                                                                       ORDER BY b.n))::text, 6, '0'),
       now() - interval '800 days'
  FROM bench_ent b JOIN rq.code_serials s ON s.county_code = b.county_code;
UPDATE rq.code_serials s SET last_value = s.last_value + c.n
  FROM (SELECT county_code, count(*) AS n FROM bench_ent GROUP BY county_code) c
 WHERE c.county_code = s.county_code;

INSERT INTO rq.accounts (openid, last_login_at)
SELECT format('bench-official-%s', k), now() FROM generate_series(1, :officials) k;
INSERT INTO rq.official_profiles (account_id, name, unit_id, post, cert_no, phone, verified,
                                  verified_by, verified_at)
SELECT a.id, format('基准官员%s', k), u.id, (ARRAY['科员','副科长','科长','执法队员'])[k % 4 + 1],
       'BQ' || lpad(k::text, 8, '0'), '139' || lpad(k::text, 8, '0'), k % 5 <> 0,
       CASE WHEN k % 5 <> 0 THEN (SELECT id FROM rq.admin_users WHERE username = 'bench.register') END,
       CASE WHEN k % 5 <> 0 THEN now() END
  FROM generate_series(1, :officials) k
  JOIN rq.accounts a ON a.openid = format('bench-official-%s', k)
  JOIN bench_unit u ON u.i = k % :units;
CREATE TEMPORARY TABLE bench_off AS
SELECT substring(a.openid FROM '[0-9]+$')::bigint AS k, p.*
  FROM rq.accounts a JOIN rq.official_profiles p ON p.account_id = a.id
 WHERE a.openid LIKE 'bench-official-%';
CREATE UNIQUE INDEX ON bench_off (k);

-- One manager for every tenth enterprise, bound with a used activation code.
INSERT INTO rq.accounts (openid, last_login_at)
SELECT format('bench-manager-%s', n), now() FROM bench_ent WHERE n % 10 = 0 AND n <= 10 * :managers;
INSERT INTO rq.activation_codes (enterprise_id, code_hash, used_at, used_by)
SELECT b.id, sha256(convert_to('bench-activation-' || b.n, 'UTF8')), now(), a.id
  FROM bench_ent b JOIN rq.accounts a ON a.openid = format('bench-manager-%s', b.n);
INSERT INTO rq.manager_bindings (account_id, enterprise_id, method, activation_code_id,
                                 claimant_name, phone)
SELECT c.used_by, c.enterprise_id, 'activation', c.id, format('基准管理员%s', b.n),
       '138' || lpad(b.n::text, 8, '0')
  FROM rq.activation_codes c JOIN bench_ent b ON b.id = c.enterprise_id
 WHERE c.code_hash = sha256(convert_to('bench-activation-' || b.n, 'UTF8'));

-- The past visits. replica=1 skips every trigger (the audit rows, the foreign-key checks,
-- the statistics' aggregates, built at the end instead) for the big inserts only; the rows
-- are the same. The secondary indexes of the big tables are dropped for the load and made
-- again from their own definitions (one sort each instead of millions of random inserts).
SELECT CASE WHEN :replica = 1 THEN 'replica' ELSE 'origin' END AS role \gset
SET LOCAL session_replication_role = :role;
CREATE TEMPORARY TABLE bench_index AS
SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
  FROM pg_index i
 WHERE i.indrelid IN ('rq.visits'::regclass, 'rq.visit_units'::regclass, 'rq.evaluations'::regclass)
   AND NOT i.indisprimary AND NOT i.indisunique;
DO $$
DECLARE
    x record;
BEGIN
    FOR x IN SELECT name FROM bench_index LOOP
        EXECUTE 'DROP INDEX ' || x.name;
    END LOOP;
END
$$;
-- Official k is of unit k % units + 1; units 1..20 are the city's, unit u > 20 of county u %
-- 10 (bench_county). With stats=1 a county's unit enters its own county's enterprises
-- (n % 10 = u % 10) nine times in ten, as in life; else any enterprise.
CREATE TEMPORARY TABLE bench_visit AS
SELECT x.g, x.k,
       CASE WHEN :stats = 1 AND x.r5 < 0.016
            -- the visits flagged for frequency (below): the unit's few enterprises it enters
            -- again and again (a flag on a visit to a new enterprise each time is no hot spot)
            THEN 10 * (1 + ((x.k % :units + 1) * 37 + x.g % 3) % (:enterprises / 10 - 1))
                 + (x.k % :units + 1) % 10
            WHEN :stats = 1 AND x.k % :units + 1 > 20 AND x.r4 < 0.9
            THEN 10 * (1 + floor(x.r5 * (:enterprises / 10 - 1)))::bigint + (x.k % :units + 1) % 10
            ELSE 1 + floor(x.r5 * :enterprises)::bigint END AS n,
       x.entered_at, x.r, x.r2, x.r3, random() AS r4, random() AS r5, :stats = 1 AND x.r5 < 0.016 AS hot
  FROM (SELECT g, 1 + floor(random() * :officials)::bigint AS k,
               now() - random() * interval '730 days' AS entered_at, random() AS r,
               random() AS r2, random() AS r3, random() AS r4, random() AS r5
          FROM generate_series(1, :visits) g) x;
-- The flags and answers of stats=1: location refused 2 %, far away 1 %, back-filled 1 %,
-- 1.6 % flagged for frequency (day, week or month) and, inspections, over the yearly cap (the
-- hot visits of a unit to its three enterprises above), an inspection on a quiet day (days
-- 1-20) with an exemption, one in ten a joint inspection, 2 % disputed, a confirmation
-- independent of the activity.
INSERT INTO rq.visits (enterprise_id, code_id, county_code, account_id, unit_id, official_name,
                       official_post, official_cert_no, official_phone, official_verified,
                       activity_type, joint_kind, matter, legal_basis, registered_at, entered_at,
                       backfill_reason, latitude, longitude, accuracy_m, location_refused,
                       distance_m, exemption_category, exemption_reason, over_cap_reason,
                       flags, confirmation, finished_at, result_done, updated_at)
SELECT e.id, c.id, e.county_code, o.account_id, o.unit_id, o.name, o.post, o.cert_no, o.phone,
       o.verified, t.activity,
       CASE WHEN f.joint THEN 'joint' END,
       CASE t.activity WHEN 'visit' THEN '走访了解企业生产经营情况' WHEN 'research' THEN '调研企业用工和融资困难，宣讲惠企政策'
            ELSE '安全生产现场检查' END,
       CASE WHEN t.activity = 'inspection' THEN '《中华人民共和国安全生产法》第六十五条' END,
       v.entered_at + CASE WHEN f.backfill THEN interval '2 days' ELSE interval '2 minutes' END,
       v.entered_at, CASE WHEN f.backfill THEN '现场无网络，回单位后补登记' END,
       CASE WHEN v.r2 >= 0.02 THEN e.latitude + CASE WHEN f.far THEN 0.03 ELSE 0.001 END END,
       CASE WHEN v.r2 >= 0.02 THEN e.longitude + 0.001 END,
       CASE WHEN v.r2 >= 0.02 THEN 15.0 END, v.r2 < 0.02,
       CASE WHEN v.r2 >= 0.02 THEN CASE WHEN f.far THEN 3340 ELSE 140 END END,
       f.exemption, CASE WHEN f.exemption IS NOT NULL THEN '群众投诉举报，需现场核查' END,
       CASE WHEN f.over_cap THEN '专项整治，上级交办' END,
       CASE WHEN v.r2 < 0.02 THEN '{location_refused}'::text[] ELSE '{}' END
           || CASE WHEN f.far THEN '{far_away}'::text[] ELSE '{}' END
           || CASE WHEN f.backfill THEN '{backfill}'::text[] ELSE '{}' END
           || CASE WHEN f.exemption IS NOT NULL THEN '{quiet_day_exemption}'::text[] ELSE '{}' END
           || CASE WHEN f.over_cap THEN '{inspection_over_cap}'::text[] ELSE '{}' END
           || CASE WHEN v.hot AND v.r5 < 0.3 THEN '{frequency_day}'::text[] ELSE '{}' END
           || CASE WHEN v.hot AND v.r5 >= 0.3 AND v.r5 < 0.5 THEN '{frequency_week}'::text[] ELSE '{}' END
           || CASE WHEN v.hot AND v.r5 >= 0.5 THEN '{frequency_month}'::text[] ELSE '{}' END
           || CASE WHEN o.verified THEN '{}'::text[] ELSE '{official_unverified}' END,
       CASE WHEN :stats = 1 AND v.r3 >= 0.98 THEN 'disputed'
            WHEN (CASE WHEN :stats = 1 THEN v.r3 ELSE v.r END) < 0.7 THEN 'confirmed'
            ELSE 'pending' END,
       CASE WHEN v.entered_at < now() - interval '7 days' AND v.r3 < 0.9
            THEN v.entered_at + interval '1 day' END,
       CASE WHEN v.entered_at < now() - interval '7 days' AND v.r3 < 0.9 THEN '已完成，无问题' END,
       v.entered_at + interval '1 day'
  FROM bench_visit v
  JOIN bench_off o ON o.k = v.k
  JOIN bench_ent e ON e.n = v.n
  JOIN rq.codes c ON c.enterprise_id = e.id AND c.status = 'active'
 CROSS JOIN LATERAL (SELECT CASE WHEN v.r < 0.45 THEN 'visit' WHEN v.r < 0.9 THEN 'research'
                                 ELSE 'inspection' END AS activity) t
 CROSS JOIN LATERAL (SELECT :stats = 1 AND v.r2 >= 0.02 AND v.r2 < 0.03 AS far,
                            :stats = 1 AND v.r4 < 0.01 AS backfill,
                            :stats = 1 AND t.activity = 'inspection' AND v.r4 >= 0.9 AS joint,
                            v.hot AND t.activity = 'inspection' AS over_cap,
                            CASE WHEN :stats = 1 AND t.activity = 'inspection'
                                      AND extract(day FROM v.entered_at AT TIME ZONE 'Asia/Shanghai') <= 20
                                 THEN (rq.exemption_categories())[1 + floor(v.r5 * 8)::int] END
                                AS exemption) f
 ORDER BY v.entered_at;
INSERT INTO rq.visit_units (visit_id, unit_id, role, enterprise_id, entered_at, activity_type)
SELECT v.id, v.unit_id, 'lead', v.enterprise_id, v.entered_at, v.activity_type
  FROM rq.visits v JOIN bench_off o ON o.account_id = v.account_id;
\if :stats
-- The participating units of the joint inspections: the units 7 (and, every other time, 13)
-- after the lead.
INSERT INTO rq.visit_units (visit_id, unit_id, role, enterprise_id, entered_at, activity_type)
SELECT v.id, pu.id, 'participant', v.enterprise_id, v.entered_at, v.activity_type
  FROM rq.visits v
  JOIN bench_unit lu ON lu.id = v.unit_id
 CROSS JOIN (VALUES (7), (13)) o (step)
  JOIN bench_unit pu ON pu.i = (lu.i + o.step) % :units
 WHERE v.joint_kind IS NOT NULL AND (o.step = 7 OR v.id % 2 = 0);
-- Ratings of three in five confirmed visits: 满意 70 %, 基本满意 25 %, 不满意 5 %; one in five
-- anonymous.
INSERT INTO rq.evaluations (visit_id, enterprise_id, unit_id, county_code, value, comment,
                            anonymous, rated_at)
SELECT v.id, v.enterprise_id, v.unit_id, v.county_code, x.value,
       CASE WHEN x.value = 'unsatisfied' THEN '基准：检查人员态度生硬' END, random() < 0.2,
       v.entered_at + interval '2 days'
  FROM rq.visits v
 CROSS JOIN LATERAL (SELECT random() AS r) y
 CROSS JOIN LATERAL (SELECT CASE WHEN y.r < 0.42 THEN 'satisfied' WHEN y.r < 0.57 THEN 'basically_satisfied'
                                 ELSE 'unsatisfied' END AS value) x
 WHERE v.confirmation = 'confirmed' AND y.r < 0.6;
-- Cases: every 不满意 and every dispute, in every step (the older ones mostly closed: a third
-- of those determined, 属实 a third of them, 部分属实 a fifth, a fifth handed over), and 5,000
-- no-scan reports; their reporter a bench manager.
SELECT id AS reporter FROM rq.accounts WHERE openid = 'bench-manager-10' \gset
CREATE TEMPORARY TABLE bench_case AS
SELECT v.id AS visit_id, v.enterprise_id, v.unit_id, v.county_code, v.account_id,
       CASE WHEN v.confirmation = 'disputed' THEN 'dispute' ELSE 'rating' END AS source,
       v.entered_at + interval '3 days' AS opened_at, random() AS r, random() AS r2
  FROM rq.visits v
 WHERE v.confirmation = 'disputed'
    OR EXISTS (SELECT 1 FROM rq.evaluations e WHERE e.visit_id = v.id AND e.value = 'unsatisfied')
UNION ALL
SELECT NULL, e.id, u.id, e.county_code, NULL, 'no_scan', now() - g * interval '3 hours',
       random(), random()
  FROM generate_series(1, 5000) g
  JOIN bench_ent e ON e.n = 1 + g * 7 % :enterprises
  JOIN bench_unit u ON u.i = g % :units;
INSERT INTO rq.cases (source, status, visit_id, enterprise_id, unit_id, county_code,
                      reporter_account_id, category, description, occurred_at, people,
                      opened_at, updated_at, step_started_at, due_at, classification, outcome,
                      responsible_unit_id, responsible_account_id, measures, determined_at,
                      handed_over_at, disposition, closing, closed_at, official_account_id)
SELECT b.source, s.status, b.visit_id, b.enterprise_id, b.unit_id, b.county_code,
       CASE WHEN b.source <> 'rating' THEN :reporter END,
       CASE WHEN b.source = 'dispute' THEN 'wrong_matter' END,
       '基准：反映的问题', CASE WHEN b.source = 'no_scan' THEN b.opened_at - interval '1 day' END,
       CASE WHEN b.source = 'no_scan' THEN '两名执法人员' END,
       b.opened_at, b.opened_at, b.opened_at,
       CASE WHEN s.status <> 'closed' THEN b.opened_at + interval '5 days' END,
       CASE WHEN s.status IN ('investigation', 'determination', 'closed')
            THEN (ARRAY['attitude', 'repeat_inspection', 'over_frequency', 'misunderstanding_cleared'])[1 + floor(b.r2 * 4)::int] END,
       d.outcome, CASE WHEN d.outcome IS NOT NULL THEN b.unit_id END,
       CASE WHEN d.outcome IS NOT NULL AND b.r2 < 0.5 THEN b.account_id END,
       CASE WHEN d.outcome IS NOT NULL THEN '基准：责令整改' END,
       CASE WHEN d.outcome IS NOT NULL THEN b.opened_at + interval '10 days' END,
       CASE WHEN d.handed_over THEN b.opened_at + interval '10 days' END,
       CASE WHEN d.handed_over THEN 'criticism_education' END,
       CASE WHEN s.status = 'closed' THEN CASE WHEN d.handed_over THEN 'disposed'
                                               WHEN d.outcome IS NOT NULL THEN 'determined'
                                               ELSE 'resolved' END END,
       CASE WHEN s.status = 'closed' THEN b.opened_at + interval '12 days' END,
       CASE WHEN b.visit_id IS NOT NULL THEN b.account_id END
  FROM bench_case b
 CROSS JOIN LATERAL (SELECT CASE WHEN b.opened_at < now() - interval '30 days' AND b.r < 0.9 THEN 'closed'
                                 ELSE (ARRAY['open', 'follow_up', 'analysis', 'investigation', 'determination'])[1 + floor(b.r * 5)::int]
                            END AS status) s
 CROSS JOIN LATERAL (SELECT CASE WHEN s.status = 'closed' AND b.r2 < 0.33
                                 THEN CASE WHEN b.r2 < 0.11 THEN 'substantiated'
                                           WHEN b.r2 < 0.176 THEN 'partly_substantiated'
                                           ELSE 'unsubstantiated' END END AS outcome,
                            s.status = 'closed' AND b.r2 < 0.066 AS handed_over) d;
\endif
DO $$
DECLARE
    x record;
BEGIN
    FOR x IN SELECT def FROM bench_index LOOP
        EXECUTE x.def;
    END LOOP;
END
$$;
-- The statistics' aggregates, which the inserts above left alone (no triggers).
SELECT rq.stats_rebuild();
COMMIT;
