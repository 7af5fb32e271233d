-- lib/sql/common.sql — small helpers shared by the families: labels, the answers of writes, time and distance arithmetic, JSON helpers, policy thresholds.
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- ---------------------------------------------------------------------------------
-- USCC (统一社会信用代码, GB 32100-2015) check digit.
--
-- 18 characters over the alphabet 0-9 and A-Y without I, O, S, V, Z (31 symbols).
-- Character i (1..17) has value v_i = its position in the alphabet and weight
-- w_i = 3^(i-1) mod 31; the 18th character is alphabet[(31 - Σ v_i·w_i mod 31) mod 31].
-- Since 31 is prime and no weight is 0 mod 31, any single changed character is caught.
-- Only the GB 32100 check is done: the embedded organisation code (positions 9-17,
-- GB 11714) has its own check digit, which is deliberately not tested, because codes
-- issued before 2015 do not all satisfy it. Returns NULL for NULL.
-- ---------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION rq.uscc_valid(p_code text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    alphabet constant text := '0123456789ABCDEFGHJKLMNPQRTUWXY';
    weights  constant int[] := '{1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28}';
    total    int := 0;
BEGIN
    IF p_code !~ '^[0-9A-HJ-NPQRTUWXY]{18}$' THEN
        RETURN false;
    END IF;
    FOR i IN 1..17 LOOP
        total := total + (strpos(alphabet, substr(p_code, i, 1)) - 1) * weights[i];
    END LOOP;
    RETURN substr(alphabet, (31 - total % 31) % 31 + 1, 1) = substr(p_code, 18, 1);
END
$$;

COMMENT ON FUNCTION rq.uscc_valid(text) IS 'true when the GB 32100 check digit of a USCC is right';
GRANT EXECUTE ON FUNCTION rq.uscc_valid(text) TO ruqima_app, ruqima_report;

-- ---------------------------------------------------------------------------------
-- Who is in scope of a code (场所全覆盖, app/DESIGN.md §1). The notice: 第一批纳入的市场主体为
-- …所有企业（不包括个体工商户）和在建项目. GB 32100's first character is the registration
-- authority (1 机构编制, 5 民政, 9 工商 …), the second the category within it; for 9:
-- 1 企业, 2 个体工商户, 3 农民专业合作社. A credit code starting "92" is an individual
-- business: out of scope. Every other credit code, and a construction project (no credit
-- code, p_uscc NULL), is in scope. The one statement of the rule: rq.enterprises.in_scope is
-- set from it (lib/sql/triggers.sql), the import report counts with it (lib/rq_import.c).
-- ---------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION rq.enterprise_in_scope(p_uscc text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT p_uscc IS NULL OR left(p_uscc, 2) <> '92'
$$;

COMMENT ON FUNCTION rq.enterprise_in_scope(text) IS
    'false for an individual business (个体工商户, credit code 92…): no code, not claimable';
GRANT EXECUTE ON FUNCTION rq.enterprise_in_scope(text) TO ruqima_app, ruqima_report;

-- The threshold for a unit: its override, else the city-wide value.
-- PL/pgSQL, not SQL: its plans are cached for the session, where a SQL function that
-- cannot be inlined is planned again on every call (tests/bench/register, perf).
CREATE OR REPLACE FUNCTION rq.policy_value(p_key text, p_unit_id bigint DEFAULT NULL) RETURNS int
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    RETURN coalesce((SELECT o.value FROM rq.policy_unit_overrides o
                      WHERE o.unit_id = p_unit_id AND o.key = p_key),
                    (SELECT p.value FROM rq.policy p WHERE p.key = p_key));
END
$$;
GRANT EXECUTE ON FUNCTION rq.policy_value(text,bigint) TO ruqima_app, ruqima_report;

-- ---------------------------------------------------------------------------------
-- Functions
--
-- The small invoker functions (labels, bounds, summaries) have no SET search_path so
-- that the planner can inline them; every name in them is schema-qualified or
-- pg_catalog's.
-- ---------------------------------------------------------------------------------

-- rq.problem() built problem bodies in SQL; the writes answer rq.outcome now (rq.ok,
-- rq.refusal below) and lib/rq_outcome.c words the problems. Dropped here rather than by a
-- numbered migration; IF EXISTS keeps this file idempotent.
DROP FUNCTION IF EXISTS rq.problem(text,text,text,text,text);

-- 参观访问 / 调研帮扶 / 执法检查
CREATE OR REPLACE FUNCTION rq.activity_label(p_type text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE p_type WHEN 'visit' THEN '参观访问' WHEN 'research' THEN '调研帮扶'
                       WHEN 'inspection' THEN '执法检查' END
$$;
GRANT EXECUTE ON FUNCTION rq.activity_label(text) TO ruqima_app, ruqima_report;

CREATE OR REPLACE FUNCTION rq.exemption_label(p_category text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE p_category
        WHEN 'national_security' THEN '国家安全'
        WHEN 'public_security' THEN '公共安全'
        WHEN 'complaint_report' THEN '投诉举报'
        WHEN 'accident_emergency' THEN '事故或突发事件'
        WHEN 'superior_assigned' THEN '上级交办'
        WHEN 'enterprise_requested' THEN '企业申请'
        WHEN 'permit_check' THEN '现场许可核查'
        WHEN 'referral' THEN '转办移送' END
$$;
GRANT EXECUTE ON FUNCTION rq.exemption_label(text) TO ruqima_app, ruqima_report;

-- The rules that flagged a visit (rq.visits.flags), as reports and the portal name them.
CREATE OR REPLACE FUNCTION rq.flag_label(p_flag text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE p_flag
        WHEN 'backfill' THEN '补登记'
        WHEN 'quiet_day_exemption' THEN '无扰日入企（例外）'
        WHEN 'inspection_over_cap' THEN '超年度检查次数上限'
        WHEN 'frequency_day' THEN '超每日频次提醒'
        WHEN 'frequency_week' THEN '超每周频次提醒'
        WHEN 'frequency_month' THEN '超每月频次提醒'
        WHEN 'location_refused' THEN '拒绝定位'
        WHEN 'far_away' THEN '距企业过远'
        WHEN 'official_unverified' THEN '人员未核验'
        ELSE p_flag END
$$;
GRANT EXECUTE ON FUNCTION rq.flag_label(text) TO ruqima_app, ruqima_report;

-- 存续 / 吊销 / 注销 / 停业 / 经营异常: what a refusal of an enterprise not in normal
-- operation shows (the scan and the registration of its code).
CREATE OR REPLACE FUNCTION rq.business_status_label(p_status text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE p_status WHEN 'normal' THEN '存续' WHEN 'revoked' THEN '吊销'
                         WHEN 'cancelled' THEN '注销' WHEN 'suspended' THEN '停业'
                         WHEN 'abnormal' THEN '经营异常' END
$$;
GRANT EXECUTE ON FUNCTION rq.business_status_label(text) TO ruqima_app, ruqima_report;

-- Great-circle distance in metres (haversine, mean earth radius).
CREATE OR REPLACE FUNCTION rq.distance_m(p_lat1 numeric, p_lon1 numeric, p_lat2 numeric, p_lon2 numeric)
RETURNS int
LANGUAGE sql IMMUTABLE
AS $$
    SELECT round(2 * 6371008.8 * asin(least(1, sqrt(
               sin(radians((p_lat2 - p_lat1)::float8) / 2) ^ 2
               + cos(radians(p_lat1::float8)) * cos(radians(p_lat2::float8))
                 * sin(radians((p_lon2 - p_lon1)::float8) / 2) ^ 2))))::int
$$;

-- Start and end of the calendar day/week/month/year holding a local (city) time, as
-- timestamptz: the bounds the counting rules compare entered_at with.
CREATE OR REPLACE FUNCTION rq.local_start(p_field text, p_local timestamp) RETURNS timestamptz
LANGUAGE sql IMMUTABLE
AS $$ SELECT date_trunc(p_field, p_local) AT TIME ZONE 'Asia/Shanghai' $$;
GRANT EXECUTE ON FUNCTION rq.local_start(text,timestamp without time zone) TO ruqima_report;
-- the auditors' export reads visits by day in the pools too (app/reporting/sql/exports.sql);
-- granted apart, so that the privileges read the same on a new and an upgraded database
GRANT EXECUTE ON FUNCTION rq.local_start(text,timestamp without time zone) TO ruqima_app;

CREATE OR REPLACE FUNCTION rq.local_end(p_field text, p_local timestamp) RETURNS timestamptz
LANGUAGE sql IMMUTABLE
AS $$ SELECT (date_trunc(p_field, p_local) + ('1 ' || p_field)::interval) AT TIME ZONE 'Asia/Shanghai' $$;
GRANT EXECUTE ON FUNCTION rq.local_end(text,timestamp without time zone) TO ruqima_report;
GRANT EXECUTE ON FUNCTION rq.local_end(text,timestamp without time zone) TO ruqima_app;

-- The request's attachment_ids (validated as digit strings or integers by the handler).
CREATE OR REPLACE FUNCTION rq.json_ids(p jsonb) RETURNS bigint[]
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF jsonb_typeof(p) IS DISTINCT FROM 'array' OR jsonb_array_length(p) = 0 THEN
        RETURN '{}';
    END IF;
    RETURN ARRAY(SELECT (x #>> '{}')::bigint FROM jsonb_array_elements(p) WITH ORDINALITY AS t (x, o)
                  ORDER BY o);
END
$$;

-- ---------------------------------------------------------------------------------
-- Functions: reads (SECURITY INVOKER: row-level security decides)
-- ---------------------------------------------------------------------------------

-- 满意 / 基本满意 / 不满意
CREATE OR REPLACE FUNCTION rq.rating_label(p_value text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE p_value WHEN 'satisfied' THEN '满意' WHEN 'basically_satisfied' THEN '基本满意'
                        WHEN 'unsatisfied' THEN '不满意' END
$$;
GRANT EXECUTE ON FUNCTION rq.rating_label(text) TO ruqima_app, ruqima_report;

-- {"a.b": 1, "c": 2, "_d": 3} → {"a": {"b": 1}, "c": 2}: the rule by which the pools
-- print a row (lib/rq_db.c rq_json_row), for SQL that builds the same object.
CREATE OR REPLACE FUNCTION rq.json_nest(p jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    RETURN (SELECT coalesce(jsonb_object_agg(k, val), '{}')
              FROM (SELECT key AS k, value AS val FROM jsonb_each(p)
                     WHERE position('.' IN key) = 0 AND left(key, 1) <> '_'
                    UNION ALL
                    SELECT split_part(key, '.', 1),
                           jsonb_object_agg(substr(key, position('.' IN key) + 1), value)
                      FROM jsonb_each(p)
                     WHERE position('.' IN key) > 0 AND left(key, 1) <> '_'
                     GROUP BY 1) x);
END
$$;
GRANT EXECUTE ON FUNCTION rq.json_nest(jsonb) TO ruqima_app, ruqima_report;

-- The answers of a write (rq.outcome, migrations/0019_outcome.sql): a success with its
-- payload, or a refusal named in lib/rq_outcome.c with the strings its detail takes.
CREATE OR REPLACE FUNCTION rq.ok(p_data jsonb DEFAULT NULL, p_outcome text DEFAULT 'ok')
RETURNS rq.outcome
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ROW(p_outcome, NULL, p_data)::rq.outcome $$;
GRANT EXECUTE ON FUNCTION rq.ok(jsonb, text) TO ruqima_app;

CREATE OR REPLACE FUNCTION rq.refusal(p_outcome text, VARIADIC p_args text[] DEFAULT '{}')
RETURNS rq.outcome
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ROW(p_outcome, to_jsonb(p_args), NULL)::rq.outcome $$;
GRANT EXECUTE ON FUNCTION rq.refusal(text, text[]) TO ruqima_app;
