-- 0015_evaluations.sql — what the enterprise answers about a visit (issue 5; design §1, §5):
-- its confirmation or dispute (确认 / 异议), its rating (满意 / 基本满意 / 不满意), the cases
-- that a 不满意, a dispute or a report of an entry without a scan (未扫码入企) open, and
-- notifications to portal users (the county admin who follows the case up).
--
-- As in 0014, the application role writes only through the SECURITY DEFINER functions at
-- the end (rq.visit_answer, rq.rating_give, rq.rating_change, rq.no_scan_report,
-- rq.notification_read); each checks rq.actor_manages itself. Reads are row-level secured.

-- ---------------------------------------------------------------------------------
-- Policy: the rating windows, changed by the city admin like every other threshold.
-- ---------------------------------------------------------------------------------
INSERT INTO rq.policy (key, value, min_value, max_value, measure, description) VALUES
  ('rating_window_days', 30, 1, 366, 'days', '企业对入企行为进行评价的期限（登记后天数）'),
  ('rating_change_hours', 24, 0, 720, 'hours', '评价提交后可修改一次的时限（小时）');

-- ---------------------------------------------------------------------------------
-- The enterprise's answer: confirmed as registered, or disputed ("not as registered").
-- One per visit and final; rq.visits.confirmation says the same for the lists.
-- ---------------------------------------------------------------------------------
CREATE TABLE rq.visit_answers (
    visit_id        bigint PRIMARY KEY REFERENCES rq.visits (id),
    decision        text NOT NULL CHECK (decision IN ('confirmed', 'disputed')),
    account_id      bigint NOT NULL REFERENCES rq.accounts (id),   -- the manager
    -- 人员不符 / 事项不符 / 未曾到场 / 其他: disputes only
    reason_category text CHECK (reason_category IN ('wrong_people', 'wrong_matter',
                                                    'never_came', 'other')),
    reason          text CHECK (char_length(reason) BETWEEN 1 AND 500),
    answered_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT visit_answers_dispute_has_category
        CHECK ((decision = 'disputed') = (reason_category IS NOT NULL)),
    CONSTRAINT visit_answers_reason_is_dispute CHECK (decision = 'disputed' OR reason IS NULL),
    -- "other" says what
    CONSTRAINT visit_answers_other_has_reason CHECK (reason_category <> 'other' OR reason IS NOT NULL)
);
COMMENT ON TABLE rq.visit_answers IS 'the enterprise''s confirmation or dispute of a visit, by whom and why';
SELECT audit.enable('rq.visit_answers', 'visit_id');

-- ---------------------------------------------------------------------------------
-- Ratings (评价): one per visit, changeable once within rating_change_hours.
-- ---------------------------------------------------------------------------------
CREATE TABLE rq.evaluations (
    visit_id      bigint PRIMARY KEY REFERENCES rq.visits (id),
    -- copies of the visit's, for the counts by enterprise, unit and county
    enterprise_id bigint NOT NULL REFERENCES rq.enterprises (id),
    unit_id       bigint NOT NULL REFERENCES rq.units (id),
    county_code   text NOT NULL REFERENCES rq.regions (code) ON UPDATE CASCADE,
    -- 满意 / 基本满意 / 不满意
    value         text NOT NULL CHECK (value IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
    comment       text CHECK (char_length(comment) BETWEEN 1 AND 500),
    -- the rater is hidden from the official and their unit (see rq.evaluation_raters)
    anonymous     boolean NOT NULL,
    rated_at      timestamptz NOT NULL DEFAULT now(),
    changed_at    timestamptz,
    CONSTRAINT evaluations_unsatisfied_has_comment CHECK (value <> 'unsatisfied' OR comment IS NOT NULL),
    CONSTRAINT evaluations_changed_after CHECK (changed_at IS NULL OR changed_at >= rated_at)
);
COMMENT ON TABLE rq.evaluations IS 'the enterprise''s rating of a visit (满意/基本满意/不满意), one per visit';
CREATE INDEX evaluations_enterprise_idx ON rq.evaluations (enterprise_id, visit_id);
CREATE INDEX evaluations_unit_idx ON rq.evaluations (unit_id, visit_id);
SELECT audit.enable('rq.evaluations', 'visit_id');

-- Who rated, kept apart from the rating so that row-level security can hide it from
-- those who see the rating of an anonymous one (a column cannot have a policy).
CREATE TABLE rq.evaluation_raters (
    visit_id   bigint PRIMARY KEY REFERENCES rq.evaluations (visit_id),
    account_id bigint NOT NULL REFERENCES rq.accounts (id),
    -- as the binding said when they rated
    name       text NOT NULL,
    phone      text NOT NULL
);
COMMENT ON TABLE rq.evaluation_raters IS 'the manager who gave each rating (hidden when anonymous)';
SELECT audit.enable('rq.evaluation_raters', 'visit_id');

-- ---------------------------------------------------------------------------------
-- Cases (问题线索): opened by a 不满意, a dispute or a no-scan report, worked on by the
-- complaints family (回访 → 分析研判 → 调查申诉 → 审核认定), with an event timeline.
-- ---------------------------------------------------------------------------------
CREATE TABLE rq.cases (
    id                  bigserial PRIMARY KEY,
    source              text NOT NULL CHECK (source IN ('rating', 'dispute', 'no_scan')),
    status              text NOT NULL DEFAULT 'open'
                        CHECK (status IN ('open', 'follow_up', 'analysis', 'investigation',
                                          'determination', 'closed')),
    visit_id            bigint REFERENCES rq.visits (id),
    enterprise_id       bigint NOT NULL REFERENCES rq.enterprises (id),
    unit_id             bigint REFERENCES rq.units (id),          -- NULL: not known
    county_code         text NOT NULL REFERENCES rq.regions (code) ON UPDATE CASCADE,
    -- the manager who disputed or reported; NULL for ratings, whose rater is in
    -- rq.evaluation_raters (so an anonymous rating stays anonymous here too)
    reporter_account_id bigint REFERENCES rq.accounts (id),
    -- the dispute's reason category
    category            text CHECK (category IN ('wrong_people', 'wrong_matter',
                                                 'never_came', 'other')),
    -- the rating's comment, the dispute's reason, what happened without a scan
    description         text CHECK (char_length(description) BETWEEN 1 AND 2000),
    -- no-scan reports: when, and who came (as the enterprise describes them)
    occurred_at         timestamptz,
    people              text CHECK (char_length(people) BETWEEN 1 AND 500),
    opened_at           timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT cases_visit_source CHECK ((visit_id IS NULL) = (source = 'no_scan')),
    CONSTRAINT cases_reporter_source CHECK ((reporter_account_id IS NULL) = (source = 'rating')),
    CONSTRAINT cases_category_is_dispute CHECK ((category IS NOT NULL) = (source = 'dispute')),
    CONSTRAINT cases_no_scan_facts
        CHECK (source <> 'no_scan' OR (occurred_at IS NOT NULL AND people IS NOT NULL
                                       AND description IS NOT NULL)),
    CONSTRAINT cases_unit_of_visit CHECK (visit_id IS NULL OR unit_id IS NOT NULL)
);
COMMENT ON TABLE rq.cases IS 'cases opened by 不满意, disputes and no-scan reports; followed up by the county';
CREATE INDEX cases_county_idx ON rq.cases (county_code, id);
CREATE INDEX cases_enterprise_idx ON rq.cases (enterprise_id, id);
CREATE INDEX cases_unit_idx ON rq.cases (unit_id, id);
-- one rating case per visit (a changed rating adds to it), one dispute case per visit
CREATE UNIQUE INDEX cases_one_per_visit_source ON rq.cases (visit_id, source) WHERE visit_id IS NOT NULL;
CREATE TRIGGER cases_touch BEFORE UPDATE ON rq.cases
    FOR EACH ROW EXECUTE FUNCTION rq.touch_updated_at();
SELECT audit.enable('rq.cases');

CREATE TABLE rq.case_events (
    id            bigserial PRIMARY KEY,
    case_id       bigint NOT NULL REFERENCES rq.cases (id),
    kind          text NOT NULL CHECK (kind IN ('opened', 'rating_changed', 'status_changed',
                                                'note')),
    status        text,                 -- the case's status after the event
    note          text CHECK (char_length(note) BETWEEN 1 AND 2000),
    account_id    bigint REFERENCES rq.accounts (id),
    admin_user_id bigint REFERENCES rq.admin_users (id),
    created_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE rq.case_events IS 'the timeline of each case';
CREATE INDEX case_events_case_idx ON rq.case_events (case_id, id);
SELECT audit.enable('rq.case_events');

-- Photos of a no-scan report (uploaded first through POST /registration/attachments).
CREATE TABLE rq.case_attachments (
    case_id       bigint NOT NULL REFERENCES rq.cases (id),
    attachment_id bigint NOT NULL REFERENCES rq.attachments (id) UNIQUE,
    added_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, attachment_id)
);
SELECT audit.enable('rq.case_attachments', 'case_id,attachment_id');

-- ---------------------------------------------------------------------------------
-- The outbox also notifies portal users (the county admin of a new case): exactly one
-- recipient, an account or an admin user. The WeChat dispatcher sends account rows only;
-- admin rows are read in the portal.
-- ---------------------------------------------------------------------------------
ALTER TABLE rq.outbox ALTER COLUMN account_id DROP NOT NULL;
ALTER TABLE rq.outbox ADD COLUMN admin_user_id bigint REFERENCES rq.admin_users (id);
ALTER TABLE rq.outbox ADD COLUMN case_id bigint REFERENCES rq.cases (id);
ALTER TABLE rq.outbox ADD CONSTRAINT outbox_one_recipient
    CHECK ((account_id IS NULL) <> (admin_user_id IS NULL));
ALTER TABLE rq.outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE rq.outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('visit_registered', 'visit_edited', 'visit_finished', 'case_opened'));
ALTER TABLE rq.outbox ADD CONSTRAINT outbox_case_kind CHECK ((kind = 'case_opened') = (case_id IS NOT NULL));
CREATE INDEX outbox_admin_idx ON rq.outbox (admin_user_id, id DESC) WHERE admin_user_id IS NOT NULL;

-- ---------------------------------------------------------------------------------
-- Privileges and row-level security
-- ---------------------------------------------------------------------------------
SELECT rq.rls_enable(t) FROM unnest(ARRAY['rq.visit_answers', 'rq.evaluations',
    'rq.evaluation_raters', 'rq.cases', 'rq.case_events', 'rq.case_attachments']::regclass[]) AS t;

GRANT SELECT ON rq.visit_answers, rq.evaluations, rq.evaluation_raters, rq.cases,
                rq.case_events, rq.case_attachments
    TO ruqima_app;

-- The answer and the rating follow their visit (the subquery is itself row-level secured:
-- the official, the enterprise's managers, the portal by scope).
CREATE POLICY visit_answers_app_read ON rq.visit_answers FOR SELECT TO ruqima_app
    USING (EXISTS (SELECT 1 FROM rq.visits v WHERE v.id = visit_id));
CREATE POLICY evaluations_app_read ON rq.evaluations FOR SELECT TO ruqima_app
    USING (EXISTS (SELECT 1 FROM rq.visits v WHERE v.id = visit_id));
-- The rater: the rater themselves; for a rating that is not anonymous, whoever sees the
-- rating; for an anonymous one, discipline inspectors only (design §5).
CREATE POLICY evaluation_raters_app_read ON rq.evaluation_raters FOR SELECT TO ruqima_app
    USING (account_id = rq.current_account_id()
           OR EXISTS (SELECT 1 FROM rq.evaluations e
                       WHERE e.visit_id = evaluation_raters.visit_id
                         AND (NOT e.anonymous
                              OR (rq.actor_kind() = 'admin'
                                  AND rq.actor_role() = 'discipline_inspector'))));
-- Cases: the reporting manager and the enterprise's managers now; the city admin,
-- discipline inspectors and judicial analysts all; a county admin their county's; a unit
-- admin those naming their unit.
CREATE POLICY cases_app_read ON rq.cases FOR SELECT TO ruqima_app
    USING (reporter_account_id = rq.current_account_id()
           OR (rq.actor_kind() = 'account'
               AND enterprise_id = ANY ((SELECT rq.actor_managed_ids())::bigint[]))
           OR (rq.actor_kind() = 'admin'
               AND (rq.actor_role() IN ('city_admin', 'judicial_analyst', 'discipline_inspector')
                    OR (rq.actor_role() = 'county_admin' AND county_code = rq.actor_county())
                    OR (rq.actor_role() = 'unit_admin' AND unit_id::text = rq.actor_unit()))));
CREATE POLICY case_events_app_read ON rq.case_events FOR SELECT TO ruqima_app
    USING (EXISTS (SELECT 1 FROM rq.cases c WHERE c.id = case_id));
CREATE POLICY case_attachments_app_read ON rq.case_attachments FOR SELECT TO ruqima_app
    USING (EXISTS (SELECT 1 FROM rq.cases c WHERE c.id = case_id));
-- A report's photos are seen by whoever sees the case.
CREATE POLICY attachments_case_read ON rq.attachments FOR SELECT TO ruqima_app
    USING (EXISTS (SELECT 1 FROM rq.case_attachments ca WHERE ca.attachment_id = attachments.id));
-- Portal users read the notifications addressed to them.
CREATE POLICY outbox_admin_read ON rq.outbox FOR SELECT TO ruqima_app
    USING (admin_user_id = rq.current_admin_id());


-- ---------------------------------------------------------------------------------
-- Functions: writes (SECURITY DEFINER)
-- ---------------------------------------------------------------------------------

-- The acting account, or 42501: these writes are made by mini-program accounts only.
CREATE FUNCTION rq.require_account() RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = rq, pg_temp
AS $$
BEGIN
    IF rq.current_account_id() IS NULL THEN
        RAISE EXCEPTION 'enterprise answers come from mini-program accounts only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN rq.current_account_id();
END
$$;

-- The visit locked for the enterprise's answer, or NULL when it does not exist or the
-- actor does not manage its enterprise now (both answer 404: nothing is given away).
CREATE FUNCTION rq.visit_for_manager(p_visit_id bigint) RETURNS rq.visits
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
DECLARE
    v rq.visits%ROWTYPE;
BEGIN
    SELECT * INTO v FROM rq.visits x WHERE x.id = p_visit_id FOR UPDATE;
    IF NOT FOUND OR NOT rq.actor_manages(v.enterprise_id) THEN
        RETURN NULL;
    END IF;
    RETURN v;
END
$$;

-- Opens a case, writes its first event and queues a 'case_opened' notification for every
-- active county admin of its county (who follows it up). Returns the case id.
CREATE FUNCTION rq.case_open(p_source text, p_visit_id bigint, p_enterprise_id bigint,
                             p_unit_id bigint, p_reporter bigint, p_category text,
                             p_description text, p_people text, p_occurred_at timestamptz)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
DECLARE
    e    rq.enterprises%ROWTYPE;
    v_id bigint;
BEGIN
    SELECT * INTO e FROM rq.enterprises x WHERE x.id = p_enterprise_id;
    INSERT INTO rq.cases (source, visit_id, enterprise_id, unit_id, county_code,
                          reporter_account_id, category, description, people, occurred_at)
    VALUES (p_source, p_visit_id, e.id, p_unit_id,
            coalesce((SELECT v.county_code FROM rq.visits v WHERE v.id = p_visit_id), e.county_code),
            p_reporter, p_category, p_description, p_people, p_occurred_at)
    RETURNING id INTO v_id;
    INSERT INTO rq.case_events (case_id, kind, status, account_id)
    VALUES (v_id, 'opened', 'open', p_reporter);
    INSERT INTO rq.outbox (admin_user_id, kind, visit_id, enterprise_id, case_id, payload)
    SELECT a.id, 'case_opened', p_visit_id, e.id, v_id,
           jsonb_build_object('title', CASE p_source WHEN 'rating' THEN '企业评价“不满意”，请跟进'
                                                     WHEN 'dispute' THEN '企业对入企登记提出异议，请跟进'
                                                     ELSE '企业反映未扫码入企，请核查' END,
                              'source', p_source, 'enterprise', e.name,
                              'unit', (SELECT coalesce(u.short_name, u.name) FROM rq.units u
                                        WHERE u.id = p_unit_id),
                              'case_id', v_id::text, 'time', now())
      FROM rq.admin_users a
     WHERE a.role = 'county_admin' AND a.active
       AND a.county_code = (SELECT c.county_code FROM rq.cases c WHERE c.id = v_id);
    RETURN v_id;
END
$$;

-- The enterprise confirms a visit as registered (p_decision 'confirmed') or disputes it
-- ('disputed', with a reason category and an optional reason, required for 'other'),
-- which opens a case with source 'dispute'. Outcomes: ok, not-found, already-answered.
CREATE FUNCTION rq.visit_answer(p_visit_id bigint, p_decision text, p_category text,
                                p_reason text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
DECLARE
    v_account bigint := rq.require_account();
    v         rq.visits%ROWTYPE := rq.visit_for_manager(p_visit_id);
BEGIN
    IF v.id IS NULL THEN
        RETURN 'not-found';
    END IF;
    IF v.confirmation <> 'pending' THEN
        RETURN 'already-answered';
    END IF;
    INSERT INTO rq.visit_answers (visit_id, decision, account_id, reason_category, reason)
    VALUES (v.id, p_decision, v_account, p_category, p_reason);
    UPDATE rq.visits SET confirmation = p_decision WHERE id = v.id;
    IF p_decision = 'disputed' THEN
        PERFORM rq.case_open('dispute', v.id, v.enterprise_id, v.unit_id, v_account, p_category,
                             p_reason, NULL, NULL);
    END IF;
    RETURN 'ok';
END
$$;

-- Rates a confirmed visit, once (POST /visits/{id}/rating). A 不满意 opens a case with
-- source 'rating' in the same transaction. Outcomes: ok, not-found, not-confirmed,
-- window-closed (rating_window_days after the registration), already-rated.
CREATE FUNCTION rq.rating_give(p_visit_id bigint, p_value text, p_comment text,
                               p_anonymous boolean)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
DECLARE
    v_account bigint := rq.require_account();
    v         rq.visits%ROWTYPE := rq.visit_for_manager(p_visit_id);
BEGIN
    IF v.id IS NULL THEN
        RETURN 'not-found';
    END IF;
    IF v.confirmation <> 'confirmed' THEN
        RETURN 'not-confirmed';
    END IF;
    IF EXISTS (SELECT 1 FROM rq.evaluations e WHERE e.visit_id = v.id) THEN
        RETURN 'already-rated';
    END IF;
    IF now() > v.registered_at + make_interval(days => rq.policy_value('rating_window_days')) THEN
        RETURN 'window-closed';
    END IF;
    INSERT INTO rq.evaluations (visit_id, enterprise_id, unit_id, county_code, value, comment,
                                anonymous)
    VALUES (v.id, v.enterprise_id, v.unit_id, v.county_code, p_value, p_comment, p_anonymous);
    INSERT INTO rq.evaluation_raters (visit_id, account_id, name, phone)
    SELECT v.id, v_account, b.claimant_name, b.phone FROM rq.manager_bindings b
     WHERE b.account_id = v_account AND b.enterprise_id = v.enterprise_id AND b.status = 'active';
    IF p_value = 'unsatisfied' THEN
        PERFORM rq.case_open('rating', v.id, v.enterprise_id, v.unit_id, NULL, NULL, p_comment,
                             NULL, NULL);
    END IF;
    RETURN 'ok';
END
$$;

-- Changes a rating, once, by its rater, within rating_change_hours of the first rating
-- (PUT /visits/{id}/rating). Becoming 不满意 opens the rating case; any change of a visit
-- with a rating case adds an event to it. Outcomes: ok, unchanged, not-found, not-rated,
-- not-rater, already-changed, change-closed.
CREATE FUNCTION rq.rating_change(p_visit_id bigint, p_value text, p_comment text,
                                 p_anonymous boolean)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
DECLARE
    v_account bigint := rq.require_account();
    v         rq.visits%ROWTYPE := rq.visit_for_manager(p_visit_id);
    ev        rq.evaluations%ROWTYPE;
    v_case    bigint;
BEGIN
    IF v.id IS NULL THEN
        RETURN 'not-found';
    END IF;
    SELECT * INTO ev FROM rq.evaluations e WHERE e.visit_id = v.id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 'not-rated';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM rq.evaluation_raters r
                    WHERE r.visit_id = v.id AND r.account_id = v_account) THEN
        RETURN 'not-rater';
    END IF;
    IF ev.changed_at IS NOT NULL THEN
        RETURN 'already-changed';
    END IF;
    IF now() > ev.rated_at + make_interval(hours => rq.policy_value('rating_change_hours')) THEN
        RETURN 'change-closed';
    END IF;
    IF ev.value = p_value AND ev.comment IS NOT DISTINCT FROM p_comment
       AND ev.anonymous = p_anonymous THEN
        RETURN 'unchanged';
    END IF;
    UPDATE rq.evaluations
       SET value = p_value, comment = p_comment, anonymous = p_anonymous, changed_at = now()
     WHERE visit_id = v.id;
    SELECT c.id INTO v_case FROM rq.cases c WHERE c.visit_id = v.id AND c.source = 'rating';
    IF v_case IS NOT NULL THEN
        INSERT INTO rq.case_events (case_id, kind, status, note, account_id)
        SELECT v_case, 'rating_changed', c.status,
               format('评价由“%s”改为“%s”', rq.rating_label(ev.value), rq.rating_label(p_value)),
               v_account
          FROM rq.cases c WHERE c.id = v_case;
    ELSIF p_value = 'unsatisfied' THEN
        PERFORM rq.case_open('rating', v.id, v.enterprise_id, v.unit_id, NULL, NULL, p_comment,
                             NULL, NULL);
    END IF;
    RETURN 'ok';
END
$$;

-- True when every attachment was uploaded by the acting account and is used by no visit
-- and no case yet.
CREATE FUNCTION rq.case_attachments_usable(p_ids bigint[]) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
    SELECT rq.attachments_usable(p_ids)
           AND NOT EXISTS (SELECT 1 FROM rq.case_attachments ca WHERE ca.attachment_id = ANY (p_ids))
$$;

-- 未扫码入企: the manager reports an entry made without a scan, for the enterprise they
-- act for now (accounts.current_enterprise_id). p_occurred_at is the request's text.
-- Returns (outcome, case_id); outcomes: ok, no-enterprise, bad-time, future, unknown-unit,
-- attachments.
CREATE FUNCTION rq.no_scan_report(p_occurred_at text, p_unit_id bigint, p_people text,
                                  p_what text, p_attachment_ids bigint[])
RETURNS TABLE (outcome text, case_id bigint)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_account    bigint := rq.require_account();
    v_enterprise bigint;
    v_at         timestamptz;
    v_id         bigint;
BEGIN
    SELECT a.current_enterprise_id INTO v_enterprise FROM rq.accounts a WHERE a.id = v_account;
    IF v_enterprise IS NULL OR NOT rq.actor_manages(v_enterprise) THEN
        RETURN QUERY SELECT 'no-enterprise'::text, NULL::bigint;
        RETURN;
    END IF;
    BEGIN
        v_at := p_occurred_at::timestamptz;
    EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format
                   OR invalid_parameter_value OR data_exception THEN
        RETURN QUERY SELECT 'bad-time'::text, NULL::bigint;
        RETURN;
    END;
    -- a few minutes' grace for a phone clock that runs ahead
    IF v_at > now() + interval '5 minutes' THEN
        RETURN QUERY SELECT 'future'::text, NULL::bigint;
        RETURN;
    END IF;
    IF p_unit_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rq.units u WHERE u.id = p_unit_id) THEN
        RETURN QUERY SELECT 'unknown-unit'::text, NULL::bigint;
        RETURN;
    END IF;
    IF NOT rq.case_attachments_usable(coalesce(p_attachment_ids, '{}')) THEN
        RETURN QUERY SELECT 'attachments'::text, NULL::bigint;
        RETURN;
    END IF;
    v_id := rq.case_open('no_scan', NULL, v_enterprise, p_unit_id, v_account, NULL, p_what,
                         p_people, v_at);
    INSERT INTO rq.case_attachments (case_id, attachment_id)
    SELECT DISTINCT v_id, x FROM unnest(coalesce(p_attachment_ids, '{}')) x;
    RETURN QUERY SELECT 'ok'::text, v_id;
END
$$;

-- Marks a notification of the acting account read (the first time only). Returns false
-- when it is not theirs.
CREATE FUNCTION rq.notification_read(p_id bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM rq.outbox o
                    WHERE o.id = p_id AND o.account_id = rq.require_account()) THEN
        RETURN false;
    END IF;
    UPDATE rq.outbox SET read_at = now() WHERE id = p_id AND read_at IS NULL;
    RETURN true;
END
$$;

-- ---------------------------------------------------------------------------------
-- Functions: reads (SECURITY INVOKER: row-level security decides)
-- ---------------------------------------------------------------------------------

-- 满意 / 基本满意 / 不满意
CREATE FUNCTION rq.rating_label(p_value text) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE p_value WHEN 'satisfied' THEN '满意' WHEN 'basically_satisfied' THEN '基本满意'
                        WHEN 'unsatisfied' THEN '不满意' END
$$;

-- The rating of a visit as the reader may see it, or NULL (none, or hidden). rater is
-- {name, phone} when row-level security shows it (the rater, a rating that is not
-- anonymous, a discipline inspector), else null. For every reader: the official's detail
-- (registration), the enterprise's, the portal's.
CREATE FUNCTION rq.visit_rating(p_visit_id bigint) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = rq, pg_temp
AS $$
    SELECT jsonb_build_object(
        'value', e.value, 'label', rq.rating_label(e.value), 'comment', e.comment,
        'anonymous', e.anonymous, 'rated_at', e.rated_at, 'changed_at', e.changed_at,
        'rater', (SELECT jsonb_build_object('name', r.name, 'phone', r.phone)
                    FROM rq.evaluation_raters r WHERE r.visit_id = e.visit_id))
      FROM rq.evaluations e WHERE e.visit_id = p_visit_id
$$;

-- The enterprise's answer to a visit, or NULL while pending.
CREATE FUNCTION rq.visit_answer_json(p_visit_id bigint) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = rq, pg_temp
AS $$
    SELECT jsonb_build_object('decision', a.decision, 'reason_category', a.reason_category,
                              'reason', a.reason, 'answered_at', a.answered_at)
      FROM rq.visit_answers a WHERE a.visit_id = p_visit_id
$$;

-- One case, for lists and answers.
CREATE FUNCTION rq.case_summary(c rq.cases) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = rq, pg_temp
AS $$
    SELECT jsonb_build_object(
        'id', c.id::text, 'source', c.source, 'status', c.status,
        'visit_id', c.visit_id::text, 'enterprise_id', c.enterprise_id::text,
        'unit_id', c.unit_id::text, 'county_code', c.county_code, 'category', c.category,
        'description', c.description, 'people', c.people, 'occurred_at', c.occurred_at,
        'opened_at', c.opened_at,
        'attachment_ids', coalesce((SELECT jsonb_agg(ca.attachment_id::text ORDER BY ca.attachment_id)
                                      FROM rq.case_attachments ca WHERE ca.case_id = c.id), '[]'))
$$;

-- What the enterprise's manager sees of a visit: the whole visit (rq.visit_detail) with
-- the answer, the rating, what may be done next and the cases it opened. NULL unless the
-- actor manages the visit's enterprise now (the official who registered it gets nothing
-- here: they read it through the registration family).
CREATE FUNCTION rq.visit_for_enterprise(p_visit_id bigint) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = rq, pg_temp
AS $$
    SELECT rq.visit_detail(v.id) || jsonb_build_object(
        'answer', rq.visit_answer_json(v.id),
        'rating', rq.visit_rating(v.id),
        'can_answer', v.confirmation = 'pending',
        'can_rate', v.confirmation = 'confirmed'
                    AND NOT EXISTS (SELECT 1 FROM rq.evaluations e WHERE e.visit_id = v.id)
                    AND now() <= v.registered_at
                                 + make_interval(days => rq.policy_value('rating_window_days')),
        'rating_deadline', v.registered_at + make_interval(days => rq.policy_value('rating_window_days')),
        'cases', coalesce((SELECT jsonb_agg(rq.case_summary(c) ORDER BY c.id)
                             FROM rq.cases c WHERE c.visit_id = v.id), '[]'))
      FROM rq.visits v
     WHERE v.id = p_visit_id AND rq.actor_kind() = 'account' AND rq.actor_manages(v.enterprise_id)
$$;

REVOKE ALL ON FUNCTION rq.require_account(), rq.visit_for_manager(bigint),
    rq.case_open(text, bigint, bigint, bigint, bigint, text, text, text, timestamptz),
    rq.visit_answer(bigint, text, text, text), rq.rating_give(bigint, text, text, boolean),
    rq.rating_change(bigint, text, text, boolean), rq.case_attachments_usable(bigint[]),
    rq.no_scan_report(text, bigint, text, text, bigint[]), rq.notification_read(bigint),
    rq.rating_label(text), rq.visit_rating(bigint), rq.visit_answer_json(bigint),
    rq.case_summary(rq.cases), rq.visit_for_enterprise(bigint)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rq.require_account(), rq.visit_answer(bigint, text, text, text),
    rq.rating_give(bigint, text, text, boolean), rq.rating_change(bigint, text, text, boolean),
    rq.no_scan_report(text, bigint, text, text, bigint[]), rq.notification_read(bigint),
    rq.visit_for_enterprise(bigint)
    TO ruqima_app;
GRANT EXECUTE ON FUNCTION rq.rating_label(text), rq.visit_rating(bigint),
    rq.visit_answer_json(bigint), rq.case_summary(rq.cases)
    TO ruqima_app, ruqima_report;
