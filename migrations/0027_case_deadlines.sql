-- 0027_case_deadlines.sql — the deadlines of a case's steps, in working days (the policy rows
-- case_*_days of 0025, the calendar rq.calendar_days), and the overdue steps the sweep
-- (`ruqima cases sweep`) marked, each notified and escalated once.

-- The deadline of the step the case is in (rq.case_step_due, app/complaints/sql/cases.sql):
-- set by every change of status (rq.case_act) and at the opening (rq.case_open); NULL while
-- the step has none (handed over to the discipline inspectors, closed). Cases opened before
-- this release get theirs from the next sweep.
ALTER TABLE rq.cases ADD COLUMN due_at timestamptz;

-- the sweep's search: open steps by deadline
CREATE INDEX cases_due_idx ON rq.cases (due_at) WHERE due_at IS NOT NULL;

-- A step found past its deadline: one row per case and step (step_seq of rq.cases), so the
-- handler is notified and the city admin told once per overdue step, never twice, however
-- often the sweep runs (the primary key, INSERT ... ON CONFLICT DO NOTHING).
CREATE TABLE rq.case_overdue_steps (
    case_id      bigint NOT NULL REFERENCES rq.cases (id),
    step_seq     int NOT NULL CHECK (step_seq >= 1),
    status       text NOT NULL
                 CHECK (status IN ('open', 'follow_up', 'analysis', 'investigation',
                                   'determination')),
    due_at       timestamptz NOT NULL,
    -- when the sweep found it overdue
    marked_at    timestamptz NOT NULL DEFAULT now(),
    -- how many notifications it queued: to the handler (or the county's admins, or the
    -- unit's for a statement), and to the city admins
    notified     int NOT NULL CHECK (notified >= 0),
    escalated    int NOT NULL CHECK (escalated >= 0),
    PRIMARY KEY (case_id, step_seq)
);

COMMENT ON TABLE rq.case_overdue_steps IS
    'case steps found past their deadline by the sweep; each notified and escalated once';
