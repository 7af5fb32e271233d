-- app/admin/sql/calendar.sql — the city admin keeps the calendar of working days in the
-- portal (app/admin/calendar.c); the writes themselves are lib/sql/calendar.sql's.
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- The city admin adds or replaces the row of a day: rq.calendar_day_put's answer, in the
-- admin's name. Raises 42501 for anyone but the city admin.
CREATE OR REPLACE FUNCTION rq.calendar_day_set(p_day date, p_kind text, p_name text) RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
BEGIN
    IF rq.actor_kind() IS DISTINCT FROM 'admin' OR rq.actor_role() IS DISTINCT FROM 'city_admin' THEN
        RAISE EXCEPTION 'only the city admin may change the calendar' USING ERRCODE = '42501';
    END IF;
    RETURN rq.calendar_day_put(p_day, p_kind, p_name, rq.current_admin_id());
END
$$;
GRANT EXECUTE ON FUNCTION rq.calendar_day_set(date, text, text) TO ruqima_admin;

-- The city admin removes the row of a day: rq.calendar_day_remove's answer. Raises 42501
-- for anyone but the city admin.
CREATE OR REPLACE FUNCTION rq.calendar_day_delete(p_day date) RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
BEGIN
    IF rq.actor_kind() IS DISTINCT FROM 'admin' OR rq.actor_role() IS DISTINCT FROM 'city_admin' THEN
        RAISE EXCEPTION 'only the city admin may change the calendar' USING ERRCODE = '42501';
    END IF;
    RETURN rq.calendar_day_remove(p_day);
END
$$;
GRANT EXECUTE ON FUNCTION rq.calendar_day_delete(date) TO ruqima_admin;
