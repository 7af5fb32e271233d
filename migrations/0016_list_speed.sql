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
--    value's type looked up again, keys sorted, the result printed). The view
--    rq.visit_lines gives the line as plain columns, with the rating, and the pool prints
--    the JSON.
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


-- One line of a visit list (the official's, the enterprise's): the columns not starting
-- with "_" are the line, which the pools print as JSON (lib/rq_db.c rq_json_row:
-- "enterprise.id" is member id of "enterprise"); the "_" ones are for WHERE and ORDER BY.
-- A plain view is merged into the list's query: plain columns, index look-ups per line,
-- the policy read once per query. (A function taking the visit's row was handed the whole
-- row, formed again as a tuple for every column read from it.) security_invoker: the
-- reader's row-level security applies to every table.
CREATE VIEW rq.visit_lines WITH (security_invoker = true) AS
    SELECT v.id AS _id, v.account_id AS _account_id, v.enterprise_id AS _enterprise_id,
           v.id::text AS id, rq.visit_status(v) AS status, v.confirmation, v.enterprise_id::text AS "enterprise.id", en.name AS "enterprise.name",
           v.unit_id::text AS "unit.id", u.name AS "unit.name", v.official_name,
           v.activity_type, rq.activity_label(v.activity_type) AS activity_label, v.matter,
           v.registered_at, v.entered_at, to_json(v.flags) AS flags, v.finished_at,
           v.finished_at IS NULL
           AND now() > v.registered_at
                       + make_interval(hours => (SELECT rq.policy_value('finish_due_hours')))
               AS finish_overdue,
           e.value AS rating
      FROM rq.visits v
      LEFT JOIN rq.enterprises en ON en.id = v.enterprise_id
      LEFT JOIN rq.units u ON u.id = v.unit_id
      LEFT JOIN rq.evaluations e ON e.visit_id = v.id;
GRANT SELECT ON rq.visit_lines TO ruqima_app, ruqima_report;

-- {"a.b": 1, "c": 2, "_d": 3} → {"a": {"b": 1}, "c": 2}: the rule by which the pools
-- print a row (lib/rq_db.c rq_json_row), for SQL that builds the same object.
CREATE FUNCTION rq.json_nest(p jsonb) RETURNS jsonb
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

-- The start of a visit's detail: its line as jsonb (the detail adds the rating as its
-- reader may see it, and the enterprise with its address). The names and the due hours
-- are now the line's own; the arguments are kept for the callers of 0014.
CREATE OR REPLACE FUNCTION rq.visit_summary(v rq.visits, p_enterprise_name text,
                                            p_unit_name text, p_due_hours int)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT rq.json_nest(to_jsonb(l)) FROM rq.visit_lines l WHERE l._id = v.id
$$;

-- 5. The policies read on every row of a list called the actor accessors (each a
--    current_setting() lookup by name) once per row and per policy; as sub-selects they
--    are computed once per query. Same rules as 0009 and 0014; the evaluations' with the
--    manager's arm first (2.).
ALTER POLICY visits_app_read ON rq.visits
    USING (account_id = (SELECT rq.current_account_id())
           OR ((SELECT rq.actor_kind()) = 'account'
               AND enterprise_id = ANY ((SELECT rq.actor_managed_ids())::bigint[]))
           OR ((SELECT rq.actor_kind()) = 'admin'
               AND ((SELECT rq.actor_role()) IN ('city_admin', 'judicial_analyst',
                                                  'discipline_inspector')
                    OR ((SELECT rq.actor_role()) = 'county_admin'
                        AND county_code = (SELECT rq.actor_county()))
                    OR ((SELECT rq.actor_role()) = 'unit_admin'
                        AND rq.actor_unit_entered(id)))));
ALTER POLICY enterprises_app_read ON rq.enterprises
    USING ((SELECT rq.actor_kind()) IS NOT NULL
           AND ((SELECT rq.actor_role()) IS DISTINCT FROM 'county_admin'
                OR county_code = (SELECT rq.actor_county())));
ALTER POLICY evaluations_app_read ON rq.evaluations
    USING (((SELECT rq.actor_kind()) = 'account'
            AND enterprise_id = ANY ((SELECT rq.actor_managed_ids())::bigint[]))
           OR EXISTS (SELECT 1 FROM rq.visits v WHERE v.id = visit_id));

DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET random_page_cost = 1.1', current_database());
END
$$;
