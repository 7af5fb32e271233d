-- lib/sql/stats.sql — the aggregates of the statistics (rq.visit_stats, rq.case_stats, migration 0029): what each visit and case counts, the triggers that keep the rows in the transaction of every write, and the full rebuild from the raw rows.
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.
--
-- One statement of what is counted: rq.visit_stats_rows and rq.case_stats_rows give the rows a
-- visit (a unit's part of it) or a case adds. A change is the rows of the new state minus the
-- rows of the old one, summed per key and added to the table in one statement
-- (rq.visit_stats_apply, rq.case_stats_apply) in key order, so that two transactions take
-- the rows' locks in the same order. The triggers are statement triggers with transition
-- tables (a bulk write, an import, is one statement of upserts, a registration a few rows),
-- but for the participating units' rows (a row trigger: rq.stats_on_participant).
-- The rebuild sums the same rows over every visit and case.

-- The first day of the day, month or year holding t, in the city's calendar.
CREATE OR REPLACE FUNCTION rq.stats_period(p_grain text, t timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT date_trunc(p_grain, t AT TIME ZONE 'Asia/Shanghai')::date $$;
GRANT EXECUTE ON FUNCTION rq.stats_period(text, timestamptz) TO ruqima_app, ruqima_report;

-- The exemption categories of the quiet-day rule in a fixed order: their number is key2 of
-- the visit_stats rows of dim 'exemption'.
CREATE OR REPLACE FUNCTION rq.exemption_categories() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT '{national_security,public_security,complaint_report,accident_emergency,superior_assigned,enterprise_requested,permit_check,referral}'::text[]
$$;
GRANT EXECUTE ON FUNCTION rq.exemption_categories() TO ruqima_app, ruqima_report;

-- The grains each dim of rq.visit_stats is kept at: the county's days only (its months and
-- years are a few hundred day rows; fewer rows for every registration to write), the
-- others' days, months and years (a year of 2,000 units is 2,000 rows, not 730,000).
CREATE OR REPLACE FUNCTION rq.visit_stats_grains(p_dim text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE p_dim WHEN 'county' THEN '{day}'::text[] ELSE '{day,month,year}' END $$;
GRANT EXECUTE ON FUNCTION rq.visit_stats_grains(text) TO ruqima_app, ruqima_report;

-- The rows of rq.visit_stats that unit p_unit's part of visit v adds (p_sign 1) or takes away
-- (-1), for the grains p_grains, with its rating e (NULL: not rated). The lead unit
-- (v.unit_id) counts the visit, its flags, its answer and its rating; any other unit counts
-- one participation. Nothing for a withdrawn visit. Inlined into its callers (one SELECT,
-- SQL, not SECURITY DEFINER): the rebuild runs it over millions of visits.
CREATE OR REPLACE FUNCTION rq.visit_stats_rows(v rq.visits, e rq.evaluations, p_unit bigint,
                                               p_sign int,
                                               p_grains text[] DEFAULT '{day,month,year}')
RETURNS SETOF rq.visit_stats
LANGUAGE sql STABLE
AS $$
    SELECT d.dim, g.grain, rq.stats_period(g.grain, v.entered_at), v.county_code, d.key_id,
           d.key2, v.source, c.visits, c.visits_visit, c.visits_research,
           c.visits_inspection, c.joint, c.participations, c.far_away, c.location_refused,
           c.backfill, c.official_unverified, c.quiet_day_exemption, c.inspection_over_cap,
           c.frequency_day, c.frequency_week, c.frequency_month, c.unfinished, c.confirmed,
           c.disputed, c.rated, c.satisfied, c.basically_satisfied, c.unsatisfied, c.anonymous
      FROM (SELECT l.lead,
                   p_sign * l.lead AS visits,
                   p_sign * l.lead * (v.activity_type = 'visit')::int AS visits_visit,
                   p_sign * l.lead * (v.activity_type = 'research')::int AS visits_research,
                   p_sign * l.lead * (v.activity_type = 'inspection')::int AS visits_inspection,
                   p_sign * l.lead * (v.joint_kind IS NOT NULL)::int AS joint,
                   p_sign * (1 - l.lead) AS participations,
                   p_sign * l.lead * ('far_away' = ANY (v.flags))::int AS far_away,
                   p_sign * l.lead * ('location_refused' = ANY (v.flags))::int AS location_refused,
                   p_sign * l.lead * ('backfill' = ANY (v.flags))::int AS backfill,
                   p_sign * l.lead * ('official_unverified' = ANY (v.flags))::int AS official_unverified,
                   p_sign * l.lead * ('quiet_day_exemption' = ANY (v.flags))::int AS quiet_day_exemption,
                   p_sign * l.lead * ('inspection_over_cap' = ANY (v.flags))::int AS inspection_over_cap,
                   p_sign * l.lead * ('frequency_day' = ANY (v.flags))::int AS frequency_day,
                   p_sign * l.lead * ('frequency_week' = ANY (v.flags))::int AS frequency_week,
                   p_sign * l.lead * ('frequency_month' = ANY (v.flags))::int AS frequency_month,
                   p_sign * l.lead * (v.finished_at IS NULL)::int AS unfinished,
                   p_sign * l.lead * (v.confirmation = 'confirmed')::int AS confirmed,
                   p_sign * l.lead * (v.confirmation = 'disputed')::int AS disputed,
                   p_sign * l.lead * (e.visit_id IS NOT NULL)::int AS rated,
                   p_sign * l.lead * coalesce(e.value = 'satisfied', false)::int AS satisfied,
                   p_sign * l.lead * coalesce(e.value = 'basically_satisfied', false)::int
                       AS basically_satisfied,
                   p_sign * l.lead * coalesce(e.value = 'unsatisfied', false)::int AS unsatisfied,
                   p_sign * l.lead * coalesce(e.anonymous, false)::int AS anonymous
              FROM (SELECT (p_unit = v.unit_id)::int AS lead) l
            OFFSET 0) c
     CROSS JOIN LATERAL (VALUES
            ('unit', p_unit, 0::bigint),
            ('county', p_unit % 4, 0),
            ('enterprise', v.enterprise_id, 0),
            ('pair', CASE WHEN c.lead = 1
                           AND v.flags && '{frequency_day,frequency_week,frequency_month,inspection_over_cap}'
                          THEN p_unit END, v.enterprise_id),
            ('exemption', CASE WHEN c.lead = 1 AND 'quiet_day_exemption' = ANY (v.flags)
                               THEN p_unit END,
             coalesce(array_position(rq.exemption_categories(), v.exemption_category), 0)))
            AS d (dim, key_id, key2)
     CROSS JOIN LATERAL unnest(rq.visit_stats_grains(d.dim)) g (grain)
     WHERE v.id IS NOT NULL AND v.withdrawn_at IS NULL AND d.key_id IS NOT NULL
       AND g.grain = ANY (p_grains)
$$;

-- Adds the rows p (signed counts) to rq.visit_stats: summed per key, in key order, rows whose
-- counts cancel out left alone.
CREATE OR REPLACE FUNCTION rq.visit_stats_apply(p rq.visit_stats[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
BEGIN
    INSERT INTO rq.visit_stats AS s
    SELECT * FROM (
        SELECT r.dim, r.grain, r.period, r.county_code, r.key_id, r.key2, r.source,
               sum(r.visits)::int AS visits, sum(r.visits_visit)::int AS visits_visit,
               sum(r.visits_research)::int AS visits_research,
               sum(r.visits_inspection)::int AS visits_inspection, sum(r.joint)::int AS joint,
               sum(r.participations)::int AS participations, sum(r.far_away)::int AS far_away,
               sum(r.location_refused)::int AS location_refused, sum(r.backfill)::int AS backfill,
               sum(r.official_unverified)::int AS official_unverified,
               sum(r.quiet_day_exemption)::int AS quiet_day_exemption, sum(r.inspection_over_cap)::int AS inspection_over_cap,
               sum(r.frequency_day)::int AS frequency_day,
               sum(r.frequency_week)::int AS frequency_week,
               sum(r.frequency_month)::int AS frequency_month,
               sum(r.unfinished)::int AS unfinished, sum(r.confirmed)::int AS confirmed,
               sum(r.disputed)::int AS disputed, sum(r.rated)::int AS rated,
               sum(r.satisfied)::int AS satisfied,
               sum(r.basically_satisfied)::int AS basically_satisfied,
               sum(r.unsatisfied)::int AS unsatisfied, sum(r.anonymous)::int AS anonymous
          FROM unnest(p) r
         GROUP BY r.dim, r.grain, r.period, r.county_code, r.key_id, r.key2, r.source) x
     WHERE (x.visits, x.visits_visit, x.visits_research, x.visits_inspection, x.joint,
            x.participations, x.far_away, x.location_refused, x.backfill,
            x.official_unverified, x.quiet_day_exemption, x.inspection_over_cap, x.frequency_day,
            x.frequency_week, x.frequency_month, x.unfinished, x.confirmed, x.disputed,
            x.rated, x.satisfied, x.basically_satisfied, x.unsatisfied, x.anonymous)
           <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
     ORDER BY x.dim, x.grain, x.period, x.county_code, x.key_id, x.key2, x.source
    ON CONFLICT (dim, grain, period, county_code, key_id, key2, source) DO UPDATE
       SET (visits, visits_visit, visits_research, visits_inspection, joint, participations,
            far_away, location_refused, backfill, official_unverified, quiet_day_exemption, inspection_over_cap,
            frequency_day, frequency_week, frequency_month, unfinished, confirmed, disputed,
            rated, satisfied, basically_satisfied, unsatisfied, anonymous)
         = (s.visits + EXCLUDED.visits, s.visits_visit + EXCLUDED.visits_visit,
            s.visits_research + EXCLUDED.visits_research,
            s.visits_inspection + EXCLUDED.visits_inspection, s.joint + EXCLUDED.joint,
            s.participations + EXCLUDED.participations, s.far_away + EXCLUDED.far_away,
            s.location_refused + EXCLUDED.location_refused, s.backfill + EXCLUDED.backfill,
            s.official_unverified + EXCLUDED.official_unverified,
            s.quiet_day_exemption + EXCLUDED.quiet_day_exemption, s.inspection_over_cap + EXCLUDED.inspection_over_cap,
            s.frequency_day + EXCLUDED.frequency_day,
            s.frequency_week + EXCLUDED.frequency_week,
            s.frequency_month + EXCLUDED.frequency_month,
            s.unfinished + EXCLUDED.unfinished, s.confirmed + EXCLUDED.confirmed,
            s.disputed + EXCLUDED.disputed, s.rated + EXCLUDED.rated,
            s.satisfied + EXCLUDED.satisfied,
            s.basically_satisfied + EXCLUDED.basically_satisfied,
            s.unsatisfied + EXCLUDED.unsatisfied, s.anonymous + EXCLUDED.anonymous);
    -- the month's and the year's ranking of the enterprises (migrations 0059, 0069): entries,
    -- every county and source
    INSERT INTO rq.enterprise_ranks AS k (grain, period, enterprise_id, entries)
    SELECT r.grain, r.period, r.key_id, sum(r.visits + r.participations)
      FROM unnest(p) r
     WHERE r.dim = 'enterprise' AND r.grain IN ('month', 'year')
     GROUP BY r.grain, r.period, r.key_id
    HAVING sum(r.visits + r.participations) <> 0
     ORDER BY r.grain, r.period, r.key_id
    ON CONFLICT (grain, period, enterprise_id) DO UPDATE SET entries = k.entries + EXCLUDED.entries;
END
$$;

-- The rows of rq.case_stats that case c adds (p_sign 1) or takes away (-1): under the day,
-- month and year of its opening with its status, classification and outcome now; and, once
-- determined, under those of its determination with the outcome and who was found
-- responsible (the unit named, else the case's unit).
CREATE OR REPLACE FUNCTION rq.case_stats_rows(c rq.cases, p_sign int,
                                              p_grains text[] DEFAULT '{day,month,year}')
RETURNS SETOF rq.case_stats
LANGUAGE sql STABLE
AS $$
    SELECT d.dim, g.grain, rq.stats_period(g.grain, d.at), c.county_code,
           coalesce(c.unit_id, 0), c.source, d.status, coalesce(c.classification, ''),
           coalesce(c.outcome, ''), d.unit, d.account, p_sign,
           p_sign * (c.handed_over_at IS NOT NULL)::int, p_sign * (c.reopen_count > 0)::int
      FROM unnest(p_grains) g (grain)
     CROSS JOIN LATERAL (VALUES
            ('opened', c.opened_at, c.status, 0::bigint, 0::bigint),
            ('determined', c.determined_at, '',
             coalesce(c.responsible_unit_id, c.unit_id, 0), coalesce(c.responsible_account_id, 0)))
            AS d (dim, at, status, unit, account)
     WHERE c.id IS NOT NULL AND d.at IS NOT NULL
$$;

CREATE OR REPLACE FUNCTION rq.case_stats_apply(p rq.case_stats[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
BEGIN
    INSERT INTO rq.case_stats AS s
    SELECT * FROM (
        SELECT r.dim, r.grain, r.period, r.county_code, r.unit_id, r.source, r.status,
               r.classification, r.outcome, r.responsible_unit_id, r.responsible_account_id,
               sum(r.cases)::int AS cases, sum(r.handed_over)::int AS handed_over,
               sum(r.reopened)::int AS reopened
          FROM unnest(p) r
         GROUP BY r.dim, r.grain, r.period, r.county_code, r.unit_id, r.source, r.status,
                  r.classification, r.outcome, r.responsible_unit_id, r.responsible_account_id) x
     WHERE (x.cases, x.handed_over, x.reopened) <> (0, 0, 0)
     ORDER BY x.dim, x.grain, x.period, x.county_code, x.unit_id, x.source, x.status,
              x.classification, x.outcome, x.responsible_unit_id, x.responsible_account_id
    ON CONFLICT (dim, grain, period, county_code, unit_id, source, status, classification,
                 outcome, responsible_unit_id, responsible_account_id) DO UPDATE
       SET (cases, handed_over, reopened)
         = (s.cases + EXCLUDED.cases, s.handed_over + EXCLUDED.handed_over,
            s.reopened + EXCLUDED.reopened);
END
$$;

-- What a write changes in the aggregates: the rows of its new rows minus the rows of its old
-- rows, one statement of upserts for the whole statement's rows (a registration, an import).
-- The transition tables as JSON arrays, so that one function serves every table (an INSERT
-- trigger has no old rows, a DELETE none new):
--   rq.visits       a visit counts for its lead unit and every participating unit, with its
--                   rating (a new visit without them: below); a change that counts nothing
--                   (an edit of the matter) cancels out
--   rq.evaluations  the visit with the rating it had, taken away; with the one it has, added
--   rq.cases        the case as it was, taken away; as it is, added
-- (rq.visit_units: rq.stats_on_participant, below.)
CREATE OR REPLACE FUNCTION rq.stats_on_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_old jsonb := '[]';
    v_new jsonb := '[]';
BEGIN
    IF TG_OP <> 'INSERT' THEN
        v_old := (SELECT coalesce(jsonb_agg(o), '[]') FROM old_rows o);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        v_new := (SELECT coalesce(jsonb_agg(n), '[]') FROM new_rows n);
    END IF;
    CASE TG_TABLE_NAME
    WHEN 'visits' THEN
        -- A new visit counts without its rating and participating units: those are counted
        -- by the triggers of their own tables, also when one statement writes all three
        -- (the 慧企通 import: statement triggers fire after the whole statement, which then
        -- sees every row it wrote). A change of a visit moves what it counts with them.
        PERFORM rq.visit_stats_apply(ARRAY(
            SELECT r
              FROM (SELECT jsonb_populate_record(NULL::rq.visits, o) AS v, -1 AS sign
                      FROM jsonb_array_elements(v_old) o
                    UNION ALL
                    SELECT jsonb_populate_record(NULL::rq.visits, n), 1
                      FROM jsonb_array_elements(v_new) n) x
              LEFT JOIN rq.evaluations e ON e.visit_id = (x.v).id AND TG_OP <> 'INSERT'
             CROSS JOIN LATERAL (SELECT (x.v).unit_id AS unit, e AS ev
                                 UNION ALL
                                 SELECT vu.unit_id, NULL::rq.evaluations FROM rq.visit_units vu
                                  WHERE vu.visit_id = (x.v).id AND vu.role = 'participant'
                                    AND vu.unit_id <> (x.v).unit_id AND TG_OP <> 'INSERT') u
             CROSS JOIN LATERAL rq.visit_stats_rows(x.v, u.ev, u.unit, x.sign) r));
    WHEN 'evaluations' THEN
        PERFORM rq.visit_stats_apply(ARRAY(
            SELECT r
              FROM (SELECT coalesce(o ->> 'visit_id', n ->> 'visit_id')::bigint AS visit_id,
                           jsonb_populate_record(NULL::rq.evaluations, o) AS before,
                           jsonb_populate_record(NULL::rq.evaluations, n) AS after
                      FROM jsonb_array_elements(v_old) o
                      FULL JOIN jsonb_array_elements(v_new) n ON n -> 'visit_id' = o -> 'visit_id') c
              JOIN rq.visits v ON v.id = c.visit_id
             CROSS JOIN LATERAL (SELECT CASE WHEN (c.before).visit_id IS NOT NULL THEN c.before END AS ev, -1 AS sign
                                 UNION ALL
                                 SELECT CASE WHEN (c.after).visit_id IS NOT NULL THEN c.after END, 1) x
             CROSS JOIN LATERAL rq.visit_stats_rows(v, x.ev, v.unit_id, x.sign) r));
    WHEN 'cases' THEN
        PERFORM rq.case_stats_apply(ARRAY(
            SELECT r
              FROM (SELECT jsonb_populate_record(NULL::rq.cases, o) AS c, -1 AS sign
                      FROM jsonb_array_elements(v_old) o
                    UNION ALL
                    SELECT jsonb_populate_record(NULL::rq.cases, n), 1
                      FROM jsonb_array_elements(v_new) n) x
             CROSS JOIN LATERAL rq.case_stats_rows(x.c, x.sign) r));
    END CASE;
    RETURN NULL;
END
$$;

-- A participating unit of a joint inspection (a row of rq.visit_units with role
-- 'participant') counts one participation; the lead's row is counted with the visit. A row
-- trigger whose WHEN skips the lead's row in C: a registration writes one, and a statement
-- trigger would cost every registration a call (tests/bench/README.md, stats).
CREATE OR REPLACE FUNCTION rq.stats_on_participant() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
BEGIN
    PERFORM rq.visit_stats_apply(ARRAY(
        SELECT r
          FROM (SELECT OLD AS u, -1 AS sign WHERE TG_OP <> 'INSERT'
                UNION ALL
                SELECT NEW, 1 WHERE TG_OP <> 'DELETE') x
          JOIN rq.visits v ON v.id = (x.u).visit_id
         CROSS JOIN LATERAL rq.visit_stats_rows(v, NULL, (x.u).unit_id, x.sign) r
         WHERE (x.u).role = 'participant' AND (x.u).unit_id <> v.unit_id));
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS stats_insert ON rq.visit_units;
CREATE TRIGGER stats_insert AFTER INSERT ON rq.visit_units FOR EACH ROW
    WHEN (NEW.role = 'participant') EXECUTE FUNCTION rq.stats_on_participant();
DROP TRIGGER IF EXISTS stats_update ON rq.visit_units;
CREATE TRIGGER stats_update AFTER UPDATE ON rq.visit_units FOR EACH ROW
    WHEN (OLD.role = 'participant' OR NEW.role = 'participant')
    EXECUTE FUNCTION rq.stats_on_participant();
DROP TRIGGER IF EXISTS stats_delete ON rq.visit_units;
CREATE TRIGGER stats_delete AFTER DELETE ON rq.visit_units FOR EACH ROW
    WHEN (OLD.role = 'participant') EXECUTE FUNCTION rq.stats_on_participant();

-- Every statement that writes one of the other three tables: one trigger per event (a
-- trigger with transition tables takes one event).
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['visits', 'evaluations', 'cases'] LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS stats_insert ON rq.%I', t);
        EXECUTE format('CREATE TRIGGER stats_insert AFTER INSERT ON rq.%I'
                       ' REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT'
                       ' EXECUTE FUNCTION rq.stats_on_change()', t);
        EXECUTE format('DROP TRIGGER IF EXISTS stats_update ON rq.%I', t);
        EXECUTE format('CREATE TRIGGER stats_update AFTER UPDATE ON rq.%I'
                       ' REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION rq.stats_on_change()', t);
        EXECUTE format('DROP TRIGGER IF EXISTS stats_delete ON rq.%I', t);
        EXECUTE format('CREATE TRIGGER stats_delete AFTER DELETE ON rq.%I'
                       ' REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT'
                       ' EXECUTE FUNCTION rq.stats_on_change()', t);
    END LOOP;
END
$$;

-- rq.enterprise_ranks again from the month and year rows of the enterprises in rq.visit_stats
-- (rq.stats_rebuild, and the first migration to 0059 or 0069 below).
CREATE OR REPLACE FUNCTION rq.enterprise_ranks_build() RETURNS void
LANGUAGE sql SET search_path = rq, pg_temp AS $$
    DELETE FROM rq.enterprise_ranks;
    INSERT INTO rq.enterprise_ranks (grain, period, enterprise_id, entries)
    SELECT s.grain, s.period, s.key_id, sum(s.visits + s.participations)
      FROM rq.visit_stats s
     WHERE s.dim = 'enterprise' AND s.grain IN ('month', 'year')
     GROUP BY s.grain, s.period, s.key_id
    HAVING sum(s.visits + s.participations) <> 0
     ORDER BY 1, 2, 3;
$$;
REVOKE ALL ON FUNCTION rq.enterprise_ranks_build() FROM PUBLIC;

-- The version of the formulas above: a change of what a row counts changes it, and the next
-- `ruqima migrate` then builds every row again from the raw rows (below).
CREATE OR REPLACE FUNCTION rq.stats_formulas() RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT '2026-12-02.4'::text
$$;

-- Builds rq.visit_stats and rq.case_stats again from every visit and case (owner only:
-- `ruqima migrate` below, and the benchmarks' loader after a load without triggers). The
-- days come from the raw rows in one aggregation into a temporary table, the months and
-- years from the days; the tables' indexes are dropped for the load and made again from
-- their own definitions (sorting the whole table once is many times faster than inserting
-- every row into them: tests/bench/README.md, stats). Locks both tables for the transaction.
CREATE OR REPLACE FUNCTION rq.stats_rebuild() RETURNS void
LANGUAGE plpgsql SET search_path = rq, pg_temp SET work_mem = '512MB' AS $$
DECLARE
    v_keys    text := 'dim, grain, period, county_code, key_id, key2, source';
    v_sums    text;
    v_indexes text[];
    v_def     text;
BEGIN
    TRUNCATE rq.visit_stats, rq.case_stats, rq.enterprise_ranks;
    SELECT string_agg(format('sum(%I)::int', a.attname), ', ' ORDER BY a.attnum)
      INTO v_sums
      FROM pg_attribute a
     WHERE a.attrelid = 'rq.visit_stats'::regclass AND a.attnum > 7 AND NOT a.attisdropped;
    -- every index as its CREATE statement, the primary key as its constraint
    SELECT array_agg(CASE WHEN c.contype = 'p'
                          THEN format('ALTER TABLE %s ADD CONSTRAINT %I %s', i.indrelid::regclass,
                                      c.conname, pg_get_constraintdef(c.oid))
                          ELSE pg_get_indexdef(i.indexrelid) END)
      INTO v_indexes
      FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.contype = 'p'
     WHERE i.indrelid IN ('rq.visit_stats'::regclass, 'rq.case_stats'::regclass);
    ALTER TABLE rq.visit_stats DROP CONSTRAINT visit_stats_pkey;
    ALTER TABLE rq.case_stats DROP CONSTRAINT case_stats_pkey;
    DROP INDEX rq.visit_stats_key_idx, rq.case_stats_unit_idx, rq.case_stats_responsible_idx;

    CREATE TEMPORARY TABLE stats_days ON COMMIT DROP AS SELECT * FROM rq.visit_stats WITH NO DATA;
    EXECUTE format(
        'INSERT INTO stats_days SELECT %1$s, %2$s FROM ('
        ' SELECT r.* FROM rq.visits v LEFT JOIN rq.evaluations e ON e.visit_id = v.id'
        '  CROSS JOIN LATERAL rq.visit_stats_rows(v, e, v.unit_id, 1, ''{day}'') r'
        ' UNION ALL'
        ' SELECT r.* FROM rq.visit_units vu JOIN rq.visits v ON v.id = vu.visit_id'
        '  CROSS JOIN LATERAL rq.visit_stats_rows(v, NULL, vu.unit_id, 1, ''{day}'') r'
        '  WHERE vu.role = ''participant'' AND vu.unit_id <> v.unit_id) r'
        ' GROUP BY %1$s', v_keys, v_sums);
    -- in the order of the primary key: the rows a statistic reads (a dim, a grain, a period)
    -- lie together
    EXECUTE format(
        'INSERT INTO rq.visit_stats SELECT * FROM ('
        ' SELECT * FROM stats_days s'
        '  WHERE ''day'' = ANY (rq.visit_stats_grains(s.dim))'
        ' UNION ALL'
        ' SELECT s.dim, g.grain, date_trunc(g.grain, s.period::timestamp)::date, s.county_code, s.key_id,'
        '        s.key2, s.source, %2$s'
        '   FROM stats_days s CROSS JOIN LATERAL unnest(rq.visit_stats_grains(s.dim)) g (grain)'
        '  WHERE g.grain <> ''day'''
        '  GROUP BY s.dim, g.grain, 3, s.county_code, s.key_id, s.key2, s.source) x'
        ' ORDER BY %1$s',
        v_keys, v_sums);
    PERFORM rq.enterprise_ranks_build();
    INSERT INTO rq.case_stats
    SELECT r.dim, r.grain, r.period, r.county_code, r.unit_id, r.source, r.status,
           r.classification, r.outcome, r.responsible_unit_id, r.responsible_account_id,
           sum(r.cases), sum(r.handed_over), sum(r.reopened)
      FROM rq.cases c CROSS JOIN LATERAL rq.case_stats_rows(c, 1) r
     GROUP BY r.dim, r.grain, r.period, r.county_code, r.unit_id, r.source, r.status,
              r.classification, r.outcome, r.responsible_unit_id, r.responsible_account_id
     ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;

    FOREACH v_def IN ARRAY v_indexes LOOP
        EXECUTE v_def;
    END LOOP;
    INSERT INTO rq.stats_builds (formulas, visit_rows, case_rows)
    VALUES (rq.stats_formulas(), (SELECT count(*) FROM rq.visit_stats),
            (SELECT count(*) FROM rq.case_stats))
    ON CONFLICT (formulas) DO UPDATE
       SET built_at = now(), visit_rows = EXCLUDED.visit_rows, case_rows = EXCLUDED.case_rows;
END
$$;
REVOKE ALL ON FUNCTION rq.stats_rebuild() FROM PUBLIC;

-- A database whose rows were counted with other formulas, or never (the visits before
-- migration 0029), is counted again now.
SELECT rq.stats_rebuild()
 WHERE NOT EXISTS (SELECT 1 FROM rq.stats_builds b WHERE b.formulas = rq.stats_formulas());
-- A database counted before migration 0069 (or 0059) gets its ranking from its month and year
-- rows.
SELECT rq.enterprise_ranks_build()
 WHERE NOT EXISTS (SELECT 1 FROM rq.enterprise_ranks WHERE grain = 'month')
   AND EXISTS (SELECT 1 FROM rq.visit_stats WHERE dim = 'enterprise' AND grain = 'month');
