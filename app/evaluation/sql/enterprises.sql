-- app/evaluation/sql/enterprises.sql — enterprise managers: claim, select, unbind (app/evaluation/enterprises.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- "Switch": makes the enterprise the calling account's current one. Answers (rq.outcome)
-- ok, or enterprise-not-managed (changing nothing) when the account is not actively bound
-- to it.
CREATE OR REPLACE FUNCTION rq.manager_select(p_enterprise_id bigint) RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_account bigint := rq.current_account_id();
BEGIN
    IF v_account IS NULL OR NOT EXISTS (
            SELECT 1 FROM rq.manager_bindings b
             WHERE b.account_id = v_account AND b.enterprise_id = p_enterprise_id
               AND b.status = 'active') THEN
        RETURN rq.refusal('enterprise-not-managed');
    END IF;
    UPDATE rq.accounts a SET current_enterprise_id = p_enterprise_id
     WHERE a.id = v_account AND a.current_enterprise_id IS DISTINCT FROM p_enterprise_id;
    RETURN rq.ok();
END
$$;
GRANT EXECUTE ON FUNCTION rq.manager_select(bigint) TO ruqima_evaluation;

-- Unbinds the calling account from the enterprise (rq.manager_binding_close: the row stays,
-- status 'unbound'; if it was the current one, the next enterprise the account manages
-- becomes the current one, or none when there is none left).
-- Answers (rq.outcome) ok, or enterprise-not-managed when the account was not actively
-- bound to it.
CREATE OR REPLACE FUNCTION rq.manager_unbind(p_enterprise_id bigint) RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_binding bigint;
BEGIN
    SELECT b.id INTO v_binding FROM rq.manager_bindings b
     WHERE b.account_id = rq.current_account_id() AND b.enterprise_id = p_enterprise_id
       AND b.status = 'active'
       FOR UPDATE;
    IF v_binding IS NULL THEN
        RETURN rq.refusal('enterprise-not-managed');
    END IF;
    PERFORM rq.manager_binding_close(v_binding, NULL, NULL);
    RETURN rq.ok();
END
$$;
GRANT EXECUTE ON FUNCTION rq.manager_unbind(bigint) TO ruqima_evaluation;

-- A claim by the calling account (rq.current_account_id()); superseded activation codes
-- are refused. The enterprise is the one of the active code p_token when given, else the
-- one with credit code p_uscc or, for a construction project (在建项目), project code
-- p_project_code (exactly one of the two); either way the code given must be its own and
-- p_legal_rep what the register has as its legal representative (for a project: the
-- legal representative or the responsible unit, whichever the register carries), compared
-- without surrounding spaces.
--
-- Guessing is bounded (README, "Activation codes: the threat model"): 5 failures in 24 hours
-- per account and enterprise (or unknown credit or project code), 20 per account over every
-- enterprise, and 30 wrong activation codes per enterprise over every account. A code is
-- never locked: past the enterprise's 30 a claim with a code is no longer answered by the
-- code but filed as a request for the county office (the same answer, right code or
-- wrong), which records whether it matched; approving it uses the code (rq.claim_decide).
-- So strangers cannot lock the holder out, and learn nothing more. Answers (rq.outcome):
--   bound                     activation code accepted; data {binding_id}
--   requested                 no code given, or a code given past the enterprise's bound;
--                             data {claim_id}, the new pending request
--   claim-refused             unknown enterprise, wrong credit or project code, or wrong
--                             legal representative (counted: against the enterprise when
--                             known, else against the code given, so both answer alike);
--                             args: the tries left in the 24 hours
--   enterprise-out-of-scope   an individual business (个体工商户): never given a code,
--                             never claimed (app/DESIGN.md §1)
--   enterprise-not-claimable  the enterprise is not in normal operation
--   already-bound             the account manages it already
--   claim-pending             a request of this account is pending
--   activation-code-invalid   wrong, used, superseded or foreign activation code (counted);
--                             args: the tries left
--   claim-attempts            5 failures in 24 hours for this account and enterprise (or an
--                             unknown credit or project code); args: the seconds until the oldest
--                             leaves the window (Retry-After), the same in hours rounded up,
--                             and that time (city time, YYYY-MM-DD HH24:MI)
--   claim-attempts-account    20 failures in 24 hours for this account, whatever the
--                             enterprise; args as claim-attempts
-- Outcomes other than bound/requested change nothing except the failure count, which the
-- caller must commit. Raises 42501 when the actor is not an account.
CREATE OR REPLACE FUNCTION rq.manager_claim(p_token text, p_uscc text, p_project_code text, p_legal_rep text,
                                             p_name text, p_phone text, p_code text)
RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, public, pg_temp AS $$
DECLARE
    max_failures constant int := 5;    -- per account and enterprise, 24 hours
    account_max  constant int := 20;   -- per account, every enterprise, 24 hours
    wrong_codes_max constant int := 30; -- wrong codes per enterprise, every account, 24 hours
    v_account    bigint := rq.current_account_id();
    v_claimed    text := coalesce(p_uscc, p_project_code);
    e            rq.enterprises%ROWTYPE;
    v_failures   int;
    v_oldest     timestamptz;
    v_all        int;
    v_all_oldest timestamptz;
    v_left       int;
    v_code       rq.activation_codes%ROWTYPE;
    v_match      boolean;
    v_guessed    boolean;
    v_id         bigint;
    v_wait       int;
BEGIN
    IF v_account IS NULL THEN
        RAISE EXCEPTION 'claims are made by mini-program accounts only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_token IS NOT NULL THEN
        SELECT en.* INTO e FROM rq.codes c JOIN rq.enterprises en ON en.id = c.enterprise_id
         WHERE c.token = p_token AND c.status = 'active';
    ELSIF p_uscc IS NOT NULL THEN
        SELECT en.* INTO e FROM rq.enterprises en WHERE en.uscc = p_uscc;
    ELSE
        SELECT en.* INTO e FROM rq.enterprises en WHERE en.project_code = p_project_code;
    END IF;
    -- Serialises the claims of one enterprise (failure counts, code use).
    PERFORM 1 FROM rq.enterprises WHERE rq.enterprises.id = e.id FOR UPDATE;

    -- The account's failures of the last 24 hours, over every enterprise.
    SELECT count(*), min(f.failed_at) INTO v_all, v_all_oldest
      FROM rq.claim_failures f
     WHERE f.account_id = v_account AND f.failed_at > now() - interval '24 hours';
    IF v_all >= account_max THEN
        v_wait := greatest(1, ceil(extract(epoch FROM v_all_oldest + interval '24 hours' - now())));
        RETURN rq.refusal('claim-attempts-account', v_wait::text, ceil(v_wait / 3600.0)::text,
                          to_char(v_all_oldest + interval '24 hours', 'YYYY-MM-DD HH24:MI'));
    END IF;
    -- The failures of the last 24 hours: against the enterprise, or against the credit or
    -- project code given when no enterprise has it (the same limit, the same answers).
    SELECT count(*), min(f.failed_at) INTO v_failures, v_oldest
      FROM rq.claim_failures f
     WHERE f.account_id = v_account AND f.failed_at > now() - interval '24 hours'
       AND CASE WHEN e.id IS NOT NULL THEN f.enterprise_id = e.id
                ELSE f.enterprise_id IS NULL AND f.claimed_code = v_claimed END;
    IF v_failures >= max_failures THEN
        v_wait := greatest(1, ceil(extract(epoch FROM v_oldest + interval '24 hours' - now())));
        RETURN rq.refusal('claim-attempts', v_wait::text, ceil(v_wait / 3600.0)::text,
                          to_char(v_oldest + interval '24 hours', 'YYYY-MM-DD HH24:MI'));
    END IF;
    -- the tries this one leaves, if it fails
    v_left := least(max_failures - v_failures, account_max - v_all) - 1;

    -- An enterprise has exactly one of the two codes: both given, or neither, never match.
    IF e.id IS NULL OR e.uscc IS DISTINCT FROM p_uscc
       OR e.project_code IS DISTINCT FROM p_project_code
       OR e.legal_rep IS NULL OR btrim(e.legal_rep) <> btrim(p_legal_rep) THEN
        INSERT INTO rq.claim_failures (account_id, enterprise_id, claimed_code, reason)
        VALUES (v_account, e.id, CASE WHEN e.id IS NULL THEN v_claimed END, 'identity');
        RETURN rq.refusal('claim-refused', v_left::text);
    END IF;
    IF NOT e.in_scope THEN
        RETURN rq.refusal('enterprise-out-of-scope');
    END IF;
    IF e.business_status <> 'normal' THEN
        RETURN rq.refusal('enterprise-not-claimable');
    END IF;
    IF EXISTS (SELECT 1 FROM rq.manager_bindings b
                WHERE b.account_id = v_account AND b.enterprise_id = e.id
                  AND b.status = 'active') THEN
        RETURN rq.refusal('already-bound');
    END IF;

    IF p_code IS NOT NULL THEN
        -- the enterprise's wrong codes of the last 24 hours, before this one
        SELECT count(*) >= wrong_codes_max INTO v_guessed FROM rq.claim_failures f
         WHERE f.enterprise_id = e.id AND f.reason = 'activation-code'
           AND f.failed_at > now() - interval '24 hours';
        SELECT a.* INTO v_code FROM rq.activation_codes a
         WHERE a.enterprise_id = e.id
           AND a.code_hash = digest(rq.activation_code_normalise(p_code), 'sha256');
        -- a used or superseded code (its slip was reprinted) is as wrong as an unknown one
        v_match := v_code.id IS NOT NULL AND v_code.used_at IS NULL
                   AND v_code.superseded_at IS NULL;
        IF NOT v_match THEN
            INSERT INTO rq.claim_failures (account_id, enterprise_id, reason)
            VALUES (v_account, e.id, 'activation-code');
            -- every live code of the enterprise counts it: the guesser cannot know which
            UPDATE rq.activation_codes a SET failed_attempts = a.failed_attempts + 1
             WHERE a.enterprise_id = e.id AND a.used_at IS NULL AND a.superseded_at IS NULL;
        END IF;
    END IF;

    -- Bound at once only by a right code while fewer than wrong_codes_max wrong ones were
    -- tried against the enterprise in the last 24 hours; otherwise a request.
    IF p_code IS NULL OR v_guessed THEN
        IF EXISTS (SELECT 1 FROM rq.claim_requests r
                    WHERE r.account_id = v_account AND r.enterprise_id = e.id
                      AND r.status = 'pending') THEN
            RETURN rq.refusal('claim-pending');
        END IF;
        INSERT INTO rq.claim_requests (account_id, enterprise_id, claimant_name, phone, legal_rep,
                                       activation_code_given, activation_code_id)
        VALUES (v_account, e.id, p_name, p_phone, btrim(p_legal_rep), p_code IS NOT NULL,
                CASE WHEN v_match THEN v_code.id END)
        RETURNING rq.claim_requests.id INTO v_id;
        RETURN rq.ok(jsonb_build_object('claim_id', v_id::text), 'requested');
    END IF;
    IF NOT v_match THEN
        RETURN rq.refusal('activation-code-invalid', v_left::text);
    END IF;

    UPDATE rq.activation_codes a SET used_at = now(), used_by = v_account WHERE a.id = v_code.id;
    INSERT INTO rq.manager_bindings (account_id, enterprise_id, method, activation_code_id,
                                     claimant_name, phone)
    VALUES (v_account, e.id, 'activation', v_code.id, p_name, p_phone)
    RETURNING rq.manager_bindings.id INTO v_id;
    UPDATE rq.accounts a SET current_enterprise_id = e.id
     WHERE a.id = v_account AND a.current_enterprise_id IS NULL;
    RETURN rq.ok(jsonb_build_object('binding_id', v_id::text), 'bound');
END
$$;
GRANT EXECUTE ON FUNCTION rq.manager_claim(text,text,text,text,text,text,text) TO ruqima_evaluation;
