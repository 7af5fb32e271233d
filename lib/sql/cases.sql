-- lib/sql/cases.sql — what the complaints family, the opening of a case and the CLI's deadline sweep share about a case: its labels, its steps' deadlines, who acts on it as what, and its notifications.
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- 待受理 / 待回访 / ... / 已办结
CREATE OR REPLACE FUNCTION rq.case_status_label(p_status text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE p_status WHEN 'open' THEN '待受理' WHEN 'follow_up' THEN '待回访'
                         WHEN 'analysis' THEN '待研判' WHEN 'investigation' THEN '调查申诉中'
                         WHEN 'determination' THEN '待审核认定' WHEN 'handed_over' THEN '已移交纪检'
                         WHEN 'closed' THEN '已办结' END
$$;
GRANT EXECUTE ON FUNCTION rq.case_status_label(text) TO ruqima_app, ruqima_report;

-- 不满意评价 / 登记异议 / 未扫码入企
CREATE OR REPLACE FUNCTION rq.case_source_label(p_source text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE p_source WHEN 'rating' THEN '不满意评价' WHEN 'dispute' THEN '登记异议'
                         WHEN 'no_scan' THEN '未扫码入企' END
$$;
GRANT EXECUTE ON FUNCTION rq.case_source_label(text) TO ruqima_app, ruqima_report;

-- 属实 / 部分属实 / 不属实: the outcome of 审核认定
CREATE OR REPLACE FUNCTION rq.case_outcome_label(p_outcome text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE p_outcome WHEN 'substantiated' THEN '属实'
                          WHEN 'partly_substantiated' THEN '部分属实'
                          WHEN 'unsubstantiated' THEN '不属实' END
$$;
GRANT EXECUTE ON FUNCTION rq.case_outcome_label(text) TO ruqima_app, ruqima_report;

-- 谈话提醒 / 批评教育 / ...: the discipline inspectors' disposition (处置) of a handed-over case
CREATE OR REPLACE FUNCTION rq.case_disposition_label(p_disposition text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE p_disposition
        WHEN 'reminder_talk' THEN '谈话提醒' WHEN 'criticism_education' THEN '批评教育'
        WHEN 'admonishment' THEN '诫勉' WHEN 'circulated_criticism' THEN '通报批评'
        WHEN 'organisational' THEN '组织处理' WHEN 'transferred' THEN '移送'
        WHEN 'no_action' THEN '不予处理' END
$$;
GRANT EXECUTE ON FUNCTION rq.case_disposition_label(text) TO ruqima_app, ruqima_report;

-- The Chinese name of an action (rq.case_transitions.label), or the name itself.
CREATE OR REPLACE FUNCTION rq.case_action_label(p_action text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
    SELECT coalesce((SELECT t.label FROM rq.case_transitions t WHERE t.action = p_action LIMIT 1),
                    p_action)
$$;
GRANT EXECUTE ON FUNCTION rq.case_action_label(text) TO ruqima_app, ruqima_report;

-- True when the case's rating (source 'rating') is anonymous now: then nothing the
-- enterprise's managers do on the case is written in their name (app/DESIGN.md §5).
CREATE OR REPLACE FUNCTION rq.case_anonymous(c rq.cases) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
    SELECT c.source = 'rating'
           AND coalesce((SELECT e.anonymous FROM rq.evaluations e WHERE e.visit_id = c.visit_id),
                        false)
$$;
GRANT EXECUTE ON FUNCTION rq.case_anonymous(rq.cases) TO ruqima_app;

-- What the actor is to case c, for the transition table (rq.case_transitions.roles):
-- 'city_admin'; 'county_admin' of its county while the county handles it (level
-- 'county'); 'unit_admin' of its unit; 'discipline_inspector' of the city level or of its
-- unit's stationed group (派驻纪检监察组); 'manager' of its enterprise
-- now; 'official' who registered its visit; NULL for anyone else (a judicial analyst reads
-- but never acts).
CREATE OR REPLACE FUNCTION rq.case_actor_role(c rq.cases) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
    SELECT CASE rq.actor_kind()
        WHEN 'admin' THEN CASE rq.actor_role()
            WHEN 'city_admin' THEN 'city_admin'
            WHEN 'discipline_inspector' THEN CASE
                WHEN rq.actor_discipline_group() IS NULL
                     OR rq.actor_discipline_group() = (SELECT u.discipline_group FROM rq.units u
                                                        WHERE u.id = c.unit_id)
                    THEN 'discipline_inspector' END
            WHEN 'county_admin' THEN CASE WHEN c.county_code = rq.actor_county()
                                               AND c.level = 'county' THEN 'county_admin' END
            WHEN 'unit_admin' THEN CASE WHEN c.unit_id = rq.actor_unit_scope() THEN 'unit_admin' END
            END
        WHEN 'account' THEN CASE
            WHEN rq.actor_manages(c.enterprise_id) THEN 'manager'
            WHEN c.official_account_id = rq.current_account_id() THEN 'official' END
        END
$$;
GRANT EXECUTE ON FUNCTION rq.case_actor_role(rq.cases) TO ruqima_app;

-- True when the actor may see case c: the rule of its row-level security
-- (lib/sql/policies.sql, cases) for one row, for the SECURITY DEFINER writes — less the
-- reporter who no longer manages the enterprise, who may read their report but not act on it.
CREATE OR REPLACE FUNCTION rq.case_visible(c rq.cases) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
    SELECT rq.actor_sees_all() OR rq.case_actor_role(c) IS NOT NULL
           OR coalesce(c.county_code = rq.actor_county_scope(), false)
$$;
GRANT EXECUTE ON FUNCTION rq.case_visible(rq.cases) TO ruqima_app;

-- Queues notification p_kind of case p_case_id with p_title for the parties named in
-- p_to: 'county_admins' (active county admins of its county), 'city_admins', 'handler'
-- (its handler), 'unit_admins' (active unit admins of its unit), 'discipline_inspectors'
-- (of the city level, and of its unit's stationed group), 'managers' (active managers of its
-- enterprise), 'official' (who registered its visit). Portal users get a row to read in the
-- portal (status in_app, GET /api/v1/admin/notifications; never the acting admin themself);
-- mini-program accounts a row that `ruqima notify run` sends with the template
-- RUQIMA_WX_TEMPLATE_CASE. Returns how many were queued.
CREATE OR REPLACE FUNCTION rq.case_notify(p_case_id bigint, p_kind text, p_title text,
                                          p_to text[])
RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    c       rq.cases%ROWTYPE;
    v_admin int;
    v_acct  int;
    v_data  jsonb;
BEGIN
    SELECT * INTO c FROM rq.cases x WHERE x.id = p_case_id;
    v_data := jsonb_build_object(
        'title', p_title, 'case_id', c.id::text, 'source', c.source,
        'status', c.status, 'status_label', rq.case_status_label(c.status),
        'enterprise', (SELECT e.name FROM rq.enterprises e WHERE e.id = c.enterprise_id),
        'unit', (SELECT coalesce(u.short_name, u.name) FROM rq.units u WHERE u.id = c.unit_id),
        'time', now());
    INSERT INTO rq.outbox (admin_user_id, kind, enterprise_id, case_id, status, payload)
    SELECT DISTINCT a.id, p_kind, c.enterprise_id, c.id, 'in_app', v_data
      FROM rq.admin_users a
     WHERE a.active AND a.id IS DISTINCT FROM rq.current_admin_id()
       AND (('county_admins' = ANY (p_to) AND a.role = 'county_admin'
             AND a.county_code = c.county_code)
            OR ('city_admins' = ANY (p_to) AND a.role = 'city_admin')
            OR ('handler' = ANY (p_to) AND a.id = c.handler_admin_id)
            OR ('unit_admins' = ANY (p_to) AND a.role = 'unit_admin' AND a.unit_id = c.unit_id)
            OR ('discipline_inspectors' = ANY (p_to) AND a.role = 'discipline_inspector'
                AND (a.discipline_group IS NULL
                     OR a.discipline_group = (SELECT u.discipline_group FROM rq.units u
                                               WHERE u.id = c.unit_id))));
    GET DIAGNOSTICS v_admin = ROW_COUNT;
    INSERT INTO rq.outbox (account_id, kind, enterprise_id, case_id, payload)
    SELECT DISTINCT x.account_id, p_kind, c.enterprise_id, c.id, v_data
      FROM (SELECT b.account_id FROM rq.manager_bindings b
             WHERE 'managers' = ANY (p_to) AND b.enterprise_id = c.enterprise_id
               AND b.status = 'active'
            UNION
            SELECT c.official_account_id
             WHERE 'official' = ANY (p_to) AND c.official_account_id IS NOT NULL) x;
    GET DIAGNOSTICS v_acct = ROW_COUNT;
    RETURN v_admin + v_acct;
END
$$;

-- The policy row (rq.policy) of the deadline of the step a case in p_status is in, in
-- working days; NULL when the step has none (handed over, closed).
CREATE OR REPLACE FUNCTION rq.case_step_policy(p_status text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE p_status WHEN 'open' THEN 'case_accept_days'
                         WHEN 'follow_up' THEN 'case_follow_up_days'
                         WHEN 'analysis' THEN 'case_analysis_days'
                         WHEN 'investigation' THEN 'case_statement_days'
                         WHEN 'determination' THEN 'case_determination_days' END
$$;
GRANT EXECUTE ON FUNCTION rq.case_step_policy(text) TO ruqima_app, ruqima_report;

-- The deadline of a step in p_status begun at p_from: the end of the working day that is
-- the policy's number of working days after p_from's day (rq.working_days_add,
-- lib/sql/calendar.sql); NULL for a step without a deadline.
CREATE OR REPLACE FUNCTION rq.case_step_due(p_status text, p_from timestamptz) RETURNS timestamptz
LANGUAGE sql STABLE
AS $$ SELECT rq.working_days_add(p_from, rq.policy_value(rq.case_step_policy(p_status))) $$;
GRANT EXECUTE ON FUNCTION rq.case_step_due(text, timestamptz) TO ruqima_app, ruqima_report;
