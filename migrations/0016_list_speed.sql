-- 0016_list_speed.sql — cheaper reads for an enterprise's list of visits (issue 5's speed
-- aim, tests/bench/eval_list). Behaviour is unchanged; perf and pg_stat_user_functions
-- showed where a list request spent its time in PostgreSQL:
--
-- 1. rq.actor_manages and rq.actor_managed_ids were SQL functions with SECURITY DEFINER,
--    which PostgreSQL never inlines: every call parsed and planned its query again (fmgr_sql,
--    about a tenth of the backend's CPU). In PL/pgSQL the plan is cached for the session.
-- 2. The rating's policy checked its visit again, through the visits policy, once per row
--    of a list. An enterprise's manager may see the rating of every visit to an enterprise
--    they manage, and the rating carries the visit's enterprise: that arm is tested first,
--    so a manager's rows never reach the sub-select.
-- 3. A list line was built as jsonb, a third of the CPU of a list in PostgreSQL (every
--    value's type looked up again, keys sorted, the result printed). rq.visit_line gives
--    the line as plain columns, with the rating, and the pool prints the JSON.
-- 4. With random_page_cost at its default of 4 (pages on spinning disks), the unit of each
--    line was found by reading the small units table from its start, once per line,
--    rather than by its primary key. The database lives in memory or on SSD.

CREATE OR REPLACE FUNCTION rq.actor_manages(p_enterprise_id bigint) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM rq.manager_bindings b
                    WHERE b.account_id = rq.current_account_id()
                      AND b.enterprise_id = p_enterprise_id AND b.status = 'active');
END
$$;

CREATE OR REPLACE FUNCTION rq.actor_managed_ids() RETURNS bigint[]
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(b.enterprise_id), '{}') FROM rq.manager_bindings b
             WHERE b.account_id = rq.current_account_id() AND b.status = 'active');
END
$$;

ALTER POLICY evaluations_app_read ON rq.evaluations
    USING ((rq.actor_kind() = 'account'
            AND enterprise_id = ANY ((SELECT rq.actor_managed_ids())::bigint[]))
           OR EXISTS (SELECT 1 FROM rq.visits v WHERE v.id = visit_id));

-- One line of a visit list (the official's, the enterprise's) as a row, which the pools
-- print as JSON (lib/rq_db.c rq_json_row: "enterprise.id" is member id of "enterprise").
-- Read with CROSS JOIN LATERAL rq.visit_line(v) it is inlined into the list's query, its
-- joins then index look-ups per line and the policy read once per query. Joins, not
-- sub-selects: a sub-select of v's columns would be handed all of v, formed as a tuple
-- again for every line.
CREATE FUNCTION rq.visit_line(v rq.visits)
RETURNS TABLE (id text, status text, confirmation text, "enterprise.id" text,
               "enterprise.name" text, "unit.id" text, "unit.name" text, official_name text,
               activity_type text, activity_label text, matter text,
               registered_at timestamptz, entered_at timestamptz, flags json,
               finished_at timestamptz, finish_overdue boolean, rating text)
LANGUAGE sql STABLE
AS $$
    SELECT v.id::text, rq.visit_status(v), v.confirmation, v.enterprise_id::text, en.name,
           v.unit_id::text, u.name, v.official_name, v.activity_type,
           rq.activity_label(v.activity_type), v.matter, v.registered_at, v.entered_at,
           to_json(v.flags), v.finished_at,
           v.finished_at IS NULL
           AND now() > v.registered_at
                       + make_interval(hours => (SELECT rq.policy_value('finish_due_hours'))),
           e.value
      FROM (SELECT) AS one
      LEFT JOIN rq.enterprises en ON en.id = v.enterprise_id
      LEFT JOIN rq.units u ON u.id = v.unit_id
      LEFT JOIN rq.evaluations e ON e.visit_id = v.id
$$;
REVOKE ALL ON FUNCTION rq.visit_line(rq.visits) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rq.visit_line(rq.visits) TO ruqima_app, ruqima_report;

-- {"a.b": 1, "c": 2} → {"a": {"b": 1}, "c": 2}: the rule by which the pools print a row
-- (lib/rq_db.c rq_json_row), for SQL that builds the same object.
CREATE FUNCTION rq.json_nest(p jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    RETURN (SELECT coalesce(jsonb_object_agg(k, val), '{}')
              FROM (SELECT key AS k, value AS val FROM jsonb_each(p)
                     WHERE position('.' IN key) = 0
                    UNION ALL
                    SELECT split_part(key, '.', 1),
                           jsonb_object_agg(substr(key, position('.' IN key) + 1), value)
                      FROM jsonb_each(p) WHERE position('.' IN key) > 0
                     GROUP BY 1) x);
END
$$;

GRANT EXECUTE ON FUNCTION rq.json_nest(jsonb) TO ruqima_app, ruqima_report;

-- The start of a visit's detail: its line as jsonb (the detail adds the rating as its
-- reader may see it, and the enterprise with its address). The names and the due hours
-- are now the line's own; the arguments are kept for the callers of 0014.
CREATE OR REPLACE FUNCTION rq.visit_summary(v rq.visits, p_enterprise_name text,
                                            p_unit_name text, p_due_hours int)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT rq.json_nest(to_jsonb(l)) FROM rq.visit_line(v) l
$$;

DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET random_page_cost = 1.1', current_database());
END
$$;
