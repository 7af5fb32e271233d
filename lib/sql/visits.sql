-- lib/sql/visits.sql — how a visit reads: its status, its line in the lists (rq.visit_lines), its detail, its rating and answer as readers may see them; manager notifications.
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- Queues one notification of a visit for every active manager of its enterprise.
-- Returns how many were queued.
CREATE OR REPLACE FUNCTION rq.visit_notify_managers(p_visit_id bigint, p_kind text, p_title text)
RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    n int;
BEGIN
    INSERT INTO rq.outbox (account_id, kind, visit_id, enterprise_id, payload)
    SELECT b.account_id, p_kind, v.id, v.enterprise_id,
           jsonb_build_object('title', p_title, 'enterprise', e.name,
                              'unit', coalesce(u.short_name, u.name),
                              'official', v.official_name,
                              'activity', rq.activity_label(v.activity_type),
                              'time', v.entered_at, 'matter', left(v.matter, 20))
      FROM rq.visits v
      JOIN rq.enterprises e ON e.id = v.enterprise_id
      JOIN rq.units u ON u.id = v.unit_id
      JOIN rq.manager_bindings b ON b.enterprise_id = v.enterprise_id AND b.status = 'active'
     WHERE v.id = p_visit_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- ---------------------------------------------------------------------------------
-- Reading visits. SECURITY INVOKER: row-level security decides what the caller sees, so
-- one definition serves the official, the enterprise's managers and the portal.
-- rq.visit_detail is PL/pgSQL: a SQL function with sub-selects is never inlined and would
-- be planned again on every call.
-- ---------------------------------------------------------------------------------

-- registered → confirmed | disputed (by the enterprise) → finished (事后报备 filed);
-- registered → withdrawn (by the official, rq.visit_withdraw); imported: a record of another
-- system (慧企通, `ruqima import huiqitong`), history that nobody answers, rates or finishes
CREATE OR REPLACE FUNCTION rq.visit_status(v rq.visits) RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT CASE WHEN v.source <> 'platform' THEN 'imported'
                WHEN v.withdrawn_at IS NOT NULL THEN 'withdrawn'
                WHEN v.finished_at IS NOT NULL THEN 'finished'
                WHEN v.confirmation = 'pending' THEN 'registered'
                ELSE v.confirmation END
$$;
GRANT EXECUTE ON FUNCTION rq.visit_status(rq.visits) TO ruqima_app, ruqima_report;

-- Not finished within finish_due_hours of the registration (a withdrawn visit is never due,
-- nor an imported one: 慧企通 had no 事后报备).
CREATE OR REPLACE FUNCTION rq.visit_finish_overdue(v rq.visits) RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT v.finished_at IS NULL AND v.withdrawn_at IS NULL AND v.source = 'platform'
           AND now() > v.registered_at + make_interval(hours => rq.policy_value('finish_due_hours'))
$$;
GRANT EXECUTE ON FUNCTION rq.visit_finish_overdue(rq.visits) TO ruqima_app, ruqima_report;

-- The whole visit as its reader may see it, or NULL when row-level security hides it.
CREATE OR REPLACE FUNCTION rq.visit_detail(p_visit_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = rq, pg_temp AS $$
BEGIN
    RETURN (SELECT rq.visit_summary(v, e.name,
                                    (SELECT u.name FROM rq.units u WHERE u.id = v.unit_id),
                                    rq.policy_value('finish_due_hours')) || jsonb_build_object(
        'enterprise', jsonb_build_object('id', e.id::text, 'name', e.name,
                                         'address', e.address, 'county_code', e.county_code),
        'official', jsonb_build_object('name', v.official_name, 'post', v.official_post,
                                       'cert_no', v.official_cert_no,
                                       'verified', v.official_verified,
                                       'unit', (SELECT u.name FROM rq.units u WHERE u.id = v.unit_id)),
        'joint_kind', v.joint_kind,
        'participating_units', coalesce((
            SELECT jsonb_agg(jsonb_build_object('id', u.id::text, 'name', u.name) ORDER BY u.id)
              FROM rq.visit_units vu JOIN rq.units u ON u.id = vu.unit_id
             WHERE vu.visit_id = v.id AND vu.role = 'participant'), '[]'),
        'legal_basis', v.legal_basis, 'companions', v.companions,
        'backfill_reason', v.backfill_reason,
        'location', jsonb_build_object('refused', v.location_refused, 'latitude', v.latitude,
                                       'longitude', v.longitude, 'accuracy', v.accuracy_m,
                                       'distance_m', v.distance_m),
        'exemption', CASE WHEN v.exemption_category IS NOT NULL THEN
                         jsonb_build_object('category', v.exemption_category,
                                            'label', rq.exemption_label(v.exemption_category),
                                            'reason', v.exemption_reason) END,
        'over_cap_reason', v.over_cap_reason,
        'attachments', coalesce((
            SELECT jsonb_agg(jsonb_build_object('id', va.attachment_id::text,
                                                'purpose', va.purpose, 'added_at', va.added_at,
                                                'removed_at', va.removed_at)
                             ORDER BY va.added_at, va.attachment_id)
              FROM rq.visit_attachments va WHERE va.visit_id = v.id), '[]'),
        'withdrawal', CASE WHEN v.withdrawn_at IS NOT NULL THEN
                          jsonb_build_object('withdrawn_at', v.withdrawn_at,
                                             'reason', v.withdrawal_reason) END,
        'result', CASE WHEN v.finished_at IS NOT NULL THEN
                      jsonb_build_object('finished_at', v.finished_at, 'done', v.result_done,
                                         'findings', v.result_findings,
                                         'measures', v.result_measures) END,
        'edits', coalesce((
            SELECT jsonb_agg(jsonb_build_object('edited_at', x.edited_at,
                                                'matter_before', x.matter_before,
                                                'matter_after', x.matter_after,
                                                'attachments_before', to_jsonb(x.attachments_before::text[]),
                                                'attachments_after', to_jsonb(x.attachments_after::text[]))
                             ORDER BY x.id)
              FROM rq.visit_edits x WHERE x.visit_id = v.id), '[]'),
        'filings', coalesce((
            SELECT jsonb_agg(jsonb_build_object('phase', f.phase, 'recipient', f.recipient,
                                                'discipline_group', f.discipline_group,
                                                'filed_at', f.filed_at) ORDER BY f.id)
              FROM rq.filings f WHERE f.visit_id = v.id), '[]'))
      FROM rq.visits v JOIN rq.enterprises e ON e.id = v.enterprise_id
     WHERE v.id = p_visit_id);
END
$$;
GRANT EXECUTE ON FUNCTION rq.visit_detail(bigint) TO ruqima_app, ruqima_report;

-- The rating of a visit as the reader may see it, or NULL when there is none. rater says
-- who rated as the reader may know it (app/DESIGN.md §5): always the rater's role in the
-- enterprise (企业管理人员: every rater is a manager bound to it); the name when row-level
-- security shows the rater (a rating that is not anonymous; the rater themselves; a
-- discipline inspector), else null; the phone and the account only to a discipline
-- inspector — never to the official, the enterprise's other managers or the portal's other
-- roles. For every reader: the official's detail (registration), the enterprise's, the
-- portal's.
CREATE OR REPLACE FUNCTION rq.visit_rating(p_visit_id bigint) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = rq, pg_temp AS $$
    SELECT jsonb_build_object(
        'value', e.value, 'label', rq.rating_label(e.value), 'comment', e.comment,
        'anonymous', e.anonymous, 'rated_at', e.rated_at, 'changed_at', e.changed_at,
        'rater', jsonb_build_object('role', 'enterprise_manager', 'role_label', '企业管理人员',
                                    'name', r.name)
                 || CASE WHEN r.visit_id IS NOT NULL
                              AND rq.actor_admin_role() = 'discipline_inspector'
                         THEN jsonb_build_object('phone', r.phone,
                                                 'account_id', r.account_id::text)
                         ELSE '{}' END)
      FROM rq.evaluations e
      LEFT JOIN rq.evaluation_raters r ON r.visit_id = e.visit_id
     WHERE e.visit_id = p_visit_id
$$;
GRANT EXECUTE ON FUNCTION rq.visit_rating(bigint) TO ruqima_app, ruqima_report;

-- The enterprise's answer to a visit, or NULL while pending.
CREATE OR REPLACE FUNCTION rq.visit_answer_json(p_visit_id bigint) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = rq, pg_temp AS $$
    SELECT jsonb_build_object('decision', a.decision, 'reason_category', a.reason_category,
                              'reason', a.reason, 'answered_at', a.answered_at)
      FROM rq.visit_answers a WHERE a.visit_id = p_visit_id
$$;
GRANT EXECUTE ON FUNCTION rq.visit_answer_json(bigint) TO ruqima_app, ruqima_report;

-- A visit as the official who registered it and the portal read it: the whole visit
-- (rq.visit_detail) with the enterprise's answer and the rating (rq.visit_rating: the rater
-- as the reader may know them). NULL when row-level security hides the visit.
CREATE OR REPLACE FUNCTION rq.visit_read(p_visit_id bigint) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = rq, pg_temp AS $$
    SELECT rq.visit_detail(p_visit_id) || jsonb_build_object(
        'answer', rq.visit_answer_json(p_visit_id), 'rating', rq.visit_rating(p_visit_id))
$$;
GRANT EXECUTE ON FUNCTION rq.visit_read(bigint) TO ruqima_app;

-- One case, for lists and answers.
CREATE OR REPLACE FUNCTION rq.case_summary(c rq.cases) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = rq, pg_temp AS $$
    SELECT jsonb_build_object(
        'id', c.id::text, 'source', c.source, 'status', c.status,
        'visit_id', c.visit_id::text, 'enterprise_id', c.enterprise_id::text,
        'unit_id', c.unit_id::text, 'county_code', c.county_code, 'category', c.category,
        'description', c.description, 'people', c.people, 'occurred_at', c.occurred_at,
        'opened_at', c.opened_at,
        'attachment_ids', coalesce((SELECT jsonb_agg(ca.attachment_id::text ORDER BY ca.attachment_id)
                                      FROM rq.case_attachments ca WHERE ca.case_id = c.id), '[]'))
$$;
GRANT EXECUTE ON FUNCTION rq.case_summary(rq.cases) TO ruqima_app, ruqima_report;

-- One line of a visit list (the official's, the enterprise's): the columns not starting
-- with "_" are the line, which the pools print as JSON (lib/rq_db.c rq_json_row:
-- "enterprise.id" is member id of "enterprise"); the "_" ones are for WHERE and ORDER BY.
-- A plain view is merged into the list's query: plain columns, index look-ups per line,
-- the policy read once per query. (A function taking the visit's row was handed the whole
-- row, formed again as a tuple for every column read from it.) security_invoker: the
-- reader's row-level security applies to every table.
CREATE OR REPLACE VIEW rq.visit_lines WITH (security_invoker = true) AS
    SELECT v.id AS _id, v.account_id AS _account_id, v.enterprise_id AS _enterprise_id,
           v.id::text AS id, rq.visit_status(v) AS status, v.confirmation, v.enterprise_id::text AS "enterprise.id", en.name AS "enterprise.name",
           v.unit_id::text AS "unit.id", u.name AS "unit.name", v.official_name,
           v.activity_type, rq.activity_label(v.activity_type) AS activity_label, v.matter,
           v.registered_at, v.entered_at, to_json(v.flags) AS flags, v.finished_at,
           v.finished_at IS NULL AND v.withdrawn_at IS NULL AND v.source = 'platform'
           AND now() > v.registered_at
                       + make_interval(hours => (SELECT rq.policy_value('finish_due_hours')))
               AS finish_overdue,
           e.value AS rating, v.source, v.source_record_id,
           -- for the lists' filters (not printed: a leading _)
           v.unit_id AS _unit_id, v.flags AS _flags
      FROM rq.visits v
      LEFT JOIN rq.enterprises en ON en.id = v.enterprise_id
      LEFT JOIN rq.units u ON u.id = v.unit_id
      LEFT JOIN rq.evaluations e ON e.visit_id = v.id;

-- The start of a visit's detail: its line as jsonb (the detail adds the rating as its
-- reader may see it, and the enterprise with its address). The names and the due hours
-- are now the line's own; the arguments are kept for its callers.
CREATE OR REPLACE FUNCTION rq.visit_summary(v rq.visits, p_enterprise_name text,
                                            p_unit_name text, p_due_hours int)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT rq.json_nest(to_jsonb(l)) FROM rq.visit_lines l WHERE l._id = v.id
$$;
GRANT EXECUTE ON FUNCTION rq.visit_summary(rq.visits,text,text,integer) TO ruqima_app, ruqima_report;
