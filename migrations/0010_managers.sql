-- 0010_managers.sql — enterprise managers (企业管理人员): who may act for an enterprise in
-- the mini-program (design §2: claim the code, see the visits, confirm and rate them).
--
-- A manager claims an enterprise (企业信息认证) by proving knowledge of its credit code
-- and legal representative, giving their own name and phone, and either
--   the one-time activation code printed on the slip that comes with the poster
--     → bound at once; or
--   nothing more → a claim request that a county admin (or the city admin) approves or
--     rejects in the portal.
-- An enterprise may have several managers and an account may manage several enterprises,
-- one of them "current". Unbinding is a state change: the binding row stays as history.
--
-- Writes by the application role go only through the SECURITY DEFINER functions at the
-- end of this file, never through table privileges: a claim has to read activation-code
-- hashes (which the app must never see), count failed attempts, and create the binding in
-- one atomic step, and a decision has to check the admin's scope against the enterprise's
-- county. Keeping every state change in one function each also keeps the rules (one
-- active binding per pair, "current" only among active bindings) in one place.

-- ---------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------

-- One-time activation codes (激活码), printed on the slip that comes with the poster.
-- Only the sha256 of the code is stored; the plaintext exists once, in the return value
-- of rq.activation_code_create (for the printing step).
CREATE TABLE rq.activation_codes (
    id              bigserial PRIMARY KEY,
    enterprise_id   bigint NOT NULL REFERENCES rq.enterprises (id),
    -- sha256 of the normalised code (upper case, no separators).
    code_hash       bytea NOT NULL UNIQUE CHECK (octet_length(code_hash) = 32),
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- Single use: set when a claim succeeded with it.
    used_at         timestamptz,
    used_by         bigint REFERENCES rq.accounts (id),
    -- Wrong codes tried against this enterprise while the code was unused, by anyone.
    -- At 10 the code is locked for good (a guesser with many accounts gets no further);
    -- the claimant then asks the county admin instead.
    failed_attempts int NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_at       timestamptz,
    CONSTRAINT activation_codes_used_by_whom CHECK ((used_at IS NULL) = (used_by IS NULL))
);
COMMENT ON TABLE rq.activation_codes IS
    'one-time activation codes of the poster slips (sha256 only), single use, lockable';
CREATE INDEX activation_codes_enterprise_idx ON rq.activation_codes (enterprise_id);
-- The hash stays out of audit.log (ruqima_report reads it): a 10-character code is few
-- enough bits that an unsalted hash could be brute-forced offline.
SELECT audit.enable('rq.activation_codes', 'id', ARRAY['code_hash']);

-- Claim requests without an activation code, decided in the portal.
CREATE TABLE rq.claim_requests (
    id            bigserial PRIMARY KEY,
    account_id    bigint NOT NULL REFERENCES rq.accounts (id),
    enterprise_id bigint NOT NULL REFERENCES rq.enterprises (id),
    claimant_name text NOT NULL CHECK (char_length(claimant_name) BETWEEN 1 AND 50),
    -- 11-digit mainland mobile number.
    phone         text NOT NULL CHECK (phone ~ '^1[3-9][0-9]{9}$'),
    -- The 法定代表人 as the claimant gave it (it matched the register at the time).
    legal_rep     text NOT NULL CHECK (char_length(legal_rep) BETWEEN 1 AND 100),
    status        text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    decided_by    bigint REFERENCES rq.admin_users (id),
    decided_at    timestamptz,
    -- Required when rejecting (shown to the claimant), optional when approving.
    reason        text CHECK (char_length(reason) BETWEEN 1 AND 200),
    CONSTRAINT claim_requests_decided
        CHECK ((status = 'pending') = (decided_by IS NULL AND decided_at IS NULL)),
    CONSTRAINT claim_requests_rejection_has_reason
        CHECK (status <> 'rejected' OR reason IS NOT NULL)
);
COMMENT ON TABLE rq.claim_requests IS
    'manager claims without an activation code, approved or rejected by a county/city admin';
-- One open request per account and enterprise.
CREATE UNIQUE INDEX claim_requests_one_pending ON rq.claim_requests (account_id, enterprise_id)
    WHERE status = 'pending';
-- The portal's queue: "pending in my county", keyset by id.
CREATE INDEX claim_requests_status_idx ON rq.claim_requests (status, id);
SELECT audit.enable('rq.claim_requests');

-- Who manages which enterprise. History is kept: unbinding sets status and unbound_at.
CREATE TABLE rq.manager_bindings (
    id               bigserial PRIMARY KEY,
    account_id       bigint NOT NULL REFERENCES rq.accounts (id),
    enterprise_id    bigint NOT NULL REFERENCES rq.enterprises (id),
    status           text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'unbound')),
    method           text NOT NULL CHECK (method IN ('activation', 'approval')),
    activation_code_id bigint REFERENCES rq.activation_codes (id),
    claim_request_id bigint REFERENCES rq.claim_requests (id),
    claimant_name    text NOT NULL CHECK (char_length(claimant_name) BETWEEN 1 AND 50),
    phone            text NOT NULL CHECK (phone ~ '^1[3-9][0-9]{9}$'),
    bound_at         timestamptz NOT NULL DEFAULT now(),
    unbound_at       timestamptz,
    CONSTRAINT manager_bindings_unbound_has_time CHECK ((status = 'unbound') = (unbound_at IS NOT NULL)),
    -- Each binding says how it was earned.
    CONSTRAINT manager_bindings_method_source CHECK (
        (method = 'activation' AND activation_code_id IS NOT NULL AND claim_request_id IS NULL) OR
        (method = 'approval' AND claim_request_id IS NOT NULL AND activation_code_id IS NULL))
);
COMMENT ON TABLE rq.manager_bindings IS
    'enterprise managers: account ↔ enterprise, active or unbound (history kept)';
-- At most one active binding per account and enterprise; unbound ones are history.
CREATE UNIQUE INDEX manager_bindings_one_active ON rq.manager_bindings (account_id, enterprise_id)
    WHERE status = 'active';
CREATE INDEX manager_bindings_enterprise_idx ON rq.manager_bindings (enterprise_id)
    WHERE status = 'active';
SELECT audit.enable('rq.manager_bindings');

-- Failed claim attempts (wrong identity, wrong or used activation code), counted per
-- account and enterprise over 24 hours. A table, not a counter, so the window slides and
-- the failures survive the 403 that reports them (the handler commits on that error).
CREATE TABLE rq.claim_failures (
    id            bigserial PRIMARY KEY,
    account_id    bigint NOT NULL REFERENCES rq.accounts (id),
    enterprise_id bigint NOT NULL REFERENCES rq.enterprises (id),
    reason        text NOT NULL CHECK (reason IN ('identity', 'activation-code')),
    failed_at     timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE rq.claim_failures IS 'failed manager claims, for the 5-per-24-hours limit';
CREATE INDEX claim_failures_window_idx ON rq.claim_failures (account_id, enterprise_id, failed_at);
SELECT audit.enable('rq.claim_failures');

-- "Switch": the enterprise the account currently acts for in the mini-program. Only ever
-- one the account is actively bound to (kept so by the functions below; cleared on unbind).
ALTER TABLE rq.accounts ADD COLUMN current_enterprise_id bigint REFERENCES rq.enterprises (id);
COMMENT ON COLUMN rq.accounts.current_enterprise_id IS
    'the enterprise a manager currently acts for (one they are actively bound to), or NULL';

-- ---------------------------------------------------------------------------------
-- Row-level security. The application role reads; it writes only through the functions.
-- ---------------------------------------------------------------------------------
ALTER TABLE rq.activation_codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE rq.activation_codes FORCE ROW LEVEL SECURITY;
ALTER TABLE rq.claim_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE rq.claim_requests FORCE ROW LEVEL SECURITY;
ALTER TABLE rq.manager_bindings ENABLE ROW LEVEL SECURITY;
ALTER TABLE rq.manager_bindings FORCE ROW LEVEL SECURITY;
ALTER TABLE rq.claim_failures ENABLE ROW LEVEL SECURITY;
ALTER TABLE rq.claim_failures FORCE ROW LEVEL SECURITY;

-- The owner: migrations, the CLI, and the SECURITY DEFINER functions below.
CREATE POLICY activation_codes_owner_all ON rq.activation_codes TO ruqima_owner
    USING (true) WITH CHECK (true);
CREATE POLICY claim_requests_owner_all ON rq.claim_requests TO ruqima_owner
    USING (true) WITH CHECK (true);
CREATE POLICY manager_bindings_owner_all ON rq.manager_bindings TO ruqima_owner
    USING (true) WITH CHECK (true);
CREATE POLICY claim_failures_owner_all ON rq.claim_failures TO ruqima_owner
    USING (true) WITH CHECK (true);

-- activation_codes and claim_failures: nothing for the application role at all.

-- A manager sees their own rows; a county admin those of enterprises in their county; the
-- city admin all. (The enterprise subquery runs under the enterprises policies of 0009,
-- which agree: a county admin sees their own county's enterprises only.)
GRANT SELECT ON rq.claim_requests, rq.manager_bindings TO ruqima_app;
CREATE POLICY claim_requests_app_read ON rq.claim_requests FOR SELECT TO ruqima_app
    USING (account_id = rq.current_account_id()
           OR (rq.actor_kind() = 'admin' AND rq.actor_role() = 'city_admin')
           OR (rq.actor_kind() = 'admin' AND rq.actor_role() = 'county_admin'
               AND EXISTS (SELECT 1 FROM rq.enterprises e
                            WHERE e.id = enterprise_id AND e.county_code = rq.actor_county())));
CREATE POLICY manager_bindings_app_read ON rq.manager_bindings FOR SELECT TO ruqima_app
    USING (account_id = rq.current_account_id()
           OR (rq.actor_kind() = 'admin' AND rq.actor_role() = 'city_admin')
           OR (rq.actor_kind() = 'admin' AND rq.actor_role() = 'county_admin'
               AND EXISTS (SELECT 1 FROM rq.enterprises e
                            WHERE e.id = enterprise_id AND e.county_code = rq.actor_county())));

-- Reporting reads bindings and decisions (counts, how managers were verified).
GRANT SELECT ON rq.claim_requests, rq.manager_bindings TO ruqima_report;
CREATE POLICY claim_requests_report_read ON rq.claim_requests FOR SELECT TO ruqima_report
    USING (true);
CREATE POLICY manager_bindings_report_read ON rq.manager_bindings FOR SELECT TO ruqima_report
    USING (true);

-- ---------------------------------------------------------------------------------
-- Functions
-- ---------------------------------------------------------------------------------

-- True when the actor is a manager actively bound to the enterprise. For the policies of
-- later tables (visits, ratings): a manager sees and rates only what belongs to
-- enterprises they manage now, so unbinding ends access at once.
CREATE FUNCTION rq.actor_manages(p_enterprise_id bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
    SELECT EXISTS (SELECT 1 FROM rq.manager_bindings b
                    WHERE b.account_id = rq.current_account_id()
                      AND b.enterprise_id = p_enterprise_id AND b.status = 'active')
$$;

-- The activation code alphabet: no 0/O, 1/I/L (read aloud and typed from paper).
-- Normalises what a claimant typed: upper case, spaces and hyphens removed.
CREATE FUNCTION rq.activation_code_normalise(p_code text) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT upper(translate(p_code, ' -', '')) $$;

-- Creates a one-time activation code for an enterprise: 10 characters from a 31-letter
-- alphabet (≈ 49.5 bits), drawn by rejection sampling from pgcrypto's CSPRNG (no modulo
-- bias). Stores only its sha256 and returns the plaintext, once. Owner only: the batch
-- printing step (and tests) call it; the application role cannot.
-- Raises P0002 for an unknown enterprise.
CREATE FUNCTION rq.activation_code_create(p_enterprise_id bigint) RETURNS text
LANGUAGE plpgsql
SET search_path = rq, public, pg_temp
AS $$
DECLARE
    alphabet constant text := '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
    v_code text := '';
    v_byte int;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM rq.enterprises WHERE id = p_enterprise_id) THEN
        RAISE EXCEPTION 'no enterprise %', p_enterprise_id USING ERRCODE = 'P0002';
    END IF;
    WHILE length(v_code) < 10 LOOP
        v_byte := get_byte(gen_random_bytes(1), 0);
        IF v_byte < 248 THEN                -- 248 = 8 × 31: keep the draw uniform
            v_code := v_code || substr(alphabet, v_byte % 31 + 1, 1);
        END IF;
    END LOOP;
    INSERT INTO rq.activation_codes (enterprise_id, code_hash)
    VALUES (p_enterprise_id, digest(v_code, 'sha256'));
    RETURN v_code;
END
$$;
REVOKE ALL ON FUNCTION rq.activation_code_create(bigint) FROM PUBLIC;

-- A claim by the calling account (rq.current_account_id()). The enterprise is the one of
-- the active code p_token when given, else the one with credit code p_uscc; either way
-- p_uscc must be its credit code and p_legal_rep its legal representative (compared
-- without surrounding spaces). Returns one row (outcome, id, retry_after):
--   bound            activation code accepted; id = the new binding
--   requested        no code given; id = the new pending claim request
--   mismatch         unknown enterprise, wrong credit code or wrong legal representative
--                    (counted when the enterprise is known)
--   not-active       the enterprise is not in normal operation
--   already-bound    the account manages it already; id = the binding
--   already-requested a request of this account is pending; id = the request
--   bad-code         wrong, used or foreign activation code (counted)
--   code-locked      the enterprise's activation code is locked after too many wrong tries
--   too-many         5 failures in 24 hours for this account and enterprise;
--                    retry_after = seconds until the oldest of them leaves the window
-- Outcomes other than bound/requested change nothing except the failure count, which the
-- caller must commit. Raises 42501 when the actor is not an account.
CREATE FUNCTION rq.manager_claim(p_token text, p_uscc text, p_legal_rep text, p_name text,
                                 p_phone text, p_code text)
RETURNS TABLE (outcome text, id bigint, retry_after int)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    max_failures constant int := 5;
    code_lock_at constant int := 10;
    v_account    bigint := rq.current_account_id();
    e            rq.enterprises%ROWTYPE;
    v_failures   int;
    v_oldest     timestamptz;
    v_code       rq.activation_codes%ROWTYPE;
    v_id         bigint;
BEGIN
    IF v_account IS NULL THEN
        RAISE EXCEPTION 'claims are made by mini-program accounts only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_token IS NOT NULL THEN
        SELECT en.* INTO e FROM rq.codes c JOIN rq.enterprises en ON en.id = c.enterprise_id
         WHERE c.token = p_token AND c.status = 'active';
    ELSE
        SELECT en.* INTO e FROM rq.enterprises en WHERE en.uscc = p_uscc;
    END IF;
    IF e.id IS NULL OR e.uscc IS DISTINCT FROM p_uscc THEN
        RETURN QUERY SELECT 'mismatch'::text, NULL::bigint, NULL::int;
        RETURN;
    END IF;
    -- Serialises the claims of one enterprise (failure counts, code use).
    PERFORM 1 FROM rq.enterprises WHERE rq.enterprises.id = e.id FOR UPDATE;

    SELECT count(*), min(f.failed_at) INTO v_failures, v_oldest
      FROM rq.claim_failures f
     WHERE f.account_id = v_account AND f.enterprise_id = e.id
       AND f.failed_at > now() - interval '24 hours';
    IF v_failures >= max_failures THEN
        RETURN QUERY SELECT 'too-many'::text, NULL::bigint,
            greatest(1, ceil(extract(epoch FROM v_oldest + interval '24 hours' - now())))::int;
        RETURN;
    END IF;

    IF e.legal_rep IS NULL OR btrim(e.legal_rep) <> btrim(p_legal_rep) THEN
        INSERT INTO rq.claim_failures (account_id, enterprise_id, reason)
        VALUES (v_account, e.id, 'identity');
        RETURN QUERY SELECT 'mismatch'::text, NULL::bigint, NULL::int;
        RETURN;
    END IF;
    IF e.business_status <> 'normal' THEN
        RETURN QUERY SELECT 'not-active'::text, NULL::bigint, NULL::int;
        RETURN;
    END IF;
    SELECT b.id INTO v_id FROM rq.manager_bindings b
     WHERE b.account_id = v_account AND b.enterprise_id = e.id AND b.status = 'active';
    IF FOUND THEN
        RETURN QUERY SELECT 'already-bound'::text, v_id, NULL::int;
        RETURN;
    END IF;

    IF p_code IS NULL THEN
        SELECT r.id INTO v_id FROM rq.claim_requests r
         WHERE r.account_id = v_account AND r.enterprise_id = e.id AND r.status = 'pending';
        IF FOUND THEN
            RETURN QUERY SELECT 'already-requested'::text, v_id, NULL::int;
            RETURN;
        END IF;
        INSERT INTO rq.claim_requests (account_id, enterprise_id, claimant_name, phone, legal_rep)
        VALUES (v_account, e.id, p_name, p_phone, btrim(p_legal_rep))
        RETURNING rq.claim_requests.id INTO v_id;
        RETURN QUERY SELECT 'requested'::text, v_id, NULL::int;
        RETURN;
    END IF;

    SELECT a.* INTO v_code FROM rq.activation_codes a
     WHERE a.enterprise_id = e.id
       AND a.code_hash = digest(rq.activation_code_normalise(p_code), 'sha256');
    IF v_code.id IS NOT NULL AND v_code.locked_at IS NOT NULL AND v_code.used_at IS NULL THEN
        RETURN QUERY SELECT 'code-locked'::text, NULL::bigint, NULL::int;
        RETURN;
    END IF;
    IF v_code.id IS NULL OR v_code.used_at IS NOT NULL THEN
        INSERT INTO rq.claim_failures (account_id, enterprise_id, reason)
        VALUES (v_account, e.id, 'activation-code');
        -- Every unused code of the enterprise takes the hit: the guesser cannot know which.
        UPDATE rq.activation_codes a
           SET failed_attempts = a.failed_attempts + 1,
               locked_at = CASE WHEN a.failed_attempts + 1 >= code_lock_at
                                THEN coalesce(a.locked_at, now()) ELSE a.locked_at END
         WHERE a.enterprise_id = e.id AND a.used_at IS NULL;
        RETURN QUERY SELECT 'bad-code'::text, NULL::bigint, NULL::int;
        RETURN;
    END IF;

    UPDATE rq.activation_codes a SET used_at = now(), used_by = v_account WHERE a.id = v_code.id;
    INSERT INTO rq.manager_bindings (account_id, enterprise_id, method, activation_code_id,
                                     claimant_name, phone)
    VALUES (v_account, e.id, 'activation', v_code.id, p_name, p_phone)
    RETURNING rq.manager_bindings.id INTO v_id;
    UPDATE rq.accounts a SET current_enterprise_id = e.id
     WHERE a.id = v_account AND a.current_enterprise_id IS NULL;
    RETURN QUERY SELECT 'bound'::text, v_id, NULL::int;
END
$$;

-- A portal decision on a claim request, by the calling admin: the city admin decides any,
-- a county admin only those of their county's enterprises. Returns one row (outcome, id):
--   approved       id = the new binding (or the one the account got meanwhile by code)
--   rejected       id = the request
--   not-found      no such request, or outside the admin's scope
--   not-pending    decided already
--   not-active     approving, but the enterprise left normal operation meanwhile
-- Raises 42501 when the actor is not a city or county admin, 23514 when rejecting
-- without a reason.
CREATE FUNCTION rq.claim_decide(p_claim_id bigint, p_approve boolean, p_reason text)
RETURNS TABLE (outcome text, id bigint)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_admin  bigint := rq.current_admin_id();
    v_role   text := rq.actor_role();
    r        rq.claim_requests%ROWTYPE;
    e        rq.enterprises%ROWTYPE;
    v_id     bigint;
BEGIN
    IF v_admin IS NULL OR v_role IS NULL OR v_role NOT IN ('city_admin', 'county_admin') THEN
        RAISE EXCEPTION 'claims are decided by city and county admins only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO r FROM rq.claim_requests c WHERE c.id = p_claim_id FOR UPDATE;
    IF FOUND THEN
        SELECT * INTO e FROM rq.enterprises en WHERE en.id = r.enterprise_id FOR UPDATE;
    END IF;
    IF r.id IS NULL OR (v_role = 'county_admin'
                        AND e.county_code IS DISTINCT FROM rq.actor_county()) THEN
        RETURN QUERY SELECT 'not-found'::text, NULL::bigint;
        RETURN;
    END IF;
    IF r.status <> 'pending' THEN
        RETURN QUERY SELECT 'not-pending'::text, r.id;
        RETURN;
    END IF;
    IF NOT p_approve THEN
        UPDATE rq.claim_requests c
           SET status = 'rejected', decided_by = v_admin, decided_at = now(), reason = p_reason
         WHERE c.id = r.id;
        RETURN QUERY SELECT 'rejected'::text, r.id;
        RETURN;
    END IF;
    IF e.business_status <> 'normal' THEN
        RETURN QUERY SELECT 'not-active'::text, r.id;
        RETURN;
    END IF;
    UPDATE rq.claim_requests c
       SET status = 'approved', decided_by = v_admin, decided_at = now(),
           reason = nullif(btrim(p_reason), '')
     WHERE c.id = r.id;
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
    RETURN QUERY SELECT 'approved'::text, v_id;
END
$$;

-- "Switch": makes the enterprise the calling account's current one. Returns false (and
-- changes nothing) when the account is not actively bound to it.
CREATE FUNCTION rq.manager_select(p_enterprise_id bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
DECLARE
    v_account bigint := rq.current_account_id();
BEGIN
    IF v_account IS NULL OR NOT EXISTS (
            SELECT 1 FROM rq.manager_bindings b
             WHERE b.account_id = v_account AND b.enterprise_id = p_enterprise_id
               AND b.status = 'active') THEN
        RETURN false;
    END IF;
    UPDATE rq.accounts a SET current_enterprise_id = p_enterprise_id
     WHERE a.id = v_account AND a.current_enterprise_id IS DISTINCT FROM p_enterprise_id;
    RETURN true;
END
$$;

-- Unbinds the calling account from the enterprise (the row stays, status 'unbound'); if it
-- was the current one, there is no current one any more. Returns false when the account
-- was not actively bound to it.
CREATE FUNCTION rq.manager_unbind(p_enterprise_id bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
DECLARE
    v_account bigint := rq.current_account_id();
BEGIN
    IF v_account IS NULL THEN
        RETURN false;
    END IF;
    UPDATE rq.manager_bindings b SET status = 'unbound', unbound_at = now()
     WHERE b.account_id = v_account AND b.enterprise_id = p_enterprise_id
       AND b.status = 'active';
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    UPDATE rq.accounts a SET current_enterprise_id = NULL
     WHERE a.id = v_account AND a.current_enterprise_id = p_enterprise_id;
    RETURN true;
END
$$;

REVOKE ALL ON FUNCTION rq.actor_manages(bigint),
                       rq.activation_code_normalise(text),
                       rq.manager_claim(text, text, text, text, text, text),
                       rq.claim_decide(bigint, boolean, text),
                       rq.manager_select(bigint),
                       rq.manager_unbind(bigint)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rq.actor_manages(bigint),
                          rq.manager_claim(text, text, text, text, text, text),
                          rq.claim_decide(bigint, boolean, text),
                          rq.manager_select(bigint),
                          rq.manager_unbind(bigint)
    TO ruqima_app;
