-- 入企规则提示与标记明细
--
-- 期间内触发规则提示的每一次入企：超频次提醒、超年度检查上限（及其理由）、无扰日例外（及
-- 其类别）、补登记、拒绝定位、距企业过远、人员未核验；以及登记后超时未提交事后报备的入企。
-- 从慧企通导入的记录不触发规则提示，也不计超时未报备；按来源（$4）可只看其一。
--
-- schedule: monthly, weekly
-- params: $1 起始日期, $2 截止日期（含当日）, $3 县区代码（空：全市）, $4 来源（空：全部；platform 扫码登记，huiqitong 慧企通导入）
-- columns: 入企时间, 登记时间, 单位, 企业名称, 县区, 活动类型, 标记, 无扰日例外类别, 超上限理由, 距离（米）, 事后报备
WITH v AS (
    SELECT v.*,
           v.finished_at IS NULL AND v.source = 'platform' AND now() > v.registered_at
               + make_interval(hours => rq.policy_value('finish_due_hours')) AS unfinished
      FROM rq.visits v
     WHERE v.entered_at >= rq.local_start('day', $1::date::timestamp)
       AND v.entered_at < rq.local_end('day', $2::date::timestamp)
       AND ($3::text IS NULL OR v.county_code = $3::text)
       AND ($4::text IS NULL OR v.source = $4::text)
       AND v.withdrawn_at IS NULL -- a registration withdrawn by its official took no place
)
SELECT to_char(v.entered_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS "入企时间",
       to_char(v.registered_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS "登记时间",
       u.name AS "单位",
       e.name AS "企业名称",
       r.name AS "县区",
       rq.activity_label(v.activity_type) AS "活动类型",
       concat_ws('、', (SELECT string_agg(rq.flag_label(f), '、' ORDER BY f) FROM unnest(v.flags) f),
                 CASE WHEN v.unfinished THEN '超时未报备' END) AS "标记",
       rq.exemption_label(v.exemption_category) AS "无扰日例外类别",
       v.over_cap_reason AS "超上限理由",
       v.distance_m AS "距离（米）",
       CASE WHEN v.finished_at IS NOT NULL THEN '已报备'
            WHEN v.unfinished THEN '超时未报备' ELSE '未到期' END AS "事后报备"
  FROM v
  JOIN rq.units u ON u.id = v.unit_id
  JOIN rq.enterprises e ON e.id = v.enterprise_id
  LEFT JOIN rq.regions r ON r.code = v.county_code
 WHERE cardinality(v.flags) > 0 OR v.unfinished
 ORDER BY v.entered_at, v.id
