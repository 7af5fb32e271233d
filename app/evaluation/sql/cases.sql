-- app/evaluation/sql/cases.sql — opening a case (不满意, dispute, no-scan report) and checking its photos.
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- Opens a case with the deadline of its acceptance (rq.case_step_due), writes its first
-- event and puts a 'case_opened' notification in the list of
-- every active county admin of its county (who follows it up; status in_app: read in the
-- portal, GET /api/v1/admin/notifications, never sent through WeChat), and queues one for
-- the enterprise's managers (rq.case_notify) unless it comes from an anonymous rating.
-- Returns the case id.
CREATE OR REPLACE FUNCTION rq.case_open(p_source text, p_visit_id bigint, p_enterprise_id bigint,
                             p_unit_id bigint, p_reporter bigint, p_category text,
                             p_description text, p_people text, p_occurred_at timestamptz)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    e    rq.enterprises%ROWTYPE;
    v_id bigint;
BEGIN
    SELECT * INTO e FROM rq.enterprises x WHERE x.id = p_enterprise_id;
    INSERT INTO rq.cases (source, visit_id, official_account_id, enterprise_id, unit_id,
                          county_code, reporter_account_id, category, description, people,
                          occurred_at, due_at)
    VALUES (p_source, p_visit_id, (SELECT v.account_id FROM rq.visits v WHERE v.id = p_visit_id),
            e.id, p_unit_id,
            coalesce((SELECT v.county_code FROM rq.visits v WHERE v.id = p_visit_id), e.county_code),
            p_reporter, p_category, p_description, p_people, p_occurred_at,
            rq.case_step_due('open', now()))
    RETURNING id INTO v_id;
    INSERT INTO rq.case_events (case_id, kind, status, account_id)
    VALUES (v_id, 'opened', 'open', p_reporter);
    INSERT INTO rq.outbox (admin_user_id, kind, visit_id, enterprise_id, case_id, status, payload)
    SELECT a.id, 'case_opened', p_visit_id, e.id, v_id, 'in_app',
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
    -- the managers hear of it, but not from an anonymous rating's sealed transaction: there
    -- the notice's audit row would name an account the rating was sealed against
    IF NOT rq.case_anonymous((SELECT c FROM rq.cases c WHERE c.id = v_id)) THEN
        PERFORM rq.case_notify(v_id, 'case_opened', '您反映的问题已登记，等待县区受理',
                               '{managers}');
    END IF;
    RETURN v_id;
END
$$;

-- True when every attachment was uploaded by the acting account and is used by no visit
-- and no case yet.
CREATE OR REPLACE FUNCTION rq.case_attachments_usable(p_ids bigint[]) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
    SELECT rq.attachments_usable(p_ids)
           AND NOT EXISTS (SELECT 1 FROM rq.case_attachments ca WHERE ca.attachment_id = ANY (p_ids))
$$;
