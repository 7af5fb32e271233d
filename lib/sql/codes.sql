-- lib/sql/codes.sql — issuing and revoking codes and the one-time activation codes of the poster slips (CLI, portal and claims).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- Issues a code to one enterprise. Raises (SQLSTATE 23514 with a message saying why) when
-- the enterprise is out of scope (个体工商户, app/DESIGN.md §1), not in normal operation or
-- its name is not verified yet, and 23505 when it already has an active code. Returns the
-- new code's id.
CREATE OR REPLACE FUNCTION rq.issue_code(p_enterprise_id bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, public, pg_temp AS $$
DECLARE
    e      rq.enterprises%ROWTYPE;
    seq    int;
    new_id bigint;
BEGIN
    SELECT * INTO e FROM rq.enterprises WHERE id = p_enterprise_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no enterprise %', p_enterprise_id USING ERRCODE = 'P0002';
    END IF;
    IF NOT e.in_scope THEN
        RAISE EXCEPTION 'enterprise % is an individual business (个体工商户, credit code 92…): no code is issued',
            p_enterprise_id USING ERRCODE = '23514';
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

-- Revokes the enterprise's active code with a reason; returns the revoked code's id, or
-- NULL when it had none.
CREATE OR REPLACE FUNCTION rq.revoke_code(p_enterprise_id bigint, p_reason text) RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
    UPDATE rq.codes SET status = 'revoked', revoked_at = now(), revoke_reason = p_reason
     WHERE enterprise_id = p_enterprise_id AND status = 'active'
    RETURNING id;
$$;

-- The activation code alphabet: no 0/O, 1/I/L (read aloud and typed from paper).
-- Normalises what a claimant typed: upper case, spaces and hyphens removed.
CREATE OR REPLACE FUNCTION rq.activation_code_normalise(p_code text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$ SELECT upper(translate(p_code, ' -', '')) $$;

-- Creates a one-time activation code for the enterprise's poster slip and returns it;
-- first supersedes the enterprise's earlier unused codes. Serialised per enterprise by the
-- row lock, so two concurrent prints cannot both leave a live code.
CREATE OR REPLACE FUNCTION rq.activation_code_create(p_enterprise_id bigint) RETURNS text
LANGUAGE plpgsql SET search_path = rq, public, pg_temp AS $$
DECLARE
    alphabet constant text := '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
    v_code text := '';
    v_byte int;
BEGIN
    PERFORM 1 FROM rq.enterprises WHERE id = p_enterprise_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no enterprise %', p_enterprise_id USING ERRCODE = 'P0002';
    END IF;
    UPDATE rq.activation_codes SET superseded_at = now()
     WHERE enterprise_id = p_enterprise_id AND used_at IS NULL AND superseded_at IS NULL;
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
