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

-- The past visits. replica=1 skips every trigger (the audit rows, the foreign-key checks)
-- for these two big inserts only; the rows are the same.
SELECT CASE WHEN :replica = 1 THEN 'replica' ELSE 'origin' END AS role \gset
SET LOCAL session_replication_role = :role;
CREATE TEMPORARY TABLE bench_visit AS
SELECT g, 1 + floor(random() * :officials)::bigint AS k,
       1 + floor(random() * :enterprises)::bigint AS n,
       now() - random() * interval '730 days' AS entered_at, random() AS r, random() AS r2,
       random() AS r3
  FROM generate_series(1, :visits) g;
INSERT INTO rq.visits (enterprise_id, code_id, county_code, account_id, unit_id, official_name,
                       official_post, official_cert_no, official_phone, official_verified,
                       activity_type, matter, legal_basis, registered_at, entered_at,
                       latitude, longitude, accuracy_m, location_refused, distance_m,
                       flags, confirmation, finished_at, result_done, updated_at)
SELECT e.id, c.id, e.county_code, o.account_id, o.unit_id, o.name, o.post, o.cert_no, o.phone,
       o.verified, t.activity,
       CASE t.activity WHEN 'visit' THEN '走访了解企业生产经营情况' WHEN 'research' THEN '调研企业用工和融资困难，宣讲惠企政策'
            ELSE '安全生产现场检查' END,
       CASE WHEN t.activity = 'inspection' THEN '《中华人民共和国安全生产法》第六十五条' END,
       v.entered_at + interval '2 minutes', v.entered_at,
       CASE WHEN v.r2 >= 0.02 THEN e.latitude + 0.001 END,
       CASE WHEN v.r2 >= 0.02 THEN e.longitude + 0.001 END,
       CASE WHEN v.r2 >= 0.02 THEN 15.0 END, v.r2 < 0.02,
       CASE WHEN v.r2 >= 0.02 THEN 140 END,
       CASE WHEN v.r2 < 0.02 THEN '{location_refused}'::text[] ELSE '{}' END
           || CASE WHEN o.verified THEN '{}'::text[] ELSE '{official_unverified}' END,
       CASE WHEN v.r < 0.7 THEN 'confirmed' ELSE 'pending' END,
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
 ORDER BY v.entered_at;
INSERT INTO rq.visit_units (visit_id, unit_id, role, enterprise_id, entered_at, activity_type)
SELECT v.id, v.unit_id, 'lead', v.enterprise_id, v.entered_at, v.activity_type
  FROM rq.visits v JOIN bench_off o ON o.account_id = v.account_id;
COMMIT;
