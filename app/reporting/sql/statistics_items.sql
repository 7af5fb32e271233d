-- app/reporting/sql/statistics_items.sql — the visits and cases behind a figure of the statistics (app/reporting/statistics_items.c): the lines of the portal's lists, with the filters the figures count by.
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.
--
-- SECURITY INVOKER: row-level security of rq.visits and rq.cases decides, as in every list.
-- Run with EXECUTE ... USING, planned for the values of the call: the filter given (a unit,
-- an enterprise, a county) decides which index reads the rows.

-- The visits behind a figure, newest first (keyset: ids below p_before): the lines of the
-- portal's visit lists. Each filter is one the statistics count by: unit_id the lead unit
-- (p_role 'participant': a participating unit), flag one of the flags, or 'unfinished',
-- 'unfinished_past_due', 'frequency_or_cap' (a hot spot's flags); p_rating 'rated' or a value.
CREATE OR REPLACE FUNCTION rq.stats_visit_items(p_from date, p_to date, p_county text,
                                                p_unit bigint, p_role text,
                                                p_enterprise bigint, p_activity text,
                                                p_joint boolean, p_flag text,
                                                p_confirmation text, p_rating text,
                                                p_anonymous boolean, p_exemption text,
                                                p_source text, p_before bigint, p_limit int)
RETURNS SETOF rq.visit_lines
LANGUAGE plpgsql STABLE SET jit = off SET work_mem = '64MB' AS $$
BEGIN
    RETURN QUERY EXECUTE $q$
        SELECT l.* FROM rq.visit_lines l JOIN rq.visits v ON v.id = l._id
         WHERE l._id < $15 AND v.withdrawn_at IS NULL
           AND v.entered_at >= $1::timestamp AT TIME ZONE 'Asia/Shanghai'
           AND v.entered_at < ($2 + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
           AND ($3::text IS NULL OR v.county_code = $3)
           AND ($4::bigint IS NULL
                OR ($5::text IS DISTINCT FROM 'participant' AND v.unit_id = $4)
                OR ($5::text = 'participant' AND v.unit_id <> $4
                    AND v.id IN (SELECT vu.visit_id FROM rq.visit_units vu
                                  WHERE vu.unit_id = $4 AND vu.role = 'participant')))
           AND ($6::bigint IS NULL OR v.enterprise_id = $6)
           AND ($7::text IS NULL OR v.activity_type = $7)
           AND ($8::boolean IS NULL OR (v.joint_kind IS NOT NULL) = $8)
           AND ($9::text IS NULL OR $9 = ANY (v.flags)
                OR ($9 = 'frequency_or_cap'
                    AND v.flags && '{frequency_day,frequency_week,frequency_month,inspection_over_cap}')
                OR ($9 IN ('unfinished', 'unfinished_past_due') AND v.finished_at IS NULL
                    AND ($9 = 'unfinished'
                         OR now() > v.registered_at
                                    + make_interval(hours => rq.policy_value('finish_due_hours')))))
           AND ($10::text IS NULL OR v.confirmation = $10)
           AND (($11::text IS NULL AND $12::boolean IS NULL)
                OR EXISTS (SELECT 1 FROM rq.evaluations e
                            WHERE e.visit_id = v.id AND ($11 IS NULL OR $11 = 'rated' OR e.value = $11)
                              AND ($12 IS NULL OR e.anonymous = $12)))
           AND ($13::text IS NULL
                OR (v.exemption_category = $13 AND 'quiet_day_exemption' = ANY (v.flags)))
           AND ($14::text IS NULL OR v.source = $14)
         ORDER BY l._id DESC
         LIMIT $16
    $q$ USING p_from, p_to, p_county, p_unit, p_role, p_enterprise, p_activity, p_joint, p_flag,
              p_confirmation, p_rating, p_anonymous, p_exemption, p_source, p_before, p_limit;
END
$$;
GRANT EXECUTE ON FUNCTION rq.stats_visit_items(date, date, text, bigint, text, bigint, text,
                                               boolean, text, text, text, boolean, text, text,
                                               bigint, int) TO ruqima_reporting;

-- The cases behind a figure, newest first: opened in the range (p_date 'determined': found in
-- it), with the filters the statistics count by (unit 0: not known; classification and
-- outcome 'none': not yet; responsible official 0: none named; accountable: 属实 or 部分属实).
CREATE OR REPLACE FUNCTION rq.stats_case_items(p_from date, p_to date, p_date text,
                                               p_county text, p_unit bigint,
                                               p_responsible_unit bigint,
                                               p_responsible_official bigint, p_source text,
                                               p_status text, p_open boolean,
                                               p_classification text, p_outcome text,
                                               p_accountable boolean, p_overdue boolean,
                                               p_handed_over boolean, p_before bigint,
                                               p_limit int)
RETURNS SETOF rq.case_lines
LANGUAGE plpgsql STABLE SET jit = off SET work_mem = '64MB' AS $$
BEGIN
    RETURN QUERY EXECUTE $q$
        SELECT l.* FROM rq.case_lines l JOIN rq.cases c ON c.id = l._id
         WHERE l._id < $16
           AND CASE WHEN $3 = 'determined' THEN c.determined_at ELSE c.opened_at END
               >= $1::timestamp AT TIME ZONE 'Asia/Shanghai'
           AND CASE WHEN $3 = 'determined' THEN c.determined_at ELSE c.opened_at END
               < ($2 + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
           AND ($4::text IS NULL OR c.county_code = $4)
           AND ($5::bigint IS NULL OR coalesce(c.unit_id, 0) = $5)
           AND ($6::bigint IS NULL OR coalesce(c.responsible_unit_id, c.unit_id, 0) = $6)
           AND ($7::bigint IS NULL OR coalesce(c.responsible_account_id, 0) = $7)
           AND ($8::text IS NULL OR c.source = $8)
           AND ($9::text IS NULL OR c.status = $9)
           AND ($10::boolean IS NULL OR (c.status <> 'closed') = $10)
           AND ($11::text IS NULL OR coalesce(c.classification, 'none') = $11)
           AND ($12::text IS NULL OR coalesce(c.outcome, 'none') = $12)
           AND ($13::boolean IS NULL
                OR coalesce(c.outcome IN ('substantiated', 'partly_substantiated'), false) = $13)
           AND ($14::boolean IS NULL
                OR coalesce(c.status <> 'closed' AND c.due_at < now(), false) = $14)
           AND ($15::boolean IS NULL OR (c.handed_over_at IS NOT NULL) = $15)
         ORDER BY l._id DESC
         LIMIT $17
    $q$ USING p_from, p_to, p_date, p_county, p_unit, p_responsible_unit, p_responsible_official,
              p_source, p_status, p_open, p_classification, p_outcome, p_accountable, p_overdue,
              p_handed_over, p_before, p_limit;
END
$$;
GRANT EXECUTE ON FUNCTION rq.stats_case_items(date, date, text, text, bigint, bigint, bigint,
                                              text, text, boolean, text, text, boolean, boolean,
                                              boolean, bigint, int) TO ruqima_reporting;
