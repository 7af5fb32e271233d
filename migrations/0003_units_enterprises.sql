-- 0003_units_enterprises.sql — the departments whose officials enter enterprises, and
-- the enterprises (and construction projects) that carry a 公务入企码.

-- ---------------------------------------------------------------------------------
-- USCC (统一社会信用代码, GB 32100-2015) check digit.
--
-- 18 characters over the alphabet 0-9 and A-Y without I, O, S, V, Z (31 symbols).
-- Character i (1..17) has value v_i = its position in the alphabet and weight
-- w_i = 3^(i-1) mod 31; the 18th character is alphabet[(31 - Σ v_i·w_i mod 31) mod 31].
-- Since 31 is prime and no weight is 0 mod 31, any single changed character is caught.
-- Only the GB 32100 check is done: the embedded organisation code (positions 9-17,
-- GB 11714) has its own check digit, which is deliberately not tested, because codes
-- issued before 2015 do not all satisfy it. Returns NULL for NULL.
-- ---------------------------------------------------------------------------------
CREATE FUNCTION rq.uscc_valid(p_code text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    alphabet constant text := '0123456789ABCDEFGHJKLMNPQRTUWXY';
    weights  constant int[] := '{1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28}';
    total    int := 0;
BEGIN
    IF p_code !~ '^[0-9A-HJ-NPQRTUWXY]{18}$' THEN
        RETURN false;
    END IF;
    FOR i IN 1..17 LOOP
        total := total + (strpos(alphabet, substr(p_code, i, 1)) - 1) * weights[i];
    END LOOP;
    RETURN substr(alphabet, (31 - total % 31) % 31 + 1, 1) = substr(p_code, 18, 1);
END
$$;
COMMENT ON FUNCTION rq.uscc_valid(text) IS 'true when the GB 32100 check digit of a USCC is right';
REVOKE ALL ON FUNCTION rq.uscc_valid(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rq.uscc_valid(text) TO ruqima_app, ruqima_report;

-- Legally issued codes that fail the check (early issues and registry errors exist).
-- Adding a row is a deliberate, audited act of the owner; nothing in the API writes here.
CREATE TABLE rq.uscc_allowlist (
    code text PRIMARY KEY CHECK (code ~ '^[0-9A-Z]{18}$'),
    -- Where the code comes from and who confirmed it, e.g. the registry record.
    note text NOT NULL CHECK (btrim(note) <> '')
);
COMMENT ON TABLE rq.uscc_allowlist IS
    'USCCs accepted despite a failing GB 32100 check digit (confirmed legally issued codes)';
GRANT SELECT ON rq.uscc_allowlist TO ruqima_app, ruqima_report;
SELECT audit.enable('rq.uscc_allowlist', 'code');

-- ---------------------------------------------------------------------------------
-- Units (部门): the city's and the counties' departments whose officials enter
-- enterprises. Created by the city admin in the portal.
-- ---------------------------------------------------------------------------------
CREATE TABLE rq.units (
    id               bigserial PRIMARY KEY,
    name             text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100 AND name ~ '\S'),
    -- Shown where space is short (reports, the scan page), e.g. 市场监管局.
    short_name       text CHECK (char_length(short_name) BETWEEN 1 AND 30 AND short_name ~ '\S'),
    -- NULL = a city-level unit (市直单位); otherwise the county/district/zone it belongs to.
    county_code      text REFERENCES rq.regions (code) ON UPDATE CASCADE,
    -- The stationed discipline-inspection group (派驻纪检监察组) that receives the
    -- unit's 双报备 filings and transferred cases. Free text until groups get a table.
    discipline_group text CHECK (char_length(discipline_group) BETWEEN 1 AND 100),
    -- Units are never deleted (visits refer to them); a merged or abolished unit is
    -- set inactive.
    active           boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    -- One name per level: 市场监管局 may exist once at city level (county_code NULL)
    -- and once per county. NULLS NOT DISTINCT makes two city-level rows of the same
    -- name collide, which a plain UNIQUE would let through.
    CONSTRAINT units_county_name_key UNIQUE NULLS NOT DISTINCT (county_code, name)
);
COMMENT ON TABLE rq.units IS
    'departments whose officials enter enterprises (NULL county = city level)';

GRANT SELECT ON rq.units TO ruqima_app, ruqima_report;
-- The admin portal creates and edits units (row-level rules for who may do so come
-- with the admin policies). No DELETE: a unit is deactivated, never removed.
GRANT INSERT, UPDATE ON rq.units TO ruqima_app;
GRANT USAGE ON SEQUENCE rq.units_id_seq TO ruqima_app;
SELECT audit.enable('rq.units');

-- ---------------------------------------------------------------------------------
-- Enterprises (企业) and construction projects (在建项目): every place that gets a code
-- (场所全覆盖). An enterprise is identified by its USCC, a project by its project code.
-- ---------------------------------------------------------------------------------

-- Keeps updated_at honest on any table that has one: set only when something changed,
-- so a no-op UPDATE stays a no-op (and is not audited either).
CREATE FUNCTION rq.touch_updated_at() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NEW IS DISTINCT FROM OLD THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION rq.touch_updated_at() IS 'BEFORE UPDATE trigger: updated_at := now() when the row changed';
REVOKE ALL ON FUNCTION rq.touch_updated_at() FROM PUBLIC;

CREATE TABLE rq.enterprises (
    id              bigserial PRIMARY KEY,
    -- 统一社会信用代码. Upper case, 18 characters; the check digit is tested by the
    -- trigger below (a CHECK constraint cannot consult rq.uscc_allowlist).
    uscc            text UNIQUE CHECK (uscc ~ '^[0-9A-Z]{18}$'),
    -- 在建项目: the project code (项目代码, e.g. 2023-411502-48-01-012345 from the
    -- investment-project platform). Upper-case letters, digits and inner hyphens; the
    -- exact national format is not enforced, projects registered otherwise exist.
    project_code    text UNIQUE CHECK (project_code ~ '^[0-9A-Z]([0-9A-Z-]{0,62}[0-9A-Z])?$'),
    name            text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200 AND name ~ '\S'),
    legal_rep       text CHECK (char_length(legal_rep) BETWEEN 1 AND 100),   -- 法定代表人
    address         text CHECK (char_length(address) BETWEEN 1 AND 300),
    county_code     text NOT NULL REFERENCES rq.regions (code) ON UPDATE CASCADE,
    industry        text CHECK (char_length(industry) BETWEEN 1 AND 100),    -- 行业
    -- Registry status. Only 'normal' enterprises get or keep a code and can be
    -- visited (design §1 场所全覆盖, §5: abnormal/closed ones are refused):
    --   revoked 吊销, cancelled 注销, suspended 停业/歇业, abnormal 经营异常名录.
    business_status text NOT NULL DEFAULT 'normal'
                    CHECK (business_status IN ('normal', 'revoked', 'cancelled', 'suspended', 'abnormal')),
    -- Location of the entrance, for the 1,000 m check at scan time. Same coordinate
    -- system as the mini-program reports (wx.getLocation type 'gcj02'); compare like
    -- with like. Both or neither.
    latitude        numeric(9, 6) CHECK (latitude BETWEEN -90 AND 90),
    longitude       numeric(9, 6) CHECK (longitude BETWEEN -180 AND 180),
    -- The name was checked against the registry by the county (核对企业名称, notice §3).
    name_verified   boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- An enterprise has a USCC, a construction project has a project code: exactly one.
    CONSTRAINT enterprises_one_identifier CHECK ((uscc IS NULL) <> (project_code IS NULL)),
    CONSTRAINT enterprises_location_pair CHECK ((latitude IS NULL) = (longitude IS NULL))
);
COMMENT ON TABLE rq.enterprises IS
    'enterprises (by USCC) and construction projects (by project code) that carry a code';

CREATE INDEX enterprises_county_idx ON rq.enterprises (county_code);

-- USCC check digit, with the allowlist as the escape hatch. Raises 23514
-- (check_violation) naming the constraint and column, like a CHECK would, so the C
-- side maps it to a 422 on field "uscc".
CREATE FUNCTION rq.enterprises_check_uscc() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
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
REVOKE ALL ON FUNCTION rq.enterprises_check_uscc() FROM PUBLIC;

CREATE TRIGGER enterprises_check_uscc
    BEFORE INSERT OR UPDATE OF uscc ON rq.enterprises
    FOR EACH ROW EXECUTE FUNCTION rq.enterprises_check_uscc();
CREATE TRIGGER enterprises_touch_updated_at
    BEFORE UPDATE ON rq.enterprises
    FOR EACH ROW EXECUTE FUNCTION rq.touch_updated_at();

GRANT SELECT ON rq.enterprises TO ruqima_app, ruqima_report;
SELECT audit.enable('rq.enterprises');
