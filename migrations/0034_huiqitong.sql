-- 0034_huiqitong.sql — 浉河区's earlier scan records (慧企通) join the city platform (issue 14):
-- visits carry their source, the unit names of another system are mapped to units, and a
-- report run records the source it was filtered by (app/DESIGN.md §1, §6; README, "慧企通").

-- ---------------------------------------------------------------------------------
-- Where a visit comes from: 'platform', registered by a scan here (rq.visit_register), or
-- 'huiqitong', imported from 慧企通 by `ruqima import huiqitong` with the record id it had
-- there, once per record (the partial unique index: re-importing finds it).
-- ---------------------------------------------------------------------------------
ALTER TABLE rq.visits ADD COLUMN source text NOT NULL DEFAULT 'platform'
    CONSTRAINT visits_source_check CHECK (source IN ('platform', 'huiqitong'));

ALTER TABLE rq.visits ADD COLUMN source_record_id text
    CONSTRAINT visits_source_record_id_check CHECK (source_record_id ~ '^[0-9A-Za-z_.:-]{1,64}$');

ALTER TABLE rq.visits ADD CONSTRAINT visits_source_has_record_id
    CHECK ((source = 'platform') = (source_record_id IS NULL));

CREATE UNIQUE INDEX visits_source_record_key ON rq.visits (source, source_record_id)
    WHERE source_record_id IS NOT NULL;

-- An imported visit had no code of this platform, its official no account here (name and a
-- masked phone only), no post, and no position: what a registration always has, an imported
-- record may lack.
ALTER TABLE rq.visits ALTER COLUMN code_id DROP NOT NULL;

ALTER TABLE rq.visits ALTER COLUMN account_id DROP NOT NULL;

ALTER TABLE rq.visits ALTER COLUMN official_post DROP NOT NULL;

ALTER TABLE rq.visits ALTER COLUMN official_phone DROP NOT NULL;

ALTER TABLE rq.visits ADD CONSTRAINT visits_platform_has_registration
    CHECK (source <> 'platform'
           OR (code_id IS NOT NULL AND account_id IS NOT NULL AND official_post IS NOT NULL
               AND official_phone IS NOT NULL));

-- 慧企通 kept neither the legal basis nor the certificate number of an inspection.
ALTER TABLE rq.visits DROP CONSTRAINT visits_inspection_has_basis_and_cert;

ALTER TABLE rq.visits ADD CONSTRAINT visits_inspection_has_basis_and_cert
    CHECK (activity_type <> 'inspection' OR source <> 'platform'
           OR (legal_basis IS NOT NULL AND official_cert_no IS NOT NULL));

-- A registration without a position is one whose official refused it; an imported record
-- has none and refused nothing.
ALTER TABLE rq.visits DROP CONSTRAINT visits_location_or_refused;

ALTER TABLE rq.visits ADD CONSTRAINT visits_location_or_refused
    CHECK (location_refused = (latitude IS NULL AND source = 'platform'));

-- ---------------------------------------------------------------------------------
-- Unit names of another system → units of the platform, kept by the city admin (`ruqima
-- units map`, the portal). An import matches a unit name only through this table, exactly
-- (trimmed): a name without a row is reported, never guessed.
-- ---------------------------------------------------------------------------------
CREATE TABLE rq.unit_mappings (
    id         bigserial PRIMARY KEY,
    source     text NOT NULL CHECK (source IN ('huiqitong')),
    name       text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100 AND name ~ '^\S(.*\S)?$'
                                    AND name !~ '[[:cntrl:]]'),
    unit_id    bigint NOT NULL REFERENCES rq.units (id),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by bigint REFERENCES rq.admin_users (id),  -- NULL: the CLI
    CONSTRAINT unit_mappings_source_name_key UNIQUE (source, name)
);

COMMENT ON TABLE rq.unit_mappings IS 'unit names of another system (慧企通) and the platform unit each one is';

CREATE INDEX unit_mappings_unit_idx ON rq.unit_mappings (unit_id);

-- ---------------------------------------------------------------------------------
-- A report run filtered by the source of its visits (`ruqima report run --source`); NULL:
-- every source.
-- ---------------------------------------------------------------------------------
ALTER TABLE rq.report_runs ADD COLUMN source text
    CONSTRAINT report_runs_source_check CHECK (source IN ('platform', 'huiqitong'));
