-- 0059_enterprise_ranks.sql — the enterprises' ranking of a calendar year kept on write (issue
-- 14): how often each enterprise was entered in a year of the whole city (visits led plus
-- participations of joint inspections, every county and source), indexed by that count, so
-- that the top 100 of a year is read from the index instead of summing ~100,000 rows of
-- rq.visit_stats at every call (tests/bench/README.md, stats). Derived data like
-- rq.visit_stats: kept by rq.visit_stats_apply, built again by rq.stats_rebuild, not audited;
-- a database upgraded with visits gets its rows from lib/sql/stats.sql (rq.enterprise_ranks_build).
-- A separate table because an index on a count of rq.visit_stats would make every update of
-- its rows a non-HOT update.
CREATE TABLE rq.enterprise_ranks (
    -- the first day of the year, city time (the period of the year rows of rq.visit_stats)
    period        date NOT NULL,
    enterprise_id bigint NOT NULL,
    entries       int NOT NULL,
    PRIMARY KEY (period, enterprise_id)
);

COMMENT ON TABLE rq.enterprise_ranks IS
    'entries into each enterprise per calendar year, the whole city (kept with rq.visit_stats)';

CREATE INDEX enterprise_ranks_top_idx ON rq.enterprise_ranks (period, entries DESC, enterprise_id);
