-- app/reporting/sql/exports.sql — the auditors' export of visits (app/reporting/exports.c,
-- and `ruqima exports run` for the big ones, app/cli/exports.c; README "Auditors' export").
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- The name of a visit's rater when the rating is not anonymous, else NULL: the one thing of
-- rq.evaluation_raters the export shows, for the reporting pool's role, which has no
-- privilege on that table (it never sees raters: neither phones nor anonymous ones).
-- SECURITY DEFINER: it answers for any visit id, but a named rater is shown with the visit
-- to everyone who reads it (the official, the enterprise, the portal), unlike an anonymous
-- one or a phone number.
CREATE OR REPLACE FUNCTION rq.export_rater_name(p_visit_id bigint) RETURNS text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
    SELECT er.name
      FROM rq.evaluation_raters er JOIN rq.evaluations ev ON ev.visit_id = er.visit_id
     WHERE er.visit_id = p_visit_id AND NOT ev.anonymous
$$;
REVOKE ALL ON FUNCTION rq.export_rater_name(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rq.export_rater_name(bigint) TO ruqima_reporting, ruqima_report;

-- Every visit entered from p_from to p_to (days of the city, inclusive), in order of entry,
-- one line each with its units, flags, the enterprise's answer, the result, the rating and
-- the cases about it. The rater is named for a rating that is not anonymous only, whoever
-- reads (discipline inspectors included: they have their own page for anonymous raters).
-- Withdrawn registrations are listed, as such. No phone numbers.
-- One SQL SELECT, STABLE and SECURITY INVOKER, so that PostgreSQL inlines it into the
-- caller's query: rows stream to the file as they are found (nothing is materialised), and
-- row-level security is the caller's (the pool's portal user, or the reporting role).
CREATE OR REPLACE FUNCTION rq.export_visits(p_from date, p_to date)
RETURNS TABLE ("登记编号" bigint, "入企时间" timestamp, "登记时间" timestamp, "县区" text,
               "企业名称" text, "统一社会信用代码或项目代码" text, "牵头单位" text,
               "参与单位" text, "联合执法类型" text, "入企人员" text, "职务" text,
               "执法证号" text, "人员已核验" text, "活动类型" text, "事项" text,
               "执法依据" text, "无扰日例外类别" text, "例外理由" text, "超上限理由" text,
               "补登记理由" text, "距企业距离（米）" int, "标记" text, "状态" text,
               "企业确认" text, "异议类别" text, "事后报备时间" timestamp, "工作情况" text,
               "发现问题" text, "处理措施" text, "评价" text, "评价意见" text,
               "匿名评价" text, "评价人" text, "评价时间" timestamp, "案件编号" text,
               "案件来源" text, "案件状态" text, "认定结果" text, "处置" text,
               "撤回原因" text)
LANGUAGE sql STABLE AS $$
SELECT v.id,
       (v.entered_at AT TIME ZONE 'Asia/Shanghai')::timestamp(0),
       (v.registered_at AT TIME ZONE 'Asia/Shanghai')::timestamp(0),
       r.name,
       e.name,
       coalesce(e.uscc, e.project_code),
       u.name,
       (SELECT string_agg(pu.name, '、' ORDER BY pu.name)
          FROM rq.visit_units vu JOIN rq.units pu ON pu.id = vu.unit_id
         WHERE vu.visit_id = v.id AND vu.role = 'participant'),
       CASE v.joint_kind WHEN 'special' THEN '专项执法' WHEN 'joint' THEN '联合执法'
                         WHEN 'cross_region' THEN '异地交叉执法' END,
       v.official_name,
       v.official_post,
       v.official_cert_no,
       CASE WHEN v.official_verified THEN '是' ELSE '否' END,
       rq.activity_label(v.activity_type),
       v.matter,
       v.legal_basis,
       rq.exemption_label(v.exemption_category),
       v.exemption_reason,
       v.over_cap_reason,
       v.backfill_reason,
       v.distance_m,
       concat_ws('、', (SELECT string_agg(rq.flag_label(f), '、' ORDER BY f) FROM unnest(v.flags) f),
                 CASE WHEN rq.visit_finish_overdue(v) THEN '超时未报备' END),
       CASE rq.visit_status(v) WHEN 'registered' THEN '已登记' WHEN 'confirmed' THEN '已确认'
                               WHEN 'disputed' THEN '有异议' WHEN 'finished' THEN '已报备'
                               WHEN 'withdrawn' THEN '已撤回' END,
       CASE v.confirmation WHEN 'pending' THEN '未答复' WHEN 'confirmed' THEN '确认'
                           WHEN 'disputed' THEN '异议' END,
       CASE a.reason_category WHEN 'wrong_people' THEN '人员不符'
                              WHEN 'wrong_matter' THEN '事项不符'
                              WHEN 'never_came' THEN '未曾到场' WHEN 'other' THEN '其他' END,
       (v.finished_at AT TIME ZONE 'Asia/Shanghai')::timestamp(0),
       v.result_done,
       v.result_findings,
       v.result_measures,
       rq.rating_label(ev.value),
       ev.comment,
       CASE WHEN ev.anonymous THEN '是' WHEN NOT ev.anonymous THEN '否' END,
       CASE WHEN NOT ev.anonymous THEN rq.export_rater_name(v.id) END,
       (coalesce(ev.changed_at, ev.rated_at) AT TIME ZONE 'Asia/Shanghai')::timestamp(0),
       cs.ids, cs.sources, cs.statuses, cs.outcomes, cs.dispositions,
       v.withdrawal_reason
  FROM rq.visits v
  JOIN rq.enterprises e ON e.id = v.enterprise_id
  JOIN rq.units u ON u.id = v.unit_id
  LEFT JOIN rq.regions r ON r.code = v.county_code
  LEFT JOIN rq.visit_answers a ON a.visit_id = v.id
  LEFT JOIN rq.evaluations ev ON ev.visit_id = v.id
  LEFT JOIN LATERAL (
      SELECT string_agg(c.id::text, '、' ORDER BY c.id) AS ids,
             string_agg(rq.case_source_label(c.source), '、' ORDER BY c.id) AS sources,
             string_agg(rq.case_status_label(c.status), '、' ORDER BY c.id) AS statuses,
             string_agg(coalesce(rq.case_outcome_label(c.outcome), '未认定'), '、'
                        ORDER BY c.id) AS outcomes,
             string_agg(coalesce(rq.case_disposition_label(c.disposition), '无'), '、'
                        ORDER BY c.id) AS dispositions
        FROM rq.cases c WHERE c.visit_id = v.id) cs ON true
 WHERE v.entered_at >= rq.local_start('day', p_from::timestamp)
   AND v.entered_at < rq.local_end('day', p_to::timestamp)
 ORDER BY v.entered_at, v.id
$$;
GRANT EXECUTE ON FUNCTION rq.export_visits(date,date) TO ruqima_reporting, ruqima_report;

-- How many visits the export of p_from to p_to would hold, counted up to p_cap + 1 only
-- (the caller compares with p_cap: above it the export becomes a job).
CREATE OR REPLACE FUNCTION rq.export_visits_count(p_from date, p_to date, p_cap bigint) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT count(*) FROM (
        SELECT 1 FROM rq.visits v
         WHERE v.entered_at >= rq.local_start('day', p_from::timestamp)
           AND v.entered_at < rq.local_end('day', p_to::timestamp)
         LIMIT p_cap + 1) x
$$;
GRANT EXECUTE ON FUNCTION rq.export_visits_count(date,date,bigint) TO ruqima_reporting, ruqima_report;

-- The calling portal user's job for the export: a new one, queued, or the same one while one
-- for the same period and format waits or runs. Answers (rq.outcome) ok with data {id}.
-- Raises 42501 for an actor other than the city admin, a judicial analyst or a discipline
-- inspector.
CREATE OR REPLACE FUNCTION rq.export_job_request(p_from date, p_to date, p_format text) RETURNS rq.outcome LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_admin bigint := rq.current_admin_id();
    v_id bigint;
BEGIN
    IF v_admin IS NULL OR NOT rq.actor_sees_all() THEN
        RAISE EXCEPTION 'only the city''s auditing roles ask for exports' USING ERRCODE = '42501';
    END IF;
    INSERT INTO rq.export_jobs (period_from, period_to, format, requested_by)
    VALUES (p_from, p_to, p_format, v_admin)
    ON CONFLICT (requested_by, kind, period_from, period_to, format)
       WHERE status IN ('queued', 'running') DO NOTHING
    RETURNING id INTO v_id;
    IF v_id IS NULL THEN
        SELECT j.id INTO v_id FROM rq.export_jobs j
         WHERE j.requested_by = v_admin AND j.kind = 'visits' AND j.period_from = p_from
           AND j.period_to = p_to AND j.format = p_format AND j.status IN ('queued', 'running');
    END IF;
    RETURN rq.ok(jsonb_build_object('id', v_id::text));
END
$$;
GRANT EXECUTE ON FUNCTION rq.export_job_request(date,date,text) TO ruqima_reporting;
