-- app/admin/sql/enterprises_code.sql — codes issued, revoked and re-issued from the portal (app/admin/enterprises_code.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- Market supervision (市场监管局) and city admins only.
--
-- rq.issue_code() and rq.revoke_code() (lib/sql/codes.sql) are SECURITY DEFINER with EXECUTE revoked
-- from PUBLIC: only the owner (the CLI) calls them directly. The application role reaches
-- them through the wrappers below, which check the actor context in SQL first, so a
-- handler bug cannot let a county admin, a unit admin or a mini-program account issue or
-- revoke a code. The writes are audited by the tables' audit triggers with the portal admin as actor
-- (the actor context of the request's transaction).
--
-- Business refusals (no such enterprise, out of scope, not in normal operation, name not
-- verified, an active code already, no active code to revoke) are answered as rq.outcome,
-- not as errors, so the handler can say exactly why nothing was done; the role check
-- raises 42501.

-- Raises 42501 unless the actor is a portal admin who manages codes.
CREATE OR REPLACE FUNCTION rq.portal_codes_check_actor() RETURNS void
LANGUAGE plpgsql STABLE SET search_path = rq, pg_temp AS $$
BEGIN
    IF rq.actor_kind() IS DISTINCT FROM 'admin'
       OR NOT coalesce(rq.actor_role() IN ('market_supervision', 'city_admin'), false) THEN
        RAISE EXCEPTION 'codes are issued and revoked by market supervision and city admins only'
            USING ERRCODE = '42501';
    END IF;
END
$$;

-- Locks the enterprise and says whether it may get a code: NULL when it may, else the
-- refusal (enterprise-unknown, code-enterprise-out-of-scope, code-enterprise-not-active,
-- name-not-verified), with its business status.
CREATE OR REPLACE FUNCTION rq.portal_codes_eligibility(p_enterprise_id bigint, OUT outcome text,
                                            OUT business_status text)
LANGUAGE plpgsql SET search_path = rq, pg_temp AS $$
#variable_conflict use_column
DECLARE
    e rq.enterprises%ROWTYPE;
BEGIN
    SELECT * INTO e FROM rq.enterprises WHERE id = p_enterprise_id FOR UPDATE;
    IF NOT FOUND THEN
        outcome := 'enterprise-unknown';
        RETURN;
    END IF;
    business_status := e.business_status;
    IF NOT e.in_scope THEN
        outcome := 'code-enterprise-out-of-scope';
    ELSIF e.business_status <> 'normal' THEN
        outcome := 'code-enterprise-not-active';
    ELSIF NOT e.name_verified THEN
        outcome := 'name-not-verified';
    END IF;
END
$$;

-- Issues a code (p_reason NULL), or re-issues one (p_reason given: the active code is
-- revoked with that reason and a new one issued, in the caller's transaction).
-- outcome: 'issued' (serial, token of the new code; revoked_serial when re-issued), or a
-- refusal: those of rq.portal_codes_eligibility, code-active (issue while a code is
-- active: serial is the active one), no-code-to-replace (re-issue without an active code).
CREATE OR REPLACE FUNCTION rq.portal_codes_issue(p_enterprise_id bigint, p_reason text,
                                      OUT outcome text, OUT business_status text,
                                      OUT serial text, OUT token text,
                                      OUT revoked_serial text)
LANGUAGE plpgsql SET search_path = rq, public, pg_temp AS $$
#variable_conflict use_column
DECLARE
    v_active rq.codes%ROWTYPE;
    v_id     bigint;
BEGIN
    SELECT g.outcome, g.business_status INTO outcome, business_status
      FROM rq.portal_codes_eligibility(p_enterprise_id) g;
    IF outcome IS NOT NULL THEN
        RETURN;
    END IF;
    SELECT * INTO v_active FROM rq.codes c
     WHERE c.enterprise_id = p_enterprise_id AND c.status = 'active';
    IF p_reason IS NULL AND v_active.id IS NOT NULL THEN
        outcome := 'code-active';
        serial := v_active.serial;
        RETURN;
    END IF;
    IF p_reason IS NOT NULL THEN
        IF v_active.id IS NULL THEN
            outcome := 'no-code-to-replace';
            RETURN;
        END IF;
        PERFORM rq.revoke_code(p_enterprise_id, p_reason);
        revoked_serial := v_active.serial;
    END IF;
    v_id := rq.issue_code(p_enterprise_id);
    SELECT c.serial, c.token INTO serial, token FROM rq.codes c WHERE c.id = v_id;
    outcome := 'issued';
END
$$;

-- An issue (p_reason NULL) or a re-issue by a portal admin, as rq.outcome: data {serial,
-- token, revoked_serial}, or the refusal of rq.portal_codes_issue with what its detail shows.
CREATE OR REPLACE FUNCTION rq.portal_codes_run(p_enterprise_id bigint, p_reason text)
RETURNS rq.outcome
LANGUAGE plpgsql SET search_path = rq, pg_temp AS $$
DECLARE
    i record;
BEGIN
    PERFORM rq.portal_codes_check_actor();
    SELECT * INTO i FROM rq.portal_codes_issue(p_enterprise_id, p_reason);
    RETURN CASE i.outcome
        WHEN 'issued' THEN rq.ok(jsonb_build_object('serial', i.serial, 'token', i.token,
                                                    'revoked_serial', i.revoked_serial))
        WHEN 'code-enterprise-not-active' THEN rq.refusal(i.outcome, i.business_status)
        WHEN 'code-active' THEN rq.refusal(i.outcome, i.serial)
        ELSE rq.refusal(i.outcome)
    END;
END
$$;

-- POST /api/v1/admin/enterprises/{id}/code
CREATE OR REPLACE FUNCTION rq.portal_issue_code(p_enterprise_id bigint) RETURNS rq.outcome
LANGUAGE sql SECURITY DEFINER SET search_path = rq, pg_temp AS $$ SELECT rq.portal_codes_run(p_enterprise_id, NULL) $$;
GRANT EXECUTE ON FUNCTION rq.portal_issue_code(bigint) TO ruqima_admin;

-- POST /api/v1/admin/enterprises/{id}/code/reissue {reason}: revoke and issue at once.
CREATE OR REPLACE FUNCTION rq.portal_reissue_code(p_enterprise_id bigint, p_reason text)
RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
BEGIN
    IF p_reason IS NULL THEN   -- without one it would be a plain issue
        RAISE EXCEPTION 'a re-issue needs a reason' USING ERRCODE = '23502';
    END IF;
    RETURN rq.portal_codes_run(p_enterprise_id, p_reason);
END
$$;
GRANT EXECUTE ON FUNCTION rq.portal_reissue_code(bigint,text) TO ruqima_admin;

-- POST /api/v1/admin/enterprises/{id}/code/revoke {reason}: ok with data {revoked_serial},
-- enterprise-unknown, no-code-to-revoke. Any enterprise's code may be revoked, whatever
-- its status.
CREATE OR REPLACE FUNCTION rq.portal_revoke_code(p_enterprise_id bigint, p_reason text)
RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_id bigint;
BEGIN
    PERFORM rq.portal_codes_check_actor();
    PERFORM 1 FROM rq.enterprises e WHERE e.id = p_enterprise_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN rq.refusal('enterprise-unknown');
    END IF;
    v_id := rq.revoke_code(p_enterprise_id, p_reason);
    IF v_id IS NULL THEN
        RETURN rq.refusal('no-code-to-revoke');
    END IF;
    RETURN rq.ok(jsonb_build_object('revoked_serial',
                                    (SELECT c.serial FROM rq.codes c WHERE c.id = v_id)));
END
$$;
GRANT EXECUTE ON FUNCTION rq.portal_revoke_code(bigint,text) TO ruqima_admin;
