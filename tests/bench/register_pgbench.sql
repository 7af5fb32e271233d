-- tests/bench/register_pgbench.sql — pgbench script of tests/bench/register: the statements
-- POST /api/v1/registration/visits runs, in the same round trips, with the spread of
-- register.lua. Variables (-D): prefix (session token prefix), sessions, enterprises,
-- idle (the pools' RUQIMA_SESSION_IDLE), tag (prefix of the Idempotency-Keys, by which the
-- 201s are counted).
--   round trip 1 (a pipeline, lib/rq_db.c send_steps): BEGIN, the anonymous actor
--                context, the session lookup of lib/rq_auth.c (which sets the account's
--                actor context in the same statement)
--   round trip 2: rq.visit_register (app/registration/visits.c) with the request body as
--                jsonb
--   round trip 3: COMMIT
-- The strings the pool sends as parameters (token, body, code token) are built here from
-- pgbench's random numbers, inside the statements: pgbench has no string variables.
\set k random(1, :sessions)
\set n random(1, :enterprises)
\set act random(1, 100)
\set where random(1, 100)
\set spread CASE WHEN :where <= 3 THEN 20000 ELSE 1500 END
\set c :n % 10
\set lat (CASE WHEN :c = 0 THEN 32.12 WHEN :c = 1 THEN 32.20 WHEN :c = 2 THEN 32.20 WHEN :c = 3 THEN 32.01 WHEN :c = 4 THEN 31.64 WHEN :c = 5 THEN 31.80 WHEN :c = 6 THEN 32.17 WHEN :c = 7 THEN 32.13 WHEN :c = 8 THEN 32.47 ELSE 32.34 END) + ((:n * 7919) % 1001 - 500) / 10000.0 + random(-:spread, :spread) / 1000000.0
\set lon (CASE WHEN :c = 0 THEN 114.06 WHEN :c = 1 THEN 114.20 WHEN :c = 2 THEN 114.51 WHEN :c = 3 THEN 114.92 WHEN :c = 4 THEN 114.88 WHEN :c = 5 THEN 115.41 WHEN :c = 6 THEN 115.65 WHEN :c = 7 THEN 115.05 WHEN :c = 8 THEN 115.42 ELSE 114.74 END) + ((:n * 104729) % 1001 - 500) / 10000.0 + random(-:spread, :spread) / 1000000.0
\set acc random(5, 60)
\set rid random(1, 9000000000000000)
\set key random(1000000000000000, 9000000000000000)
\startpipeline
BEGIN;
SELECT rq.set_actor('anonymous', NULL, NULL, NULL, NULL, :rid, '127.0.0.1');
SELECT s.actor_kind, s.account_id, s.admin_user_id, s.role, s.county_code, s.unit_id, coalesce(s.csrf_hash = sha256(convert_to(NULL, 'UTF8')), false) AS csrf_ok, rq.set_actor(s.actor_kind, CASE WHEN s.actor_kind = 'admin' THEN s.admin_user_id ELSE s.account_id END::text, s.role, s.county_code, s.unit_id::text, :rid, '127.0.0.1') AS actor_set FROM rq.session_resolve(sha256(convert_to(:prefix || lpad(:k::text, 6, '0'), 'UTF8')), :idle::int, false) s;
\endpipeline
SELECT * FROM rq.visit_register(:tag || :key, (CASE WHEN :act::int <= 90 THEN format('{"token":"%s","activity_type":"%s","matter":"%s","location":%s}', 'rqbench' || lpad(:n::text, 17, '0'), CASE WHEN :act::int <= 45 THEN 'visit' ELSE 'research' END, CASE WHEN :act::int <= 45 THEN '走访了解企业生产经营情况' ELSE '调研企业用工和融资困难，宣讲惠企政策' END, CASE WHEN :where::int > 98 THEN '{"refused": true}' ELSE format('{"latitude":%s,"longitude":%s,"accuracy":%s}', round(:lat::numeric, 6), round(:lon::numeric, 6), :acc::text) END) ELSE format('{"token":"%s","activity_type":"inspection","matter":"安全生产现场检查","legal_basis":"《中华人民共和国安全生产法》第六十五条","companions":[{"name":"基准同行人","unit":"基准单位","cert_no":"BQ-0001"}],"exemption":{"category":"complaint_report","reason":"群众投诉举报，需现场核查"},"over_cap_reason":"投诉举报核查","location":%s}', 'rqbench' || lpad(:n::text, 17, '0'), CASE WHEN :where::int > 98 THEN '{"refused": true}' ELSE format('{"latitude":%s,"longitude":%s,"accuracy":%s}', round(:lat::numeric, 6), round(:lon::numeric, 6), :acc::text) END) END)::jsonb, 'rqbench' || lpad(:n::text, 17, '0'));
COMMIT;
