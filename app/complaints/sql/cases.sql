-- app/complaints/sql/cases.sql — moving a case along its chain (rq.case_act, the one place that applies rq.case_transitions) and reading it: the portal's list and detail (app/complaints/cases.c), also read by the mini-program's routes.
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- True when role (rq.case_actor_role) holds transition t: it is among t.roles, and for a
-- county admin the transition's county_policy, if any, is 1 (审核认定: the city determines
-- unless its policy row case_county_may_determine lets the counties).
CREATE OR REPLACE FUNCTION rq.case_role_holds(t rq.case_transitions, p_role text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = rq, pg_temp AS $$
    SELECT p_role IS NOT NULL AND p_role = ANY (t.roles)
           AND (p_role <> 'county_admin' OR t.county_policy IS NULL
                OR coalesce(rq.policy_value(t.county_policy), 0) = 1)
$$;

-- Why action p_action may not be taken on case c now although its status and the actor's
-- role allow it, or NULL: the conditions of a step beyond its status (app/DESIGN.md §5,
-- Cases).
CREATE OR REPLACE FUNCTION rq.case_action_refusal(c rq.cases, p_action text) RETURNS text
LANGUAGE sql STABLE SET search_path = rq, pg_temp AS $$
    SELECT CASE
        WHEN p_action = 'statement'
             AND NOT EXISTS (SELECT 1 FROM rq.case_statements s
                              WHERE s.case_id = c.id AND s.status = 'pending')
            THEN 'case-statement-not-requested'
        WHEN p_action = 'appeal'
             AND EXISTS (SELECT 1 FROM rq.case_events e
                          WHERE e.case_id = c.id AND e.action = 'appeal'
                            AND e.id > (SELECT max(i.id) FROM rq.case_events i
                                         WHERE i.case_id = c.id AND i.action = 'investigate'))
            THEN 'case-already-appealed'
        WHEN p_action = 'refer'
             AND EXISTS (SELECT 1 FROM rq.case_statements s
                          WHERE s.case_id = c.id AND s.status = 'pending'
                            AND (s.due_at IS NULL OR s.due_at > now()))
            THEN 'case-statement-pending'
        WHEN p_action IN ('rate', 'reopen') AND c.closing = 'merged' THEN 'case-merged'
        WHEN p_action IN ('rate', 'reopen')
             AND EXISTS (SELECT 1 FROM rq.case_ratings r
                          WHERE r.case_id = c.id AND r.round = c.reopen_count)
            THEN 'case-already-rated'
        WHEN p_action = 'reopen' AND c.reopen_count > 0 THEN 'case-reopened-once'
        WHEN p_action = 'reopen'
             AND now() > c.closed_at
                         + make_interval(days => rq.policy_value('case_rating_reopen_days'))
            THEN 'case-reopen-window-closed'
    END
$$;

-- The actions the actor may take on case c now, by name.
CREATE OR REPLACE FUNCTION rq.case_allowed_actions(c rq.cases) RETURNS text[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_role text := rq.case_actor_role(c);
BEGIN
    IF v_role IS NULL THEN
        RETURN '{}';
    END IF;
    RETURN (SELECT coalesce(array_agg(t.action ORDER BY t.action), '{}')
              FROM rq.case_transitions t
             WHERE t.from_status = c.status AND rq.case_role_holds(t, v_role)
               AND rq.case_action_refusal(c, t.action) IS NULL);
END
$$;
GRANT EXECUTE ON FUNCTION rq.case_allowed_actions(rq.cases) TO ruqima_complaints;

-- The arguments every refusal of rq.case_act carries (lib/rq_outcome.c, flag
-- ALLOWED_ACTIONS): the action's name in Chinese, the case's status in Chinese, the allowed
-- actions in Chinese ("无" when none) and their names, comma-separated (the problem's
-- allowed_actions); then p_more (case-fields-required: the fields missing).
CREATE OR REPLACE FUNCTION rq.case_refusal(p_name text, c rq.cases, p_action text,
                                           p_allowed text[], VARIADIC p_more text[] DEFAULT '{}')
RETURNS rq.outcome
LANGUAGE sql STABLE SET search_path = rq, pg_temp AS $$
    SELECT rq.refusal(p_name, VARIADIC ARRAY[
               rq.case_action_label(p_action), rq.case_status_label(c.status),
               coalesce(nullif(array_to_string(ARRAY(SELECT rq.case_action_label(a)
                                                      FROM unnest(p_allowed) a), '、'), ''),
                        '无'),
               array_to_string(p_allowed, ',')] || p_more)
$$;

-- A member of the action's body as timestamptz, or NULL when it is not one.
CREATE OR REPLACE FUNCTION rq.case_time(p_text text) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN p_text::timestamptz;
EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format OR invalid_parameter_value
               OR data_exception THEN
    RETURN NULL;
END
$$;

-- Takes action p_action on case p_case_id with the body p_data (jsonb object; the
-- handler checked each member's type, length and values): the one place that moves a case.
-- It applies the transition table rq.case_transitions — the actor's role on the case
-- (rq.case_actor_role), the case's status, the step's own conditions
-- (rq.case_action_refusal), the required members — then does what the step does, moves
-- the status, writes the event (case_events, kind 'transition') and what the step recorded
-- (case_records, read by the transition's audience), and queues the notifications.
-- Answers (rq.outcome) ok with data {case_id, status, event_id}, or:
--   case-unknown            no such case, or the actor may not see it
--   case-action-forbidden   the actor's role may not take this action on this case (403)
--   case-action-not-now     not in the case's status (409)
--   case-statement-not-requested, case-already-appealed, case-statement-pending,
--   case-merged, case-already-rated, case-reopened-once, case-reopen-window-closed (409)
--   case-fields-required    required members missing (422, each named)
--   case-handler-invalid, case-merge-target-invalid, case-unit-required,
--   case-responsible-unit-required, case-official-unknown, case-time-malformed,
--   case-attachments-unusable (422)
-- Every refusal carries the actions the actor may take now (rq.case_refusal).
CREATE OR REPLACE FUNCTION rq.case_act(p_case_id bigint, p_action text, p_data jsonb)
RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    c         rq.cases%ROWTYPE;
    t         rq.case_transitions%ROWTYPE;
    d         jsonb := coalesce(p_data, '{}');
    v_role    text;
    v_allowed text[];
    v_missing text[];
    v_anon    boolean;
    v_record  jsonb := '{}';
    v_inner   jsonb;          -- a second record, for the handlers only (hand_over's clue)
    v_ids     bigint[] := rq.json_ids(d -> 'attachment_ids');
    v_id      bigint;
    v_at      timestamptz;
    v_event   bigint;
    v_rec_id  bigint;
    v_old     text;
    v_closing text;           -- how the step closes the case, when it does
    v_merged  bigint;
BEGIN
    SELECT * INTO c FROM rq.cases x WHERE x.id = p_case_id FOR UPDATE;
    IF c.id IS NULL OR NOT rq.case_visible(c) THEN
        RETURN rq.refusal('case-unknown');
    END IF;
    -- the enterprise's rating of the handling: 不满意 reopens the case when it still may
    IF p_action = 'rate' AND d ->> 'value' = 'unsatisfied' AND c.status = 'closed'
       AND rq.case_action_refusal(c, 'reopen') IS NULL THEN
        p_action := 'reopen';
    END IF;
    v_role := rq.case_actor_role(c);
    v_allowed := rq.case_allowed_actions(c);
    IF NOT EXISTS (SELECT 1 FROM rq.case_transitions x
                    WHERE x.action = p_action AND rq.case_role_holds(x, v_role)) THEN
        RETURN rq.case_refusal('case-action-forbidden', c, p_action, v_allowed);
    END IF;
    SELECT * INTO t FROM rq.case_transitions x
     WHERE x.action = p_action AND x.from_status = c.status;
    IF t.action IS NULL THEN
        RETURN rq.case_refusal('case-action-not-now', c, p_action, v_allowed);
    END IF;
    IF rq.case_action_refusal(c, p_action) IS NOT NULL THEN
        RETURN rq.case_refusal(rq.case_action_refusal(c, p_action), c, p_action, v_allowed);
    END IF;
    v_missing := ARRAY(SELECT f FROM unnest(t.required) f
                        WHERE coalesce(jsonb_typeof(d -> f), 'null') = 'null'
                           OR d ->> f = '');
    IF cardinality(v_missing) > 0 THEN
        RETURN rq.case_refusal('case-fields-required', c, p_action, v_allowed,
                               VARIADIC v_missing);
    END IF;
    v_anon := rq.case_anonymous(c);
    -- the enterprise acting on the case of an anonymous rating: its audit rows name nobody
    -- (app/DESIGN.md §7), as the rating's own did
    IF v_anon AND v_role = 'manager' THEN
        PERFORM rq.actor_seal();
    END IF;
    IF cardinality(v_ids) > 0 AND NOT rq.case_attachments_usable(v_ids) THEN
        RETURN rq.case_refusal('case-attachments-unusable', c, p_action, v_allowed);
    END IF;

    CASE p_action
    WHEN 'accept' THEN
        v_id := coalesce((d ->> 'handler_id')::bigint, rq.current_admin_id());
        IF NOT EXISTS (SELECT 1 FROM rq.admin_users a
                        WHERE a.id = v_id AND a.active
                          AND (a.role = 'city_admin'
                               OR (a.role = 'county_admin' AND a.county_code = c.county_code
                                   AND c.level = 'county'))) THEN
            RETURN rq.case_refusal('case-handler-invalid', c, p_action, v_allowed);
        END IF;
        UPDATE rq.cases SET handler_admin_id = v_id, accepted_at = now() WHERE id = c.id;
        v_record := jsonb_build_object('handler_id', v_id::text,
                                       'handler', (SELECT a.username FROM rq.admin_users a
                                                    WHERE a.id = v_id));
    WHEN 'merge' THEN
        v_id := (d ->> 'target_case_id')::bigint;
        IF NOT EXISTS (SELECT 1 FROM rq.cases x
                        WHERE x.id = v_id AND x.id <> c.id AND x.status <> 'closed'
                          AND x.county_code = c.county_code
                          AND (x.visit_id = c.visit_id OR x.enterprise_id = c.enterprise_id)) THEN
            RETURN rq.case_refusal('case-merge-target-invalid', c, p_action, v_allowed);
        END IF;
        v_closing := 'merged';
        v_merged := v_id;
        INSERT INTO rq.case_events (case_id, kind, status, note, admin_user_id)
        SELECT v_id, 'note', x.status, format('案件 %s 已合并至本案办理', c.id),
               rq.current_admin_id()
          FROM rq.cases x WHERE x.id = v_id;
        v_record := jsonb_build_object('target_case_id', v_id::text, 'reason', d ->> 'reason');
    WHEN 'follow_up' THEN
        v_at := rq.case_time(d ->> 'contacted_at');
        IF v_at IS NULL OR v_at > now() + interval '5 minutes' THEN
            RETURN rq.case_refusal('case-time-malformed', c, p_action, v_allowed);
        END IF;
        v_record := jsonb_build_object('method', d ->> 'method', 'contacted_at', v_at,
                                       'contact_person', d ->> 'contact_person',
                                       'enterprise_says', d ->> 'enterprise_says',
                                       'wish', d ->> 'wish');
    WHEN 'close' THEN
        UPDATE rq.cases SET classification = d ->> 'classification' WHERE id = c.id;
        v_closing := 'resolved';
        v_record := jsonb_build_object('classification', d ->> 'classification',
                                       'explanation', d ->> 'explanation');
    WHEN 'investigate' THEN
        v_id := coalesce(c.unit_id, (d ->> 'unit_id')::bigint);
        IF v_id IS NULL OR NOT EXISTS (SELECT 1 FROM rq.units u WHERE u.id = v_id) THEN
            RETURN rq.case_refusal('case-unit-required', c, p_action, v_allowed);
        END IF;
        UPDATE rq.cases SET classification = d ->> 'classification', unit_id = v_id
         WHERE id = c.id;
        INSERT INTO rq.case_statements (case_id, unit_id, question, requested_by, due_at)
        VALUES (c.id, v_id, d ->> 'question', rq.current_admin_id(),
                rq.case_step_due('investigation', now()))
        RETURNING id INTO v_id;
        v_record := jsonb_build_object('classification', d ->> 'classification',
                                       'question', d ->> 'question',
                                       'statement_id', v_id::text);
    WHEN 'statement' THEN
        UPDATE rq.case_statements s
           SET status = 'submitted', text = d ->> 'text', submitted_by = rq.current_admin_id(),
               submitted_at = now()
         WHERE s.case_id = c.id AND s.status = 'pending'
        RETURNING s.id INTO v_id;
        v_record := jsonb_build_object('statement_id', v_id::text, 'text', d ->> 'text');
    WHEN 'appeal' THEN
        v_record := jsonb_build_object('text', d ->> 'text');
    WHEN 'refer' THEN
        v_record := jsonb_build_object('summary', d ->> 'summary');
    WHEN 'determine', 'hand_over' THEN
        v_id := coalesce((d ->> 'responsible_unit_id')::bigint, c.unit_id);
        IF (v_id IS NULL AND d ->> 'outcome' <> 'unsubstantiated')
           OR (v_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rq.units u WHERE u.id = v_id)) THEN
            RETURN rq.case_refusal('case-responsible-unit-required', c, p_action, v_allowed);
        END IF;
        IF d ->> 'responsible_official_id' IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM rq.official_profiles p
                            WHERE p.account_id = (d ->> 'responsible_official_id')::bigint) THEN
            RETURN rq.case_refusal('case-official-unknown', c, p_action, v_allowed);
        END IF;
        UPDATE rq.cases
           SET outcome = d ->> 'outcome', responsible_unit_id = v_id,
               responsible_account_id = (d ->> 'responsible_official_id')::bigint,
               measures = d ->> 'measures', determined_at = now(),
               handed_over_at = CASE WHEN p_action = 'hand_over' THEN now() END
         WHERE id = c.id;
        v_closing := 'determined';
        -- 未扫码入企 found true (or partly): an entry against the unit and the official;
        -- a determination after a reopening withdraws the earlier one first
        IF c.source = 'no_scan' THEN
            UPDATE rq.accountability_entries SET withdrawn_at = now()
             WHERE case_id = c.id AND withdrawn_at IS NULL;
            INSERT INTO rq.accountability_entries (case_id, unit_id, account_id, county_code,
                                                   outcome, measures, recorded_by)
            SELECT c.id, v_id, (d ->> 'responsible_official_id')::bigint, c.county_code,
                   d ->> 'outcome', d ->> 'measures', rq.current_admin_id()
             WHERE d ->> 'outcome' IN ('substantiated', 'partly_substantiated');
        END IF;
        v_record := jsonb_strip_nulls(jsonb_build_object(
            'outcome', d ->> 'outcome', 'responsible_unit_id', v_id::text,
            'responsible_official_id', d ->> 'responsible_official_id',
            'measures', d ->> 'measures'));
        IF p_action = 'hand_over' THEN
            v_inner := jsonb_build_object('clue', d ->> 'clue');
        END IF;
    WHEN 'dispose' THEN
        UPDATE rq.cases SET disposition = d ->> 'disposition' WHERE id = c.id;
        v_closing := 'disposed';
        v_record := jsonb_build_object('disposition', d ->> 'disposition', 'note', d ->> 'note');
    WHEN 'add_info' THEN
        v_record := jsonb_build_object('note', d ->> 'note');
    WHEN 'rate', 'reopen' THEN
        INSERT INTO rq.case_ratings (case_id, round, value, comment, account_id, reopened)
        VALUES (c.id, c.reopen_count, d ->> 'value', d ->> 'comment',
                CASE WHEN NOT v_anon THEN rq.current_account_id() END, p_action = 'reopen');
        IF p_action = 'reopen' THEN
            UPDATE rq.cases
               SET level = 'city', reopen_count = reopen_count + 1, reopened_at = now(),
                   handler_admin_id = NULL, accepted_at = NULL
             WHERE id = c.id;
        END IF;
        v_record := jsonb_strip_nulls(jsonb_build_object('value', d ->> 'value',
                                                         'comment', d ->> 'comment',
                                                         'round', c.reopen_count));
    END CASE;

    v_old := c.status;
    -- the status and, with it, the new step's deadline and how and when the case closed
    -- (one statement: the table's CHECKs tie them together)
    IF t.to_status <> c.status THEN
        UPDATE rq.cases
           SET status = t.to_status, step_seq = step_seq + 1, step_started_at = now(),
               due_at = rq.case_step_due(t.to_status, now()),
               closing = CASE WHEN t.to_status = 'closed' THEN v_closing END,
               closed_at = CASE WHEN t.to_status = 'closed' THEN now() END,
               merged_into = v_merged
         WHERE id = c.id;
    END IF;
    -- a manager of a case of an anonymous rating acts unnamed (app/DESIGN.md §5)
    INSERT INTO rq.case_events (case_id, kind, action, status, admin_user_id, account_id)
    VALUES (c.id, 'transition', p_action, t.to_status, rq.current_admin_id(),
            CASE WHEN NOT (v_anon AND v_role = 'manager') THEN rq.current_account_id() END)
    RETURNING id INTO v_event;
    INSERT INTO rq.case_records (case_id, event_id, audience, data)
    VALUES (c.id, v_event, t.audience, v_record)
    RETURNING id INTO v_rec_id;
    IF v_inner IS NOT NULL THEN
        INSERT INTO rq.case_records (case_id, event_id, audience, data)
        VALUES (c.id, v_event, '{}', v_inner);
    END IF;
    INSERT INTO rq.case_attachments (case_id, attachment_id, record_id)
    SELECT DISTINCT c.id, x, v_rec_id FROM unnest(v_ids) x;

    CASE p_action
    WHEN 'accept' THEN
        PERFORM rq.case_notify(c.id, 'case_accepted', '您反映的问题已受理', '{managers}');
        PERFORM rq.case_notify(c.id, 'case_accepted', '案件已指定由您跟进办理', '{handler}');
    WHEN 'investigate' THEN
        PERFORM rq.case_notify(c.id, 'case_statement_requested',
                               '请在期限内提交本单位情况说明', '{unit_admins}');
        PERFORM rq.case_notify(c.id, 'case_statement_requested',
                               '您的入企登记涉及的问题已转入调查，可提交申诉说明', '{official}');
    WHEN 'statement', 'appeal' THEN
        PERFORM rq.case_notify(c.id, 'case_statement_requested',
                               CASE p_action WHEN 'statement' THEN '单位已提交情况说明'
                                             ELSE '入企人员已提交申诉说明' END,
                               '{handler}');
    WHEN 'hand_over' THEN
        PERFORM rq.case_notify(c.id, 'case_handed_over', '审核认定的问题线索已移交，请处置',
                               '{discipline_inspectors}');
    WHEN 'reopen' THEN
        PERFORM rq.case_notify(c.id, 'case_reopened', '企业对办理结果不满意，案件已重新打开，由市级办理',
                               '{city_admins}');
    ELSE
        NULL;
    END CASE;
    IF t.to_status = 'closed' AND c.status <> 'closed' THEN
        PERFORM rq.case_notify(c.id, 'case_closed', '您反映的问题已办结，请对办理结果进行评价',
                               '{managers}');
        PERFORM rq.case_notify(c.id, 'case_closed', '案件已办结',
                               CASE WHEN EXISTS (SELECT 1 FROM rq.case_statements s
                                                  WHERE s.case_id = c.id)
                                    THEN '{handler,unit_admins,official}'::text[]
                                    ELSE '{handler}'::text[] END);
    END IF;
    RETURN rq.ok(jsonb_build_object('case_id', c.id::text, 'status', t.to_status,
                                    'previous_status', v_old, 'event_id', v_event::text));
END
$$;
GRANT EXECUTE ON FUNCTION rq.case_act(bigint,text,jsonb) TO ruqima_complaints;

-- ---------------------------------------------------------------------------------
-- Reading cases. SECURITY INVOKER: row-level security decides what the reader sees (the
-- case, which of its records and statements), so one definition serves the portal, the
-- enterprise's managers and the official.
-- ---------------------------------------------------------------------------------

-- One line of a case list (the columns not starting with "_" are the line, printed as JSON
-- by the pools; "enterprise.id" is member id of "enterprise"); the "_" ones are for WHERE
-- and ORDER BY. Merged into the list's query, like rq.visit_lines. The names are sub-selects,
-- not joins: under a generic plan the planner expects one case, and joined the units by
-- reading the whole table for every line (tests/bench/cases_list).
CREATE OR REPLACE VIEW rq.case_lines WITH (security_invoker = true) AS
    SELECT c.id AS _id, c.county_code AS _county, c.unit_id AS _unit,
           c.enterprise_id AS _enterprise_id, c.visit_id AS _visit_id,
           c.id::text AS id, c.source, rq.case_source_label(c.source) AS source_label,
           c.status, rq.case_status_label(c.status) AS status_label, c.level,
           c.enterprise_id::text AS "enterprise.id",
           (SELECT e.name FROM rq.enterprises e WHERE e.id = c.enterprise_id) AS "enterprise.name",
           c.unit_id::text AS "unit.id",
           (SELECT u.name FROM rq.units u WHERE u.id = c.unit_id) AS "unit.name",
           c.visit_id::text AS visit_id, c.county_code, c.classification, c.outcome,
           c.handler_admin_id::text AS handler_id, c.reopen_count, c.opened_at,
           c.step_started_at, c.closed_at, c.updated_at,
           -- the step's deadline: working days left (0: due today; negative: overdue by);
           -- rq.working_days_between(now(), c.due_at), with today's number computed once
           -- per query (an InitPlan), not once per line
           c.due_at, rq.working_day_number(rq.city_day(c.due_at))
                     - (SELECT rq.working_day_number(rq.city_day(now()))) AS working_days_left,
           coalesce(now() > c.due_at, false) AS overdue,
           c.official_account_id AS _official
      FROM rq.cases c;
-- the complaints pool's case lists and the reporting pool's statistics items
GRANT SELECT ON rq.case_lines TO ruqima_complaints, ruqima_reporting;

-- Who did something on a case, as the reader may see it: the role and its Chinese name,
-- and a portal user's username for portal readers only. Never an account: the enterprise's
-- managers and the official are named by their role (an anonymous rater stays anonymous),
-- so the event's kind and action say which.
CREATE OR REPLACE FUNCTION rq.case_actor_json(p_kind text, p_action text, p_admin bigint)
RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
    SELECT CASE
        WHEN p_admin IS NOT NULL THEN (
            SELECT jsonb_build_object('kind', 'admin', 'role', a.role,
                                      'label', CASE a.role WHEN 'city_admin' THEN '市营商办'
                                                           WHEN 'county_admin' THEN '县区营商办'
                                                           WHEN 'unit_admin' THEN '单位'
                                                           WHEN 'discipline_inspector' THEN '纪检监察'
                                                           ELSE '管理员' END,
                                      'username', CASE WHEN rq.actor_kind() = 'admin'
                                                       THEN a.username END)
              FROM rq.admin_users a WHERE a.id = p_admin)
        WHEN p_action = 'appeal'
            THEN jsonb_build_object('kind', 'account', 'role', 'official', 'label', '入企人员')
        WHEN p_kind IN ('opened', 'rating_changed') OR p_action IN ('add_info', 'rate', 'reopen')
            THEN jsonb_build_object('kind', 'account', 'role', 'manager', 'label', '企业')
        ELSE jsonb_build_object('kind', 'system', 'role', 'system', 'label', '系统')
    END
$$;
GRANT EXECUTE ON FUNCTION rq.case_actor_json(text,text,bigint) TO ruqima_complaints;

-- The whole case as its reader may see it, or NULL when row-level security hides it:
-- its line, the complaint, the visit and its rating (the rater only where row-level
-- security shows it), the determination, the timeline (every event, each with the records
-- of its step the reader is in the audience of), photos, statements, the enterprise's
-- ratings of the handling, and the actions the reader may take now. jit off: the query's
-- many row-level secured sub-selects add up to a cost far above jit_above_cost, and
-- compiling it took seconds for a statement that runs in milliseconds.
CREATE OR REPLACE FUNCTION rq.case_detail(p_case_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = rq, pg_temp SET jit = off AS $$
BEGIN
    RETURN (SELECT rq.json_nest(to_jsonb(l)) || jsonb_build_object(
        'category', c.category, 'description', c.description, 'people', c.people,
        'occurred_at', c.occurred_at, 'accepted_at', c.accepted_at,
        'merged_into', c.merged_into::text,
        'determination', CASE WHEN c.outcome IS NOT NULL THEN jsonb_build_object(
            'outcome', c.outcome, 'determined_at', c.determined_at,
            'responsible_unit', (SELECT jsonb_build_object('id', u.id::text, 'name', u.name)
                                   FROM rq.units u WHERE u.id = c.responsible_unit_id),
            'responsible_official_id', c.responsible_account_id::text,
            'measures', c.measures, 'handed_over_at', c.handed_over_at,
            'disposition', c.disposition) END,
        'closing', c.closing, 'reopened_at', c.reopened_at,
        'visit', (SELECT rq.json_nest(to_jsonb(v)) FROM rq.visit_lines v WHERE v._id = c.visit_id),
        'rating', rq.visit_rating(c.visit_id),
        'timeline', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'id', ev.id::text, 'kind', ev.kind, 'action', ev.action,
                       'label', CASE ev.kind WHEN 'opened' THEN '立案'
                                             WHEN 'rating_changed' THEN '评价修改'
                                             WHEN 'note' THEN '备注'
                                             ELSE rq.case_action_label(ev.action) END,
                       'status', ev.status, 'note', ev.note, 'at', ev.created_at,
                       'actor', rq.case_actor_json(ev.kind, ev.action, ev.admin_user_id),
                       'records', coalesce((
                           SELECT jsonb_agg(r.data || jsonb_build_object(
                                      'attachment_ids', coalesce((
                                          SELECT jsonb_agg(ca.attachment_id::text
                                                           ORDER BY ca.attachment_id)
                                            FROM rq.case_attachments ca
                                           WHERE ca.record_id = r.id), '[]'))
                                      ORDER BY r.id)
                             FROM rq.case_records r WHERE r.event_id = ev.id), '[]'))
                   ORDER BY ev.id)
              FROM rq.case_events ev WHERE ev.case_id = c.id), '[]'),
        'attachment_ids', coalesce((SELECT jsonb_agg(ca.attachment_id::text ORDER BY ca.attachment_id)
                                      FROM rq.case_attachments ca
                                     WHERE ca.case_id = c.id AND ca.record_id IS NULL), '[]'),
        'statements', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'id', s.id::text, 'unit_id', s.unit_id::text, 'question', s.question,
                       'requested_at', s.requested_at, 'due_at', s.due_at, 'status', s.status,
                       'text', s.text, 'submitted_at', s.submitted_at) ORDER BY s.id)
              FROM rq.case_statements s WHERE s.case_id = c.id), '[]'),
        'overdue_steps', coalesce((
            SELECT jsonb_agg(jsonb_build_object('status', o.status,
                                                'label', rq.case_status_label(o.status),
                                                'due_at', o.due_at, 'marked_at', o.marked_at)
                             ORDER BY o.step_seq)
              FROM rq.case_overdue_steps o WHERE o.case_id = c.id), '[]'),
        'handling_ratings', coalesce((
            SELECT jsonb_agg(jsonb_build_object('round', r.round, 'value', r.value,
                                                'comment', r.comment, 'reopened', r.reopened,
                                                'rated_at', r.rated_at) ORDER BY r.round)
              FROM rq.case_ratings r WHERE r.case_id = c.id), '[]'),
        'allowed_actions', to_jsonb(rq.case_allowed_actions(c)))
      FROM rq.cases c JOIN rq.case_lines l ON l._id = c.id
     WHERE c.id = p_case_id);
END
$$;
GRANT EXECUTE ON FUNCTION rq.case_detail(bigint) TO ruqima_complaints;
