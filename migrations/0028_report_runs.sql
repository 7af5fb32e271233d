-- migrations/0028_report_runs.sql — every run of a judicial-bureau report (`ruqima report
-- run`, app/cli/report.c): who or which timer started it, for what, what it wrote.
CREATE TABLE rq.report_runs (
    id          bigserial PRIMARY KEY,
    -- the report's name: its definition is app/reporting/reports/<report>.sql
    report      text NOT NULL CHECK (report ~ '^[a-z][a-z0-9_]{0,39}$'),
    period_from date NOT NULL,
    period_to   date NOT NULL,              -- inclusive
    county_code text REFERENCES rq.regions (code) ON UPDATE CASCADE,  -- NULL: the city
    -- 'cli': an operator (started_by: the login name); 'schedule': a timer (its name)
    trigger     text NOT NULL CHECK (trigger IN ('cli', 'schedule')),
    started_by  text NOT NULL CHECK (char_length(started_by) BETWEEN 1 AND 100),
    -- the report's title when it ran (its definition's first line)
    title       text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 100),
    status      text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
    rows        bigint CHECK (rows >= 0),
    -- [{format, name, bytes, sha256}]: the files under uploads/reports/ (plain names)
    files       jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(files) = 'array'),
    error       text CHECK (char_length(error) BETWEEN 1 AND 500),
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    CONSTRAINT report_runs_period CHECK (period_from <= period_to),
    CONSTRAINT report_runs_finished CHECK ((status = 'running') = (finished_at IS NULL)),
    CONSTRAINT report_runs_done_has_rows CHECK (status <> 'done' OR rows IS NOT NULL)
);

COMMENT ON TABLE rq.report_runs IS 'runs of the judicial bureau''s reports (ruqima report run)';

CREATE INDEX report_runs_list_idx ON rq.report_runs (id DESC);
