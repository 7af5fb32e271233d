-- 0013_official_profiles.sql — the profile of an official (公职人员) using the mini-program:
-- who is at the enterprise's door (issue 4, "Official profile"; design §2).
--
-- An account fills in its profile on its first scan ("初次扫码 → 入企登记"): name, unit,
-- post, enforcement certificate number (执法证号, needed before an inspection) and phone.
-- A unit admin (or the city admin) marks it verified; changing the name, the unit or the
-- certificate number afterwards takes the mark away again (trigger below), so a verified
-- profile always shows what was verified.
--
-- The application role writes the account's own row through table privileges restricted
-- by column (it cannot set verified, verified_by or verified_at), and verification goes
-- only through rq.official_verify, which checks the admin's scope.

CREATE TABLE rq.official_profiles (
    account_id  bigint PRIMARY KEY REFERENCES rq.accounts (id),
    name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 50 AND name ~ '\S'),
    -- Must be an active unit when set or changed (trigger below: a foreign key cannot
    -- look at units.active). A unit deactivated later keeps its officials' profiles.
    unit_id     bigint NOT NULL REFERENCES rq.units (id),
    post        text NOT NULL CHECK (char_length(post) BETWEEN 1 AND 50 AND post ~ '\S'),
    -- 执法证号: optional until the official registers an inspection.
    cert_no     text CHECK (cert_no ~ '^[0-9A-Za-z-]{1,40}$'),
    -- 11-digit mainland mobile number.
    phone       text NOT NULL CHECK (phone ~ '^1[3-9][0-9]{9}$'),
    verified    boolean NOT NULL DEFAULT false,
    verified_by bigint REFERENCES rq.admin_users (id),
    verified_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    -- A verified profile says by whom and when; an unverified one says nothing.
    CONSTRAINT official_profiles_verified_by_whom
        CHECK (verified = (verified_by IS NOT NULL) AND verified = (verified_at IS NOT NULL))
);
COMMENT ON TABLE rq.official_profiles IS
    'officials'' profiles (name, unit, post, 执法证号, phone), one per account; verified by a unit admin';
CREATE INDEX official_profiles_unit_idx ON rq.official_profiles (unit_id, account_id);
SELECT audit.enable('rq.official_profiles', 'account_id');

CREATE TRIGGER official_profiles_touch BEFORE UPDATE ON rq.official_profiles
    FOR EACH ROW EXECUTE FUNCTION rq.touch_updated_at();

-- The unit must be active when it is set; a change of name, unit or certificate number
-- resets the verification (the app role cannot write those columns, the trigger can).
CREATE FUNCTION rq.official_profiles_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF (TG_OP = 'INSERT' OR NEW.unit_id IS DISTINCT FROM OLD.unit_id)
       AND NOT EXISTS (SELECT 1 FROM rq.units u WHERE u.id = NEW.unit_id AND u.active) THEN
        RAISE EXCEPTION 'unit % is unknown or inactive', NEW.unit_id
            USING ERRCODE = '23503';
    END IF;
    IF TG_OP = 'UPDATE'
       AND (NEW.name IS DISTINCT FROM OLD.name OR NEW.unit_id IS DISTINCT FROM OLD.unit_id
            OR NEW.cert_no IS DISTINCT FROM OLD.cert_no) THEN
        NEW.verified := false;
        NEW.verified_by := NULL;
        NEW.verified_at := NULL;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION rq.official_profiles_check() IS
    'BEFORE INSERT/UPDATE trigger: active unit required; name/unit/cert_no change unverifies';
REVOKE ALL ON FUNCTION rq.official_profiles_check() FROM PUBLIC;
-- Named so that it runs after official_profiles_touch (triggers fire in name order).
CREATE TRIGGER official_profiles_unverify BEFORE INSERT OR UPDATE ON rq.official_profiles
    FOR EACH ROW EXECUTE FUNCTION rq.official_profiles_check();

-- ---------------------------------------------------------------------------------
-- Privileges and row-level security
-- ---------------------------------------------------------------------------------
ALTER TABLE rq.official_profiles ENABLE ROW LEVEL SECURITY;
ALTER TABLE rq.official_profiles FORCE ROW LEVEL SECURITY;

CREATE POLICY official_profiles_owner_all ON rq.official_profiles TO ruqima_owner
    USING (true) WITH CHECK (true);

-- The app role: reads all columns; writes only the columns an official fills in.
GRANT SELECT ON rq.official_profiles TO ruqima_app;
GRANT INSERT (account_id, name, unit_id, post, cert_no, phone),
      UPDATE (name, unit_id, post, cert_no, phone)
    ON rq.official_profiles TO ruqima_app;

-- Reads: the account its own row; a unit admin the profiles of their unit; a county
-- admin those of units in their county; the city admin all.
CREATE POLICY official_profiles_app_read ON rq.official_profiles FOR SELECT TO ruqima_app
    USING (account_id = rq.current_account_id()
           OR (rq.actor_kind() = 'admin' AND rq.actor_role() = 'city_admin')
           OR (rq.actor_kind() = 'admin' AND rq.actor_role() = 'unit_admin'
               AND unit_id::text = rq.actor_unit())
           OR (rq.actor_kind() = 'admin' AND rq.actor_role() = 'county_admin'
               AND EXISTS (SELECT 1 FROM rq.units u
                            WHERE u.id = unit_id AND u.county_code = rq.actor_county())));
-- Writes: an account its own row only.
CREATE POLICY official_profiles_app_insert ON rq.official_profiles FOR INSERT TO ruqima_app
    WITH CHECK (account_id = rq.current_account_id());
CREATE POLICY official_profiles_app_update ON rq.official_profiles FOR UPDATE TO ruqima_app
    USING (account_id = rq.current_account_id())
    WITH CHECK (account_id = rq.current_account_id());

GRANT SELECT ON rq.official_profiles TO ruqima_report;
CREATE POLICY official_profiles_report_read ON rq.official_profiles FOR SELECT
    TO ruqima_report USING (true);

-- ---------------------------------------------------------------------------------
-- Verification
-- ---------------------------------------------------------------------------------

-- Marks the profile of p_account_id verified by the acting admin. Returns false when
-- there is no such profile. Raises 42501 unless the actor is the city admin or a unit
-- admin of the profile's unit.
CREATE FUNCTION rq.official_verify(p_account_id bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
DECLARE
    v_unit bigint;
BEGIN
    IF rq.actor_kind() IS DISTINCT FROM 'admin' OR rq.current_admin_id() IS NULL THEN
        RAISE EXCEPTION 'only an admin may verify an official' USING ERRCODE = '42501';
    END IF;
    SELECT p.unit_id INTO v_unit FROM rq.official_profiles p
     WHERE p.account_id = p_account_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    IF NOT (rq.actor_role() = 'city_admin'
            OR (rq.actor_role() = 'unit_admin' AND v_unit::text = rq.actor_unit())) THEN
        RAISE EXCEPTION 'not an admin of this official''s unit' USING ERRCODE = '42501';
    END IF;
    UPDATE rq.official_profiles
       SET verified = true, verified_by = rq.current_admin_id(), verified_at = now()
     WHERE account_id = p_account_id AND NOT verified;
    RETURN true;
END
$$;
COMMENT ON FUNCTION rq.official_verify(bigint) IS
    'marks an official''s profile verified; city admin or a unit admin of its unit (else 42501)';
REVOKE ALL ON FUNCTION rq.official_verify(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rq.official_verify(bigint) TO ruqima_app;
