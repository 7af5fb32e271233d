-- lib/sql/replica.sql — how far the database a connection reads lags behind the primary:
-- the reporting pool's statistics and `ruqima report run` may read a hot standby
-- (RUQIMA_STATS_DSN, RUQIMA_REPORT_DSN), and refuse to answer from one that lags more than
-- RUQIMA_REPLICA_MAX_LAG seconds (README, "Reports on a replica").
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- The replica's lag in seconds: 0 on a primary, and on a standby that has replayed all the
-- WAL it received; otherwise the age of the last transaction it replayed (its commit time on
-- the primary), which is how old the figures read there may be. replay_paused: someone ran
-- pg_wal_replay_pause(). A standby cut off from its primary replays what it has and shows 0:
-- the primary's pg_stat_replication is where that shows (deploy/PRODUCTION.md).
CREATE OR REPLACE FUNCTION rq.replica_lag() RETURNS TABLE (in_recovery boolean, lag_seconds double precision, replay_paused boolean) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
    SELECT r.rec,
           CASE WHEN NOT r.rec THEN 0
                WHEN pg_last_wal_receive_lsn() IS NOT NULL
                     AND pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn() THEN 0
                ELSE round(greatest(0, coalesce(extract(epoch FROM
                         clock_timestamp() - pg_last_xact_replay_timestamp()), 0))::numeric, 1)
           END::double precision,
           CASE WHEN r.rec THEN pg_is_wal_replay_paused() ELSE false END
      FROM (SELECT pg_is_in_recovery() AS rec) r
$$;
GRANT EXECUTE ON FUNCTION rq.replica_lag() TO ruqima_app, ruqima_report;

-- The lag, or SQLSTATE RQLAG when it is over p_max_lag seconds (its DETAIL: the lag): the
-- first statement of every transaction of the statistics connection (lib/rq_db.c), so that
-- a lagging replica answers nothing rather than stale figures.
CREATE OR REPLACE FUNCTION rq.replica_check(p_max_lag double precision) RETURNS double precision LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_lag double precision;
BEGIN
    SELECT l.lag_seconds INTO v_lag FROM rq.replica_lag() l;
    IF v_lag > p_max_lag THEN
        RAISE EXCEPTION USING
            ERRCODE = 'RQLAG',
            MESSAGE = format('the replica lags %s s behind the primary (at most %s s allowed)',
                             v_lag, p_max_lag),
            DETAIL = v_lag::text;
    END IF;
    RETURN v_lag;
END
$$;
GRANT EXECUTE ON FUNCTION rq.replica_check(double precision) TO ruqima_app, ruqima_report;
