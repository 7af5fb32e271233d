-- lib/sql/managers.sql — the end of an enterprise manager's binding, whoever ends it: the manager (app/evaluation/sql/enterprises.sql) or a county office (app/admin/sql/enterprises_managers.sql).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- Ends active binding p_binding_id (the row stays, status 'unbound'), with who ended it
-- and why when a portal admin did (p_admin, p_reason; both NULL when the manager did). If
-- the enterprise was the account's current one, the first enterprise the account still
-- manages (in the order of its list: bound first, first) becomes the current one, or none
-- when there is none left. Called by SECURITY DEFINER writes that checked the actor.
CREATE OR REPLACE FUNCTION rq.manager_binding_close(p_binding_id bigint, p_admin bigint, p_reason text)
RETURNS void
LANGUAGE plpgsql SET search_path = rq, pg_temp AS $$
DECLARE
    b rq.manager_bindings%ROWTYPE;
BEGIN
    UPDATE rq.manager_bindings mb
       SET status = 'unbound', unbound_at = now(), ended_by = p_admin, end_reason = btrim(p_reason)
     WHERE mb.id = p_binding_id AND mb.status = 'active'
    RETURNING mb.* INTO b;
    UPDATE rq.accounts a
       SET current_enterprise_id = (SELECT n.enterprise_id FROM rq.manager_bindings n
                                     WHERE n.account_id = b.account_id AND n.status = 'active'
                                     ORDER BY n.bound_at, n.id LIMIT 1)
     WHERE a.id = b.account_id AND a.current_enterprise_id = b.enterprise_id;
END
$$;
