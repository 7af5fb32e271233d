-- 0069_enterprise_ranks_months.sql — the enterprises' ranking kept by the month as well as by
-- the calendar year (issue 14): a range that is not one calendar year (the last 365 days) sums
-- the narrow month rows of its whole months instead of the wide rows of rq.visit_stats
-- (~30 counts each, by county and source), and a calendar month is read from the index like a
-- year (tests/bench/README.md, stats). The month rows of an upgraded database are built from
-- rq.visit_stats by lib/sql/stats.sql.
ALTER TABLE rq.enterprise_ranks ADD COLUMN grain text NOT NULL DEFAULT 'year'
    CHECK (grain IN ('month', 'year'));
ALTER TABLE rq.enterprise_ranks ALTER COLUMN grain DROP DEFAULT;
ALTER TABLE rq.enterprise_ranks DROP CONSTRAINT enterprise_ranks_pkey;
ALTER TABLE rq.enterprise_ranks ADD PRIMARY KEY (grain, period, enterprise_id);
DROP INDEX rq.enterprise_ranks_top_idx;
CREATE INDEX enterprise_ranks_top_idx ON rq.enterprise_ranks (grain, period, entries DESC, enterprise_id);

COMMENT ON TABLE rq.enterprise_ranks IS
    'entries into each enterprise per calendar month and year, the whole city (kept with rq.visit_stats)';
