-- 0022_roles.sql — what each role could not do yet (issue 12, items 9, 12, 13): an official
-- withdraws a registration made by mistake, a unit admin deactivates an official who left,
-- the city admin locks portal users (app/DESIGN.md §2, §5).

-- ---------------------------------------------------------------------------------
-- Withdrawn visits (撤回登记): a registration made by mistake (wrong enterprise, twice) is
-- withdrawn by its official within withdraw_window_minutes, with a reason. The row stays
-- (history, audit); the counting rules skip it.
-- ---------------------------------------------------------------------------------
INSERT INTO rq.policy (key, value, min_value, max_value, measure, description) VALUES
  ('withdraw_window_minutes', 30, 0, 1440, 'minutes',
   '登记有误（企业选错、重复登记）时，入企人员可在登记后多少分钟内撤回（0 为不可撤回）');

ALTER TABLE rq.visits ADD COLUMN withdrawn_at timestamptz;

ALTER TABLE rq.visits ADD COLUMN withdrawal_reason text
    CHECK (char_length(withdrawal_reason) BETWEEN 1 AND 200 AND withdrawal_reason ~ '\S');

ALTER TABLE rq.visits ADD CONSTRAINT visits_withdrawn_has_reason
    CHECK ((withdrawn_at IS NULL) = (withdrawal_reason IS NULL));

-- The copy the counting rules read (rq.visit_register counts visit_units rows): a
-- withdrawn visit's units are not counted.
ALTER TABLE rq.visit_units ADD COLUMN withdrawn boolean NOT NULL DEFAULT false;

-- The managers are told of a withdrawal like of every other change of a visit. Other
-- migrations of this release widen the same list: the new kind is added to the list as it
-- stands, whatever they put in it.
DO $$
DECLARE
    v_def text := (SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
                    WHERE c.conrelid = 'rq.outbox'::regclass AND c.conname = 'outbox_kind_check');
BEGIN
    IF v_def NOT LIKE '%''visit_withdrawn''%' THEN
        ALTER TABLE rq.outbox DROP CONSTRAINT outbox_kind_check;
        EXECUTE 'ALTER TABLE rq.outbox ADD CONSTRAINT outbox_kind_check '
                || replace(v_def, 'ARRAY[', 'ARRAY[''visit_withdrawn''::text, ');
    END IF;
END
$$;

-- ---------------------------------------------------------------------------------
-- Deactivated officials: one who left their unit is deactivated by its admin (or the
-- city admin) and can no longer register visits; the profile and its visits stay.
-- ---------------------------------------------------------------------------------
ALTER TABLE rq.official_profiles ADD COLUMN active boolean NOT NULL DEFAULT true;

ALTER TABLE rq.official_profiles ADD COLUMN deactivated_by bigint REFERENCES rq.admin_users (id);

ALTER TABLE rq.official_profiles ADD COLUMN deactivated_at timestamptz;

ALTER TABLE rq.official_profiles ADD COLUMN deactivation_reason text
    CHECK (char_length(deactivation_reason) BETWEEN 1 AND 200 AND deactivation_reason ~ '\S');

-- A deactivated profile says by whom, when and why; an active one says nothing.
ALTER TABLE rq.official_profiles ADD CONSTRAINT official_profiles_deactivated_by_whom
    CHECK ((NOT active) = (deactivated_by IS NOT NULL)
           AND (NOT active) = (deactivated_at IS NOT NULL)
           AND (NOT active) = (deactivation_reason IS NOT NULL));

-- rq.official_change (app/admin/sql/officials.sql) verifies, un-verifies, deactivates and
-- reactivates; the verification's own function goes.
DROP FUNCTION IF EXISTS rq.official_verify(bigint);

-- ---------------------------------------------------------------------------------
-- Portal users locked by the city admin (or `ruqima user lock`) until unlocked: apart from
-- locked_until, the lockout that repeated failed logins set for a while.
-- ---------------------------------------------------------------------------------
ALTER TABLE rq.admin_users ADD COLUMN admin_locked boolean NOT NULL DEFAULT false;

-- rq.admin_login_lookup also answers admin_locked now (a new result type).
DROP FUNCTION IF EXISTS rq.admin_login_lookup(text);
