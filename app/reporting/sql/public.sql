-- app/reporting/sql/public.sql — 双公开: what the public page /gongkai/ shows, through the
-- unauthenticated routes /api/v1/reporting/public/... (app/reporting/public.c). Figures per
-- unit and month, and single visits as far as the city's policy allows (README, "Public
-- disclosure"). The figures are computed here from the visits, ratings and cases themselves;
-- pointing them at aggregate tables changes this file only.
--
-- Every function is SECURITY DEFINER (the caller is anonymous: row-level security would show
-- nothing) and answers only counts and the fields the policy rows disclosure_* allow. Nothing
-- here takes a name, an enterprise or a person to look up: a month, a unit and an activity
-- type are the only filters, and a page of visits has at most 50 lines.
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- An official's name as the public sees it: its first character and one star (张*), the
-- same whatever the name's length.
CREATE OR REPLACE FUNCTION rq.public_masked_name(p_name text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_name IS NULL OR btrim(p_name) = '' THEN NULL
                ELSE left(btrim(p_name), 1) || '*' END
$$;

-- A text written by an official (the matter, the result) as a public summary: the secrets
-- given (certificate numbers, phone numbers of the people of the visit) and every run of
-- seven digits or more (phones, identity and certificate numbers, however spaced) become
-- ***, the names given (the official, companions, the enterprise's legal representative and
-- managers) are masked as 张*, blanks are folded, and the text is cut to p_chars characters.
CREATE OR REPLACE FUNCTION rq.public_summary(p_text text, p_names text[], p_secrets text[], p_chars int) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    t text := p_text;
    x text;
BEGIN
    IF t IS NULL THEN
        RETURN NULL;
    END IF;
    -- the longest first, so that a secret holding another is replaced whole
    FOR x IN SELECT s FROM unnest(p_secrets) s
              WHERE char_length(s) >= 3 ORDER BY char_length(s) DESC LOOP
        t := replace(t, x, '***');
    END LOOP;
    -- full-width digits count as digits; a run may be split by blanks, hyphens or dots
    t := regexp_replace(t, '([0-9０-９][[:space:]\-－.．]?){6,}[0-9０-９]', '***', 'g');
    FOR x IN SELECT DISTINCT n FROM unnest(p_names) n
              WHERE char_length(btrim(n)) >= 2 ORDER BY 1 LOOP
        t := replace(t, btrim(x), rq.public_masked_name(x));
    END LOOP;
    t := btrim(regexp_replace(t, '[[:space:]]+', ' ', 'g'));
    IF char_length(t) > p_chars THEN
        t := left(t, p_chars) || '…';
    END IF;
    RETURN t;
END
$$;

-- The first day of month p_year-p_month, or of this month (the city's) when either is NULL.
CREATE OR REPLACE FUNCTION rq.public_month(p_year int, p_month int) RETURNS date LANGUAGE sql STABLE AS $$
    SELECT coalesce(make_date(p_year, p_month, 1),
                    date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai')::date)
$$;

-- Per unit, the month p_year-p_month (the city's time; this month when NULL): the visits it led by activity type,
-- its participations in joint inspections, the ratings of the visits it led (满意率 =
-- (满意 + 基本满意) ÷ rated, anonymous ratings counted), and the cases about it closed in the
-- month by outcome (a case merged into another is not counted again). totals: the whole
-- city, a joint inspection counted once, cases without a unit included. Withdrawn
-- registrations count nowhere.
CREATE OR REPLACE FUNCTION rq.public_units(p_year int, p_month int) RETURNS jsonb LANGUAGE sql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
WITH m AS (
    SELECT rq.public_month(p_year, p_month) AS first
), b AS (
    SELECT m.first, rq.local_start('month', m.first::timestamp) AS lo,
           rq.local_end('month', m.first::timestamp) AS hi
      FROM m
), v AS (
    SELECT v.id, v.unit_id, v.activity_type
      FROM rq.visits v, b
     WHERE v.entered_at >= b.lo AND v.entered_at < b.hi AND v.withdrawn_at IS NULL
), led AS (
    SELECT v.unit_id, count(*) AS total,
           count(*) FILTER (WHERE v.activity_type = 'visit') AS visit,
           count(*) FILTER (WHERE v.activity_type = 'research') AS research,
           count(*) FILTER (WHERE v.activity_type = 'inspection') AS inspection
      FROM v GROUP BY v.unit_id
), joined AS (
    SELECT vu.unit_id, count(*) AS n
      FROM rq.visit_units vu JOIN v ON v.id = vu.visit_id
     WHERE vu.role = 'participant'
     GROUP BY vu.unit_id
), rated AS (
    SELECT e.unit_id, count(*) AS rated,
           count(*) FILTER (WHERE e.value = 'satisfied') AS satisfied,
           count(*) FILTER (WHERE e.value = 'basically_satisfied') AS basically_satisfied,
           count(*) FILTER (WHERE e.value = 'unsatisfied') AS unsatisfied
      FROM rq.evaluations e JOIN v ON v.id = e.visit_id
     GROUP BY e.unit_id
), closed AS (
    SELECT c.unit_id, count(*) AS closed,
           count(*) FILTER (WHERE c.outcome = 'substantiated') AS substantiated,
           count(*) FILTER (WHERE c.outcome = 'partly_substantiated') AS partly_substantiated,
           count(*) FILTER (WHERE c.outcome = 'unsubstantiated') AS unsubstantiated,
           count(*) FILTER (WHERE c.outcome IS NULL) AS not_determined
      FROM rq.cases c, b
     WHERE c.status = 'closed' AND c.closing <> 'merged'
       AND c.closed_at >= b.lo AND c.closed_at < b.hi
     GROUP BY c.unit_id
), lines AS (
    SELECT u.id, u.name, u.county_code, coalesce(r.name, '市直') AS county,
           coalesce(led.total, 0) AS total, coalesce(led.visit, 0) AS visit,
           coalesce(led.research, 0) AS research, coalesce(led.inspection, 0) AS inspection,
           coalesce(joined.n, 0) AS joined,
           coalesce(rated.rated, 0) AS rated, coalesce(rated.satisfied, 0) AS satisfied,
           coalesce(rated.basically_satisfied, 0) AS basically_satisfied,
           coalesce(rated.unsatisfied, 0) AS unsatisfied,
           coalesce(closed.closed, 0) AS closed,
           coalesce(closed.substantiated, 0) AS substantiated,
           coalesce(closed.partly_substantiated, 0) AS partly_substantiated,
           coalesce(closed.unsubstantiated, 0) AS unsubstantiated,
           coalesce(closed.not_determined, 0) AS not_determined
      FROM rq.units u
      LEFT JOIN rq.regions r ON r.code = u.county_code
      LEFT JOIN led ON led.unit_id = u.id
      LEFT JOIN joined ON joined.unit_id = u.id
      LEFT JOIN rated ON rated.unit_id = u.id
      LEFT JOIN closed ON closed.unit_id = u.id
     WHERE led.unit_id IS NOT NULL OR joined.unit_id IS NOT NULL OR closed.unit_id IS NOT NULL
)
SELECT jsonb_build_object(
    'year', extract(year FROM b.first)::int, 'month', extract(month FROM b.first)::int,
    'from', to_char(b.first, 'YYYY-MM-DD'),
    'to', to_char((b.first + interval '1 month' - interval '1 day')::date, 'YYYY-MM-DD'),
    'units', coalesce((
        SELECT jsonb_agg(jsonb_build_object(
                   'unit_id', l.id::text, 'unit', l.name, 'county_code', l.county_code,
                   'county', l.county,
                   'visits', jsonb_build_object('total', l.total, 'visit', l.visit,
                                                'research', l.research,
                                                'inspection', l.inspection),
                   'joint_participations', l.joined,
                   'ratings', jsonb_build_object(
                       'rated', l.rated, 'satisfied', l.satisfied,
                       'basically_satisfied', l.basically_satisfied,
                       'unsatisfied', l.unsatisfied,
                       'satisfaction_rate',
                       round((l.satisfied + l.basically_satisfied)::numeric
                             / nullif(l.rated, 0), 4)),
                   'cases', jsonb_build_object(
                       'closed', l.closed, 'substantiated', l.substantiated,
                       'partly_substantiated', l.partly_substantiated,
                       'unsubstantiated', l.unsubstantiated,
                       'not_determined', l.not_determined))
                 ORDER BY l.total + l.joined DESC, l.name, l.id)
          FROM lines l), '[]'::jsonb),
    'totals', (
        SELECT jsonb_build_object(
                   'visits', jsonb_build_object(
                       'total', (SELECT count(*) FROM v),
                       'visit', (SELECT count(*) FROM v WHERE v.activity_type = 'visit'),
                       'research', (SELECT count(*) FROM v WHERE v.activity_type = 'research'),
                       'inspection',
                       (SELECT count(*) FROM v WHERE v.activity_type = 'inspection')),
                   'joint_participations', (SELECT coalesce(sum(n), 0) FROM joined),
                   'ratings', (
                       SELECT jsonb_build_object(
                                  'rated', coalesce(sum(rated), 0),
                                  'satisfied', coalesce(sum(satisfied), 0),
                                  'basically_satisfied', coalesce(sum(basically_satisfied), 0),
                                  'unsatisfied', coalesce(sum(unsatisfied), 0),
                                  'satisfaction_rate',
                                  round(sum(satisfied + basically_satisfied)::numeric
                                        / nullif(sum(rated), 0), 4))
                         FROM rated),
                   'cases', (
                       SELECT jsonb_build_object(
                                  'closed', coalesce(sum(closed), 0),
                                  'substantiated', coalesce(sum(substantiated), 0),
                                  'partly_substantiated', coalesce(sum(partly_substantiated), 0),
                                  'unsubstantiated', coalesce(sum(unsubstantiated), 0),
                                  'not_determined', coalesce(sum(not_determined), 0))
                         FROM closed))))
  FROM b
$$;
GRANT EXECUTE ON FUNCTION rq.public_units(int,int) TO ruqima_reporting, ruqima_report;

-- The twelve months up to this one (the city's), newest first, each with its visits (a
-- joint inspection once, withdrawn registrations left out): what the page offers to choose.
CREATE OR REPLACE FUNCTION rq.public_months() RETURNS jsonb LANGUAGE sql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
WITH m AS (
    SELECT (date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') - make_interval(months => k))::date
           AS first
      FROM generate_series(0, 11) k
), counted AS (
    SELECT date_trunc('month', v.entered_at AT TIME ZONE 'Asia/Shanghai')::date AS first,
           count(*) AS visits
      FROM rq.visits v
     WHERE v.entered_at >= rq.local_start('month', (SELECT min(first) FROM m)::timestamp)
       AND v.withdrawn_at IS NULL
     GROUP BY 1
)
SELECT jsonb_build_object('months', jsonb_agg(jsonb_build_object(
           'year', extract(year FROM m.first)::int, 'month', extract(month FROM m.first)::int,
           'visits', coalesce(c.visits, 0)) ORDER BY m.first DESC))
  FROM m LEFT JOIN counted c ON c.first = m.first
$$;
GRANT EXECUTE ON FUNCTION rq.public_months() TO ruqima_reporting, ruqima_report;

-- A page of the visits of the month p_year-p_month (the city's time; this month when NULL)
-- newest first, below
-- p_before (keyset), at most least(p_limit, 50) lines; only those unit p_unit_id took part
-- in (lead or participant) and of activity type p_activity when given. Each line has the
-- visit's id (the keyset) and what the policy rows allow, NULL otherwise: the date of
-- entry, the lead and participating units, the activity type, the enterprise's name (none
-- when it opted out: enterprise_withheld), the official's masked name, the summaries of
-- the matter and of the result. Withdrawn registrations are not listed.
CREATE OR REPLACE FUNCTION rq.public_visits(p_before bigint, p_limit int, p_year int, p_month int, p_unit_id bigint, p_activity text)
RETURNS TABLE (id bigint, date text, unit text, participating_units jsonb, activity_type text,
               activity text, enterprise text, enterprise_withheld boolean, official text,
               matter text, result text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
WITH b AS (
    SELECT rq.local_start('month', rq.public_month(p_year, p_month)::timestamp) AS lo,
           rq.local_end('month', rq.public_month(p_year, p_month)::timestamp) AS hi
), pol AS (
    SELECT rq.policy_value('disclosure_unit') = 1 AS unit,
           rq.policy_value('disclosure_activity') = 1 AS activity,
           rq.policy_value('disclosure_date') = 1 AS day,
           rq.policy_value('disclosure_matter') = 1 AS matter,
           rq.policy_value('disclosure_result') = 1 AS result,
           rq.policy_value('disclosure_enterprise') = 1 AS enterprise,
           rq.policy_value('disclosure_official') = 1 AS official,
           rq.policy_value('disclosure_summary_chars') AS chars
), page AS (
    SELECT v.*
      FROM rq.visits v, b
     WHERE v.id < p_before
       AND v.entered_at >= b.lo AND v.entered_at < b.hi AND v.withdrawn_at IS NULL
       AND (p_activity IS NULL OR v.activity_type = p_activity)
       AND (p_unit_id IS NULL
            OR EXISTS (SELECT 1 FROM rq.visit_units vu
                        WHERE vu.visit_id = v.id AND vu.unit_id = p_unit_id))
     ORDER BY v.id DESC
     LIMIT least(greatest(p_limit, 1), 50)
), secrets AS (
    -- who a summary must not name, and the numbers it must not show
    SELECT p.id,
           ARRAY[p.official_name, e.legal_rep]
           || ARRAY(SELECT c ->> 'name' FROM jsonb_array_elements(p.companions) c)
           || ARRAY(SELECT m.claimant_name FROM rq.manager_bindings m
                     WHERE m.enterprise_id = p.enterprise_id) AS names,
           ARRAY[p.official_cert_no, p.official_phone]
           || ARRAY(SELECT c ->> 'cert_no' FROM jsonb_array_elements(p.companions) c)
           || ARRAY(SELECT m.phone FROM rq.manager_bindings m
                     WHERE m.enterprise_id = p.enterprise_id) AS numbers
      FROM page p JOIN rq.enterprises e ON e.id = p.enterprise_id
)
SELECT p.id,
       CASE WHEN pol.day THEN to_char(p.entered_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') END,
       CASE WHEN pol.unit THEN u.name END,
       CASE WHEN pol.unit THEN
           (SELECT coalesce(jsonb_agg(pu.name ORDER BY pu.name), '[]'::jsonb)
              FROM rq.visit_units vu JOIN rq.units pu ON pu.id = vu.unit_id
             WHERE vu.visit_id = p.id AND vu.role = 'participant') END,
       CASE WHEN pol.activity THEN p.activity_type END,
       CASE WHEN pol.activity THEN rq.activity_label(p.activity_type) END,
       CASE WHEN pol.enterprise AND NOT e.disclosure_opt_out THEN e.name END,
       pol.enterprise AND e.disclosure_opt_out,
       CASE WHEN pol.official THEN rq.public_masked_name(p.official_name) END,
       CASE WHEN pol.matter THEN rq.public_summary(p.matter, s.names, s.numbers, pol.chars) END,
       CASE WHEN pol.result AND p.finished_at IS NOT NULL THEN
           rq.public_summary(concat_ws('；', p.result_done, p.result_findings, p.result_measures),
                             s.names, s.numbers, pol.chars) END
  FROM page p
  JOIN secrets s ON s.id = p.id
  JOIN rq.units u ON u.id = p.unit_id
  JOIN rq.enterprises e ON e.id = p.enterprise_id
  CROSS JOIN pol
 ORDER BY p.id DESC
$$;
GRANT EXECUTE ON FUNCTION rq.public_visits(bigint,int,int,int,bigint,text) TO ruqima_reporting, ruqima_report;

-- The public page's seals (/gongkai/, GET /api/v1/reporting/public/audit-seals): newest
-- first, at most p_limit (1–200), below the keyset bound p_before (a seal id). What the
-- public needs to hold the platform to its log, and nothing of the log itself.
CREATE OR REPLACE FUNCTION rq.public_audit_seals(p_before bigint, p_limit int) RETURNS TABLE (id bigint, at timestamptz, seq bigint, row_hash text, reason text) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT s.id, s.at, s.seq, encode(s.row_hash, 'hex'), s.reason
      FROM audit.seals s
     WHERE p_before IS NULL OR s.id < p_before
     ORDER BY s.id DESC
     LIMIT least(greatest(coalesce(p_limit, 50), 1), 200)
$$;
GRANT EXECUTE ON FUNCTION rq.public_audit_seals(bigint, int) TO ruqima_reporting;
