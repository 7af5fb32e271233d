-- 0018_baseline.sql — the schema's tables, columns, constraints, indexes and seed data as
-- migrations 0001–0017 left them, without functions, views, triggers, policies or grants
-- (those live in the definition files listed in migrations/definitions).
--
-- A baseline: `ruqima migrate` runs it on an empty database only; on a database that has
-- applied 0001–0017 (the release before) it is recorded as applied without running.
-- Seed rows written here predate the audit triggers, which the definitions attach.


-- =================================================================================
-- from 0001_audit.sql
-- =================================================================================

-- 0001_audit.sql — schemas, the actor context, and the append-only row audit trail.
--
-- app/DESIGN.md §7: every change of every business row is written to audit.log with who
-- (actor kind, id, role), the request id, the client address, the transaction and the
-- time. The actor reaches the trigger through transaction-local settings that each
-- worker sets at the start of its request (rq.set_actor), and that the migration runner
-- sets to 'system' before every file. A write without an actor is refused, so a code
-- path that forgot to set one fails loudly instead of leaving an anonymous hole.
--
-- The runner wraps this file in one transaction; no BEGIN/COMMIT here.

-- ---------------------------------------------------------------------------------
-- Schemas. Both are owned by the role running the migrations (ruqima_owner). New
-- schemas grant nothing to PUBLIC; the REVOKEs only say so out loud.
-- ---------------------------------------------------------------------------------
CREATE SCHEMA rq;

COMMENT ON SCHEMA rq IS 'ruqima business tables and functions';

CREATE SCHEMA audit;

COMMENT ON SCHEMA audit IS 'append-only row audit trail (design §7)';

-- ---------------------------------------------------------------------------------
-- audit.log — one row per changed row of every audited table, never updated.
-- ---------------------------------------------------------------------------------
CREATE TABLE audit.log (
    id          bigserial PRIMARY KEY,
    -- clock_timestamp(), not now(): rows of one long transaction keep their order in time.
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- schema-qualified, e.g. 'rq.enterprises'; 'audit.log' for MAINTENANCE rows.
    table_name  text NOT NULL,
    -- MAINTENANCE: a row written by audit.purge_before() recording a purge.
    operation   text NOT NULL
                CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'MAINTENANCE')),
    -- The primary key value as text; for a composite key, a JSON array of the values.
    -- NULL for TRUNCATE and MAINTENANCE.
    row_pk      text,
    old_row     jsonb,          -- UPDATE, DELETE
    new_row     jsonb,          -- INSERT, UPDATE; the details of a MAINTENANCE row
    actor_kind  text,           -- copied from the actor context at the time of the write
    actor_id    text,
    actor_role  text,
    request_id  text,
    client_addr text,
    -- The database login that made the change (session_user: ruqima_app for the
    -- workers, ruqima_owner for migrations and the CLI), independent of the actor
    -- context, which the client sets itself.
    db_user     text NOT NULL DEFAULT session_user,
    txid        bigint NOT NULL DEFAULT txid_current(),
    -- Shape of each kind of row, so a reader can rely on it.
    CONSTRAINT log_shape CHECK (
        CASE operation
            WHEN 'INSERT' THEN old_row IS NULL AND new_row IS NOT NULL
            WHEN 'UPDATE' THEN old_row IS NOT NULL AND new_row IS NOT NULL
            WHEN 'DELETE' THEN old_row IS NOT NULL AND new_row IS NULL
            WHEN 'TRUNCATE' THEN old_row IS NULL AND new_row IS NULL AND row_pk IS NULL
            WHEN 'MAINTENANCE' THEN new_row IS NOT NULL AND row_pk IS NULL
        END)
);

COMMENT ON TABLE audit.log IS
    'append-only trail: one row per INSERT/UPDATE/DELETE of an audited row, one per '
    'TRUNCATE of an audited table, one per purge (MAINTENANCE); see audit.record()';

-- "History of this row" (the enterprise sees every edit of a visit, app/DESIGN.md §5).
CREATE INDEX log_table_pk_idx ON audit.log (table_name, row_pk);

-- "Everything this request did" (X-Request-Id from a complaint or a log line).
CREATE INDEX log_request_id_idx ON audit.log (request_id);

-- Time ranges, and audit.purge_before().
CREATE INDEX log_at_idx ON audit.log (at);


-- =================================================================================
-- from 0002_regions.sql
-- =================================================================================

-- 0002_regions.sql — the city of Xinyang and the areas inside it.
--
-- Every unit, enterprise and county admin is placed in one of these. A county admin
-- (县区营商办) sees only rows of their region (app/DESIGN.md §2, §8).

CREATE TABLE rq.regions (
    -- GB/T 2260 administrative division code (6 digits) for the city, districts and
    -- counties. Functional zones have none; see the rows with gb2260 = false below.
    code        text PRIMARY KEY CHECK (code ~ '^\d{6}$'),
    name        text NOT NULL UNIQUE CHECK (char_length(name) BETWEEN 1 AND 50),
    -- city: 信阳市 itself; district: 市辖区; county: 县; zone: 管理区/开发区 (functional
    -- zones run by the city, which the notice addresses as "管理（开发）区").
    kind        text NOT NULL CHECK (kind IN ('city', 'district', 'county', 'zone')),
    -- Every area but the city belongs to a parent; the city has none.
    parent_code text REFERENCES rq.regions (code) ON UPDATE CASCADE,
    -- true when code is a real GB/T 2260 code, false for the platform's own zone codes.
    gb2260      boolean NOT NULL,
    CONSTRAINT regions_parent_iff_not_city CHECK ((kind = 'city') = (parent_code IS NULL)),
    -- Only functional zones may carry a code of our own making.
    CONSTRAINT regions_local_code_only_for_zones CHECK (gb2260 OR kind = 'zone')
);

COMMENT ON TABLE rq.regions IS
    'city, districts, counties (GB/T 2260 codes) and functional zones (platform codes) of Xinyang';

INSERT INTO rq.regions (code, name, kind, parent_code, gb2260) VALUES
    ('411500', '信阳市', 'city', NULL, true);

INSERT INTO rq.regions (code, name, kind, parent_code, gb2260) VALUES
    ('411502', '浉河区', 'district', '411500', true),
    ('411503', '平桥区', 'district', '411500', true),
    ('411521', '罗山县', 'county',   '411500', true),
    ('411522', '光山县', 'county',   '411500', true),
    ('411523', '新县',   'county',   '411500', true),
    ('411524', '商城县', 'county',   '411500', true),
    ('411525', '固始县', 'county',   '411500', true),
    ('411526', '潢川县', 'county',   '411500', true),
    ('411527', '淮滨县', 'county',   '411500', true),
    ('411528', '息县',   'county',   '411500', true);

-- Functional zones (管理区/开发区). They are not administrative divisions and have no
-- GB/T 2260 code. 411590..411594 are the platform's own codes, chosen in a range that
-- GB/T 2260 leaves unused under 4115, pending the statistical codes (统计用区划代码)
-- the city assigns them; when those arrive, a migration re-codes these rows (every
-- foreign key to rq.regions is ON UPDATE CASCADE for that reason, and the cascaded
-- changes are audited like any other).
INSERT INTO rq.regions (code, name, kind, parent_code, gb2260) VALUES
    ('411590', '信阳高新技术产业开发区', 'zone', '411500', false),
    ('411591', '羊山新区',               'zone', '411500', false),
    ('411592', '上天梯非金属矿管理区',   'zone', '411500', false),
    ('411593', '南湾湖风景区管理区',     'zone', '411500', false),
    ('411594', '鸡公山管理区',           'zone', '411500', false);


-- =================================================================================
-- from 0003_units_enterprises.sql
-- =================================================================================

-- Legally issued codes that fail the check (early issues and registry errors exist).
-- Adding a row is a deliberate, audited act of the owner; nothing in the API writes here.
CREATE TABLE rq.uscc_allowlist (
    code text PRIMARY KEY CHECK (code ~ '^[0-9A-Z]{18}$'),
    -- Where the code comes from and who confirmed it, e.g. the registry record.
    note text NOT NULL CHECK (btrim(note) <> '')
);

COMMENT ON TABLE rq.uscc_allowlist IS
    'USCCs accepted despite a failing GB 32100 check digit (confirmed legally issued codes)';

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
    -- visited (app/DESIGN.md §1 场所全覆盖, §5: abnormal/closed ones are refused):
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


-- =================================================================================
-- from 0004_accounts_admins_sessions.sql
-- =================================================================================

-- 0004_accounts_admins_sessions.sql — who can log in, and their sessions.
--
-- Two kinds of identity (app/DESIGN.md §8):
--   accounts     mini-program users, identified by their WeChat openid
--   admin_users  intranet portal users, username + password (slow KDF, lockout)
-- and one table of opaque session tokens for both, stored only as hashes.
--
-- The application role reads these tables through row-level security (an actor sees
-- their own rows only) and writes them only through the SECURITY DEFINER functions at
-- the end of this file, each of which does one narrow thing.

-- ---------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------

CREATE TABLE rq.accounts (
    id            bigserial PRIMARY KEY,
    -- WeChat openid: stable per user per mini-program; the login key. Opaque.
    openid        text NOT NULL UNIQUE CHECK (char_length(openid) BETWEEN 1 AND 128),
    -- Only present when the mini-program is bound to an Open Platform account.
    unionid       text CHECK (char_length(unionid) BETWEEN 1 AND 128),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz
);

COMMENT ON TABLE rq.accounts IS
    'mini-program identities (WeChat openid); profiles and bindings hang off these';

CREATE TABLE rq.admin_users (
    id              bigserial PRIMARY KEY,
    username        text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9_.-]{3,64}$'),
    -- A crypt(3) string ($y$ yescrypt or $2b$ bcrypt, written by the CLI). The CHECK
    -- keeps a plaintext password from ever being stored by mistake.
    password_hash   text NOT NULL CHECK (password_hash ~ '^\$[0-9a-z]+\$'),
    -- What the portal lets the user do (app/DESIGN.md §2). Scope comes with the role:
    --   county_admin  → county_code; unit_admin → unit_id (and the unit's county).
    role            text NOT NULL
                    CHECK (role IN ('city_admin', 'county_admin', 'unit_admin',
                                    'market_supervision', 'discipline_inspector',
                                    'judicial_analyst')),
    county_code     text REFERENCES rq.regions (code) ON UPDATE CASCADE,
    unit_id         bigint REFERENCES rq.units (id),
    -- Deactivated users cannot log in, and their open sessions stop resolving.
    active          boolean NOT NULL DEFAULT true,
    -- Consecutive failed logins; reset by a successful one (rq.admin_login_record).
    failed_attempts int NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    -- Logins are refused until then.
    locked_until    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- A scoped role without its scope would see either nothing or, worse, everything.
    CONSTRAINT admin_users_county_admin_has_county
        CHECK (role <> 'county_admin' OR county_code IS NOT NULL),
    CONSTRAINT admin_users_unit_admin_has_unit
        CHECK (role <> 'unit_admin' OR unit_id IS NOT NULL)
);

COMMENT ON TABLE rq.admin_users IS
    'intranet portal users with their role and scope; created by `ruqima user add`';

CREATE TABLE rq.sessions (
    id            bigserial PRIMARY KEY,
    -- sha256 of the opaque token handed to the client; the token itself is never stored,
    -- so a copy of this table logs nobody in.
    token_hash    bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    actor_kind    text NOT NULL CHECK (actor_kind IN ('account', 'admin')),
    account_id    bigint REFERENCES rq.accounts (id),
    admin_user_id bigint REFERENCES rq.admin_users (id),
    -- Hash of the portal's CSRF token (admin sessions only; mini-program requests carry
    -- a bearer token that a browser never sends on its own, so they need none).
    csrf_hash     bytea CHECK (octet_length(csrf_hash) BETWEEN 16 AND 64),
    client_addr   text CHECK (char_length(client_addr) <= 64),
    created_at    timestamptz NOT NULL DEFAULT now(),
    -- Touched at most every 30 s by rq.session_resolve (idle timeout).
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    -- Absolute end of life (RUQIMA_SESSION_TTL after creation).
    expires_at    timestamptz NOT NULL,
    -- Set by logout (rq.session_end). Rows are kept, not deleted: they are the login
    -- history (who, when, from where).
    ended_at      timestamptz,
    -- The id column that matches the kind is set, the other is not.
    CONSTRAINT sessions_one_identity CHECK (
        (actor_kind = 'account' AND account_id IS NOT NULL AND admin_user_id IS NULL) OR
        (actor_kind = 'admin' AND admin_user_id IS NOT NULL AND account_id IS NULL)),
    CONSTRAINT sessions_admin_has_csrf CHECK (actor_kind <> 'admin' OR csrf_hash IS NOT NULL),
    CONSTRAINT sessions_expiry_after_creation CHECK (expires_at > created_at)
);

COMMENT ON TABLE rq.sessions IS
    'opaque login sessions of accounts and admin users (token stored as sha256); not row-audited';

CREATE INDEX sessions_account_idx ON rq.sessions (account_id) WHERE account_id IS NOT NULL;

CREATE INDEX sessions_admin_user_idx ON rq.sessions (admin_user_id) WHERE admin_user_id IS NOT NULL;

-- ---------------------------------------------------------------------------------
-- Privileges and row-level security.
--
-- FORCE makes the policies apply to the table owner as well, so every role's access
-- is spelled out below; the owner's own policy is USING (true), which is what the
-- SECURITY DEFINER functions (running as the owner) and the CLI need. Superusers and
-- BYPASSRLS roles are not subject to RLS at all; none of our roles is either.
-- ---------------------------------------------------------------------------------
ALTER TABLE rq.accounts ENABLE ROW LEVEL SECURITY;

ALTER TABLE rq.accounts FORCE ROW LEVEL SECURITY;

ALTER TABLE rq.admin_users ENABLE ROW LEVEL SECURITY;

ALTER TABLE rq.admin_users FORCE ROW LEVEL SECURITY;

ALTER TABLE rq.sessions ENABLE ROW LEVEL SECURITY;

ALTER TABLE rq.sessions FORCE ROW LEVEL SECURITY;


-- =================================================================================
-- from 0005_grants_defaults.sql
-- =================================================================================

-- 0005_grants_defaults.sql — what PUBLIC (every role of the cluster) gets: nothing
-- beyond connecting.
--
-- Each earlier file already revokes PUBLIC's EXECUTE on the functions it creates; this
-- file sets the defaults for everything later migrations create, sweeps once more, and
-- tightens the database and the public schema.

-- Functions are the one kind of object PostgreSQL grants to PUBLIC by default (EXECUTE).
-- From now on, objects created by the migrating role (ruqima_owner) start with no
-- PUBLIC privilege; each migration grants what ruqima_app / ruqima_report need by name.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- Types (CREATE TYPE, domains) are the other one (USAGE). Revoked too; USAGE on a type
-- matters only to roles that create objects using it, which the app and report roles
-- never do.
ALTER DEFAULT PRIVILEGES REVOKE USAGE ON TYPES FROM PUBLIC;

-- Sweep: no function in our schemas is executable by PUBLIC. Explicit grants to
-- ruqima_app / ruqima_report made by the earlier files are not affected.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA rq, audit FROM PUBLIC;


-- =================================================================================
-- from 0006_timezone.sql
-- =================================================================================

-- Xinyang keeps China Standard Time: "today", "this week", "this month" in the visit rules
-- and the quiet days (企业无扰日, days 1–20 of each month) are judged by the city's calendar,
-- not the server's. Every new session of this database gets Asia/Shanghai, so now()::date,
-- date_trunc('month', now()) and timestamps in JSON (…+08:00) are the city's.
DO $$
BEGIN
	EXECUTE format('ALTER DATABASE %I SET timezone = %L', current_database(), 'Asia/Shanghai');
END
$$;


-- =================================================================================
-- from 0007_codes.sql
-- =================================================================================

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

-- The last serial number handed out in each county.
CREATE TABLE rq.code_serials (
    county_code text PRIMARY KEY REFERENCES rq.regions (code) ON UPDATE CASCADE,
    last_value  int NOT NULL CHECK (last_value >= 0)
);

COMMENT ON TABLE rq.code_serials IS 'per-county sequence of printed code serials';


-- =================================================================================
-- from 0009_enterprise_register.sql
-- =================================================================================

-- 0009_enterprise_register.sql — who may read and change the enterprise register
-- through the portal (app/DESIGN.md §2, §8).
--
--   market supervision (市场监管局) and city admins import the register: insert and update
--     any enterprise;
--   a county admin (县区营商办) checks the names of their own county's enterprises
--     (核对企业名称): sees and updates only those;
--   everyone else with an actor context (the mini-program, other portal roles) reads all
--     of them: a scanned code must resolve to the enterprise's public facts.
-- The handlers filter by county as well; these policies make a handler bug unable to
-- show or change another county's enterprise.

ALTER TABLE rq.enterprises ENABLE ROW LEVEL SECURITY;

-- FORCE: the owner is bound too, by its own policy below (USING true), like 0004's tables.
ALTER TABLE rq.enterprises FORCE ROW LEVEL SECURITY;

-- "Awaiting name verification in my county", keyset-paginated by id.
CREATE INDEX enterprises_unverified_idx ON rq.enterprises (county_code, id)
    WHERE NOT name_verified;


-- =================================================================================
-- from 0010_managers.sql
-- =================================================================================

-- 0010_managers.sql — enterprise managers (企业管理人员): who may act for an enterprise in
-- the mini-program (app/DESIGN.md §2: claim the code, see the visits, confirm and rate them).
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


-- =================================================================================
-- from 0011_activation_code_reprint.sql
-- =================================================================================

-- Reprinting a slip supersedes the enterprise's earlier activation codes.
--
-- `ruqima codes print` makes a new activation code for every poster it prints and puts it
-- on the slip that goes out with the poster. A reprint (a lost slip, a second batch) must
-- not leave the earlier slip's code working: whoever holds an old slip could otherwise
-- still claim the enterprise. rq.activation_code_create() now marks every earlier unused
-- code of the enterprise superseded (the row stays, as history), and rq.manager_claim()
-- treats a superseded code like a wrong one. Used codes are left as they are: the bindings
-- they earned stay.

ALTER TABLE rq.activation_codes ADD COLUMN superseded_at timestamptz;

COMMENT ON COLUMN rq.activation_codes.superseded_at IS
    'set when a newer code was made for the enterprise (a reprinted slip): this one no longer works';

-- Codes made before this migration: the newest unused one of each enterprise stays live.
UPDATE rq.activation_codes a SET superseded_at = now()
 WHERE a.used_at IS NULL
   AND EXISTS (SELECT 1 FROM rq.activation_codes b
                WHERE b.enterprise_id = a.enterprise_id AND b.used_at IS NULL AND b.id > a.id);

-- An enterprise has at most one live code: unused and not superseded.
CREATE UNIQUE INDEX activation_codes_one_live ON rq.activation_codes (enterprise_id)
    WHERE used_at IS NULL AND superseded_at IS NULL;


-- =================================================================================
-- from 0012_portal_codes.sql
-- =================================================================================

-- The portal's list of codes is keyset-paginated by code id.
CREATE INDEX codes_status_id_idx ON rq.codes (status, id);

-- Batch printing from the portal. Printing 10,000 posters takes minutes, far longer than a
-- request may run (RUQIMA_REQUEST_TIMEOUT), so the portal only queues a job; `ruqima codes
-- print-jobs run` (a systemd timer, every minute) claims queued jobs with FOR UPDATE SKIP
-- LOCKED, builds the ZIP exactly as `ruqima codes print` does into
-- $RUQIMA_STATE_DIR/uploads/print/<file_name>, and marks the job done or failed. nginx
-- serves the finished file through the internal /_protected/ location (X-Accel-Redirect).
CREATE TABLE rq.print_jobs (
    id             bigserial PRIMARY KEY,
    county_code    text NOT NULL REFERENCES rq.regions (code),
    only_unprinted boolean NOT NULL DEFAULT false,
    requested_by   bigint NOT NULL REFERENCES rq.admin_users (id),
    status         text NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued', 'running', 'done', 'failed')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    started_at     timestamptz,
    finished_at    timestamptz,
    -- posters (each with its slip) in the ZIP; set when done
    posters        int CHECK (posters >= 0),
    -- why it failed, for the operator and the admin (no secrets: no activation codes)
    error          text CHECK (char_length(error) <= 500),
    -- the ZIP under uploads/print/: a plain name, never a path
    file_name      text CHECK (file_name ~ '^[A-Za-z0-9_.-]{1,100}\.zip$'),
    CONSTRAINT print_jobs_started CHECK ((status = 'queued') = (started_at IS NULL)),
    CONSTRAINT print_jobs_finished
        CHECK ((status IN ('done', 'failed')) = (finished_at IS NOT NULL)),
    CONSTRAINT print_jobs_done_has_file
        CHECK (status <> 'done' OR (file_name IS NOT NULL AND posters IS NOT NULL))
);

COMMENT ON TABLE rq.print_jobs IS
    'batch printing jobs queued in the portal and run by `ruqima codes print-jobs run`';

CREATE INDEX print_jobs_queued_idx ON rq.print_jobs (id) WHERE status = 'queued';

ALTER TABLE rq.print_jobs ENABLE ROW LEVEL SECURITY;

ALTER TABLE rq.print_jobs FORCE ROW LEVEL SECURITY;


-- =================================================================================
-- from 0013_official_profiles.sql
-- =================================================================================

-- 0013_official_profiles.sql — the profile of an official (公职人员) using the mini-program:
-- who is at the enterprise's door (app/DESIGN.md §2).
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

-- ---------------------------------------------------------------------------------
-- Privileges and row-level security
-- ---------------------------------------------------------------------------------
ALTER TABLE rq.official_profiles ENABLE ROW LEVEL SECURITY;

ALTER TABLE rq.official_profiles FORCE ROW LEVEL SECURITY;


-- =================================================================================
-- from 0014_visits.sql
-- =================================================================================

-- 0014_visits.sql — visits (入企登记) and what hangs off them: the city's rule policy,
-- attachments (credential photos), idempotency keys, 双报备 filings, the edit history and
-- the notification outbox (app/DESIGN.md §5, §6).
--
-- Writes by the application role go only through the SECURITY DEFINER functions at the
-- end (rq.visit_register, rq.visit_edit, rq.visit_finish, rq.attachment_add,
-- rq.policy_set): each checks the actor context itself, so the app role has no INSERT or
-- UPDATE privilege on these tables at all. Reads are row-level secured.

-- ---------------------------------------------------------------------------------
-- Policy: every threshold of app/DESIGN.md §5 is a row here, changed by the city admin.
-- ---------------------------------------------------------------------------------
CREATE TABLE rq.policy (
    key         text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
    value       int NOT NULL,
    min_value   int NOT NULL,
    max_value   int NOT NULL,
    -- visits, day of month, metres, days, hours: what the value counts (for the portal)
    measure     text NOT NULL CHECK (char_length(measure) BETWEEN 1 AND 20),
    description text NOT NULL CHECK (char_length(description) BETWEEN 1 AND 200),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  bigint REFERENCES rq.admin_users (id),
    CONSTRAINT policy_value_in_range CHECK (value BETWEEN min_value AND max_value)
);

COMMENT ON TABLE rq.policy IS 'thresholds of the visit rules (design §5), one row each; city admin edits';

INSERT INTO rq.policy (key, value, min_value, max_value, measure, description) VALUES
  ('frequency_day_max', 1, 0, 100, 'visits',
   '同一单位同一企业每日入企次数提醒阈值（超过即提醒并在报表中标记）'),
  ('frequency_week_max', 2, 0, 100, 'visits',
   '同一单位同一企业每周（周一至周日）入企次数提醒阈值'),
  ('frequency_month_max', 3, 0, 100, 'visits',
   '同一单位同一企业每月入企次数提醒阈值'),
  ('inspection_year_max', 1, 0, 100, 'visits',
   '同一单位对同一企业每年现场执法检查次数上限（超过须填写理由并标记复核；可按单位调整）'),
  ('quiet_day_first', 1, 1, 31, 'day of month', '企业无扰日：每月起始日'),
  ('quiet_day_last', 20, 0, 31, 'day of month', '企业无扰日：每月截止日（小于起始日即不设无扰日）'),
  ('geofence_m', 1000, 50, 100000, 'metres', '扫码位置与企业的最大距离，超过即标记'),
  ('backfill_days_max', 10, 0, 60, 'days', '补登记最长期限（天）'),
  ('edit_window_hours', 72, 0, 8760, 'hours', '登记后可修改事项和证件照片的时限（小时）'),
  ('finish_due_hours', 168, 1, 8760, 'hours', '登记后未提交事后报备即标记的时限（小时）');

-- Per-unit override of a threshold; only the yearly inspection cap may be overridden
-- (app/DESIGN.md §5: "1 (overridable per unit)").
CREATE TABLE rq.policy_unit_overrides (
    unit_id    bigint NOT NULL REFERENCES rq.units (id),
    key        text NOT NULL REFERENCES rq.policy (key) CHECK (key IN ('inspection_year_max')),
    value      int NOT NULL CHECK (value BETWEEN 0 AND 100),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by bigint REFERENCES rq.admin_users (id),
    PRIMARY KEY (unit_id, key)
);

COMMENT ON TABLE rq.policy_unit_overrides IS 'per-unit thresholds overriding rq.policy';

-- ---------------------------------------------------------------------------------
-- Attachments: photos uploaded by an official before they are referenced by a visit.
-- The bytes live in $RUQIMA_STATE_DIR/uploads/attachments/<sha256[0:2]>/<sha256>.
-- ---------------------------------------------------------------------------------
CREATE TABLE rq.attachments (
    id           bigserial PRIMARY KEY,
    account_id   bigint NOT NULL REFERENCES rq.accounts (id),   -- the uploader
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
    size_bytes   int NOT NULL CHECK (size_bytes > 0),
    created_at   timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE rq.attachments IS 'uploaded photos (credentials, results); bytes stored by SHA-256';

CREATE INDEX attachments_account_idx ON rq.attachments (account_id, id);

-- ---------------------------------------------------------------------------------
-- Visits
-- ---------------------------------------------------------------------------------
CREATE TABLE rq.visits (
    id                 bigserial PRIMARY KEY,
    enterprise_id      bigint NOT NULL REFERENCES rq.enterprises (id),
    code_id            bigint NOT NULL REFERENCES rq.codes (id),
    -- the enterprise's county at registration: scope of county admins and reports
    county_code        text NOT NULL REFERENCES rq.regions (code) ON UPDATE CASCADE,
    account_id         bigint NOT NULL REFERENCES rq.accounts (id),  -- the official
    unit_id            bigint NOT NULL REFERENCES rq.units (id),     -- their (lead) unit
    -- 亮证: who stood at the door, as the profile said when they registered
    official_name      text NOT NULL,
    official_post      text NOT NULL,
    official_cert_no   text,
    official_phone     text NOT NULL,
    official_verified  boolean NOT NULL,
    -- 参观访问 / 调研帮扶 / 执法检查
    activity_type      text NOT NULL CHECK (activity_type IN ('visit', 'research', 'inspection')),
    -- 专项 / 联合 / 异地交叉执法: inspections only, scanned by the lead unit
    joint_kind         text CHECK (joint_kind IN ('special', 'joint', 'cross_region')),
    matter             text NOT NULL CHECK (char_length(matter) BETWEEN 1 AND 500),
    legal_basis        text CHECK (char_length(legal_basis) BETWEEN 1 AND 500),
    -- [{name, unit, cert_no}], at most 20
    companions         jsonb NOT NULL DEFAULT '[]'
                       CHECK (jsonb_typeof(companions) = 'array' AND jsonb_array_length(companions) <= 20),
    registered_at      timestamptz NOT NULL DEFAULT now(),  -- when the scan was registered
    entered_at         timestamptz NOT NULL,                -- the real time of entry
    backfill_reason    text CHECK (char_length(backfill_reason) BETWEEN 1 AND 500),
    latitude           numeric(9, 6) CHECK (latitude BETWEEN -90 AND 90),
    longitude          numeric(9, 6) CHECK (longitude BETWEEN -180 AND 180),
    accuracy_m         numeric(8, 1) CHECK (accuracy_m >= 0),
    location_refused   boolean NOT NULL,
    distance_m         int CHECK (distance_m >= 0),
    exemption_category text CHECK (exemption_category IN (
                           'national_security', 'public_security', 'complaint_report',
                           'accident_emergency', 'superior_assigned', 'enterprise_requested',
                           'permit_check', 'referral')),
    exemption_reason   text CHECK (char_length(exemption_reason) BETWEEN 1 AND 500),
    over_cap_reason    text CHECK (char_length(over_cap_reason) BETWEEN 1 AND 500),
    -- the rules that fired (rule codes; see rq.visit_register)
    flags              text[] NOT NULL DEFAULT '{}',
    -- the enterprise's answer
    confirmation       text NOT NULL DEFAULT 'pending'
                       CHECK (confirmation IN ('pending', 'confirmed', 'disputed')),
    -- 事后报备: the result of the visit (双公开)
    finished_at        timestamptz,
    result_done        text CHECK (char_length(result_done) BETWEEN 1 AND 1000),
    result_findings    text CHECK (char_length(result_findings) BETWEEN 1 AND 1000),
    result_measures    text CHECK (char_length(result_measures) BETWEEN 1 AND 1000),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT visits_location_pair CHECK ((latitude IS NULL) = (longitude IS NULL)),
    CONSTRAINT visits_location_or_refused CHECK (location_refused = (latitude IS NULL)),
    CONSTRAINT visits_joint_is_inspection CHECK (joint_kind IS NULL OR activity_type = 'inspection'),
    CONSTRAINT visits_inspection_has_basis_and_cert
        CHECK (activity_type <> 'inspection' OR (legal_basis IS NOT NULL AND official_cert_no IS NOT NULL)),
    CONSTRAINT visits_exemption_pair CHECK ((exemption_category IS NULL) = (exemption_reason IS NULL)),
    CONSTRAINT visits_finished_has_result CHECK ((finished_at IS NULL) = (result_done IS NULL))
);

COMMENT ON TABLE rq.visits IS 'registered visits (入企登记): who, where, why, the rules that fired';

-- Lists are newest first by id (ids grow with registration time), keyset-paginated.
CREATE INDEX visits_account_idx ON rq.visits (account_id, id);

CREATE INDEX visits_enterprise_idx ON rq.visits (enterprise_id, id);

CREATE INDEX visits_unit_idx ON rq.visits (unit_id, id);

CREATE INDEX visits_county_idx ON rq.visits (county_code, id);

CREATE INDEX visits_unfinished_idx ON rq.visits (registered_at) WHERE finished_at IS NULL;

-- Every unit that entered: the lead unit and the participating units of a joint
-- inspection. The frequency and the yearly cap count per unit, so they read this table.
CREATE TABLE rq.visit_units (
    visit_id      bigint NOT NULL REFERENCES rq.visits (id),
    unit_id       bigint NOT NULL REFERENCES rq.units (id),
    role          text NOT NULL CHECK (role IN ('lead', 'participant')),
    -- copies of the visit's, for the counting index
    enterprise_id bigint NOT NULL,
    entered_at    timestamptz NOT NULL,
    activity_type text NOT NULL,
    PRIMARY KEY (visit_id, unit_id)
);

COMMENT ON TABLE rq.visit_units IS 'the lead and participating units of each visit (counted by the rules)';

CREATE INDEX visit_units_count_idx ON rq.visit_units (unit_id, enterprise_id, entered_at);

-- Photos of a visit: credentials at registration (editable within the window), result
-- photos at the finish. Removing one by an edit keeps the row (removed_at).
CREATE TABLE rq.visit_attachments (
    visit_id      bigint NOT NULL REFERENCES rq.visits (id),
    attachment_id bigint NOT NULL REFERENCES rq.attachments (id),
    purpose       text NOT NULL CHECK (purpose IN ('credential', 'result')),
    added_at      timestamptz NOT NULL DEFAULT now(),
    removed_at    timestamptz,
    PRIMARY KEY (visit_id, attachment_id)
);

-- An attachment belongs to one visit only.
CREATE UNIQUE INDEX visit_attachments_one_visit ON rq.visit_attachments (attachment_id);

-- The visible history of later edits (the audit log has the rest).
CREATE TABLE rq.visit_edits (
    id                 bigserial PRIMARY KEY,
    visit_id           bigint NOT NULL REFERENCES rq.visits (id),
    edited_at          timestamptz NOT NULL DEFAULT now(),
    matter_before      text NOT NULL,
    matter_after       text NOT NULL,
    attachments_before bigint[] NOT NULL,
    attachments_after  bigint[] NOT NULL
);

CREATE INDEX visit_edits_visit_idx ON rq.visit_edits (visit_id, id);

-- 双报备: before (at registration) and after (at the finish), to the official's unit and
-- to the unit's stationed discipline-inspection group.
CREATE TABLE rq.filings (
    id               bigserial PRIMARY KEY,
    visit_id         bigint NOT NULL REFERENCES rq.visits (id),
    phase            text NOT NULL CHECK (phase IN ('before', 'after')),
    recipient        text NOT NULL CHECK (recipient IN ('unit', 'discipline_group')),
    unit_id          bigint NOT NULL REFERENCES rq.units (id),
    -- the group's name at filing time; NULL when the unit has none set yet
    discipline_group text,
    filed_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (visit_id, phase, recipient)
);

COMMENT ON TABLE rq.filings IS '事前/事后报备 of each visit to the unit and its discipline group';

CREATE INDEX filings_unit_idx ON rq.filings (unit_id, filed_at);

-- Idempotency keys of POST /visits: the first response, replayed to a retry.
CREATE TABLE rq.idempotency_keys (
    account_id     bigint NOT NULL REFERENCES rq.accounts (id),
    key            text NOT NULL CHECK (key ~ '^[A-Za-z0-9_.:-]{8,100}$'),
    request_sha256 bytea NOT NULL,
    status         int NOT NULL,
    response       jsonb NOT NULL,
    visit_id       bigint REFERENCES rq.visits (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, key)
);

COMMENT ON TABLE rq.idempotency_keys IS 'Idempotency-Key of each registration and the response it got';

-- Not audited: the visit row it points to is, and the response is derived from it.

-- Notifications to mini-program accounts, sent by `ruqima notify run`.
CREATE TABLE rq.outbox (
    id              bigserial PRIMARY KEY,
    account_id      bigint NOT NULL REFERENCES rq.accounts (id),   -- the recipient
    kind            text NOT NULL CHECK (kind IN ('visit_registered', 'visit_edited',
                                                  'visit_finished')),
    visit_id        bigint REFERENCES rq.visits (id),
    enterprise_id   bigint REFERENCES rq.enterprises (id),
    -- what the message says: {title, enterprise, unit, official, time, matter}
    payload         jsonb NOT NULL,
    -- pending → sending → sent | failed; a 'sending' row whose dispatcher died is never
    -- sent again (marked failed with the outcome unknown): better one lost than two
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts        int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_at      timestamptz,
    sent_at         timestamptz,
    last_error      text,
    read_at         timestamptz,          -- read in the mini-program's list
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT outbox_sent_has_time CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);

COMMENT ON TABLE rq.outbox IS 'notifications to accounts, sent through WeChat subscribe messages';

CREATE INDEX outbox_due_idx ON rq.outbox (next_attempt_at, id) WHERE status = 'pending';

CREATE INDEX outbox_account_idx ON rq.outbox (account_id, id DESC);


-- =================================================================================
-- from 0015_evaluations.sql
-- =================================================================================

-- 0015_evaluations.sql — what the enterprise answers about a visit (app/DESIGN.md §1, §5):
-- its confirmation or dispute (确认 / 异议), its rating (满意 / 基本满意 / 不满意), the cases
-- that a 不满意, a dispute or a report of an entry without a scan (未扫码入企) open, and
-- notifications to portal users (the county admin who follows the case up).
--
-- As in 0014, the application role writes only through the SECURITY DEFINER functions at
-- the end (rq.visit_answer, rq.rating_give, rq.rating_change, rq.no_scan_report,
-- rq.notification_read); each checks rq.actor_manages itself. Reads are row-level secured.

-- ---------------------------------------------------------------------------------
-- Policy: the rating windows, changed by the city admin like every other threshold.
-- ---------------------------------------------------------------------------------
INSERT INTO rq.policy (key, value, min_value, max_value, measure, description) VALUES
  ('rating_window_days', 30, 1, 366, 'days', '企业对入企行为进行评价的期限（登记后天数）'),
  ('rating_change_hours', 24, 0, 720, 'hours', '评价提交后可修改一次的时限（小时）');

-- ---------------------------------------------------------------------------------
-- The enterprise's answer: confirmed as registered, or disputed ("not as registered").
-- One per visit and final; rq.visits.confirmation says the same for the lists.
-- ---------------------------------------------------------------------------------
CREATE TABLE rq.visit_answers (
    visit_id        bigint PRIMARY KEY REFERENCES rq.visits (id),
    decision        text NOT NULL CHECK (decision IN ('confirmed', 'disputed')),
    account_id      bigint NOT NULL REFERENCES rq.accounts (id),   -- the manager
    -- 人员不符 / 事项不符 / 未曾到场 / 其他: disputes only
    reason_category text CHECK (reason_category IN ('wrong_people', 'wrong_matter',
                                                    'never_came', 'other')),
    reason          text CHECK (char_length(reason) BETWEEN 1 AND 500),
    answered_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT visit_answers_dispute_has_category
        CHECK ((decision = 'disputed') = (reason_category IS NOT NULL)),
    CONSTRAINT visit_answers_reason_is_dispute CHECK (decision = 'disputed' OR reason IS NULL),
    -- "other" says what
    CONSTRAINT visit_answers_other_has_reason CHECK (reason_category <> 'other' OR reason IS NOT NULL)
);

COMMENT ON TABLE rq.visit_answers IS 'the enterprise''s confirmation or dispute of a visit, by whom and why';

-- ---------------------------------------------------------------------------------
-- Ratings (评价): one per visit, changeable once within rating_change_hours.
-- ---------------------------------------------------------------------------------
CREATE TABLE rq.evaluations (
    visit_id      bigint PRIMARY KEY REFERENCES rq.visits (id),
    -- copies of the visit's, for the counts by enterprise, unit and county
    enterprise_id bigint NOT NULL REFERENCES rq.enterprises (id),
    unit_id       bigint NOT NULL REFERENCES rq.units (id),
    county_code   text NOT NULL REFERENCES rq.regions (code) ON UPDATE CASCADE,
    -- 满意 / 基本满意 / 不满意
    value         text NOT NULL CHECK (value IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
    comment       text CHECK (char_length(comment) BETWEEN 1 AND 500),
    -- the rater is hidden from the official and their unit (see rq.evaluation_raters)
    anonymous     boolean NOT NULL,
    rated_at      timestamptz NOT NULL DEFAULT now(),
    changed_at    timestamptz,
    CONSTRAINT evaluations_unsatisfied_has_comment CHECK (value <> 'unsatisfied' OR comment IS NOT NULL),
    CONSTRAINT evaluations_changed_after CHECK (changed_at IS NULL OR changed_at >= rated_at)
);

COMMENT ON TABLE rq.evaluations IS 'the enterprise''s rating of a visit (满意/基本满意/不满意), one per visit';

CREATE INDEX evaluations_enterprise_idx ON rq.evaluations (enterprise_id, visit_id);

CREATE INDEX evaluations_unit_idx ON rq.evaluations (unit_id, visit_id);

-- Who rated, kept apart from the rating so that row-level security can hide it from
-- those who see the rating of an anonymous one (a column cannot have a policy).
CREATE TABLE rq.evaluation_raters (
    visit_id   bigint PRIMARY KEY REFERENCES rq.evaluations (visit_id),
    account_id bigint NOT NULL REFERENCES rq.accounts (id),
    -- as the binding said when they rated
    name       text NOT NULL,
    phone      text NOT NULL
);

COMMENT ON TABLE rq.evaluation_raters IS 'the manager who gave each rating (hidden when anonymous)';

-- ---------------------------------------------------------------------------------
-- Cases (问题线索): opened by a 不满意, a dispute or a no-scan report, worked on by the
-- complaints family (回访 → 分析研判 → 调查申诉 → 审核认定), with an event timeline.
-- ---------------------------------------------------------------------------------
CREATE TABLE rq.cases (
    id                  bigserial PRIMARY KEY,
    source              text NOT NULL CHECK (source IN ('rating', 'dispute', 'no_scan')),
    status              text NOT NULL DEFAULT 'open'
                        CHECK (status IN ('open', 'follow_up', 'analysis', 'investigation',
                                          'determination', 'closed')),
    visit_id            bigint REFERENCES rq.visits (id),
    enterprise_id       bigint NOT NULL REFERENCES rq.enterprises (id),
    unit_id             bigint REFERENCES rq.units (id),          -- NULL: not known
    county_code         text NOT NULL REFERENCES rq.regions (code) ON UPDATE CASCADE,
    -- the manager who disputed or reported; NULL for ratings, whose rater is in
    -- rq.evaluation_raters (so an anonymous rating stays anonymous here too)
    reporter_account_id bigint REFERENCES rq.accounts (id),
    -- the dispute's reason category
    category            text CHECK (category IN ('wrong_people', 'wrong_matter',
                                                 'never_came', 'other')),
    -- the rating's comment, the dispute's reason, what happened without a scan
    description         text CHECK (char_length(description) BETWEEN 1 AND 2000),
    -- no-scan reports: when, and who came (as the enterprise describes them)
    occurred_at         timestamptz,
    people              text CHECK (char_length(people) BETWEEN 1 AND 500),
    opened_at           timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT cases_visit_source CHECK ((visit_id IS NULL) = (source = 'no_scan')),
    CONSTRAINT cases_reporter_source CHECK ((reporter_account_id IS NULL) = (source = 'rating')),
    CONSTRAINT cases_category_is_dispute CHECK ((category IS NOT NULL) = (source = 'dispute')),
    CONSTRAINT cases_no_scan_facts
        CHECK (source <> 'no_scan' OR (occurred_at IS NOT NULL AND people IS NOT NULL
                                       AND description IS NOT NULL)),
    CONSTRAINT cases_unit_of_visit CHECK (visit_id IS NULL OR unit_id IS NOT NULL)
);

COMMENT ON TABLE rq.cases IS 'cases opened by 不满意, disputes and no-scan reports; followed up by the county';

CREATE INDEX cases_county_idx ON rq.cases (county_code, id);

CREATE INDEX cases_enterprise_idx ON rq.cases (enterprise_id, id);

CREATE INDEX cases_unit_idx ON rq.cases (unit_id, id);

-- one rating case per visit (a changed rating adds to it), one dispute case per visit
CREATE UNIQUE INDEX cases_one_per_visit_source ON rq.cases (visit_id, source) WHERE visit_id IS NOT NULL;

CREATE TABLE rq.case_events (
    id            bigserial PRIMARY KEY,
    case_id       bigint NOT NULL REFERENCES rq.cases (id),
    kind          text NOT NULL CHECK (kind IN ('opened', 'rating_changed', 'status_changed',
                                                'note')),
    status        text,                 -- the case's status after the event
    note          text CHECK (char_length(note) BETWEEN 1 AND 2000),
    account_id    bigint REFERENCES rq.accounts (id),
    admin_user_id bigint REFERENCES rq.admin_users (id),
    created_at    timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE rq.case_events IS 'the timeline of each case';

CREATE INDEX case_events_case_idx ON rq.case_events (case_id, id);

-- Photos of a no-scan report (uploaded first through POST /registration/attachments).
CREATE TABLE rq.case_attachments (
    case_id       bigint NOT NULL REFERENCES rq.cases (id),
    attachment_id bigint NOT NULL REFERENCES rq.attachments (id) UNIQUE,
    added_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, attachment_id)
);

-- ---------------------------------------------------------------------------------
-- The outbox also notifies portal users (the county admin of a new case): exactly one
-- recipient, an account or an admin user. The WeChat dispatcher sends account rows only;
-- admin rows are read in the portal.
-- ---------------------------------------------------------------------------------
ALTER TABLE rq.outbox ALTER COLUMN account_id DROP NOT NULL;

ALTER TABLE rq.outbox ADD COLUMN admin_user_id bigint REFERENCES rq.admin_users (id);

ALTER TABLE rq.outbox ADD COLUMN case_id bigint REFERENCES rq.cases (id);

ALTER TABLE rq.outbox ADD CONSTRAINT outbox_one_recipient
    CHECK ((account_id IS NULL) <> (admin_user_id IS NULL));

ALTER TABLE rq.outbox DROP CONSTRAINT outbox_kind_check;

ALTER TABLE rq.outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('visit_registered', 'visit_edited', 'visit_finished', 'case_opened'));

ALTER TABLE rq.outbox ADD CONSTRAINT outbox_case_kind CHECK ((kind = 'case_opened') = (case_id IS NOT NULL));

CREATE INDEX outbox_admin_idx ON rq.outbox (admin_user_id, id DESC) WHERE admin_user_id IS NOT NULL;


-- =================================================================================
-- from 0016_list_speed.sql
-- =================================================================================

-- The data is cached and on solid-state storage: at the default random_page_cost of 4 the
-- planner read the units table from its start for every line of a visit list.
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET random_page_cost = 1.1', current_database());
END
$$;
