-- lib/sql/visibility.sql — who sees which rows: the predicates every row-level security policy is written with, and rq.rls_enable.
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- ---------------------------------------------------------------------------------
-- Privileges and row-level security
-- ---------------------------------------------------------------------------------
-- Row-level security on, for the owner too (FORCE), with the two policies every table of
-- ours has: the owner (migrations, the CLI, the SECURITY DEFINER functions) sees and
-- writes everything; the reporting role reads everything (unless p_report is false).
-- The application role's policies are each table's own, below.
CREATE OR REPLACE FUNCTION rq.rls_enable(p_table regclass, p_report boolean DEFAULT true) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name text := (SELECT c.relname FROM pg_class c WHERE c.oid = p_table);
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', p_table);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', p_table);
    -- dropped first: this file is re-applied whenever it changes
    EXECUTE format('DROP POLICY IF EXISTS %I ON %s', v_name || '_owner_all', p_table);
    EXECUTE format('CREATE POLICY %I ON %s TO ruqima_owner USING (true) WITH CHECK (true)',
                   v_name || '_owner_all', p_table);
    IF p_report THEN
        EXECUTE format('GRANT SELECT ON %s TO ruqima_report', p_table);
        EXECUTE format('DROP POLICY IF EXISTS %I ON %s', v_name || '_report_read', p_table);
        EXECUTE format('CREATE POLICY %I ON %s FOR SELECT TO ruqima_report USING (true)',
                       v_name || '_report_read', p_table);
    END IF;
END
$$;

COMMENT ON FUNCTION rq.rls_enable(regclass, boolean) IS
    'forced row-level security with the owner-all and report-read policies; for migrations';

-- True when the actor is a unit admin of a unit that entered in the visit (lead or
-- participant). SECURITY DEFINER: visit_units' own policy refers back to visits, and a
-- policy may not recurse.
CREATE OR REPLACE FUNCTION rq.actor_unit_entered(p_visit_id bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
    SELECT EXISTS (SELECT 1 FROM rq.visit_units vu
                    WHERE vu.visit_id = p_visit_id AND vu.unit_id::text = rq.actor_unit())
$$;
GRANT EXECUTE ON FUNCTION rq.actor_unit_entered(bigint) TO ruqima_app;

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
GRANT EXECUTE ON FUNCTION rq.actor_manages(bigint) TO ruqima_app;

CREATE OR REPLACE FUNCTION rq.actor_managed_ids() RETURNS bigint[]
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(b.enterprise_id), '{}') FROM rq.manager_bindings b
             WHERE b.account_id = rq.current_account_id() AND b.status = 'active');
END
$$;
GRANT EXECUTE ON FUNCTION rq.actor_managed_ids() TO ruqima_app;

-- 0017_policy_initplans.sql — smaller plans for every read of visits, enterprises and
-- ratings (issue 5's speed aim, tests/bench/eval_list). Behaviour is unchanged.
--
-- PostgreSQL builds the executor state of every node of a plan on every execution, the
-- sub-plans that never run included; for a list of 50 lines that start-up cost more than
-- reading the 50 visits. Since 0016 each `(SELECT rq.actor_...())` of a policy is an
-- InitPlan of its own, and the visits policy asked for the actor's role three times. Here
-- each policy asks one question per arm: "may this actor see every row", "which county",
-- "is this a unit admin", each one InitPlan computed once per query.
--
-- rq.actor_enterprise() is the enterprise an account acts for (its selection, while it is
-- still actively bound to it): one InitPlan instead of a join of accounts and
-- manager_bindings, whose own policy brought in the enterprises policy.

CREATE OR REPLACE FUNCTION rq.actor_enterprise() RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
BEGIN
    RETURN (SELECT a.current_enterprise_id
              FROM rq.accounts a
              JOIN rq.manager_bindings b ON b.account_id = a.id
                   AND b.enterprise_id = a.current_enterprise_id AND b.status = 'active'
             WHERE a.id = rq.current_account_id());
END
$$;

COMMENT ON FUNCTION rq.actor_enterprise() IS
    'The enterprise the account acts for (accounts.current_enterprise_id) while it is actively bound to it, else NULL.';
GRANT EXECUTE ON FUNCTION rq.actor_enterprise() TO ruqima_app;
