-- 0026_case_chain.sql — the complaints family works a case from opening to closing
-- (app/DESIGN.md §5, Cases): 受理 → 回访 → 分析研判 → 调查申诉 → 审核认定 (→ 移交 → 处置), then
-- the enterprise's rating of the handling, which may reopen the case once, to the city.
--
-- What may happen next is data: rq.case_transitions, one row per action and the status it
-- starts from, read by the one function that moves a case (rq.case_act,
-- app/complaints/sql/cases.sql).

-- ---------------------------------------------------------------------------------
-- The case's own state. A case handed over to the discipline inspectors (移交) waits in
-- 'handed_over' for their disposition, which closes it.
-- ---------------------------------------------------------------------------------
ALTER TABLE rq.cases DROP CONSTRAINT cases_status_check;

ALTER TABLE rq.cases ADD CONSTRAINT cases_status_check
    CHECK (status IN ('open', 'follow_up', 'analysis', 'investigation', 'determination',
                      'handed_over', 'closed'));

-- who handles it now: 'county' (the county admins of its county, or the city admin) or,
-- after the enterprise reopened it, 'city' (the city admin only)
ALTER TABLE rq.cases ADD COLUMN level text NOT NULL DEFAULT 'county'
    CHECK (level IN ('county', 'city'));

-- 受理: the portal user who follows it up
ALTER TABLE rq.cases ADD COLUMN handler_admin_id bigint REFERENCES rq.admin_users (id);

ALTER TABLE rq.cases ADD COLUMN accepted_at timestamptz;

-- 合并: the open case of the same visit or enterprise this one was merged into
ALTER TABLE rq.cases ADD COLUMN merged_into bigint REFERENCES rq.cases (id);

-- 分析研判: what kind of problem it is
ALTER TABLE rq.cases ADD COLUMN classification text
    CHECK (classification IN ('repeat_inspection', 'over_frequency', 'quiet_day_breach',
                              'attitude', 'solicitation', 'no_scan_entry',
                              'false_registration', 'misunderstanding_cleared', 'other'));

-- 审核认定: 属实 / 部分属实 / 不属实, who is responsible, the measures ordered
ALTER TABLE rq.cases ADD COLUMN outcome text
    CHECK (outcome IN ('substantiated', 'partly_substantiated', 'unsubstantiated'));

ALTER TABLE rq.cases ADD COLUMN responsible_unit_id bigint REFERENCES rq.units (id);

-- the official held responsible (an official's account: rq.official_profiles)
ALTER TABLE rq.cases ADD COLUMN responsible_account_id bigint REFERENCES rq.accounts (id);

ALTER TABLE rq.cases ADD COLUMN measures text CHECK (char_length(measures) BETWEEN 1 AND 2000);

ALTER TABLE rq.cases ADD COLUMN determined_at timestamptz;

-- 移交 / 处置 by the discipline inspectors
ALTER TABLE rq.cases ADD COLUMN handed_over_at timestamptz;

ALTER TABLE rq.cases ADD COLUMN disposition text
    CHECK (disposition IN ('reminder_talk', 'criticism_education', 'admonishment',
                           'circulated_criticism', 'organisational', 'transferred',
                           'no_action'));

-- how it was closed, and when
ALTER TABLE rq.cases ADD COLUMN closing text
    CHECK (closing IN ('merged', 'resolved', 'determined', 'disposed'));

ALTER TABLE rq.cases ADD COLUMN closed_at timestamptz;

-- the enterprise's 不满意 with the handling reopens a case once
ALTER TABLE rq.cases ADD COLUMN reopen_count int NOT NULL DEFAULT 0
    CHECK (reopen_count BETWEEN 0 AND 1);

ALTER TABLE rq.cases ADD COLUMN reopened_at timestamptz;

-- the current step: counted up by every change of status (the deadline sweep marks each
-- step once), and when it began
ALTER TABLE rq.cases ADD COLUMN step_seq int NOT NULL DEFAULT 1 CHECK (step_seq >= 1);

ALTER TABLE rq.cases ADD COLUMN step_started_at timestamptz NOT NULL DEFAULT now();

UPDATE rq.cases SET step_started_at = opened_at;

ALTER TABLE rq.cases ADD CONSTRAINT cases_closed_shape
    CHECK ((status = 'closed') = (closed_at IS NOT NULL AND closing IS NOT NULL));

ALTER TABLE rq.cases ADD CONSTRAINT cases_merged_shape
    CHECK (coalesce(closing = 'merged', false) = (merged_into IS NOT NULL)
           AND merged_into IS DISTINCT FROM id);

ALTER TABLE rq.cases ADD CONSTRAINT cases_determined_shape
    CHECK ((outcome IS NULL) = (determined_at IS NULL));

ALTER TABLE rq.cases ADD CONSTRAINT cases_reopened_shape
    CHECK ((reopen_count > 0) = (reopened_at IS NOT NULL));

-- the portal's lists: a county's cases by status, the discipline inspectors' inbox
CREATE INDEX cases_status_idx ON rq.cases (status, id);

CREATE INDEX cases_handler_idx ON rq.cases (handler_admin_id, id) WHERE handler_admin_id IS NOT NULL;

-- ---------------------------------------------------------------------------------
-- The transition table: what may happen to a case in which status, by whom, with what.
-- roles: 'city_admin', 'county_admin' (of the case's county, while the county handles it),
-- 'unit_admin' (of the case's unit), 'discipline_inspector', 'manager' (of the case's
-- enterprise now), 'official' (who registered the case's visit). A county admin holds an
-- action with county_policy only while that policy row is 1 (审核认定: the city determines
-- unless its policy lets the counties). required: the members the action's body must have.
-- audience: besides the portal users who handle the case (its county's admins, the city
-- admin, discipline inspectors, judicial analysts), who reads what the step recorded:
-- 'enterprise' (its managers), 'unit' (its unit admin), 'official' (the visit's official).
-- ---------------------------------------------------------------------------------
CREATE TABLE rq.case_transitions (
    action        text NOT NULL CHECK (action ~ '^[a-z_]{1,40}$'),
    from_status   text NOT NULL
                  CHECK (from_status IN ('open', 'follow_up', 'analysis', 'investigation',
                                         'determination', 'handed_over', 'closed')),
    to_status     text NOT NULL
                  CHECK (to_status IN ('open', 'follow_up', 'analysis', 'investigation',
                                       'determination', 'handed_over', 'closed')),
    roles         text[] NOT NULL
                  CHECK (cardinality(roles) >= 1
                         AND roles <@ ARRAY['city_admin', 'county_admin', 'unit_admin',
                                            'discipline_inspector', 'manager', 'official']),
    county_policy text CHECK (county_policy ~ '^[a-z][a-z0-9_]{0,39}$'),
    required      text[] NOT NULL DEFAULT '{}',
    audience      text[] NOT NULL DEFAULT '{}'
                  CHECK (audience <@ ARRAY['enterprise', 'unit', 'official']),
    label         text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 20),
    PRIMARY KEY (action, from_status)
);

COMMENT ON TABLE rq.case_transitions IS
    'the case chain as data: action, from status, to status, roles, required body members, who reads the record';

INSERT INTO rq.case_transitions (action, from_status, to_status, roles, county_policy, required,
                                 audience, label) VALUES
  ('accept', 'open', 'follow_up', '{county_admin,city_admin}', NULL, '{}',
   '{enterprise,unit,official}', '受理'),
  ('merge', 'open', 'closed', '{county_admin,city_admin}', NULL, '{target_case_id,reason}',
   '{enterprise}', '合并办理'),
  ('follow_up', 'follow_up', 'analysis', '{county_admin,city_admin}', NULL,
   '{method,contacted_at,contact_person,enterprise_says,wish}', '{enterprise}', '回访'),
  ('close', 'analysis', 'closed', '{county_admin,city_admin}', NULL,
   '{classification,explanation}', '{enterprise}', '研判办结'),
  ('investigate', 'analysis', 'investigation', '{county_admin,city_admin}', NULL,
   '{classification,question}', '{unit}', '转入调查'),
  ('statement', 'investigation', 'investigation', '{unit_admin}', NULL, '{text}', '{unit}',
   '单位情况说明'),
  ('appeal', 'investigation', 'investigation', '{official}', NULL, '{text}', '{official}',
   '本人申诉'),
  ('refer', 'investigation', 'determination', '{county_admin,city_admin}', NULL, '{summary}',
   '{}', '提请审核认定'),
  ('determine', 'determination', 'closed', '{city_admin,county_admin}',
   'case_county_may_determine', '{outcome}', '{enterprise,unit,official}', '审核认定'),
  ('hand_over', 'determination', 'handed_over', '{city_admin,county_admin}',
   'case_county_may_determine', '{outcome,clue}', '{enterprise,unit,official}', '认定并移交'),
  ('dispose', 'handed_over', 'closed', '{discipline_inspector}', NULL, '{disposition,note}',
   '{unit,official}', '处置办结'),
  ('add_info', 'open', 'open', '{manager}', NULL, '{note}', '{enterprise}', '补充情况'),
  ('add_info', 'follow_up', 'follow_up', '{manager}', NULL, '{note}', '{enterprise}', '补充情况'),
  ('add_info', 'analysis', 'analysis', '{manager}', NULL, '{note}', '{enterprise}', '补充情况'),
  ('add_info', 'investigation', 'investigation', '{manager}', NULL, '{note}', '{enterprise}',
   '补充情况'),
  ('add_info', 'determination', 'determination', '{manager}', NULL, '{note}', '{enterprise}',
   '补充情况'),
  ('add_info', 'handed_over', 'handed_over', '{manager}', NULL, '{note}', '{enterprise}',
   '补充情况'),
  ('rate', 'closed', 'closed', '{manager}', NULL, '{value}', '{enterprise}', '评价办理结果'),
  ('reopen', 'closed', 'open', '{manager}', NULL, '{value,comment}', '{enterprise}',
   '不满意，重新办理');

-- ---------------------------------------------------------------------------------
-- The timeline: every transition writes an event (what happened, when, by whom: read by
-- everyone who sees the case) and what the step recorded (case_records: read by its
-- audience only).
-- ---------------------------------------------------------------------------------
ALTER TABLE rq.case_events DROP CONSTRAINT case_events_kind_check;

ALTER TABLE rq.case_events ADD CONSTRAINT case_events_kind_check
    CHECK (kind IN ('opened', 'rating_changed', 'status_changed', 'note', 'transition'));

-- the action of a 'transition' event (rq.case_transitions)
ALTER TABLE rq.case_events ADD COLUMN action text CHECK (action ~ '^[a-z_]{1,40}$');

ALTER TABLE rq.case_events ADD CONSTRAINT case_events_transition_action
    CHECK ((kind = 'transition') = (action IS NOT NULL));

CREATE TABLE rq.case_records (
    id         bigserial PRIMARY KEY,
    case_id    bigint NOT NULL REFERENCES rq.cases (id),
    event_id   bigint NOT NULL REFERENCES rq.case_events (id),
    -- who reads it besides the case's handlers (rq.case_transitions.audience)
    audience   text[] NOT NULL CHECK (audience <@ ARRAY['enterprise', 'unit', 'official']),
    data       jsonb NOT NULL CHECK (jsonb_typeof(data) = 'object'),
    created_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE rq.case_records IS
    'what a step of a case recorded (follow-up, statements, determination...), read by its audience';

CREATE INDEX case_records_case_idx ON rq.case_records (case_id, id);

CREATE INDEX case_records_event_idx ON rq.case_records (event_id);

-- Photos of a step follow its record (NULL: the report's own, read with the case).
ALTER TABLE rq.case_attachments ADD COLUMN record_id bigint REFERENCES rq.case_records (id);

-- ---------------------------------------------------------------------------------
-- 调查申诉: the request to the unit admin of the official's unit for its 情况说明, and the
-- unit's answer.
-- ---------------------------------------------------------------------------------
CREATE TABLE rq.case_statements (
    id           bigserial PRIMARY KEY,
    case_id      bigint NOT NULL REFERENCES rq.cases (id),
    unit_id      bigint NOT NULL REFERENCES rq.units (id),
    question     text NOT NULL CHECK (char_length(question) BETWEEN 1 AND 2000),
    requested_by bigint NOT NULL REFERENCES rq.admin_users (id),
    requested_at timestamptz NOT NULL DEFAULT now(),
    due_at       timestamptz,
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'submitted')),
    text         text CHECK (char_length(text) BETWEEN 1 AND 4000),
    submitted_by bigint REFERENCES rq.admin_users (id),
    submitted_at timestamptz,
    CONSTRAINT case_statements_submitted_shape
        CHECK ((status = 'submitted') = (text IS NOT NULL AND submitted_by IS NOT NULL
                                         AND submitted_at IS NOT NULL))
);

COMMENT ON TABLE rq.case_statements IS
    'requests for a unit''s 情况说明 in an investigation, and the statements submitted';

CREATE INDEX case_statements_unit_idx ON rq.case_statements (unit_id, id);

CREATE INDEX case_statements_case_idx ON rq.case_statements (case_id, id);

-- one open request per case
CREATE UNIQUE INDEX case_statements_one_pending ON rq.case_statements (case_id)
    WHERE status = 'pending';

-- ---------------------------------------------------------------------------------
-- The enterprise's rating of the handling, once per closing (round = reopen_count then).
-- The rater's account is kept only when the case's rating was not anonymous.
-- ---------------------------------------------------------------------------------
CREATE TABLE rq.case_ratings (
    case_id    bigint NOT NULL REFERENCES rq.cases (id),
    round      int NOT NULL CHECK (round BETWEEN 0 AND 1),
    value      text NOT NULL CHECK (value IN ('satisfied', 'unsatisfied')),
    comment    text CHECK (char_length(comment) BETWEEN 1 AND 500),
    account_id bigint REFERENCES rq.accounts (id),
    reopened   boolean NOT NULL DEFAULT false,
    rated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, round),
    CONSTRAINT case_ratings_unsatisfied_has_comment CHECK (value <> 'unsatisfied' OR comment IS NOT NULL)
);

COMMENT ON TABLE rq.case_ratings IS 'the enterprise''s rating of how a closed case was handled';

-- ---------------------------------------------------------------------------------
-- Accountability: a no-scan report (未扫码入企) determined 属实 or 部分属实 is entered against
-- the responsible unit and, when named, the official. A later determination of the same
-- case (after it was reopened) withdraws the earlier entry.
-- ---------------------------------------------------------------------------------
CREATE TABLE rq.accountability_entries (
    id           bigserial PRIMARY KEY,
    case_id      bigint NOT NULL REFERENCES rq.cases (id),
    unit_id      bigint NOT NULL REFERENCES rq.units (id),
    account_id   bigint REFERENCES rq.accounts (id),            -- the official, when named
    county_code  text NOT NULL REFERENCES rq.regions (code) ON UPDATE CASCADE,
    outcome      text NOT NULL CHECK (outcome IN ('substantiated', 'partly_substantiated')),
    measures     text CHECK (char_length(measures) BETWEEN 1 AND 2000),
    recorded_by  bigint NOT NULL REFERENCES rq.admin_users (id),
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    withdrawn_at timestamptz
);

COMMENT ON TABLE rq.accountability_entries IS
    'no-scan reports determined 属实 / 部分属实: entries against the unit and the official';

CREATE INDEX accountability_entries_unit_idx ON rq.accountability_entries (unit_id, id);

CREATE INDEX accountability_entries_account_idx ON rq.accountability_entries (account_id, id)
    WHERE account_id IS NOT NULL;

CREATE UNIQUE INDEX accountability_entries_one_standing ON rq.accountability_entries (case_id)
    WHERE withdrawn_at IS NULL;

-- ---------------------------------------------------------------------------------
-- Notifications of a case's steps: to portal users (read in the portal) and to
-- mini-program accounts (the enterprise's managers, the official: WeChat subscribe
-- messages with the template RUQIMA_WX_TEMPLATE_CASE, and their list).
-- ---------------------------------------------------------------------------------
-- Other migrations of this release widen the same list: the new kinds are added to the list
-- as it stands, whatever they put in it.
DO $$
DECLARE
    v_def  text := (SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
                     WHERE c.conrelid = 'rq.outbox'::regclass AND c.conname = 'outbox_kind_check');
    v_more text := '';
    k      text;
BEGIN
    FOREACH k IN ARRAY ARRAY['case_accepted', 'case_closed', 'case_statement_requested',
                             'case_handed_over', 'case_reopened', 'case_overdue',
                             'case_escalated'] LOOP
        IF v_def NOT LIKE '%''' || k || '''%' THEN
            v_more := v_more || quote_literal(k) || '::text, ';
        END IF;
    END LOOP;
    IF v_more <> '' THEN
        ALTER TABLE rq.outbox DROP CONSTRAINT outbox_kind_check;
        EXECUTE 'ALTER TABLE rq.outbox ADD CONSTRAINT outbox_kind_check '
                || replace(v_def, 'ARRAY[', 'ARRAY[' || v_more);
    END IF;
END
$$;

ALTER TABLE rq.outbox DROP CONSTRAINT outbox_case_kind;

ALTER TABLE rq.outbox ADD CONSTRAINT outbox_case_kind
    CHECK ((kind LIKE 'case\_%') = (case_id IS NOT NULL));
