-- app/reporting/sql/statistics.sql — the statistics of the reporting family (app/reporting/statistics.c): a date range as pieces of the aggregates, each statistic by its groupings, and the visits and cases behind a figure.
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.
--
-- A statistic's query is planned at every call and may aggregate a hundred thousand rows:
-- the functions run it without JIT (compiling it cost more than running it) and with the
-- memory to hash its groups (work_mem, not spilled to disk: tests/bench/README.md, stats).
--
-- Every function here is SECURITY INVOKER: row-level security of rq.visit_stats,
-- rq.case_stats, rq.visits and rq.cases decides what the reader counts (the city-wide roles
-- everything, a county admin its county, a unit admin its unit). A unit admin's figures are
-- also narrowed to its unit explicitly (coalesce(p_unit, rq.actor_unit_scope())), so that
-- they are read through the unit's own index entries. The queries are run with EXECUTE ...
-- USING: planned for the values of the call (a filter not given folds away), never built
-- from them.
--
-- Days are the city's. A range is from p_from to p_to inclusive.

-- A span of days within one year as whole months and days, signed: a month mostly inside
-- the span is the month less its days outside.
CREATE OR REPLACE FUNCTION rq.stats_span(p_lo date, p_hi date)
RETURNS TABLE (grain text, period date, sign int)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
#variable_conflict use_column
DECLARE
    ms date := date_trunc('month', p_lo::timestamp)::date;
    me date;
    lo date;
    hi date;
BEGIN
    WHILE ms <= p_hi LOOP
        me := (ms + interval '1 month')::date - 1;
        lo := greatest(p_lo, ms);
        hi := least(p_hi, me);
        IF lo = ms AND hi = me THEN
            RETURN QUERY SELECT 'month'::text, ms, 1;
        ELSIF hi - lo + 1 <= 1 + (me - ms + 1) - (hi - lo + 1) THEN
            RETURN QUERY SELECT 'day'::text, d::date, 1 FROM generate_series(lo, hi, interval '1 day') d;
        ELSE
            RETURN QUERY SELECT 'month'::text, ms, 1
                         UNION ALL
                         SELECT 'day'::text, d::date, -1 FROM generate_series(ms, me, interval '1 day') d
                          WHERE d < lo OR d > hi;
        END IF;
        ms := me + 1;
    END LOOP;
END
$$;
GRANT EXECUTE ON FUNCTION rq.stats_span(date, date) TO ruqima_reporting, ruqima_report;

-- The range from p_from to p_to as a signed sum of rows of the aggregates: whole years,
-- months and days, the fewest of them (a year mostly inside the range is the year less the
-- months and days outside it). A calendar year is one piece; any 365 days at most ~40. A
-- piece is the rows of its grain with a period from period to until (here the same day).
CREATE OR REPLACE FUNCTION rq.stats_pieces(p_from date, p_to date)
RETURNS TABLE (grain text, period date, until date, sign int)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE ROWS 40 AS $$
#variable_conflict use_column
DECLARE
    ys date := date_trunc('year', p_from::timestamp)::date;
    ye date;
    lo date;
    hi date;
BEGIN
    WHILE ys <= p_to LOOP
        ye := (ys + interval '1 year')::date - 1;
        lo := greatest(p_from, ys);
        hi := least(p_to, ye);
        IF lo = ys AND hi = ye THEN
            RETURN QUERY SELECT 'year'::text, ys, ys, 1;
        ELSIF (SELECT count(*) FROM rq.stats_span(lo, hi))
              <= 1 + (SELECT count(*) FROM rq.stats_span(ys, lo - 1))
                   + (SELECT count(*) FROM rq.stats_span(hi + 1, ye)) THEN
            RETURN QUERY SELECT s.grain, s.period, s.period, s.sign FROM rq.stats_span(lo, hi) s;
        ELSE
            RETURN QUERY SELECT 'year'::text, ys, ys, 1
                         UNION ALL
                         SELECT s.grain, s.period, s.period, -s.sign FROM rq.stats_span(ys, lo - 1) s
                         UNION ALL
                         SELECT s.grain, s.period, s.period, -s.sign FROM rq.stats_span(hi + 1, ye) s;
        END IF;
        ys := ye + 1;
    END LOOP;
END
$$;
GRANT EXECUTE ON FUNCTION rq.stats_pieces(date, date) TO ruqima_reporting, ruqima_report;

-- The pieces of the range in the rows of rq.visit_stats of dim p_dim: all its days at once
-- (one range of the index) for a dim kept by the day only (rq.visit_stats_grains), else
-- rq.stats_pieces.
CREATE OR REPLACE FUNCTION rq.stats_pieces_of(p_dim text, p_from date, p_to date)
RETURNS TABLE (grain text, period date, until date, sign int)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE ROWS 40 AS $$
BEGIN
    IF rq.visit_stats_grains(p_dim) = '{day}' THEN
        RETURN QUERY SELECT 'day'::text, p_from, p_to, 1;
    ELSE
        RETURN QUERY SELECT * FROM rq.stats_pieces(p_from, p_to);
    END IF;
END
$$;
GRANT EXECUTE ON FUNCTION rq.stats_pieces_of(text, date, date) TO ruqima_reporting, ruqima_report;

-- The path of the visits or cases behind a figure (GET /api/v1/reporting/statistics/
-- visits/items, .../cases/items): the range, then p_more ("&unit_id=7&source=platform", what
-- narrows the figure's row).
CREATE OR REPLACE FUNCTION rq.stats_href(p_what text, p_from date, p_to date, p_more text)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT '/api/v1/reporting/statistics/' || p_what || '/items?from=' || p_from || '&to='
           || p_to || coalesce(p_more, '')
$$;
GRANT EXECUTE ON FUNCTION rq.stats_href(text, date, date, text) TO ruqima_reporting, ruqima_report;

-- "&name=value" for a filter given, "" for one not given.
CREATE OR REPLACE FUNCTION rq.stats_arg(p_name text, p_value text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$ SELECT coalesce('&' || p_name || '=' || p_value, '') $$;
GRANT EXECUTE ON FUNCTION rq.stats_arg(text, text) TO ruqima_reporting, ruqima_report;

-- The name of what a figure's row is about: a unit, a county (the city's units without
-- one: 市直), an enterprise, an activity type.
CREATE OR REPLACE FUNCTION rq.stats_label(p_group text, p_key text) RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT CASE p_group
        WHEN 'unit' THEN (SELECT u.name FROM rq.units u WHERE u.id = p_key::bigint)
        WHEN 'county' THEN (SELECT r.name FROM rq.regions r WHERE r.code = p_key)
        WHEN 'enterprise' THEN (SELECT e.name FROM rq.enterprises e WHERE e.id = p_key::bigint)
        WHEN 'activity_type' THEN rq.activity_label(p_key)
    END
$$;
GRANT EXECUTE ON FUNCTION rq.stats_label(text, text) TO ruqima_reporting, ruqima_report;

-- The rows of rq.visit_stats of dim p_dim that make up the range, their counts signed as
-- their piece is (rq.stats_pieces_of), as the reader may see them (row-level security),
-- narrowed to a county, a key (p_key: a unit of the unit, pair and exemption dims) and a
-- source when given. Each piece's rows are read by one range of the primary key (a LATERAL
-- subquery, so that the planner never hashes the whole dim instead). Inlined into its callers.
CREATE OR REPLACE FUNCTION rq.stats_rows(p_dim text, p_from date, p_to date, p_county text,
                                         p_key bigint, p_source text)
RETURNS SETOF rq.visit_stats
LANGUAGE sql STABLE
AS $$
    SELECT s.dim, s.grain, s.period, s.county_code, s.key_id, s.key2, s.source,
           p.sign * s.visits, p.sign * s.visits_visit, p.sign * s.visits_research,
           p.sign * s.visits_inspection, p.sign * s.joint, p.sign * s.participations,
           p.sign * s.far_away, p.sign * s.location_refused, p.sign * s.backfill,
           p.sign * s.official_unverified, p.sign * s.quiet_day_exemption,
           p.sign * s.inspection_over_cap, p.sign * s.frequency_day, p.sign * s.frequency_week,
           p.sign * s.frequency_month, p.sign * s.unfinished, p.sign * s.confirmed,
           p.sign * s.disputed, p.sign * s.rated, p.sign * s.satisfied,
           p.sign * s.basically_satisfied, p.sign * s.unsatisfied, p.sign * s.anonymous
      FROM rq.stats_pieces_of(p_dim, p_from, p_to) p
     CROSS JOIN LATERAL (SELECT * FROM rq.visit_stats x
                          WHERE x.dim = p_dim AND x.grain = p.grain
                            AND x.period BETWEEN p.period AND p.until
                            AND (p_key IS NULL OR x.key_id = p_key)
                            AND (p_county IS NULL OR x.county_code = p_county)
                            AND (p_source IS NULL OR x.source = p_source)
                         OFFSET 0) s
$$;
GRANT EXECUTE ON FUNCTION rq.stats_rows(text, date, date, text, bigint, text) TO ruqima_reporting, ruqima_report;

-- The dim a statistic by unit or county reads: the unit's rows when it is about one unit
-- (asked for, or a unit admin's own) or by unit, else the county's.
CREATE OR REPLACE FUNCTION rq.stats_dim(p_group text, p_unit bigint) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$ SELECT CASE WHEN p_group = 'unit' OR p_unit IS NOT NULL THEN 'unit' ELSE 'county' END $$;
GRANT EXECUTE ON FUNCTION rq.stats_dim(text, bigint) TO ruqima_reporting;

-- The rows of rq.case_stats of dim p_dim ('opened', 'determined') that make up the range,
-- signed, as the reader may see them, narrowed to a county, a unit (the case's for 'opened',
-- the one found responsible for 'determined') and a case source when given. As
-- rq.stats_rows.
CREATE OR REPLACE FUNCTION rq.stats_case_rows(p_dim text, p_from date, p_to date,
                                              p_county text, p_unit bigint, p_source text)
RETURNS SETOF rq.case_stats
LANGUAGE sql STABLE
AS $$
    SELECT s.dim, s.grain, s.period, s.county_code, s.unit_id, s.source, s.status,
           s.classification, s.outcome, s.responsible_unit_id, s.responsible_account_id,
           p.sign * s.cases, p.sign * s.handed_over, p.sign * s.reopened
      FROM rq.stats_pieces(p_from, p_to) p
     CROSS JOIN LATERAL (SELECT * FROM rq.case_stats x
                          WHERE x.dim = p_dim AND x.grain = p.grain
                            AND x.period BETWEEN p.period AND p.until
                            AND (p_unit IS NULL
                                 OR CASE WHEN p_dim = 'opened' THEN x.unit_id
                                         ELSE x.responsible_unit_id END = p_unit)
                            AND (p_county IS NULL OR x.county_code = p_county)
                            AND (p_source IS NULL OR x.source = p_source)
                         OFFSET 0) s
$$;
GRANT EXECUTE ON FUNCTION rq.stats_case_rows(text, date, date, text, bigint, text)
    TO ruqima_reporting, ruqima_report;

-- Visits (频次全透明) grouped by p_group: unit, county, activity_type, enterprise (the most
-- entered first), or day, week, month. visits counts each visit once, for its lead unit;
-- participations each participating unit of a joint inspection once more; unit_entries is
-- their sum (a unit's row: how often the unit entered). A unit's figures (p_unit, or a unit
-- admin's own) come from the unit's rows; per enterprise, from its rows of rq.visit_units
-- (an aggregate per unit and enterprise would be as large as the table). p_limit bounds the
-- unit and enterprise rankings.
CREATE OR REPLACE FUNCTION rq.stats_visits(p_from date, p_to date, p_group text, p_county text,
                                           p_unit bigint, p_source text, p_limit int)
RETURNS TABLE (key text, label text, visits bigint, visits_visit bigint, visits_research bigint,
               visits_inspection bigint, joint bigint, participations bigint,
               unit_entries bigint, visits_href text, participations_href text)
LANGUAGE plpgsql STABLE SET jit = off SET work_mem = '64MB' AS $$
DECLARE
    v_unit bigint := coalesce(p_unit, rq.actor_unit_scope());
    -- what narrows every row's visits: the filters, and the unit of a unit's figures
    v_more text := rq.stats_arg('county', p_county) || rq.stats_arg('source', p_source)
                   || CASE WHEN p_group <> 'unit' THEN rq.stats_arg('unit_id', v_unit::text) ELSE '' END;
    -- the range as pieces (rq.stats_pieces): a calendar year or month is one piece
    v_pieces int;
    v_grain text;
BEGIN
    SELECT CASE WHEN bool_or(p.sign = -1) THEN 0 ELSE count(*) END, min(p.grain)
      INTO v_pieces, v_grain
      FROM rq.stats_pieces(p_from, p_to) p;
    IF p_group = 'enterprise' AND v_unit IS NOT NULL THEN
        RETURN QUERY EXECUTE $q$
            SELECT t.key::text, rq.stats_label('enterprise', t.key::text), t.visits, t.visit,
                   t.research, t.inspection, t.joint, t.participations,
                   t.visits + t.participations,
                   rq.stats_href('visits', $1, $2, $6 || '&enterprise_id=' || t.key),
                   rq.stats_href('visits', $1, $2, $6 || '&enterprise_id=' || t.key
                                 || '&role=participant')
              FROM (SELECT vu.enterprise_id AS key,
                           count(*) FILTER (WHERE vu.role = 'lead') AS visits,
                           count(*) FILTER (WHERE vu.role = 'lead' AND v.activity_type = 'visit') AS visit,
                           count(*) FILTER (WHERE vu.role = 'lead' AND v.activity_type = 'research') AS research,
                           count(*) FILTER (WHERE vu.role = 'lead' AND v.activity_type = 'inspection') AS inspection,
                           count(*) FILTER (WHERE vu.role = 'lead' AND v.joint_kind IS NOT NULL) AS joint,
                           count(*) FILTER (WHERE vu.role = 'participant') AS participations
                      FROM rq.visit_units vu JOIN rq.visits v ON v.id = vu.visit_id
                     WHERE vu.unit_id = $3 AND NOT vu.withdrawn AND v.withdrawn_at IS NULL
                       AND vu.entered_at >= $1::timestamp AT TIME ZONE 'Asia/Shanghai'
                       AND vu.entered_at < ($2 + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
                       AND ($4::text IS NULL OR v.county_code = $4)
                       AND ($5::text IS NULL OR v.source = $5)
                     GROUP BY vu.enterprise_id) t
             ORDER BY t.visits + t.participations DESC, t.key
             LIMIT $7
        $q$ USING p_from, p_to, v_unit, p_county, p_source, v_more, p_limit;
    ELSIF p_group IN ('unit', 'enterprise') THEN
        RETURN QUERY EXECUTE format($q$
            SELECT t.key::text, rq.stats_label($3, t.key::text), t.visits, t.visit, t.research,
                   t.inspection, t.joint, t.participations, t.visits + t.participations,
                   rq.stats_href('visits', $1, $2, $7 || CASE $3 WHEN 'unit' THEN '&unit_id='
                                                                  ELSE '&enterprise_id=' END || t.key),
                   rq.stats_href('visits', $1, $2, $7 || CASE $3 WHEN 'unit' THEN '&unit_id='
                                                                  ELSE '&enterprise_id=' END || t.key
                                 || '&role=participant')
              -- the ranking first, the names and paths of its rows only
              FROM (SELECT s.key_id AS key, sum(s.visits) AS visits,
                           sum(s.visits_visit) AS visit, sum(s.visits_research) AS research,
                           sum(s.visits_inspection) AS inspection, sum(s.joint) AS joint,
                           sum(s.participations) AS participations
                      FROM %s
                     GROUP BY s.key_id
                    HAVING (sum(s.visits), sum(s.participations)) <> (0, 0)
                     ORDER BY sum(s.visits) + sum(s.participations) DESC, s.key_id
                     LIMIT $8) t
             ORDER BY t.visits + t.participations DESC, t.key
        $q$, CASE WHEN p_group <> 'enterprise' OR p_county IS NOT NULL OR p_source IS NOT NULL
                       OR NOT rq.actor_sees_all()
                  THEN 'rq.stats_rows($3, $1, $2, $4, $5, $6) s'
                  -- the whole city: the enterprises' ranking kept on write (rq.enterprise_ranks)
                  -- first, then the rows of the top enterprises only. A calendar year or
                  -- month is one range of its index; another range sums the ranking's month
                  -- and year rows (and the enterprises' day rows of its days) as pieces.
                  WHEN v_pieces = 1 AND v_grain <> 'day'
                  THEN $f$(SELECT k.enterprise_id AS key FROM rq.enterprise_ranks k
                            WHERE k.grain = $9 AND k.period = $1 AND k.entries > 0
                            ORDER BY k.entries DESC, k.enterprise_id LIMIT $8) k
                           JOIN rq.visit_stats s
                             ON s.dim = 'enterprise' AND s.grain = $9 AND s.period = $1
                            AND s.key_id = k.key$f$
                  ELSE $f$(SELECT q.key FROM (
                               SELECT k.enterprise_id AS key, p.sign * k.entries AS n
                                 FROM rq.stats_pieces($1, $2) p
                                 JOIN rq.enterprise_ranks k ON k.grain = p.grain AND k.period = p.period
                                WHERE p.grain <> 'day'
                               UNION ALL
                               SELECT x.key_id, p.sign * (x.visits + x.participations)
                                 FROM rq.stats_pieces($1, $2) p
                                 JOIN rq.visit_stats x
                                   ON x.dim = 'enterprise' AND x.grain = 'day' AND x.period = p.period
                                WHERE p.grain = 'day') q
                            GROUP BY q.key HAVING sum(q.n) <> 0
                            ORDER BY sum(q.n) DESC, q.key LIMIT $8) k
                           CROSS JOIN LATERAL (
                               SELECT x.key_id, p.sign * x.visits AS visits,
                                      p.sign * x.visits_visit AS visits_visit,
                                      p.sign * x.visits_research AS visits_research,
                                      p.sign * x.visits_inspection AS visits_inspection,
                                      p.sign * x.joint AS joint, p.sign * x.participations AS participations
                                 FROM rq.stats_pieces($1, $2) p
                                 JOIN rq.visit_stats x
                                   ON x.dim = 'enterprise' AND x.key_id = k.key
                                  AND x.grain = p.grain AND x.period = p.period) s$f$ END)
        USING p_from, p_to, p_group, p_county, v_unit, p_source, v_more, p_limit, v_grain;
    ELSIF p_group IN ('day', 'week', 'month') THEN
        RETURN QUERY EXECUTE $q$
            SELECT to_char(t.b, 'YYYY-MM-DD'),
                   to_char(t.b, CASE $3 WHEN 'day' THEN 'YYYY-MM-DD' WHEN 'week' THEN 'IYYY-"W"IW'
                                        ELSE 'YYYY-MM' END),
                   t.visits, t.visit, t.research, t.inspection, t.joint, t.participations,
                   t.visits + t.participations,
                   rq.stats_href('visits', greatest(t.b::date, $1),
                                 least((t.b + ('1 ' || $3)::interval)::date - 1, $2), $7),
                   CASE WHEN $5::bigint IS NOT NULL
                        THEN rq.stats_href('visits', greatest(t.b::date, $1),
                                           least((t.b + ('1 ' || $3)::interval)::date - 1, $2),
                                           $7 || '&role=participant') END
              FROM (SELECT date_trunc($3, s.period::timestamp) AS b, sum(s.visits) AS visits,
                           sum(s.visits_visit) AS visit, sum(s.visits_research) AS research,
                           sum(s.visits_inspection) AS inspection, sum(s.joint) AS joint,
                           sum(s.participations) AS participations
                      FROM rq.visit_stats s
                     WHERE s.dim = rq.stats_dim('day', $5) AND s.grain = 'day'
                       AND s.period BETWEEN $1 AND $2
                       AND ($5::bigint IS NULL OR s.key_id = $5)
                       AND ($4::text IS NULL OR s.county_code = $4)
                       AND ($6::text IS NULL OR s.source = $6)
                     GROUP BY 1) t
             ORDER BY t.b
        $q$ USING p_from, p_to, p_group, p_county, v_unit, p_source, v_more;
    ELSE
        -- county, activity_type: the county's rows (a unit's when about one unit)
        RETURN QUERY EXECUTE $q$
            WITH t AS (
                SELECT CASE WHEN $3 = 'county' THEN s.county_code ELSE '' END AS key,
                       sum(s.visits) AS visits, sum(s.visits_visit) AS visit,
                       sum(s.visits_research) AS research, sum(s.visits_inspection) AS inspection,
                       sum(s.joint) AS joint, sum(s.participations) AS participations
                  FROM rq.stats_rows(rq.stats_dim($3, $5), $1, $2, $4, $5, $6) s
                 GROUP BY 1
            )
            SELECT x.key, rq.stats_label($3, x.key), x.visits, x.visit, x.research,
                   x.inspection, x.joint, x.participations, x.visits + x.participations,
                   rq.stats_href('visits', $1, $2, $7 || CASE $3 WHEN 'county' THEN '&county='
                                                                  ELSE '&activity_type=' END || x.key),
                   CASE WHEN $5::bigint IS NOT NULL
                        THEN rq.stats_href('visits', $1, $2, $7 || CASE $3 WHEN 'county' THEN '&county='
                                                                            ELSE '&activity_type=' END
                                           || x.key || '&role=participant') END
              FROM (SELECT t.* FROM t WHERE $3 = 'county'
                    UNION ALL
                    SELECT a.* FROM t CROSS JOIN LATERAL (VALUES
                           ('visit', t.visit, t.visit, 0::bigint, 0::bigint, 0::bigint, 0::bigint),
                           ('research', t.research, 0, t.research, 0, 0, 0),
                           ('inspection', t.inspection, 0, 0, t.inspection, t.joint,
                            t.participations))
                           AS a (key, visits, visit, research, inspection, joint, participations)
                     WHERE $3 = 'activity_type') x
             WHERE (x.visits, x.participations) <> (0, 0)
             ORDER BY array_position('{visit,research,inspection}', x.key), x.key
        $q$ USING p_from, p_to, p_group, p_county, v_unit, p_source, v_more;
    END IF;
END
$$;
GRANT EXECUTE ON FUNCTION rq.stats_visits(date, date, text, text, bigint, text, int) TO ruqima_reporting;

-- Flags of the visits (the lead unit's): far away, location refused, back-filled, unverified
-- official, quiet-day exemption, over the yearly cap, frequency, and results not filed:
-- unfinished, and unfinished past due (finish_due_hours after the registration, counted
-- now: the unfinished less those registered too recently to be due, read from the raw
-- rows, which are one due time's registrations at most). p_group: unit or county.
CREATE OR REPLACE FUNCTION rq.stats_flags(p_from date, p_to date, p_group text, p_county text,
                                          p_unit bigint, p_source text, p_limit int)
RETURNS TABLE (key text, label text, visits bigint, far_away bigint, location_refused bigint,
               backfill bigint, official_unverified bigint, quiet_day_exemption bigint,
               inspection_over_cap bigint, frequency_day bigint, frequency_week bigint,
               frequency_month bigint, unfinished bigint, unfinished_past_due bigint,
               visits_href text)
LANGUAGE plpgsql STABLE SET jit = off SET work_mem = '64MB' AS $$
DECLARE
    v_unit bigint := coalesce(p_unit, rq.actor_unit_scope());
    v_more text := rq.stats_arg('county', p_county) || rq.stats_arg('source', p_source)
                   || CASE WHEN p_group <> 'unit' THEN rq.stats_arg('unit_id', v_unit::text) ELSE '' END;
BEGIN
    RETURN QUERY EXECUTE $q$
        WITH t AS (
            SELECT CASE WHEN $3 = 'unit' THEN s.key_id::text ELSE s.county_code END AS key,
                   sum(s.visits) AS visits, sum(s.far_away) AS far_away,
                   sum(s.location_refused) AS location_refused, sum(s.backfill) AS backfill,
                   sum(s.official_unverified) AS official_unverified,
                   sum(s.quiet_day_exemption) AS quiet_day_exemption,
                   sum(s.inspection_over_cap) AS inspection_over_cap,
                   sum(s.frequency_day) AS frequency_day, sum(s.frequency_week) AS frequency_week,
                   sum(s.frequency_month) AS frequency_month, sum(s.unfinished) AS unfinished
              FROM rq.stats_rows(rq.stats_dim($3, $5), $1, $2, $4, $5, $6) s
             GROUP BY 1
        ), not_due AS (
            SELECT CASE WHEN $3 = 'unit' THEN v.unit_id::text ELSE v.county_code END AS key,
                   count(*) AS n
              FROM rq.visits v
             WHERE v.finished_at IS NULL AND v.withdrawn_at IS NULL
               AND v.registered_at >= now() - make_interval(hours => rq.policy_value('finish_due_hours'))
               -- registered at most backfill_days_max (60 at the most) days after the entry:
               -- a range that ended longer ago has none of them, and no index entry is read
               AND v.registered_at < ($2 + 62)::timestamp AT TIME ZONE 'Asia/Shanghai'
               AND v.entered_at >= $1::timestamp AT TIME ZONE 'Asia/Shanghai'
               AND v.entered_at < ($2 + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
               AND ($5::bigint IS NULL OR v.unit_id = $5)
               AND ($4::text IS NULL OR v.county_code = $4)
               AND ($6::text IS NULL OR v.source = $6)
             GROUP BY 1
        )
        SELECT t.key, rq.stats_label($3, t.key), t.visits, t.far_away, t.location_refused,
               t.backfill, t.official_unverified, t.quiet_day_exemption, t.inspection_over_cap,
               t.frequency_day, t.frequency_week, t.frequency_month, t.unfinished,
               t.unfinished - coalesce(n.n, 0),
               rq.stats_href('visits', $1, $2, $7 || CASE WHEN $3 = 'unit' THEN '&unit_id='
                                                          ELSE '&county=' END || t.key)
          FROM t LEFT JOIN not_due n ON n.key = t.key
         WHERE t.visits <> 0
         ORDER BY CASE WHEN $3 = 'unit' THEN -t.visits END, t.key
         LIMIT $8
    $q$ USING p_from, p_to, p_group, p_county, v_unit, p_source, v_more, p_limit;
END
$$;
GRANT EXECUTE ON FUNCTION rq.stats_flags(date, date, text, text, bigint, text, int) TO ruqima_reporting;

-- Ratings and 满意率 = (满意 + 基本满意) ÷ rated, per unit or county: anonymous ratings are
-- counted (anonymous says how many) and never attributed; the enterprises' answers
-- (confirmed, disputed); and the no-scan reports (未扫码入企, by the day reported; the unit
-- the enterprise named, '0' when it named none), which are not visits: the source filter
-- does not apply to them.
CREATE OR REPLACE FUNCTION rq.stats_ratings(p_from date, p_to date, p_group text, p_county text,
                                            p_unit bigint, p_source text, p_limit int)
RETURNS TABLE (key text, label text, visits bigint, confirmed bigint, disputed bigint,
               rated bigint, satisfied bigint, basically_satisfied bigint, unsatisfied bigint,
               anonymous bigint, satisfaction_rate numeric, no_scan_reports bigint,
               visits_href text, cases_href text)
LANGUAGE plpgsql STABLE SET jit = off SET work_mem = '64MB' AS $$
DECLARE
    v_unit bigint := coalesce(p_unit, rq.actor_unit_scope());
    v_more text := rq.stats_arg('county', p_county)
                   || CASE WHEN p_group <> 'unit' THEN rq.stats_arg('unit_id', v_unit::text) ELSE '' END;
BEGIN
    RETURN QUERY EXECUTE $q$
        WITH t AS (
            SELECT CASE WHEN $3 = 'unit' THEN s.key_id::text ELSE s.county_code END AS key,
                   sum(s.visits) AS visits, sum(s.confirmed) AS confirmed,
                   sum(s.disputed) AS disputed, sum(s.rated) AS rated,
                   sum(s.satisfied) AS satisfied, sum(s.basically_satisfied) AS basically_satisfied,
                   sum(s.unsatisfied) AS unsatisfied, sum(s.anonymous) AS anonymous
              FROM rq.stats_rows(rq.stats_dim($3, $5), $1, $2, $4, $5, $6) s
             GROUP BY 1
        ), n AS (
            SELECT CASE WHEN $3 = 'unit' THEN s.unit_id::text ELSE s.county_code END AS key,
                   sum(s.cases) AS reports
              FROM rq.stats_case_rows('opened', $1, $2, $4, $5, 'no_scan') s
             GROUP BY 1
        )
        SELECT x.key, coalesce(rq.stats_label($3, x.key), '单位不明'),
               coalesce(t.visits, 0), coalesce(t.confirmed, 0), coalesce(t.disputed, 0),
               coalesce(t.rated, 0), coalesce(t.satisfied, 0),
               coalesce(t.basically_satisfied, 0), coalesce(t.unsatisfied, 0),
               coalesce(t.anonymous, 0),
               round((t.satisfied + t.basically_satisfied)::numeric / nullif(t.rated, 0), 4),
               coalesce(n.reports, 0),
               rq.stats_href('visits', $1, $2, $7 || rq.stats_arg('source', $6)
                             || CASE WHEN $3 = 'unit' THEN '&unit_id=' ELSE '&county=' END || x.key),
               rq.stats_href('cases', $1, $2, $7 || '&case_source=no_scan'
                             || CASE WHEN $3 = 'unit' THEN '&unit_id=' ELSE '&county=' END || x.key)
          FROM (SELECT t.key FROM t WHERE (t.visits, t.rated) <> (0, 0)
                UNION SELECT n.key FROM n WHERE n.reports <> 0) x
          LEFT JOIN t ON t.key = x.key
          LEFT JOIN n ON n.key = x.key
         ORDER BY CASE WHEN $3 = 'unit' THEN -coalesce(t.rated, 0) END, x.key
         LIMIT $8
    $q$ USING p_from, p_to, p_group, p_county, v_unit, p_source, v_more, p_limit;
END
$$;
GRANT EXECUTE ON FUNCTION rq.stats_ratings(date, date, text, text, bigint, text, int) TO ruqima_reporting;

-- Hot spots: unit–enterprise pairs over the thresholds of §5 (the lead unit's visits flagged
-- for frequency per day, week or month, or over the yearly inspection cap: the flags were
-- judged by the thresholds in force at each registration), most flagged first; with
-- p_over_cap only the pairs with inspections over the cap, most of those first.
CREATE OR REPLACE FUNCTION rq.stats_pairs(p_from date, p_to date, p_county text, p_unit bigint,
                                          p_source text, p_over_cap boolean, p_limit int)
RETURNS TABLE (unit_id text, unit_name text, enterprise_id text, enterprise_name text,
               flagged bigint, frequency_day bigint, frequency_week bigint,
               frequency_month bigint, inspection_over_cap bigint, visits_href text)
LANGUAGE plpgsql STABLE SET jit = off SET work_mem = '64MB' AS $$
DECLARE
    v_unit bigint := coalesce(p_unit, rq.actor_unit_scope());
    v_more text := rq.stats_arg('county', p_county) || rq.stats_arg('source', p_source);
BEGIN
    RETURN QUERY EXECUTE $q$
        SELECT t.unit_id::text, rq.stats_label('unit', t.unit_id::text), t.enterprise_id::text,
               rq.stats_label('enterprise', t.enterprise_id::text), t.visits, t.frequency_day,
               t.frequency_week, t.frequency_month, t.inspection_over_cap,
               rq.stats_href('visits', $1, $2, $5 || '&unit_id=' || t.unit_id || '&enterprise_id='
                             || t.enterprise_id || CASE WHEN $6 THEN '&flag=inspection_over_cap'
                                                        ELSE '&flag=frequency_or_cap' END)
          FROM (SELECT s.key_id AS unit_id, s.key2 AS enterprise_id,
                       sum(s.visits) AS visits,
                       sum(s.frequency_day) AS frequency_day,
                       sum(s.frequency_week) AS frequency_week,
                       sum(s.frequency_month) AS frequency_month,
                       sum(s.inspection_over_cap) AS inspection_over_cap
                  FROM rq.stats_rows('pair', $1, $2, $3, $4, $7) s
                 GROUP BY 1, 2) t
         WHERE CASE WHEN $6 THEN t.inspection_over_cap ELSE t.visits END <> 0
         ORDER BY CASE WHEN $6 THEN t.inspection_over_cap ELSE t.visits END DESC, t.unit_id,
                  t.enterprise_id
         LIMIT $8
    $q$ USING p_from, p_to, p_county, v_unit, v_more, coalesce(p_over_cap, false), p_source,
              p_limit;
END
$$;
GRANT EXECUTE ON FUNCTION rq.stats_pairs(date, date, text, bigint, text, boolean, int) TO ruqima_reporting;

-- Quiet-day (无扰日) inspections by their exemption category.
CREATE OR REPLACE FUNCTION rq.stats_quiet_days(p_from date, p_to date, p_county text,
                                               p_unit bigint, p_source text)
RETURNS TABLE (key text, label text, inspections bigint, visits_href text)
LANGUAGE plpgsql STABLE SET jit = off SET work_mem = '64MB' AS $$
DECLARE
    v_unit bigint := coalesce(p_unit, rq.actor_unit_scope());
    v_more text := rq.stats_arg('county', p_county) || rq.stats_arg('source', p_source)
                   || rq.stats_arg('unit_id', v_unit::text);
BEGIN
    RETURN QUERY EXECUTE $q$
        SELECT c.category, rq.exemption_label(c.category), t.n,
               rq.stats_href('visits', $1, $2, $5 || '&flag=quiet_day_exemption&exemption=' || c.category)
          FROM (SELECT s.key2, sum(s.quiet_day_exemption) AS n
                  FROM rq.stats_rows('exemption', $1, $2, $3, $4, $6) s
                 GROUP BY 1) t
         CROSS JOIN LATERAL (SELECT (rq.exemption_categories())[t.key2] AS category) c
         WHERE t.n <> 0
         ORDER BY t.n DESC, t.key2
    $q$ USING p_from, p_to, p_county, v_unit, v_more, p_source;
END
$$;
GRANT EXECUTE ON FUNCTION rq.stats_quiet_days(date, date, text, bigint, text) TO ruqima_reporting;

-- 重复检查 / 超频次 / ...: a case's classification (分析研判); 'none' before it has one.
CREATE OR REPLACE FUNCTION rq.case_classification_label(p text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE p WHEN 'repeat_inspection' THEN '重复检查' WHEN 'over_frequency' THEN '超频次'
                  WHEN 'quiet_day_breach' THEN '无扰日违规' WHEN 'attitude' THEN '态度作风'
                  WHEN 'solicitation' THEN '吃拿卡要' WHEN 'no_scan_entry' THEN '未扫码入企'
                  WHEN 'false_registration' THEN '登记不实'
                  WHEN 'misunderstanding_cleared' THEN '误解已消除' WHEN 'other' THEN '其他'
                  WHEN 'none' THEN '未研判' END
$$;
GRANT EXECUTE ON FUNCTION rq.case_classification_label(text) TO ruqima_reporting, ruqima_report;

-- Cases opened in the range grouped by p_group: status (now), source, classification,
-- outcome, county or unit (the case's; '0' when not known); of them open and closed, overdue
-- now (the step's deadline past: read from the open cases, which are few), handed over to
-- the discipline inspectors, reopened by the enterprise. p_source: the case's source.
CREATE OR REPLACE FUNCTION rq.stats_cases(p_from date, p_to date, p_group text, p_county text,
                                          p_unit bigint, p_source text)
RETURNS TABLE (key text, label text, opened bigint, open bigint, closed bigint, overdue bigint,
               handed_over bigint, reopened bigint, cases_href text)
LANGUAGE plpgsql STABLE SET jit = off SET work_mem = '64MB' AS $$
DECLARE
    v_unit bigint := coalesce(p_unit, rq.actor_unit_scope());
    v_more text := rq.stats_arg('county', p_county) || rq.stats_arg('case_source', p_source)
                   || CASE WHEN p_group <> 'unit' THEN rq.stats_arg('unit_id', v_unit::text) ELSE '' END;
BEGIN
    RETURN QUERY EXECUTE $q$
        WITH t AS (
            SELECT CASE $3 WHEN 'status' THEN s.status WHEN 'source' THEN s.source
                           WHEN 'classification' THEN coalesce(nullif(s.classification, ''), 'none')
                           WHEN 'outcome' THEN coalesce(nullif(s.outcome, ''), 'none')
                           WHEN 'county' THEN s.county_code ELSE s.unit_id::text END AS key,
                   sum(s.cases) AS opened,
                   coalesce(sum(s.cases) FILTER (WHERE s.status <> 'closed'), 0) AS open,
                   coalesce(sum(s.cases) FILTER (WHERE s.status = 'closed'), 0) AS closed,
                   sum(s.handed_over) AS handed_over, sum(s.reopened) AS reopened
              FROM rq.stats_case_rows('opened', $1, $2, $4, $5, $6) s
             GROUP BY 1
        ), o AS (
            SELECT CASE $3 WHEN 'status' THEN c.status WHEN 'source' THEN c.source
                           WHEN 'classification' THEN coalesce(c.classification, 'none')
                           WHEN 'outcome' THEN coalesce(c.outcome, 'none')
                           WHEN 'county' THEN c.county_code
                           ELSE coalesce(c.unit_id, 0)::text END AS key,
                   count(*) AS n
              FROM rq.cases c
             WHERE c.due_at < now() AND c.status <> 'closed'
               AND c.opened_at >= $1::timestamp AT TIME ZONE 'Asia/Shanghai'
               AND c.opened_at < ($2 + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
               AND ($5::bigint IS NULL OR coalesce(c.unit_id, 0) = $5)
               AND ($4::text IS NULL OR c.county_code = $4)
               AND ($6::text IS NULL OR c.source = $6)
             GROUP BY 1
        )
        SELECT t.key,
               CASE $3 WHEN 'status' THEN rq.case_status_label(t.key)
                       WHEN 'source' THEN rq.case_source_label(t.key)
                       WHEN 'classification' THEN rq.case_classification_label(t.key)
                       WHEN 'outcome' THEN coalesce(rq.case_outcome_label(t.key), '未认定')
                       WHEN 'county' THEN rq.stats_label('county', t.key)
                       ELSE coalesce(rq.stats_label('unit', t.key), '单位不明') END,
               t.opened, t.open, t.closed, coalesce(o.n, 0), t.handed_over, t.reopened,
               rq.stats_href('cases', $1, $2, $7 || '&' || CASE $3 WHEN 'source' THEN 'case_source'
                                                                  WHEN 'unit' THEN 'unit_id'
                                                                  ELSE $3 END || '=' || t.key)
          FROM t LEFT JOIN o ON o.key = t.key
         WHERE t.opened <> 0
         ORDER BY CASE WHEN $3 IN ('unit', 'county') THEN -t.opened END, t.key
    $q$ USING p_from, p_to, p_group, p_county, v_unit, p_source, v_more;
END
$$;
GRANT EXECUTE ON FUNCTION rq.stats_cases(date, date, text, text, bigint, text) TO ruqima_reporting;

-- The name of the official found responsible in a determination, for the readers who see
-- the determination: the city-wide roles, the county admin of the official's unit's county,
-- the unit admin of that unit (the others read the profile by row-level security anyway).
CREATE OR REPLACE FUNCTION rq.stats_official_name(p_account_id bigint) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
    SELECT p.name FROM rq.official_profiles p JOIN rq.units u ON u.id = p.unit_id
     WHERE p.account_id = p_account_id
       AND (rq.actor_sees_all() OR u.county_code = rq.actor_county_scope()
            OR u.id = rq.actor_unit_scope())
$$;
GRANT EXECUTE ON FUNCTION rq.stats_official_name(bigint) TO ruqima_reporting;

-- 通报表扬 candidates: the units whose led visits in the range were rated at least
-- praise_rated_min times with a 满意率 of at least praise_satisfaction_min percent, and that
-- were found responsible in at most praise_substantiated_max cases determined 属实 in the
-- range (the policy rows, changed by the city admin). Best first.
CREATE OR REPLACE FUNCTION rq.stats_praise(p_from date, p_to date, p_county text, p_unit bigint,
                                           p_source text)
RETURNS TABLE (unit_id text, unit_name text, rated bigint, satisfied bigint,
               basically_satisfied bigint, unsatisfied bigint, satisfaction_rate numeric,
               substantiated bigint, visits_href text, cases_href text)
LANGUAGE plpgsql STABLE SET jit = off SET work_mem = '64MB' AS $$
DECLARE
    v_unit bigint := coalesce(p_unit, rq.actor_unit_scope());
BEGIN
    RETURN QUERY EXECUTE $q$
        WITH r AS (
            SELECT s.key_id AS unit_id, sum(s.rated) AS rated,
                   sum(s.satisfied) AS satisfied,
                   sum(s.basically_satisfied) AS basically_satisfied,
                   sum(s.unsatisfied) AS unsatisfied
              FROM rq.stats_rows('unit', $1, $2, $3, $4, $5) s
             GROUP BY 1
        ), d AS (
            SELECT s.responsible_unit_id AS unit_id, sum(s.cases) AS n
              FROM rq.stats_case_rows('determined', $1, $2, $3, $4, NULL) s
             WHERE s.outcome = 'substantiated'
             GROUP BY 1
        )
        SELECT r.unit_id::text, rq.stats_label('unit', r.unit_id::text), r.rated, r.satisfied,
               r.basically_satisfied, r.unsatisfied,
               round((r.satisfied + r.basically_satisfied)::numeric / r.rated, 4),
               coalesce(d.n, 0),
               rq.stats_href('visits', $1, $2, rq.stats_arg('county', $3)
                             || rq.stats_arg('source', $5) || '&unit_id=' || r.unit_id
                             || '&rating=rated'),
               rq.stats_href('cases', $1, $2, rq.stats_arg('county', $3)
                             || '&date=determined&outcome=substantiated&responsible_unit_id='
                             || r.unit_id)
          FROM r LEFT JOIN d ON d.unit_id = r.unit_id
         WHERE r.rated > 0 AND r.rated >= rq.policy_value('praise_rated_min')
           AND 100 * (r.satisfied + r.basically_satisfied)
               >= rq.policy_value('praise_satisfaction_min') * r.rated
           AND coalesce(d.n, 0) <= rq.policy_value('praise_substantiated_max')
         ORDER BY 7 DESC, r.rated DESC, r.unit_id
    $q$ USING p_from, p_to, p_county, v_unit, p_source;
END
$$;
GRANT EXECUTE ON FUNCTION rq.stats_praise(date, date, text, bigint, text) TO ruqima_reporting, ruqima_report;

-- 问责名单: per unit and official found responsible, the cases determined in the range 属实
-- or 部分属实 (the no-scan reports among them: 未扫码入企 found true), and how many were handed
-- to the discipline inspectors, most cases first, at most p_limit rows. official_id '0': none
-- was named.
CREATE OR REPLACE FUNCTION rq.stats_accountability(p_from date, p_to date, p_county text,
                                                   p_unit bigint, p_limit int)
RETURNS TABLE (unit_id text, unit_name text, official_id text, official_name text,
               cases bigint, substantiated bigint, partly_substantiated bigint, no_scan bigint,
               handed_over bigint, cases_href text)
LANGUAGE plpgsql STABLE SET jit = off SET work_mem = '64MB' AS $$
DECLARE
    v_unit bigint := coalesce(p_unit, rq.actor_unit_scope());
BEGIN
    RETURN QUERY EXECUTE $q$
        SELECT t.unit_id::text, rq.stats_label('unit', t.unit_id::text), t.official_id::text,
               CASE WHEN t.official_id <> 0 THEN rq.stats_official_name(t.official_id) END,
               t.cases, t.substantiated, t.partly_substantiated, t.no_scan, t.handed_over,
               rq.stats_href('cases', $1, $2, rq.stats_arg('county', $3)
                             || '&date=determined&accountable=true&responsible_unit_id='
                             || t.unit_id || '&responsible_official_id=' || t.official_id)
          FROM (SELECT s.responsible_unit_id AS unit_id, s.responsible_account_id AS official_id,
                       sum(s.cases) AS cases,
                       coalesce(sum(s.cases) FILTER (WHERE s.outcome = 'substantiated'), 0) AS substantiated,
                       coalesce(sum(s.cases) FILTER (WHERE s.outcome = 'partly_substantiated'), 0) AS partly_substantiated,
                       coalesce(sum(s.cases) FILTER (WHERE s.source = 'no_scan'), 0) AS no_scan,
                       sum(s.handed_over) AS handed_over
                  FROM rq.stats_case_rows('determined', $1, $2, $3, $4, NULL) s
                 WHERE s.outcome IN ('substantiated', 'partly_substantiated')
                 GROUP BY 1, 2
                HAVING sum(s.cases) <> 0
                 ORDER BY 3 DESC, 1, 2
                 LIMIT $5) t
         ORDER BY t.cases DESC, t.unit_id, t.official_id
    $q$ USING p_from, p_to, p_county, v_unit, p_limit;
END
$$;
GRANT EXECUTE ON FUNCTION rq.stats_accountability(date, date, text, bigint, int) TO ruqima_reporting;
