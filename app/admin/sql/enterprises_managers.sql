-- app/admin/sql/enterprises_managers.sql — a county office ends a manager's binding (app/admin/enterprises_managers.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- Ends binding p_binding_id of enterprise p_enterprise_id on behalf of the calling admin
-- (the manager left the company, the phone changed hands …) with rq.manager_binding_close:
-- the binding becomes 'unbound' (the row stays, with who ended it and why, audited), and
-- the account no longer acts for the enterprise (its next one becomes the current one).
-- The city admin ends any binding, a county admin those of their county's enterprises.
-- Answers (rq.outcome):
--   ok                  data {binding_id}
--   enterprise-unknown  no such enterprise, or outside the admin's county
--   binding-unknown     the enterprise has no such binding
--   binding-ended       the binding was ended already (by the manager or an admin)
-- Raises 42501 when the actor is not a city or county admin, 23514 for a reason that is
-- not 1 to 200 characters.
CREATE OR REPLACE FUNCTION rq.manager_binding_end(p_enterprise_id bigint, p_binding_id bigint, p_reason text)
RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    -- raises 42501 for an actor other than a city or county admin
    e rq.enterprises%ROWTYPE := rq.county_office_enterprise(p_enterprise_id);
    b rq.manager_bindings%ROWTYPE;
BEGIN
    IF e.id IS NULL THEN
        RETURN rq.refusal('enterprise-unknown');
    END IF;
    SELECT * INTO b FROM rq.manager_bindings mb
     WHERE mb.id = p_binding_id AND mb.enterprise_id = e.id FOR UPDATE;
    IF b.id IS NULL THEN
        RETURN rq.refusal('binding-unknown');
    END IF;
    IF b.status <> 'active' THEN
        RETURN rq.refusal('binding-ended');
    END IF;
    PERFORM rq.manager_binding_close(b.id, rq.current_admin_id(), p_reason);
    RETURN rq.ok(jsonb_build_object('binding_id', b.id::text));
END
$$;
GRANT EXECUTE ON FUNCTION rq.manager_binding_end(bigint,bigint,text) TO ruqima_admin;
