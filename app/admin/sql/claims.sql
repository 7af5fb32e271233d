-- app/admin/sql/claims.sql — claims decided by the county office or the city admin (app/admin/claims.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- Tells the claimant how their claim request was decided: one claim_approved or
-- claim_rejected notice in their notification list (GET /api/v1/evaluation/notifications),
-- with the enterprise and the admin's reason.
CREATE OR REPLACE FUNCTION rq.claim_notify(p_claim_id bigint) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
    INSERT INTO rq.outbox (account_id, kind, enterprise_id, claim_id, status, payload)
    SELECT r.account_id, 'claim_' || r.status, r.enterprise_id, r.id, 'in_app',
           jsonb_build_object('title', CASE r.status WHEN 'approved' THEN '企业认证申请已通过'
                                                     ELSE '企业认证申请未通过' END,
                              'enterprise', e.name, 'status', r.status, 'reason', r.reason,
                              'time', r.decided_at)
      FROM rq.claim_requests r JOIN rq.enterprises e ON e.id = r.enterprise_id
     WHERE r.id = p_claim_id AND r.status IN ('approved', 'rejected')
$$;

-- A portal decision on a claim request, by the calling admin: the city admin decides any,
-- a county admin only those of their county's enterprises. Answers (rq.outcome):
--   ok                           data {binding_id} when approved (the new binding, or the
--                                one the account got meanwhile by code), {} when rejected
--   claim-unknown                no such request, or outside the admin's scope
--   claim-decided                decided already
--   claim-enterprise-not-active  approving, but the enterprise left normal operation
--   claim-enterprise-out-of-scope  approving a claim on an individual business (个体工商户,
--                                filed before they were out of scope)
-- Approving a request that matched a live activation code (filed while the enterprise's
-- wrong codes were over their bound, rq.manager_claim) uses that code.
-- Either decision puts a notice (claim_approved or claim_rejected, with the reason) in the
-- claimant's notification list (status in_app: no WeChat template fits it). Raises 42501
-- when the actor is not a city or county admin, 23514 when rejecting without a reason.
CREATE OR REPLACE FUNCTION rq.claim_decide(p_claim_id bigint, p_approve boolean, p_reason text)
RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_admin  bigint := rq.current_admin_id();
    r        rq.claim_requests%ROWTYPE;
    e        rq.enterprises%ROWTYPE;
    v_id     bigint;
BEGIN
    SELECT * INTO r FROM rq.claim_requests c WHERE c.id = p_claim_id FOR UPDATE;
    -- raises 42501 for an actor other than a city or county admin
    e := rq.county_office_enterprise(r.enterprise_id);
    IF r.id IS NULL OR e.id IS NULL THEN
        RETURN rq.refusal('claim-unknown');
    END IF;
    IF r.status <> 'pending' THEN
        RETURN rq.refusal('claim-decided');
    END IF;
    IF NOT p_approve THEN
        UPDATE rq.claim_requests c
           SET status = 'rejected', decided_by = v_admin, decided_at = now(), reason = p_reason
         WHERE c.id = r.id;
        PERFORM rq.claim_notify(r.id);
        RETURN rq.ok('{}');
    END IF;
    IF NOT e.in_scope THEN
        RETURN rq.refusal('claim-enterprise-out-of-scope');
    END IF;
    IF e.business_status <> 'normal' THEN
        RETURN rq.refusal('claim-enterprise-not-active');
    END IF;
    UPDATE rq.claim_requests c
       SET status = 'approved', decided_by = v_admin, decided_at = now(),
           reason = nullif(btrim(p_reason), '')
     WHERE c.id = r.id;
    -- the slip's code the request matched is used up by the approval (if still live)
    UPDATE rq.activation_codes a SET used_at = now(), used_by = r.account_id
     WHERE a.id = r.activation_code_id AND a.used_at IS NULL AND a.superseded_at IS NULL;
    SELECT b.id INTO v_id FROM rq.manager_bindings b
     WHERE b.account_id = r.account_id AND b.enterprise_id = r.enterprise_id
       AND b.status = 'active';
    IF NOT FOUND THEN
        INSERT INTO rq.manager_bindings (account_id, enterprise_id, method, claim_request_id,
                                         claimant_name, phone)
        VALUES (r.account_id, r.enterprise_id, 'approval', r.id, r.claimant_name, r.phone)
        RETURNING rq.manager_bindings.id INTO v_id;
        UPDATE rq.accounts a SET current_enterprise_id = r.enterprise_id
         WHERE a.id = r.account_id AND a.current_enterprise_id IS NULL;
    END IF;
    PERFORM rq.claim_notify(r.id);
    RETURN rq.ok(jsonb_build_object('binding_id', v_id));
END
$$;
GRANT EXECUTE ON FUNCTION rq.claim_decide(bigint,boolean,text) TO ruqima_admin;
