-- 0032_disclosure.sql — 双公开: the public disclosure of visits at /gongkai/ (README,
-- "Public disclosure"). Per unit and month the counts are public; per visit only what the
-- policy rows below allow, an enterprise's name only while it has not opted out, officials'
-- names masked (张*), never a phone number, certificate number or position. The reads are
-- rq.public_units and rq.public_visits (app/reporting/sql/public.sql).

-- The enterprise's choice not to be named in the disclosure of single visits (its managers
-- or a county office set it: rq.enterprise_disclosure_set, lib/sql/disclosure.sql). The
-- counts per unit still count its visits.
ALTER TABLE rq.enterprises ADD COLUMN disclosure_opt_out boolean NOT NULL DEFAULT false;

-- What the disclosure of a single visit shows: switches the city admin changes like every
-- other threshold (PUT /api/v1/admin/policy/{key}); 0 leaves the field out of every answer.
INSERT INTO rq.policy (key, value, min_value, max_value, measure, description) VALUES
  ('disclosure_unit', 1, 0, 1, 'switch',
   '双公开：逐次公开入企单位（牵头单位和参与单位）：1 公开，0 不公开'),
  ('disclosure_activity', 1, 0, 1, 'switch',
   '双公开：逐次公开活动类型（参观访问、调研帮扶、执法检查）：1 公开，0 不公开'),
  ('disclosure_date', 1, 0, 1, 'switch',
   '双公开：逐次公开入企日期（只公开日期，不公开时刻）：1 公开，0 不公开'),
  ('disclosure_matter', 1, 0, 1, 'switch',
   '双公开：逐次公开事项摘要（隐去电话号码、证件号码和人名）：1 公开，0 不公开'),
  ('disclosure_result', 1, 0, 1, 'switch',
   '双公开：逐次公开结果摘要（事后报备，隐去电话号码、证件号码和人名）：1 公开，0 不公开'),
  ('disclosure_enterprise', 1, 0, 1, 'switch',
   '双公开：逐次公开企业名称（企业申请不公开的除外）：1 公开，0 不公开'),
  ('disclosure_official', 1, 0, 1, 'switch',
   '双公开：逐次公开入企人员姓氏（姓名只显示首字，如“张*”）：1 公开，0 不公开'),
  ('disclosure_summary_chars', 60, 10, 200, 'characters',
   '双公开：事项摘要和结果摘要的最大长度（字）');

-- Visits by their time of entry: the months of the disclosure and the ranges of the
-- auditors' export read visits by it.
CREATE INDEX visits_entered_idx ON rq.visits (entered_at, id);
