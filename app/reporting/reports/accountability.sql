-- 问责名单（认定属实、部分属实的案件）
--
-- 期间内经审核认定为属实或部分属实的案件（按认定时间计），每件一行：责任单位（认定时指明
-- 的单位，未指明时为被投诉的单位）、责任人员（认定时指明的入企人员）、案件来源、认定结果、
-- 整改措施、是否移交纪检监督组及其处置。评价人（包括匿名评价人）不在名单中。
--
-- schedule: monthly
-- params: $1 起始日期, $2 截止日期（含当日）, $3 县区代码（空：全市）
-- columns: 认定时间, 县区, 责任单位, 责任人员, 来源, 认定结果, 整改措施, 移交纪检, 处置, 案件编号
SELECT to_char(c.determined_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS "认定时间",
       r.name AS "县区",
       u.name AS "责任单位",
       p.name AS "责任人员",
       rq.case_source_label(c.source) AS "来源",
       rq.case_outcome_label(c.outcome) AS "认定结果",
       c.measures AS "整改措施",
       CASE WHEN c.handed_over_at IS NOT NULL THEN '是' ELSE '否' END AS "移交纪检",
       rq.case_disposition_label(c.disposition) AS "处置",
       c.id AS "案件编号"
  FROM rq.cases c
  JOIN rq.regions r ON r.code = c.county_code
  LEFT JOIN rq.units u ON u.id = coalesce(c.responsible_unit_id, c.unit_id)
  LEFT JOIN rq.official_profiles p ON p.account_id = c.responsible_account_id
 WHERE c.outcome IN ('substantiated', 'partly_substantiated')
   AND c.determined_at >= rq.local_start('day', $1::date::timestamp)
   AND c.determined_at < rq.local_end('day', $2::date::timestamp)
   AND ($3::text IS NULL OR c.county_code = $3::text)
 ORDER BY c.determined_at, c.id
