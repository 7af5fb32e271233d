-- lib/sql/disclosure.sql — an enterprise's choice not to be named in the public disclosure
-- of single visits (双公开, README "Public disclosure"), set by its managers in the
-- mini-program (app/evaluation/enterprises.c) or by a county office in the portal
-- (app/admin/enterprises_disclosure.c), both through lib/rq_disclosure.c.
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- Sets rq.enterprises.disclosure_opt_out of p_enterprise_id to p_opt_out for the actor: a
-- manager of the enterprise now; the city admin; a county admin of its county. An unchanged
-- value writes nothing (no audit row). Answers (rq.outcome):
--   ok                      data {enterprise_id, disclosure_opt_out}
--   enterprise-not-managed  an account that does not manage the enterprise now
--   enterprise-unknown      an admin: no such enterprise, or another county's
-- Raises 42501 for any other actor.
CREATE OR REPLACE FUNCTION rq.enterprise_disclosure_set(p_enterprise_id bigint, p_opt_out boolean) RETURNS rq.outcome LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    e rq.enterprises%ROWTYPE;
BEGIN
    IF rq.current_account_id() IS NOT NULL THEN
        IF NOT rq.actor_manages(p_enterprise_id) THEN
            RETURN rq.refusal('enterprise-not-managed');
        END IF;
        SELECT * INTO e FROM rq.enterprises x WHERE x.id = p_enterprise_id FOR UPDATE;
    ELSE
        -- raises 42501 for an actor other than a city or county admin
        e := rq.county_office_enterprise(p_enterprise_id);
        IF e.id IS NULL THEN
            RETURN rq.refusal('enterprise-unknown');
        END IF;
    END IF;
    UPDATE rq.enterprises SET disclosure_opt_out = p_opt_out
     WHERE id = e.id AND disclosure_opt_out <> p_opt_out;
    RETURN rq.ok(jsonb_build_object('enterprise_id', e.id::text,
                                    'disclosure_opt_out', p_opt_out));
END
$$;
GRANT EXECUTE ON FUNCTION rq.enterprise_disclosure_set(bigint,boolean) TO ruqima_evaluation, ruqima_admin;
