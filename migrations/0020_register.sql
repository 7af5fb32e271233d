-- 0020_register.sql — the register against the notice (issue 12, items 1, 2, 3 and 11):
-- who is in scope of a code, the register's name kept apart from the county's verified
-- name, claims by project code, and a manager's binding ended by a county office.

-- ---------------------------------------------------------------------------------
-- 1. 个体工商户 get no code. The notice: 第一批纳入的市场主体为…所有企业（不包括个体工商户）
-- 和在建项目. GB 32100: a credit code's first character is the registration authority
-- (9 = 工商/市场监管), its second the category within it (for 9: 1 企业, 2 个体工商户,
-- 3 农民专业合作社). A credit code starting "92" is an individual business; every other
-- enterprise and every construction project (project code) is in scope.
--
-- A stored column derived from the credit code on every write by the trigger
-- enterprises_derive (lib/sql/triggers.sql) with rq.enterprise_in_scope (lib/sql/common.sql),
-- not set by the import: the classification is a function of the code alone, so it can
-- never disagree with it, whoever wrote the row (CLI or portal import, demo data, the owner
-- by hand). Not a generated column: in a BEFORE UPDATE trigger a generated column of NEW
-- is still NULL, so every update would look like a change to rq.touch_updated_at.
--
-- 3. The register's name and the verified display name, kept apart. `name` stays what
-- everything shows (the poster, the scan, the mini-program): the county's verified name
-- once there is one. `register_name` is the name in the market-supervision register as
-- last imported. An import that changes the register's name of an enterprise whose name
-- the county verified (or corrected) keeps `name` and sets `register_name_changed`, for
-- the county to look at; verifying the name again clears it.
-- ---------------------------------------------------------------------------------
ALTER TABLE rq.enterprises
    ADD COLUMN in_scope boolean,
    ADD COLUMN register_name text
        CHECK (char_length(register_name) BETWEEN 1 AND 200 AND register_name ~ '\S'),
    ADD COLUMN register_name_changed boolean NOT NULL DEFAULT false;

-- The rows already there: until now the two names were one; the scope by the rule of
-- rq.enterprise_in_scope as it reads today (definition files come after the migrations).
UPDATE rq.enterprises SET register_name = name, in_scope = (uscc IS NULL OR left(uscc, 2) <> '92');

ALTER TABLE rq.enterprises
    ALTER COLUMN in_scope SET NOT NULL,
    ALTER COLUMN register_name SET NOT NULL;

COMMENT ON COLUMN rq.enterprises.in_scope IS
    'false for 个体工商户 (credit code 92…): imported, never given a code, not claimable';
COMMENT ON COLUMN rq.enterprises.name IS
    'the name shown and printed: the register''s until a county office corrects or verifies it';
COMMENT ON COLUMN rq.enterprises.register_name IS
    'the name in the market-supervision register, as last imported';
COMMENT ON COLUMN rq.enterprises.register_name_changed IS
    'an import changed the register''s name while the county''s name was kept: to be looked at';

CREATE INDEX enterprises_register_name_changed_idx ON rq.enterprises (county_code, id)
    WHERE register_name_changed;

-- Codes issued to individual businesses before the rule stop working, like the code of an
-- enterprise that leaves normal operation (the revocation is audited as the migration's).
UPDATE rq.codes c
   SET status = 'revoked', revoked_at = now(), revoke_reason = '个体工商户不在赋码范围'
  FROM rq.enterprises e
 WHERE e.id = c.enterprise_id AND NOT e.in_scope AND c.status = 'active';

-- The county offices' queue "awaiting name verification" holds only enterprises that can
-- get a code once verified: in scope and in normal operation.
DROP INDEX rq.enterprises_unverified_idx;
CREATE INDEX enterprises_unverified_idx ON rq.enterprises (county_code, id)
    WHERE NOT name_verified AND in_scope AND business_status = 'normal';

-- ---------------------------------------------------------------------------------
-- 11. The county office's search by part of the name (rq.enterprise_search): a trigram
-- index (any substring of 3 characters or more, Chinese too). On the name shown only: a
-- second one on register_name would slow every import's inserts further, and the
-- enterprises whose register name differs are listed by their flag.
-- pg_trgm is a trusted extension: the database owner may create it.
-- ---------------------------------------------------------------------------------
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

CREATE INDEX enterprises_name_trgm_idx ON rq.enterprises USING gin (name public.gin_trgm_ops);

-- ---------------------------------------------------------------------------------
-- 11. A county office (or the city admin) ends a manager's binding, e.g. the person left
-- the company: who ended it and why. A binding the manager ended themselves has neither.
-- ---------------------------------------------------------------------------------
ALTER TABLE rq.manager_bindings
    ADD COLUMN ended_by bigint REFERENCES rq.admin_users (id),
    ADD COLUMN end_reason text CHECK (char_length(end_reason) BETWEEN 1 AND 200 AND end_reason ~ '\S'),
    ADD CONSTRAINT manager_bindings_ended_by_admin
        CHECK ((ended_by IS NULL) = (end_reason IS NULL) AND (ended_by IS NULL OR status = 'unbound'));

-- ---------------------------------------------------------------------------------
-- 2. Claims by project code (在建项目): the claim takes the project code as a parameter of
-- its own. Created again by app/evaluation/sql/enterprises.sql.
-- ---------------------------------------------------------------------------------
DROP FUNCTION IF EXISTS rq.manager_claim(text, text, text, text, text, text);
