-- 入企公务活动统计（按单位）
--
-- 每个单位在期间内牵头登记的入企次数（按入企时间计），按活动类型分列；作为参与单位参加
-- 联合检查的次数单列：一次联合检查对牵头单位计一次“牵头入企”，对每个参与单位各计一次
-- “参与联合检查”。满意率 =（满意 + 基本满意）÷ 已评价；匿名评价计入，不显示评价人。
-- 入企记录含从浉河区慧企通导入的历史记录（来源 huiqitong）；按来源（$4）可只统计其一。
--
-- schedule: monthly, weekly
-- params: $1 起始日期, $2 截止日期（含当日）, $3 县区代码（空：全市）, $4 来源（空：全部；platform 扫码登记，huiqitong 慧企通导入）
-- columns: 单位, 所属县区, 牵头入企次数, 参观访问, 调研帮扶, 执法检查, 参与联合检查次数, 涉及企业数, 已评价, 满意率, 不满意
-- percent: 满意率
WITH v AS (
    SELECT v.id, v.unit_id, v.enterprise_id, v.activity_type
      FROM rq.visits v
     WHERE v.entered_at >= rq.local_start('day', $1::date::timestamp)
       AND v.entered_at < rq.local_end('day', $2::date::timestamp)
       AND ($3::text IS NULL OR v.county_code = $3::text)
       AND ($4::text IS NULL OR v.source = $4::text)
       AND v.withdrawn_at IS NULL -- a registration withdrawn by its official took no place
), led AS (
    SELECT v.unit_id, count(*) AS visits,
           count(*) FILTER (WHERE v.activity_type = 'visit') AS visit,
           count(*) FILTER (WHERE v.activity_type = 'research') AS research,
           count(*) FILTER (WHERE v.activity_type = 'inspection') AS inspection,
           count(DISTINCT v.enterprise_id) AS enterprises
      FROM v GROUP BY v.unit_id
), joined AS (
    SELECT vu.unit_id, count(*) AS visits
      FROM rq.visit_units vu JOIN v ON v.id = vu.visit_id
     WHERE vu.role = 'participant'
     GROUP BY vu.unit_id
), rated AS (
    SELECT e.unit_id, count(*) AS rated,
           count(*) FILTER (WHERE e.value IN ('satisfied', 'basically_satisfied')) AS content,
           count(*) FILTER (WHERE e.value = 'unsatisfied') AS unsatisfied
      FROM rq.evaluations e JOIN v ON v.id = e.visit_id
     GROUP BY e.unit_id
)
SELECT u.name AS "单位",
       coalesce(r.name, '市直') AS "所属县区",
       coalesce(led.visits, 0) AS "牵头入企次数",
       coalesce(led.visit, 0) AS "参观访问",
       coalesce(led.research, 0) AS "调研帮扶",
       coalesce(led.inspection, 0) AS "执法检查",
       coalesce(joined.visits, 0) AS "参与联合检查次数",
       coalesce(led.enterprises, 0) AS "涉及企业数",
       coalesce(rated.rated, 0) AS "已评价",
       round(rated.content::numeric / nullif(rated.rated, 0), 4) AS "满意率",
       coalesce(rated.unsatisfied, 0) AS "不满意"
  FROM rq.units u
  LEFT JOIN rq.regions r ON r.code = u.county_code
  LEFT JOIN led ON led.unit_id = u.id
  LEFT JOIN joined ON joined.unit_id = u.id
  LEFT JOIN rated ON rated.unit_id = u.id
 WHERE led.unit_id IS NOT NULL OR joined.unit_id IS NOT NULL
 ORDER BY coalesce(led.visits, 0) + coalesce(joined.visits, 0) DESC, u.name
