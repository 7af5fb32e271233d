-- Xinyang keeps China Standard Time: "today", "this week", "this month" in the visit rules
-- and the quiet days (企业无扰日, days 1–20 of each month) are judged by the city's calendar,
-- not the server's. Every new session of this database gets Asia/Shanghai, so now()::date,
-- date_trunc('month', now()) and timestamps in JSON (…+08:00) are the city's.
DO $$
BEGIN
	EXECUTE format('ALTER DATABASE %I SET timezone = %L', current_database(), 'Asia/Shanghai');
END
$$;
