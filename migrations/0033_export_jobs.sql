-- 0033_export_jobs.sql — the auditors' exports of visits that are too big to stream in one
-- request (GET /api/v1/reporting/exports/visits over RUQIMA_EXPORT_STREAM_MAX rows, README
-- "Auditors' export"): queued by the request, built by `ruqima exports run` (a systemd
-- timer, every minute) into $RUQIMA_STATE_DIR/uploads/exports/<file_name>, and downloaded
-- by whoever asked for it through nginx (X-Accel-Redirect).
CREATE TABLE rq.export_jobs (
    id           bigserial PRIMARY KEY,
    -- what is exported: the visits (rq.export_visits, app/reporting/sql/exports.sql)
    kind         text NOT NULL DEFAULT 'visits' CHECK (kind IN ('visits')),
    period_from  date NOT NULL,
    period_to    date NOT NULL,              -- inclusive
    format       text NOT NULL CHECK (format IN ('csv', 'xlsx')),
    -- the portal user who asked: only they see and download it
    requested_by bigint NOT NULL REFERENCES rq.admin_users (id),
    status       text NOT NULL DEFAULT 'queued'
                 CHECK (status IN ('queued', 'running', 'done', 'failed')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    finished_at  timestamptz,
    -- what was built: rows, the file's size and SHA-256; a plain name, never a path
    rows         bigint CHECK (rows >= 0),
    bytes        bigint CHECK (bytes >= 0),
    sha256       text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    file_name    text CHECK (file_name ~ '^[a-z0-9_.-]{1,100}\.(csv|xlsx)$'),
    -- why it failed (no personal data: a database or file error)
    error        text CHECK (char_length(error) BETWEEN 1 AND 500),
    CONSTRAINT export_jobs_period CHECK (period_from <= period_to),
    CONSTRAINT export_jobs_started CHECK ((status = 'queued') = (started_at IS NULL)),
    CONSTRAINT export_jobs_finished
        CHECK ((status IN ('done', 'failed')) = (finished_at IS NOT NULL)),
    CONSTRAINT export_jobs_done_has_file
        CHECK (status <> 'done' OR (file_name IS NOT NULL AND rows IS NOT NULL
                                    AND bytes IS NOT NULL AND sha256 IS NOT NULL))
);

COMMENT ON TABLE rq.export_jobs IS
    'auditors'' exports of visits too big to stream, built by `ruqima exports run`';

CREATE INDEX export_jobs_queued_idx ON rq.export_jobs (id) WHERE status = 'queued';

CREATE INDEX export_jobs_requester_idx ON rq.export_jobs (requested_by, id);

-- The same export asked again while it waits or runs is the same job.
CREATE UNIQUE INDEX export_jobs_one_pending ON rq.export_jobs
    (requested_by, kind, period_from, period_to, format) WHERE status IN ('queued', 'running');
