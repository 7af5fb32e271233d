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

CREATE FUNCTION rq.actor_enterprise() RETURNS bigint
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
REVOKE ALL ON FUNCTION rq.actor_enterprise() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rq.actor_enterprise() TO ruqima_app;

-- The admin role of the actor, NULL for anyone else: each arm of a policy that depends on
-- an admin's role compares this once.
CREATE FUNCTION rq.actor_admin_role() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN rq.actor_kind() = 'admin' THEN rq.actor_role() END $$;
GRANT EXECUTE ON FUNCTION rq.actor_admin_role() TO ruqima_app, ruqima_report;

ALTER POLICY visits_app_read ON rq.visits
    USING (account_id = (SELECT rq.current_account_id())
           OR enterprise_id = ANY ((SELECT rq.actor_managed_ids())::bigint[])
           OR (SELECT rq.actor_admin_role() IN ('city_admin', 'judicial_analyst',
                                                'discipline_inspector'))
           OR county_code = (SELECT CASE WHEN rq.actor_admin_role() = 'county_admin'
                                         THEN rq.actor_county() END)
           OR ((SELECT rq.actor_admin_role() = 'unit_admin') AND rq.actor_unit_entered(id)));

ALTER POLICY enterprises_app_read ON rq.enterprises
    USING ((SELECT rq.actor_kind() IS NOT NULL
                   AND rq.actor_role() IS DISTINCT FROM 'county_admin')
           OR county_code = (SELECT CASE WHEN rq.actor_kind() IS NOT NULL
                                              AND rq.actor_role() = 'county_admin'
                                         THEN rq.actor_county() END));

ALTER POLICY evaluations_app_read ON rq.evaluations
    USING (enterprise_id = ANY ((SELECT rq.actor_managed_ids())::bigint[])
           OR EXISTS (SELECT 1 FROM rq.visits v WHERE v.id = visit_id));
