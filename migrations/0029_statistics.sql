-- 0029_statistics.sql — the statistics of 频次全透明 (issue 14): aggregates of the visits and
-- of the cases, kept by triggers in the transaction of every write that changes what they
-- count (app/reporting/sql/statistics.sql), so that the reporting family answers a year of
-- the whole city from a few thousand rows instead of reading millions of visits.
--
-- A row counts, for one period (a day, a month or a year of the city's calendar), one
-- county (the visit's or the case's) and one key, how many visits or cases have each
-- property. A date range is answered as a signed sum of whole years, months and days
-- (rq.stats_pieces). The rows are derived data: rq.stats_rebuild recomputes them all from
-- the raw rows; they are not audited (the raw rows are) and nobody writes them but the
-- triggers.

-- ---------------------------------------------------------------------------------
-- Visits. dim says what key_id (and key2) is:
--   unit        key_id the unit. The lead unit counts the visit (visits ... anonymous);
--               a participating unit of a joint inspection counts it as a participation
--   county      key_id a stripe (the unit's id mod 4): the county's rows, split so that
--               concurrent registrations of one county seldom wait for one row's lock;
--               days only (rq.visit_stats_grains)
--   enterprise  key_id the enterprise, counted like the unit dim (lead and participations)
--   pair        key_id the lead unit, key2 the enterprise: visits flagged for frequency or
--               the yearly inspection cap only (the hot spots of §5)
--   exemption   key_id the lead unit, key2 the exemption category's number
--               (its place in rq.exemption_categories()): quiet-day inspections only
-- A withdrawn visit counts nowhere. source: how the visit came (rq.visits.source: platform,
-- registered by a scan here; huiqitong, imported from 慧企通).
-- ---------------------------------------------------------------------------------
CREATE TABLE rq.visit_stats (
    dim                  text NOT NULL
                         CHECK (dim IN ('unit', 'county', 'enterprise', 'pair', 'exemption')),
    grain                text NOT NULL CHECK (grain IN ('day', 'month', 'year')),
    -- the first day of the day, month or year, city time
    period               date NOT NULL,
    county_code          text NOT NULL,
    key_id               bigint NOT NULL,
    key2                 bigint NOT NULL,
    source               text NOT NULL,
    -- led by the unit (once per visit), in total and by activity type; joint inspections led
    visits               int NOT NULL,
    visits_visit         int NOT NULL,
    visits_research      int NOT NULL,
    visits_inspection    int NOT NULL,
    joint                int NOT NULL,
    -- taken part in as a participating unit of a joint inspection (once per unit)
    participations       int NOT NULL,
    -- the led visits with each flag of rq.visit_register
    far_away             int NOT NULL,
    location_refused     int NOT NULL,
    backfill             int NOT NULL,
    official_unverified  int NOT NULL,
    quiet_day_exemption  int NOT NULL,
    inspection_over_cap  int NOT NULL,
    frequency_day        int NOT NULL,
    frequency_week       int NOT NULL,
    frequency_month      int NOT NULL,
    -- no result filed yet (past due or not: the due time moves with the clock, so the
    -- statistics subtract the ones not yet due, which are few, when they are read)
    unfinished           int NOT NULL,
    -- the enterprise's answer and rating
    confirmed            int NOT NULL,
    disputed             int NOT NULL,
    rated                int NOT NULL,
    satisfied            int NOT NULL,
    basically_satisfied  int NOT NULL,
    unsatisfied          int NOT NULL,
    anonymous            int NOT NULL,
    PRIMARY KEY (dim, grain, period, county_code, key_id, key2, source)
) WITH (fillfactor = 80);

COMMENT ON TABLE rq.visit_stats IS
    'visits counted per day, month and year by unit, county, enterprise, flagged pair and exemption (triggers keep it)';

-- one unit's or one enterprise's rows, whatever their county
CREATE INDEX visit_stats_key_idx ON rq.visit_stats (dim, key_id, grain, period);

-- The cases overdue now among those opened in a range (the statistics of cases): the open
-- cases by their opening, not every case past a deadline.
CREATE INDEX cases_open_opened_idx ON rq.cases (opened_at) WHERE status <> 'closed';

-- ---------------------------------------------------------------------------------
-- Cases. dim:
--   opened      period of the opening; the case counted under its status, classification
--               and outcome now (a transition moves it)
--   determined  period of the determination (审核认定); under its outcome and the unit and
--               official found responsible
-- unit_id is the case's unit (0: not known), which decides who sees the row, as for the case.
-- ---------------------------------------------------------------------------------
CREATE TABLE rq.case_stats (
    dim                    text NOT NULL CHECK (dim IN ('opened', 'determined')),
    grain                  text NOT NULL CHECK (grain IN ('day', 'month', 'year')),
    period                 date NOT NULL,
    county_code            text NOT NULL,
    unit_id                bigint NOT NULL,
    source                 text NOT NULL,
    -- '' where a key does not apply or is not set yet
    status                 text NOT NULL,
    classification         text NOT NULL,
    outcome                text NOT NULL,
    responsible_unit_id    bigint NOT NULL,
    responsible_account_id bigint NOT NULL,
    cases                  int NOT NULL,
    handed_over            int NOT NULL,
    reopened               int NOT NULL,
    PRIMARY KEY (dim, grain, period, county_code, unit_id, source, status, classification,
                 outcome, responsible_unit_id, responsible_account_id)
) WITH (fillfactor = 80);

COMMENT ON TABLE rq.case_stats IS
    'cases counted per day, month and year of their opening and of their determination (triggers keep it)';

CREATE INDEX case_stats_unit_idx ON rq.case_stats (dim, unit_id, grain, period);

CREATE INDEX case_stats_responsible_idx ON rq.case_stats (dim, responsible_unit_id, grain, period)
    WHERE dim = 'determined';

-- Which formulas the rows were computed with (rq.stats_rebuild records it): the definition
-- file builds the rows again when its formulas are newer, so the rows of a database that
-- had visits before this migration are built when it is upgraded.
CREATE TABLE rq.stats_builds (
    formulas   text PRIMARY KEY,
    built_at   timestamptz NOT NULL DEFAULT now(),
    visit_rows bigint NOT NULL,
    case_rows  bigint NOT NULL
);

COMMENT ON TABLE rq.stats_builds IS 'each full build of rq.visit_stats and rq.case_stats (rq.stats_rebuild)';

-- ---------------------------------------------------------------------------------
-- 通报表扬: the thresholds of a praise candidate, changed by the city admin like every rule.
-- ---------------------------------------------------------------------------------
INSERT INTO rq.policy (key, value, min_value, max_value, measure, description) VALUES
  ('praise_rated_min', 20, 1, 100000, 'visits',
   '通报表扬候选：期间内已评价的入企次数不少于此数'),
  ('praise_satisfaction_min', 95, 0, 100, 'percent',
   '通报表扬候选：满意率（满意与基本满意占已评价的百分比）不低于此数'),
  ('praise_substantiated_max', 0, 0, 1000, 'cases',
   '通报表扬候选：期间内审核认定属实、由该单位负责的案件不多于此数');
