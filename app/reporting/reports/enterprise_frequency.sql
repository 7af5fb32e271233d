-- 企业入企频次排名
--
-- 期间内被入企的企业，按入企次数从多到少：牵头登记的入企次数（一次联合检查计一次）、
-- 其中执法检查次数、入企单位数（牵头和参与单位合计，去重）和最近一次入企时间。
-- 入企记录含从浉河区慧企通导入的历史记录（来源 huiqitong）；按来源（$4）可只统计其一。
--
-- schedule: monthly
-- params: $1 起始日期, $2 截止日期（含当日）, $3 县区代码（空：全市）, $4 来源（空：全部；platform 扫码登记，huiqitong 慧企通导入）
-- columns: 排名, 企业名称, 统一社会信用代码或项目代码, 县区, 入企次数, 其中执法检查, 入企单位数, 最近一次入企时间
WITH v AS (
    SELECT v.id, v.enterprise_id, v.activity_type, v.entered_at
      FROM rq.visits v
     WHERE v.entered_at >= rq.local_start('day', $1::date::timestamp)
       AND v.entered_at < rq.local_end('day', $2::date::timestamp)
       AND ($3::text IS NULL OR v.county_code = $3::text)
       AND ($4::text IS NULL OR v.source = $4::text)
       AND v.withdrawn_at IS NULL -- a registration withdrawn by its official took no place
), per AS (
    SELECT v.enterprise_id, count(*) AS visits,
           count(*) FILTER (WHERE v.activity_type = 'inspection') AS inspections,
           max(v.entered_at) AS last_at
      FROM v GROUP BY v.enterprise_id
), units AS (
    SELECT v.enterprise_id, count(DISTINCT vu.unit_id) AS units
      FROM v JOIN rq.visit_units vu ON vu.visit_id = v.id
     GROUP BY v.enterprise_id
)
SELECT rank() OVER (ORDER BY per.visits DESC) AS "排名",
       e.name AS "企业名称",
       coalesce(e.uscc, e.project_code) AS "统一社会信用代码或项目代码",
       r.name AS "县区",
       per.visits AS "入企次数",
       per.inspections AS "其中执法检查",
       units.units AS "入企单位数",
       to_char(per.last_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS "最近一次入企时间"
  FROM per
  JOIN rq.enterprises e ON e.id = per.enterprise_id
  JOIN units ON units.enterprise_id = per.enterprise_id
  LEFT JOIN rq.regions r ON r.code = e.county_code
 ORDER BY per.visits DESC, e.name, e.id
