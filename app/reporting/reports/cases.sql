-- 投诉案件办理与认定结果（按县区）
--
-- 期间内立案的投诉案件（按立案时间计）：按来源（不满意评价、登记异议、未扫码入企）分列，
-- 现在的办理情况（办理中、已办结、办理中且当前环节已逾期），已认定案件的结果（属实、部分
-- 属实、不属实）和移交纪检监督组的件数。合并到其他案件后办结的案件计入立案和已办结，不计
-- 入认定结果。
--
-- schedule: monthly
-- params: $1 起始日期, $2 截止日期（含当日）, $3 县区代码（空：全市）
-- columns: 县区, 立案, 不满意评价, 登记异议, 未扫码入企, 办理中, 已办结, 逾期未办, 属实, 部分属实, 不属实, 移交纪检
WITH c AS (
    SELECT c.*
      FROM rq.cases c
     WHERE c.opened_at >= rq.local_start('day', $1::date::timestamp)
       AND c.opened_at < rq.local_end('day', $2::date::timestamp)
       AND ($3::text IS NULL OR c.county_code = $3::text)
)
SELECT r.name AS "县区",
       count(*) AS "立案",
       count(*) FILTER (WHERE c.source = 'rating') AS "不满意评价",
       count(*) FILTER (WHERE c.source = 'dispute') AS "登记异议",
       count(*) FILTER (WHERE c.source = 'no_scan') AS "未扫码入企",
       count(*) FILTER (WHERE c.status <> 'closed') AS "办理中",
       count(*) FILTER (WHERE c.status = 'closed') AS "已办结",
       count(*) FILTER (WHERE c.status <> 'closed' AND c.due_at < now()) AS "逾期未办",
       count(*) FILTER (WHERE c.outcome = 'substantiated') AS "属实",
       count(*) FILTER (WHERE c.outcome = 'partly_substantiated') AS "部分属实",
       count(*) FILTER (WHERE c.outcome = 'unsubstantiated') AS "不属实",
       count(*) FILTER (WHERE c.handed_over_at IS NOT NULL) AS "移交纪检"
  FROM c JOIN rq.regions r ON r.code = c.county_code
 GROUP BY r.code, r.name
 ORDER BY r.code
