-- lib/sql/visibility.sql — who sees which rows: one predicate per rule of visibility, which
-- every row-level security policy (lib/sql/policies.sql) is written with, and rq.rls_enable.
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.
--
-- How a policy uses them: each predicate is a question about the actor, not about the row,
-- asked in a sub-select, `county_code = (SELECT rq.actor_county_scope())`, so that
-- PostgreSQL computes it once per query (an InitPlan) instead of once per row; a policy
-- asks one question per arm. A function of the row (rq.actor_unit_entered) comes last in
-- its arm, behind the actor question that makes it necessary.
--
-- The rules (app/DESIGN.md §2, §8):
--   rq.current_account_id()   a mini-program account: its own rows
--   rq.actor_managed_ids()    an enterprise manager: the enterprises actively bound to it
--   rq.actor_sees_all()       city admin, judicial analyst, discipline inspector: every row
--   rq.actor_county_scope()   county admin: the rows of one county
--   rq.actor_unit_scope()     unit admin: the rows of one unit
--   rq.actor_sees_register()  the enterprise register: every signed-in actor but a county
--                             admin, who sees its county (rq.actor_county_scope())
--   rq.actor_discipline_group()  discipline inspector: the filings to their group (none:
--                             every group's)

-- Row-level security on, for the owner too (FORCE), with the two policies every table of
-- ours has: the owner (migrations, the CLI, the SECURITY DEFINER functions) sees and
-- writes everything; the reporting role reads everything (unless p_report is false; its
-- privileges are in lib/sql/grants.sql). The application role's policies are each table's
-- own (lib/sql/policies.sql).
CREATE OR REPLACE FUNCTION rq.rls_enable(p_table regclass, p_report boolean DEFAULT true) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
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
        EXECUTE format('DROP POLICY IF EXISTS %I ON %s', v_name || '_report_read', p_table);
        EXECUTE format('CREATE POLICY %I ON %s FOR SELECT TO ruqima_report USING (true)',
                       v_name || '_report_read', p_table);
    END IF;
END
$$;

COMMENT ON FUNCTION rq.rls_enable(regclass, boolean) IS
    'forced row-level security with the owner-all and report-read policies (lib/sql/tables.sql)';

-- The admin roles that see every row of the city.
CREATE OR REPLACE FUNCTION rq.actor_sees_all() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT coalesce(rq.actor_admin_role() IN ('city_admin', 'judicial_analyst',
                                              'discipline_inspector'), false)
$$;
GRANT EXECUTE ON FUNCTION rq.actor_sees_all() TO ruqima_app, ruqima_report;

-- The county a county admin sees; NULL for everyone else (so `county_code = NULL` matches
-- nothing).
CREATE OR REPLACE FUNCTION rq.actor_county_scope() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN rq.actor_admin_role() = 'county_admin' THEN rq.actor_county() END $$;
GRANT EXECUTE ON FUNCTION rq.actor_county_scope() TO ruqima_app, ruqima_report;

-- The enterprise a county office acts on (a claim's decision, the end of a manager's
-- binding: SECURITY DEFINER writes, past row-level security): locked for the transaction
-- when the actor is the city admin or the county admin of its county; a row of NULLs when
-- there is no such enterprise or it is another county's (answered like a missing one).
-- Raises 42501 for any other actor, whatever the id.
CREATE OR REPLACE FUNCTION rq.county_office_enterprise(p_enterprise_id bigint) RETURNS rq.enterprises
LANGUAGE plpgsql SET search_path = rq, pg_temp AS $$
DECLARE
    e rq.enterprises%ROWTYPE;
BEGIN
    IF rq.current_admin_id() IS NULL
       OR NOT coalesce(rq.actor_role() IN ('city_admin', 'county_admin'), false) THEN
        RAISE EXCEPTION 'only city and county admins act on claims and managers'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO e FROM rq.enterprises en
     WHERE en.id = p_enterprise_id
       AND (rq.actor_role() = 'city_admin' OR en.county_code = rq.actor_county())
       FOR UPDATE;
    RETURN e;
END
$$;

-- The unit a unit admin sees; NULL for everyone else.
CREATE OR REPLACE FUNCTION rq.actor_unit_scope() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN rq.actor_admin_role() = 'unit_admin' THEN rq.actor_unit()::bigint END $$;
GRANT EXECUTE ON FUNCTION rq.actor_unit_scope() TO ruqima_app, ruqima_report;

-- The discipline-inspection group (派驻纪检监察组) a discipline inspector belongs to; NULL
-- for one of the city level (no group: every group's filings) and for everyone else.
CREATE OR REPLACE FUNCTION rq.actor_discipline_group() RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT a.discipline_group FROM rq.admin_users a
     WHERE a.id = rq.current_admin_id() AND rq.actor_admin_role() = 'discipline_inspector'
$$;
GRANT EXECUTE ON FUNCTION rq.actor_discipline_group() TO ruqima_app;

-- The enterprise register is open to every signed-in actor (officials scan, managers
-- claim, the portal's roles work on it) but a county admin, who sees its own county.
CREATE OR REPLACE FUNCTION rq.actor_sees_register() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT rq.actor_kind() IS NOT NULL AND rq.actor_county_scope() IS NULL $$;
GRANT EXECUTE ON FUNCTION rq.actor_sees_register() TO ruqima_app, ruqima_report;

-- The policies that more than one table shares, written once. Owner only (ruqima
-- migrate): the arguments are SQL names and, for the USING clauses, SQL text.

-- (Re)creates the application role's read policy "<table>_app_read" of p_table.
CREATE OR REPLACE FUNCTION rq.rls_read_policy(p_table regclass, p_using text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET client_min_messages = warning
AS $$
DECLARE
    v_policy text := (SELECT c.relname FROM pg_class c WHERE c.oid = p_table) || '_app_read';
BEGIN
    EXECUTE format('DROP POLICY IF EXISTS %I ON %s', v_policy, p_table);
    EXECUTE format('CREATE POLICY %I ON %s FOR SELECT TO ruqima_app USING (%s)',
                   v_policy, p_table, p_using);
END
$$;

-- Rows that follow their parent: visible exactly when the parent row p_key points at is
-- (the parent's own policy decides, since the sub-select is row-level secured too).
CREATE OR REPLACE FUNCTION rq.rls_follow(p_table regclass, p_parent regclass, p_key text)
RETURNS void
LANGUAGE sql
AS $$
    SELECT rq.rls_read_policy(p_table, format('EXISTS (SELECT 1 FROM %s p WHERE p.id = %I)',
                                              p_parent, p_key))
$$;

-- The rule of visits and cases: the account named in p_own_column (who registered or
-- reported it); the managers of its enterprise now; the city-wide roles; a county admin
-- its county's; a unit admin by p_unit_arm (asked after rq.actor_unit_scope()).
CREATE OR REPLACE FUNCTION rq.rls_scoped_read(p_table regclass, p_own_column text,
                                              p_unit_arm text)
RETURNS void
LANGUAGE sql
AS $$
    SELECT rq.rls_read_policy(p_table, format(
        '%I = (SELECT rq.current_account_id())'
        ' OR enterprise_id = ANY ((SELECT rq.actor_managed_ids())::bigint[])'
        ' OR (SELECT rq.actor_sees_all())'
        ' OR county_code = (SELECT rq.actor_county_scope())'
        ' OR ((SELECT rq.actor_unit_scope() IS NOT NULL) AND %s)', p_own_column, p_unit_arm))
$$;

-- The rule of an account's claims and bindings: the account itself; the city admin; a
-- county admin those of its county's enterprises.
CREATE OR REPLACE FUNCTION rq.rls_enterprise_claims_read(p_table regclass) RETURNS void
LANGUAGE sql
AS $$
    SELECT rq.rls_read_policy(p_table,
        'account_id = (SELECT rq.current_account_id())'
        ' OR (SELECT rq.actor_admin_role() = ''city_admin'')'
        ' OR EXISTS (SELECT 1 FROM rq.enterprises e WHERE e.id = enterprise_id'
        '             AND e.county_code = (SELECT rq.actor_county_scope()))')
$$;

-- True when the actor is a unit admin of a unit that entered in the visit (lead or
-- participant). SECURITY DEFINER: visit_units' own policy refers back to visits, and a
-- policy may not recurse.
CREATE OR REPLACE FUNCTION rq.actor_unit_entered(p_visit_id bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM rq.visit_units vu
                    WHERE vu.visit_id = p_visit_id AND vu.unit_id = rq.actor_unit_scope())
$$;
GRANT EXECUTE ON FUNCTION rq.actor_unit_entered(bigint) TO ruqima_app;

CREATE OR REPLACE FUNCTION rq.actor_manages(p_enterprise_id bigint) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM rq.manager_bindings b
                    WHERE b.account_id = rq.current_account_id()
                      AND b.enterprise_id = p_enterprise_id AND b.status = 'active');
END
$$;
GRANT EXECUTE ON FUNCTION rq.actor_manages(bigint) TO ruqima_app;

CREATE OR REPLACE FUNCTION rq.actor_managed_ids() RETURNS bigint[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(b.enterprise_id), '{}') FROM rq.manager_bindings b
             WHERE b.account_id = rq.current_account_id() AND b.status = 'active');
END
$$;
GRANT EXECUTE ON FUNCTION rq.actor_managed_ids() TO ruqima_app;

-- The enterprise an account acts for (its selection, while it is still actively bound to
-- it): one InitPlan in the enterprise's list instead of a join of accounts and
-- manager_bindings, whose own policy would bring in the enterprises policy.
CREATE OR REPLACE FUNCTION rq.actor_enterprise() RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
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
