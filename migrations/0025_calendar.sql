-- 0025_calendar.sql — the calendar of working days (法定节假日 and 调休 working weekends) that
-- the complaint steps' deadlines are counted in, the deadline policy rows, and the official
-- arrangements of 2024 and 2025 (app/DESIGN.md §5, README "Working days").
--
-- A day is a working day when a row says so (kind workday: a 调休 Saturday or Sunday), is
-- not one when a row says so (kind holiday: a day off of the State Council's arrangement),
-- and otherwise is one exactly when it is a Monday to Friday. The functions that count in
-- working days are rq.working_days_add and rq.working_days_between (lib/sql/calendar.sql).
-- The city admin keeps the rows (portal: /api/v1/admin/calendar; CLI: ruqima calendar
-- import), importing each December the notice for the next year.

CREATE TABLE rq.calendar_days (
    day        date PRIMARY KEY CHECK (day BETWEEN DATE '2000-01-01' AND DATE '2100-12-31'),
    kind       text NOT NULL CHECK (kind IN ('holiday', 'workday')),
    -- the holiday as the notice names it (春节, 国庆节、中秋节 ...); for a workday the holiday
    -- it makes up for (春节调休上班)
    name       text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 40 AND name !~ '[[:cntrl:]]'),
    -- what the row changes in a count of working days against Monday–Friday: +1 a 调休
    -- working weekend day, -1 a holiday on a weekday, 0 a holiday on a weekend (part of the
    -- break, changes nothing)
    effect     smallint NOT NULL GENERATED ALWAYS AS (
                   CASE WHEN kind = 'workday' THEN 1
                        WHEN extract(isodow FROM day) < 6 THEN -1 ELSE 0 END) STORED,
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- the portal admin who wrote it; NULL for the CLI and this migration
    updated_by bigint REFERENCES rq.admin_users (id),
    -- a 调休 working day is a Saturday or Sunday: on a weekday it would change nothing
    CONSTRAINT calendar_workday_on_weekend CHECK (kind <> 'workday' OR extract(isodow FROM day) >= 6)
);

COMMENT ON TABLE rq.calendar_days IS
    'days that are not what Monday–Friday says: holidays (days off) and 调休 working weekend days';

-- The rows that change a count, in day order, with their effect (index-only scans of the
-- working-day functions).
CREATE INDEX calendar_days_effect ON rq.calendar_days (day) INCLUDE (effect) WHERE effect <> 0;

-- ---------------------------------------------------------------------------------
-- Policy: the deadlines of the complaint steps (issue 13), changed by the city admin like
-- every threshold. Working days unless the measure says days.
-- ---------------------------------------------------------------------------------
INSERT INTO rq.policy (key, value, min_value, max_value, measure, description) VALUES
  ('case_accept_days', 1, 1, 60, 'working days',
   '受理时限（工作日）：案件生成后，县区营商办须在此期限内受理'),
  ('case_follow_up_days', 2, 1, 60, 'working days',
   '回访时限（工作日）：受理后须在此期限内完成回访'),
  ('case_analysis_days', 3, 1, 60, 'working days',
   '分析研判时限（工作日）：回访后须在此期限内完成分析研判'),
  ('case_statement_days', 5, 1, 60, 'working days',
   '调查申诉时限（工作日）：单位须在收到核查要求后此期限内提交情况说明'),
  ('case_determination_days', 5, 1, 60, 'working days',
   '审核认定时限（工作日）：调查材料齐备后须在此期限内作出认定'),
  ('case_rating_reopen_days', 7, 1, 60, 'days',
   '案件办结后企业评价“不满意”可重新启动一次的期限（自然日）'),
  ('case_county_may_determine', 0, 0, 1, 'switch',
   '县区营商办能否对本县区的案件作出审核认定：0 由市营商办认定，1 县区营商办也可认定');

-- ---------------------------------------------------------------------------------
-- The official arrangements (国务院办公厅关于某年部分节假日安排的通知) that ship: every day
-- off the notice lists (a day "与周末连休" alone, the weekend around it being a weekend
-- anyway) and every 调休 working day. Later years: imported by the city admin.
-- ---------------------------------------------------------------------------------
INSERT INTO rq.calendar_days (day, kind, name)
SELECT d::date, 'holiday', h.name
  FROM (VALUES
    -- 国办发明电〔2023〕7号: 2024
    ('2024-01-01', '2024-01-01', '元旦'),
    ('2024-02-10', '2024-02-17', '春节'),
    ('2024-04-04', '2024-04-06', '清明节'),
    ('2024-05-01', '2024-05-05', '劳动节'),
    ('2024-06-10', '2024-06-10', '端午节'),
    ('2024-09-15', '2024-09-17', '中秋节'),
    ('2024-10-01', '2024-10-07', '国庆节'),
    -- 国办发明电〔2024〕12号: 2025
    ('2025-01-01', '2025-01-01', '元旦'),
    ('2025-01-28', '2025-02-04', '春节'),
    ('2025-04-04', '2025-04-06', '清明节'),
    ('2025-05-01', '2025-05-05', '劳动节'),
    ('2025-05-31', '2025-06-02', '端午节'),
    ('2025-10-01', '2025-10-08', '国庆节、中秋节')
  ) AS h (first, last, name),
  generate_series(h.first::date, h.last::date, interval '1 day') AS d;

INSERT INTO rq.calendar_days (day, kind, name) VALUES
  ('2024-02-04', 'workday', '春节调休上班'),
  ('2024-02-18', 'workday', '春节调休上班'),
  ('2024-04-07', 'workday', '清明节调休上班'),
  ('2024-04-28', 'workday', '劳动节调休上班'),
  ('2024-05-11', 'workday', '劳动节调休上班'),
  ('2024-09-14', 'workday', '中秋节调休上班'),
  ('2024-09-29', 'workday', '国庆节调休上班'),
  ('2024-10-12', 'workday', '国庆节调休上班'),
  ('2025-01-26', 'workday', '春节调休上班'),
  ('2025-02-08', 'workday', '春节调休上班'),
  ('2025-04-27', 'workday', '劳动节调休上班'),
  ('2025-09-28', 'workday', '国庆节、中秋节调休上班'),
  ('2025-10-11', 'workday', '国庆节、中秋节调休上班');
