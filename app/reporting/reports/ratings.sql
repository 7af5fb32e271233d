-- 企业评价与满意率（按县区、单位）
--
-- 期间内入企的评价结果，按企业所在县区和牵头单位：已评价次数、满意、基本满意、不满意、
-- 满意率 =（满意 + 基本满意）÷ 已评价、其中匿名评价次数（计入，不显示评价人）；企业对
-- 登记提出异议的次数和企业举报未扫码入企的次数（按县区，单位不明时记在“单位不明”）。
-- 入企记录含从浉河区慧企通导入的历史记录（来源 huiqitong）；按来源（$4）可只统计其一。
-- 未扫码举报只来自本平台：只统计慧企通导入的记录时不计。
--
-- schedule: monthly
-- params: $1 起始日期, $2 截止日期（含当日）, $3 县区代码（空：全市）, $4 来源（空：全部；platform 扫码登记，huiqitong 慧企通导入）
-- columns: 县区, 单位, 入企次数, 已评价, 满意, 基本满意, 不满意, 满意率, 匿名评价, 异议, 未扫码举报
-- percent: 满意率
WITH v AS (
    SELECT v.id, v.unit_id, v.county_code, v.confirmation
      FROM rq.visits v
     WHERE v.entered_at >= rq.local_start('day', $1::date::timestamp)
       AND v.entered_at < rq.local_end('day', $2::date::timestamp)
       AND ($3::text IS NULL OR v.county_code = $3::text)
       AND ($4::text IS NULL OR v.source = $4::text)
       AND v.withdrawn_at IS NULL -- a registration withdrawn by its official took no place
), per_visit AS (
    SELECT v.county_code, v.unit_id, count(*) AS visits,
           count(e.visit_id) AS rated,
           count(*) FILTER (WHERE e.value = 'satisfied') AS satisfied,
           count(*) FILTER (WHERE e.value = 'basically_satisfied') AS basic,
           count(*) FILTER (WHERE e.value = 'unsatisfied') AS unsatisfied,
           count(*) FILTER (WHERE e.anonymous) AS anonymous,
           count(*) FILTER (WHERE v.confirmation = 'disputed') AS disputed
      FROM v LEFT JOIN rq.evaluations e ON e.visit_id = v.id
     GROUP BY v.county_code, v.unit_id
), no_scan AS (
    SELECT c.county_code, c.unit_id, count(*) AS reports
      FROM rq.cases c
     WHERE c.source = 'no_scan' AND coalesce($4::text, 'platform') = 'platform'
       AND c.occurred_at >= rq.local_start('day', $1::date::timestamp)
       AND c.occurred_at < rq.local_end('day', $2::date::timestamp)
       AND ($3::text IS NULL OR c.county_code = $3::text)
     GROUP BY c.county_code, c.unit_id
)
SELECT r.name AS "县区",
       coalesce(u.name, '单位不明') AS "单位",
       coalesce(p.visits, 0) AS "入企次数",
       coalesce(p.rated, 0) AS "已评价",
       coalesce(p.satisfied, 0) AS "满意",
       coalesce(p.basic, 0) AS "基本满意",
       coalesce(p.unsatisfied, 0) AS "不满意",
       round((p.satisfied + p.basic)::numeric / nullif(p.rated, 0), 4) AS "满意率",
       coalesce(p.anonymous, 0) AS "匿名评价",
       coalesce(p.disputed, 0) AS "异议",
       coalesce(n.reports, 0) AS "未扫码举报"
  FROM per_visit p
  FULL JOIN no_scan n ON n.county_code = p.county_code AND n.unit_id IS NOT DISTINCT FROM p.unit_id
  LEFT JOIN rq.regions r ON r.code = coalesce(p.county_code, n.county_code)
  LEFT JOIN rq.units u ON u.id = coalesce(p.unit_id, n.unit_id)
 ORDER BY coalesce(p.county_code, n.county_code), coalesce(p.visits, 0) DESC, u.name
