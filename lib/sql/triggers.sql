-- lib/sql/triggers.sql — trigger functions that keep table invariants (updated_at, credit-code check, code revocation, profile re-verification) and the triggers that attach them.
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- ---------------------------------------------------------------------------------
-- Enterprises (企业) and construction projects (在建项目): every place that gets a code
-- (场所全覆盖). An enterprise is identified by its USCC, a project by its project code.
-- ---------------------------------------------------------------------------------

-- Keeps updated_at honest on any table that has one: set only when something changed,
-- so a no-op UPDATE stays a no-op (and is not audited either).
CREATE OR REPLACE FUNCTION rq.touch_updated_at() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW IS DISTINCT FROM OLD THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION rq.touch_updated_at() IS 'BEFORE UPDATE trigger: updated_at := now() when the row changed';

-- USCC check digit, with the allowlist as the escape hatch. Raises 23514
-- (check_violation) naming the constraint and column, like a CHECK would, so the C
-- side maps it to a 422 on field "uscc".
CREATE OR REPLACE FUNCTION rq.enterprises_check_uscc() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- A malformed code (wrong length, lower case) is left to the CHECK on the column,
    -- whose error says so; only a well-formed code gets the check-digit test.
    IF NEW.uscc ~ '^[0-9A-Z]{18}$'
       AND NOT rq.uscc_valid(NEW.uscc)
       AND NOT EXISTS (SELECT 1 FROM rq.uscc_allowlist a WHERE a.code = NEW.uscc) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            MESSAGE = format('invalid USCC %L: GB 32100 check digit does not match', NEW.uscc),
            SCHEMA = TG_TABLE_SCHEMA,
            TABLE = TG_TABLE_NAME,
            COLUMN = 'uscc',
            CONSTRAINT = 'enterprises_uscc_check_digit';
    END IF;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION rq.enterprises_check_uscc() IS
    'BEFORE INSERT/UPDATE trigger: USCC must pass rq.uscc_valid() or be in rq.uscc_allowlist';

CREATE OR REPLACE TRIGGER enterprises_check_uscc
    BEFORE INSERT OR UPDATE OF uscc ON rq.enterprises
    FOR EACH ROW EXECUTE FUNCTION rq.enterprises_check_uscc();

CREATE OR REPLACE TRIGGER enterprises_touch_updated_at
    BEFORE UPDATE ON rq.enterprises
    FOR EACH ROW EXECUTE FUNCTION rq.touch_updated_at();

-- What an enterprise row derives from its own columns (app/DESIGN.md §6): whether it is in
-- scope of a code, from the credit code (rq.enterprise_in_scope; set on every write, so no
-- writer can set it otherwise), and, for a new row, its register name, which is its name
-- unless the writer says otherwise (the import sets both; demo data and hand-made rows name
-- it once). Named so that it runs before enterprises_touch_updated_at (name order).
CREATE OR REPLACE FUNCTION rq.enterprises_derive() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.in_scope := rq.enterprise_in_scope(NEW.uscc);
    IF TG_OP = 'INSERT' THEN
        NEW.register_name := coalesce(NEW.register_name, NEW.name);
    END IF;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION rq.enterprises_derive() IS
    'BEFORE INSERT/UPDATE trigger: in_scope from the credit code; register_name defaults to name';

CREATE OR REPLACE TRIGGER enterprises_derive
    BEFORE INSERT OR UPDATE ON rq.enterprises
    FOR EACH ROW EXECUTE FUNCTION rq.enterprises_derive();

-- 场所全覆盖 covers normally operating enterprises only: when the registry says an
-- enterprise is revoked, cancelled, suspended or abnormal, its code stops working at once,
-- with the status as the recorded reason.
CREATE OR REPLACE FUNCTION rq.enterprises_revoke_code_when_abnormal() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
BEGIN
    IF NEW.business_status <> 'normal' AND OLD.business_status = 'normal' THEN
        PERFORM rq.revoke_code(NEW.id, 'enterprise status: ' || NEW.business_status);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER enterprises_revoke_code_when_abnormal
    AFTER UPDATE OF business_status ON rq.enterprises
    FOR EACH ROW EXECUTE FUNCTION rq.enterprises_revoke_code_when_abnormal();

CREATE OR REPLACE TRIGGER official_profiles_touch BEFORE UPDATE ON rq.official_profiles
    FOR EACH ROW EXECUTE FUNCTION rq.touch_updated_at();

-- The unit must be active when it is set; a change of name, unit or certificate number
-- resets the verification (the app role cannot write those columns, the trigger can).
CREATE OR REPLACE FUNCTION rq.official_profiles_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
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

-- Named so that it runs after official_profiles_touch (triggers fire in name order).
CREATE OR REPLACE TRIGGER official_profiles_unverify BEFORE INSERT OR UPDATE ON rq.official_profiles
    FOR EACH ROW EXECUTE FUNCTION rq.official_profiles_check();

CREATE OR REPLACE TRIGGER visits_touch BEFORE UPDATE ON rq.visits
    FOR EACH ROW EXECUTE FUNCTION rq.touch_updated_at();

CREATE OR REPLACE TRIGGER cases_touch BEFORE UPDATE ON rq.cases
    FOR EACH ROW EXECUTE FUNCTION rq.touch_updated_at();
