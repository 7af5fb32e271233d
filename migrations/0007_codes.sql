-- 公务入企码: the codes posted at enterprises' doors.
--
-- A code is an unguessable token (what the QR encodes: <public base URL>/e/<token>) plus a
-- human-readable serial printed under the QR. An enterprise has at most one active code;
-- a lost, damaged or leaked poster is revoked and a new code issued, the old row kept
-- (its token then resolves to a "revoked" answer instead of "unknown").

-- pgcrypto is a trusted extension: the database owner may create it. Its
-- gen_random_bytes() is the CSPRNG behind the tokens.
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;

CREATE TABLE rq.codes (
    id            bigserial PRIMARY KEY,
    enterprise_id bigint NOT NULL REFERENCES rq.enterprises (id),
    -- 144 random bits, base64url without padding: 24 characters.
    token         text NOT NULL UNIQUE CHECK (token ~ '^[A-Za-z0-9_-]{22,64}$'),
    -- <county code>-<6-digit sequence per county>, e.g. 411502-000017.
    serial        text NOT NULL UNIQUE CHECK (serial ~ '^\d{6}-\d{6,}$'),
    status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
    issued_at     timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz,
    -- Why: "poster lost", "enterprise status: cancelled", ...
    revoke_reason text CHECK (char_length(revoke_reason) BETWEEN 1 AND 200),
    -- Set when the poster went into a print batch (市营商办 prints centrally).
    printed_at    timestamptz,
    CONSTRAINT codes_revoked_has_time_and_reason
        CHECK ((status = 'revoked') = (revoked_at IS NOT NULL AND revoke_reason IS NOT NULL))
);
COMMENT ON TABLE rq.codes IS 'issued 公务入企码: token (in the QR), printed serial, active or revoked';
-- At most one active code per enterprise; revoked ones are history.
CREATE UNIQUE INDEX codes_one_active_per_enterprise ON rq.codes (enterprise_id)
    WHERE status = 'active';
CREATE INDEX codes_enterprise_idx ON rq.codes (enterprise_id);
SELECT audit.enable('rq.codes');
GRANT SELECT ON rq.codes TO ruqima_app, ruqima_report;

-- The last serial number handed out in each county.
CREATE TABLE rq.code_serials (
    county_code text PRIMARY KEY REFERENCES rq.regions (code) ON UPDATE CASCADE,
    last_value  int NOT NULL CHECK (last_value >= 0)
);
COMMENT ON TABLE rq.code_serials IS 'per-county sequence of printed code serials';
SELECT audit.enable('rq.code_serials', 'county_code');

-- Issues a code to one enterprise. Raises (SQLSTATE 23514 with a message saying why) when
-- the enterprise is not in normal operation or its name is not verified yet, and 23505
-- when it already has an active code. Returns the new code's id.
CREATE FUNCTION rq.issue_code(p_enterprise_id bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, public, pg_temp
AS $$
DECLARE
    e      rq.enterprises%ROWTYPE;
    seq    int;
    new_id bigint;
BEGIN
    SELECT * INTO e FROM rq.enterprises WHERE id = p_enterprise_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no enterprise %', p_enterprise_id USING ERRCODE = 'P0002';
    END IF;
    IF e.business_status <> 'normal' THEN
        RAISE EXCEPTION 'enterprise % is not in normal operation (%): no code is issued',
            p_enterprise_id, e.business_status USING ERRCODE = '23514';
    END IF;
    IF NOT e.name_verified THEN
        RAISE EXCEPTION 'the name of enterprise % is not verified yet', p_enterprise_id
            USING ERRCODE = '23514';
    END IF;
    IF EXISTS (SELECT 1 FROM rq.codes WHERE enterprise_id = p_enterprise_id AND status = 'active') THEN
        RAISE EXCEPTION 'enterprise % already has an active code; revoke it first', p_enterprise_id
            USING ERRCODE = '23505';
    END IF;
    INSERT INTO rq.code_serials AS s (county_code, last_value) VALUES (e.county_code, 1)
        ON CONFLICT (county_code) DO UPDATE SET last_value = s.last_value + 1
        RETURNING last_value INTO seq;
    INSERT INTO rq.codes (enterprise_id, token, serial)
    VALUES (p_enterprise_id,
            translate(rtrim(encode(gen_random_bytes(18), 'base64'), '='), '+/', '-_'),
            e.county_code || '-' || lpad(seq::text, 6, '0'))
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;
REVOKE ALL ON FUNCTION rq.issue_code(bigint) FROM PUBLIC;

-- Revokes the enterprise's active code with a reason; returns the revoked code's id, or
-- NULL when it had none.
CREATE FUNCTION rq.revoke_code(p_enterprise_id bigint, p_reason text) RETURNS bigint
LANGUAGE sql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
    UPDATE rq.codes SET status = 'revoked', revoked_at = now(), revoke_reason = p_reason
     WHERE enterprise_id = p_enterprise_id AND status = 'active'
    RETURNING id;
$$;
REVOKE ALL ON FUNCTION rq.revoke_code(bigint, text) FROM PUBLIC;

-- 场所全覆盖 covers normally operating enterprises only: when the registry says an
-- enterprise is revoked, cancelled, suspended or abnormal, its code stops working at once,
-- with the status as the recorded reason.
CREATE FUNCTION rq.enterprises_revoke_code_when_abnormal() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
BEGIN
    IF NEW.business_status <> 'normal' AND OLD.business_status = 'normal' THEN
        PERFORM rq.revoke_code(NEW.id, 'enterprise status: ' || NEW.business_status);
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION rq.enterprises_revoke_code_when_abnormal() FROM PUBLIC;
CREATE TRIGGER enterprises_revoke_code_when_abnormal
    AFTER UPDATE OF business_status ON rq.enterprises
    FOR EACH ROW EXECUTE FUNCTION rq.enterprises_revoke_code_when_abnormal();
