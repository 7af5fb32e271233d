-- 通报表扬候选单位
--
-- 期间内牵头入企获企业评价的次数和满意率达到通报表扬标准、且被认定属实的案件不超过标准的单
-- 位（按入企时间、认定时间计）：标准是规则 praise_rated_min（已评价次数不少于）、
-- praise_satisfaction_min（满意率不低于，百分比）和 praise_substantiated_max（由该单位负责、认定
-- 属实的案件不多于），由市营商办在门户中修改。满意率 =（满意 + 基本满意）÷ 已评价；匿名评价
-- 计入，不显示评价人。与统计接口 GET /api/v1/reporting/statistics/praise 同一口径。
--
-- schedule: monthly
-- params: $1 起始日期, $2 截止日期（含当日）, $3 县区代码（空：全市）
-- columns: 单位, 所属县区, 已评价, 满意, 基本满意, 不满意, 满意率, 认定属实案件
-- percent: 满意率
SELECT p.unit_name AS "单位",
       coalesce(r.name, '市直') AS "所属县区",
       p.rated AS "已评价",
       p.satisfied AS "满意",
       p.basically_satisfied AS "基本满意",
       p.unsatisfied AS "不满意",
       p.satisfaction_rate AS "满意率",
       p.substantiated AS "认定属实案件"
  FROM rq.stats_praise($1::date, $2::date, $3::text, NULL, NULL) p
  JOIN rq.units u ON u.id = p.unit_id::bigint
  LEFT JOIN rq.regions r ON r.code = u.county_code
 ORDER BY p.satisfaction_rate DESC, p.rated DESC, p.unit_name
