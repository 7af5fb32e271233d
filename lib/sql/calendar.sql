-- lib/sql/calendar.sql — working days: deadlines counted in them and the time left or overdue
-- (the complaint steps), and the writes of the calendar they are counted on (the portal's
-- app/admin/sql/calendar.sql and `ruqima calendar import`).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.
--
-- The rule (README "Working days", app/DESIGN.md §5): a day is a working day when
-- rq.calendar_days says workday (a 调休 Saturday or Sunday), is not one when it says holiday,
-- and otherwise is one exactly when it is a Monday to Friday. Days are the city's: an
-- instant belongs to its day in Asia/Shanghai, whatever the session's time zone.
--
-- Speed: the functions never walk the days one by one. Monday–Friday days are counted by
-- arithmetic (rq.weekdays_before, rq.weekday_at); the calendar's rows that change a count
-- (effect +1 or -1, index calendar_days_effect) correct it, read in one range scan.

-- How many Monday–Friday days come before p_day, counted from Monday 2000-01-03 (negative
-- before it). Arithmetic only; the difference of two is a count of weekdays.
CREATE OR REPLACE FUNCTION rq.weekdays_before(p_day date) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
-- k = p_day - Monday 2000-01-03, r = k mod 7 (0 Monday): 5 a whole week, min(r, 5) the rest.
-- One expression without FROM, so that the planner inlines it.
AS $$
    SELECT 5 * ((p_day - DATE '2000-01-03' - ((p_day - DATE '2000-01-03') % 7 + 7) % 7) / 7)
           + least(((p_day - DATE '2000-01-03') % 7 + 7) % 7, 5)
$$;
GRANT EXECUTE ON FUNCTION rq.weekdays_before(date) TO ruqima_app, ruqima_report;

-- The Monday–Friday day that has p_index weekdays before it: the inverse of
-- rq.weekdays_before on weekdays.
CREATE OR REPLACE FUNCTION rq.weekday_at(p_index int) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT DATE '2000-01-03' + 7 * ((p_index - (p_index % 5 + 5) % 5) / 5) + (p_index % 5 + 5) % 5
$$;
GRANT EXECUTE ON FUNCTION rq.weekday_at(int) TO ruqima_app, ruqima_report;

-- The city's day of an instant. China has kept UTC+8 without summer time since 1991, so a
-- fixed offset is Asia/Shanghai for every day this platform counts; and it is arithmetic,
-- where a named zone is a look-up by name at every call: with the name, a page of 50 cases
-- cost a third more instructions in PostgreSQL (tests/bench/README.md, cases_list).
CREATE OR REPLACE FUNCTION rq.city_day(p_at timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (p_at AT TIME ZONE INTERVAL '+08:00')::date $$;
GRANT EXECUTE ON FUNCTION rq.city_day(timestamptz) TO ruqima_app, ruqima_report;

-- 星期一 .. 星期日
CREATE OR REPLACE FUNCTION rq.weekday_label(p_day date) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT (ARRAY['星期一', '星期二', '星期三', '星期四', '星期五', '星期六',
                  '星期日'])[extract(isodow FROM p_day)::int]
$$;
GRANT EXECUTE ON FUNCTION rq.weekday_label(date) TO ruqima_app, ruqima_report;

-- ---------------------------------------------------------------------------------
-- The calendar compiled: the rows that change a count, as two constants of one SQL
-- function, so that counting working days reads no table. Lists call
-- rq.working_days_between once per row (a page of cases, the sweep's thousands); a query
-- of rq.calendar_days per call costs tens of microseconds, a constant array a few.
-- rq.calendar_compile() writes rq.calendar_effect_through again after every statement that
-- changes rq.calendar_days (trigger calendar_days_compile), in the same transaction, and once
-- when this file is applied. A plan that inlined the old text is invalidated by the
-- replacement (PostgreSQL records the dependency), so no session counts with an old
-- calendar.
-- ---------------------------------------------------------------------------------

-- (Re)writes rq.calendar_effect_through(p_day): the sum of the effects of the rows up to
-- and including p_day (running sums indexed by width_bucket's binary search over the
-- days). Concurrent writers of the calendar take turns (an advisory lock until commit), so
-- each compiles what the one before committed plus its own rows.
CREATE OR REPLACE FUNCTION rq.calendar_compile() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_days text;
    v_sums text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('rq.calendar_compile'));
    SELECT '{' || coalesce(string_agg(to_char(x.day, 'YYYY-MM-DD'), ',' ORDER BY x.day), '') || '}',
           '{0' || coalesce(string_agg(',' || x.running, '' ORDER BY x.day), '') || '}'
      INTO v_days, v_sums
      FROM (SELECT c.day, sum(c.effect) OVER (ORDER BY c.day) AS running
              FROM rq.calendar_days c WHERE c.effect <> 0) x;
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION rq.calendar_effect_through(p_day date) RETURNS int '
        'LANGUAGE sql STABLE PARALLEL SAFE AS %L',
        format('SELECT (%L::int[])[width_bucket(p_day, %L::date[]) + 1]', v_sums, v_days));
END
$$;
REVOKE ALL ON FUNCTION rq.calendar_compile() FROM PUBLIC;

CREATE OR REPLACE FUNCTION rq.calendar_days_compile() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
BEGIN
    PERFORM rq.calendar_compile();
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER calendar_days_compile
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rq.calendar_days
    FOR EACH STATEMENT EXECUTE FUNCTION rq.calendar_days_compile();

SELECT rq.calendar_compile();
COMMENT ON FUNCTION rq.calendar_effect_through(date) IS
    'written by rq.calendar_compile() from rq.calendar_days (lib/sql/calendar.sql): do not edit';
GRANT EXECUTE ON FUNCTION rq.calendar_effect_through(date) TO ruqima_app, ruqima_report;

-- The working days from a fixed origin up to and including p_day: only differences of two
-- mean something (a count of working days).
CREATE OR REPLACE FUNCTION rq.working_day_number(p_day date) RETURNS int
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT rq.weekdays_before(p_day + 1) + rq.calendar_effect_through(p_day) $$;
GRANT EXECUTE ON FUNCTION rq.working_day_number(date) TO ruqima_app, ruqima_report;

-- Working days from the day of p_from to the day of p_to, city time: those after the first
-- and up to and including the second, negative when p_to's day comes first (0 on the same
-- day). With a deadline from rq.working_days_add: rq.working_days_between(now(), deadline)
-- is the working days left (0: due today), and negative the working days overdue.
-- Inlined by the planner into the calling query (one expression, no table).
CREATE OR REPLACE FUNCTION rq.working_days_between(p_from timestamptz, p_to timestamptz) RETURNS int
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT rq.working_day_number(rq.city_day(p_to)) - rq.working_day_number(rq.city_day(p_from))
$$;
GRANT EXECUTE ON FUNCTION rq.working_days_between(timestamptz, timestamptz) TO ruqima_app, ruqima_report;

-- The deadline p_days working days after p_from: the end of the p_days-th working day after
-- the day of p_from (that day does not count: 开始的当日不计入), city time, as the last
-- microsecond of that day (23:59:59.999999 +08); p_days 0 gives the end of p_from's own day.
-- A step is overdue when now() > the deadline; rq.working_days_between(p_from, deadline) =
-- p_days. Raises 22023 for a negative p_days. Arithmetic on rq.working_day_number only: a
-- jump to an upper bound (a few jumps across a long holiday), then a binary search.
CREATE OR REPLACE FUNCTION rq.working_days_add(p_from timestamptz, p_days int) RETURNS timestamptz
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    v_lo     date := rq.city_day(p_from);
    -- the deadline's day is the first whose number reaches v_target
    v_target int := rq.working_day_number(v_lo) + p_days;
    v_hi     date := v_lo;
    v_mid    date;
BEGIN
    IF p_days < 0 THEN
        RAISE EXCEPTION 'p_days must not be negative (got %)', p_days USING ERRCODE = '22023';
    END IF;
    -- an upper bound: as many weekdays further as working days are still missing
    WHILE rq.working_day_number(v_hi) < v_target LOOP
        v_lo := v_hi;
        v_hi := rq.weekday_at(rq.weekdays_before(v_hi + 1) + v_target
                              - rq.working_day_number(v_hi) - 1);
    END LOOP;
    -- number(v_lo) < v_target <= number(v_hi): the first day in (v_lo, v_hi] that reaches it
    WHILE v_hi - v_lo > 1 LOOP
        v_mid := v_lo + (v_hi - v_lo) / 2;
        IF rq.working_day_number(v_mid) >= v_target THEN
            v_hi := v_mid;
        ELSE
            v_lo := v_mid;
        END IF;
    END LOOP;
    RETURN ((v_hi + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') - interval '1 microsecond';
END
$$;
GRANT EXECUTE ON FUNCTION rq.working_days_add(timestamptz, int) TO ruqima_app, ruqima_report;

-- A row of the calendar as the portal and the CLI show it (NULL when the day has none):
-- day, kind, name, weekday (1 Monday .. 7 Sunday), updated_at, updated_by.
CREATE OR REPLACE FUNCTION rq.calendar_day_json(p_day date) RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT jsonb_build_object('day', to_char(c.day, 'YYYY-MM-DD'), 'kind', c.kind,
                              'name', c.name, 'weekday', extract(isodow FROM c.day)::int,
                              'updated_at', c.updated_at, 'updated_by', c.updated_by::text)
      FROM rq.calendar_days c WHERE c.day = p_day
$$;
GRANT EXECUTE ON FUNCTION rq.calendar_day_json(date) TO ruqima_app, ruqima_report;

-- A year of the calendar (the portal's GET /api/v1/admin/calendar and `ruqima calendar
-- list`): year, working_days (in the whole year, by the rule), holidays and workdays (rows
-- of each kind), items (the rows in day order, as rq.calendar_day_json).
CREATE OR REPLACE FUNCTION rq.calendar_year_json(p_year int) RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT jsonb_build_object(
               'year', p_year,
               'working_days', rq.working_days_between(
                   make_date(p_year - 1, 12, 31)::timestamp AT TIME ZONE 'Asia/Shanghai',
                   make_date(p_year, 12, 31)::timestamp AT TIME ZONE 'Asia/Shanghai'),
               'holidays', count(*) FILTER (WHERE c.kind = 'holiday'),
               'workdays', count(*) FILTER (WHERE c.kind = 'workday'),
               'items', coalesce(jsonb_agg(rq.calendar_day_json(c.day) ORDER BY c.day)
                                     FILTER (WHERE c.day IS NOT NULL), '[]'))
      FROM rq.calendar_days c
     WHERE c.day BETWEEN make_date(p_year, 1, 1) AND make_date(p_year, 12, 31)
$$;
GRANT EXECUTE ON FUNCTION rq.calendar_year_json(int) TO ruqima_app, ruqima_report;

-- ---------------------------------------------------------------------------------
-- Writes of the calendar, for the owner: `ruqima calendar import` and the city admin's
-- wrappers (app/admin/sql/calendar.sql), which check the actor first.
-- ---------------------------------------------------------------------------------

-- Adds or replaces the row of p_day (p_admin_id: who, NULL for the CLI). Answers ok with
-- the row as data and change inserted, updated or unchanged (an unchanged row is not
-- written: no audit row); or calendar-kind-invalid, calendar-name-invalid,
-- calendar-workday-weekday.
CREATE OR REPLACE FUNCTION rq.calendar_day_put(p_day date, p_kind text, p_name text, p_admin_id bigint)
RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_name   text := btrim(p_name, E' \t\u3000');
    v_change text;
    v_row    rq.calendar_days%ROWTYPE;
BEGIN
    IF p_kind IS NULL OR p_kind NOT IN ('holiday', 'workday') THEN
        RETURN rq.refusal('calendar-kind-invalid');
    END IF;
    IF v_name IS NULL OR char_length(v_name) NOT BETWEEN 1 AND 40 OR v_name ~ '[[:cntrl:]]' THEN
        RETURN rq.refusal('calendar-name-invalid');
    END IF;
    IF p_kind = 'workday' AND extract(isodow FROM p_day) < 6 THEN
        RETURN rq.refusal('calendar-workday-weekday', to_char(p_day, 'YYYY-MM-DD'),
                          rq.weekday_label(p_day));
    END IF;
    SELECT * INTO v_row FROM rq.calendar_days c WHERE c.day = p_day FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO rq.calendar_days (day, kind, name, updated_by)
        VALUES (p_day, p_kind, v_name, p_admin_id);
        v_change := 'inserted';
    ELSIF (v_row.kind, v_row.name) IS DISTINCT FROM (p_kind, v_name) THEN
        UPDATE rq.calendar_days c SET kind = p_kind, name = v_name, updated_at = now(),
                                      updated_by = p_admin_id
         WHERE c.day = p_day;
        v_change := 'updated';
    ELSE
        v_change := 'unchanged';
    END IF;
    RETURN rq.ok(rq.calendar_day_json(p_day) || jsonb_build_object('change', v_change));
END
$$;
REVOKE ALL ON FUNCTION rq.calendar_day_put(date, text, text, bigint) FROM PUBLIC;

-- Removes the row of p_day: the day is again what Monday–Friday says. Answers ok, or
-- calendar-day-unknown when there is no row.
CREATE OR REPLACE FUNCTION rq.calendar_day_remove(p_day date) RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
BEGIN
    DELETE FROM rq.calendar_days c WHERE c.day = p_day;
    IF NOT FOUND THEN
        RETURN rq.refusal('calendar-day-unknown', to_char(p_day, 'YYYY-MM-DD'));
    END IF;
    RETURN rq.ok();
END
$$;
REVOKE ALL ON FUNCTION rq.calendar_day_remove(date) FROM PUBLIC;
