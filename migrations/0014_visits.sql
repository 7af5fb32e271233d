-- 0014_visits.sql — visits (入企登记) and what hangs off them: the city's rule policy,
-- attachments (credential photos), idempotency keys, 双报备 filings, the edit history and
-- the notification outbox (issue 4; design §5, §6).
--
-- Writes by the application role go only through the SECURITY DEFINER functions at the
-- end (rq.visit_register, rq.visit_edit, rq.visit_finish, rq.attachment_add,
-- rq.policy_set): each checks the actor context itself, so the app role has no INSERT or
-- UPDATE privilege on these tables at all. Reads are row-level secured.

-- ---------------------------------------------------------------------------------
-- Policy: every threshold of design §5 is a row here, changed by the city admin.
-- ---------------------------------------------------------------------------------
CREATE TABLE rq.policy (
    key         text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
    value       int NOT NULL,
    min_value   int NOT NULL,
    max_value   int NOT NULL,
    -- visits, day of month, metres, days, hours: what the value counts (for the portal)
    measure     text NOT NULL CHECK (char_length(measure) BETWEEN 1 AND 20),
    description text NOT NULL CHECK (char_length(description) BETWEEN 1 AND 200),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  bigint REFERENCES rq.admin_users (id),
    CONSTRAINT policy_value_in_range CHECK (value BETWEEN min_value AND max_value)
);
COMMENT ON TABLE rq.policy IS 'thresholds of the visit rules (design §5), one row each; city admin edits';
SELECT audit.enable('rq.policy', 'key');

INSERT INTO rq.policy (key, value, min_value, max_value, measure, description) VALUES
  ('frequency_day_max', 1, 0, 100, 'visits',
   '同一单位同一企业每日入企次数提醒阈值（超过即提醒并在报表中标记）'),
  ('frequency_week_max', 2, 0, 100, 'visits',
   '同一单位同一企业每周（周一至周日）入企次数提醒阈值'),
  ('frequency_month_max', 3, 0, 100, 'visits',
   '同一单位同一企业每月入企次数提醒阈值'),
  ('inspection_year_max', 1, 0, 100, 'visits',
   '同一单位对同一企业每年现场执法检查次数上限（超过须填写理由并标记复核；可按单位调整）'),
  ('quiet_day_first', 1, 1, 31, 'day of month', '企业无扰日：每月起始日'),
  ('quiet_day_last', 20, 0, 31, 'day of month', '企业无扰日：每月截止日（小于起始日即不设无扰日）'),
  ('geofence_m', 1000, 50, 100000, 'metres', '扫码位置与企业的最大距离，超过即标记'),
  ('backfill_days_max', 10, 0, 60, 'days', '补登记最长期限（天）'),
  ('edit_window_hours', 72, 0, 8760, 'hours', '登记后可修改事项和证件照片的时限（小时）'),
  ('finish_due_hours', 168, 1, 8760, 'hours', '登记后未提交事后报备即标记的时限（小时）');

-- Per-unit override of a threshold; only the yearly inspection cap may be overridden
-- (design §5: "1 (overridable per unit)").
CREATE TABLE rq.policy_unit_overrides (
    unit_id    bigint NOT NULL REFERENCES rq.units (id),
    key        text NOT NULL REFERENCES rq.policy (key) CHECK (key IN ('inspection_year_max')),
    value      int NOT NULL CHECK (value BETWEEN 0 AND 100),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by bigint REFERENCES rq.admin_users (id),
    PRIMARY KEY (unit_id, key)
);
COMMENT ON TABLE rq.policy_unit_overrides IS 'per-unit thresholds overriding rq.policy';
SELECT audit.enable('rq.policy_unit_overrides', 'unit_id,key');

-- The threshold for a unit: its override, else the city-wide value.
-- PL/pgSQL, not SQL: its plans are cached for the session, where a SQL function that
-- cannot be inlined is planned again on every call (tests/bench/register, perf).
CREATE FUNCTION rq.policy_value(p_key text, p_unit_id bigint DEFAULT NULL) RETURNS int
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    RETURN coalesce((SELECT o.value FROM rq.policy_unit_overrides o
                      WHERE o.unit_id = p_unit_id AND o.key = p_key),
                    (SELECT p.value FROM rq.policy p WHERE p.key = p_key));
END
$$;

-- ---------------------------------------------------------------------------------
-- Attachments: photos uploaded by an official before they are referenced by a visit.
-- The bytes live in $RUQIMA_STATE_DIR/uploads/attachments/<sha256[0:2]>/<sha256>.
-- ---------------------------------------------------------------------------------
CREATE TABLE rq.attachments (
    id           bigserial PRIMARY KEY,
    account_id   bigint NOT NULL REFERENCES rq.accounts (id),   -- the uploader
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
    size_bytes   int NOT NULL CHECK (size_bytes > 0),
    created_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE rq.attachments IS 'uploaded photos (credentials, results); bytes stored by SHA-256';
CREATE INDEX attachments_account_idx ON rq.attachments (account_id, id);
SELECT audit.enable('rq.attachments');

-- ---------------------------------------------------------------------------------
-- Visits
-- ---------------------------------------------------------------------------------
CREATE TABLE rq.visits (
    id                 bigserial PRIMARY KEY,
    enterprise_id      bigint NOT NULL REFERENCES rq.enterprises (id),
    code_id            bigint NOT NULL REFERENCES rq.codes (id),
    -- the enterprise's county at registration: scope of county admins and reports
    county_code        text NOT NULL REFERENCES rq.regions (code) ON UPDATE CASCADE,
    account_id         bigint NOT NULL REFERENCES rq.accounts (id),  -- the official
    unit_id            bigint NOT NULL REFERENCES rq.units (id),     -- their (lead) unit
    -- 亮证: who stood at the door, as the profile said when they registered
    official_name      text NOT NULL,
    official_post      text NOT NULL,
    official_cert_no   text,
    official_phone     text NOT NULL,
    official_verified  boolean NOT NULL,
    -- 参观访问 / 调研帮扶 / 执法检查
    activity_type      text NOT NULL CHECK (activity_type IN ('visit', 'research', 'inspection')),
    -- 专项 / 联合 / 异地交叉执法: inspections only, scanned by the lead unit
    joint_kind         text CHECK (joint_kind IN ('special', 'joint', 'cross_region')),
    matter             text NOT NULL CHECK (char_length(matter) BETWEEN 1 AND 500),
    legal_basis        text CHECK (char_length(legal_basis) BETWEEN 1 AND 500),
    -- [{name, unit, cert_no}], at most 20
    companions         jsonb NOT NULL DEFAULT '[]'
                       CHECK (jsonb_typeof(companions) = 'array' AND jsonb_array_length(companions) <= 20),
    registered_at      timestamptz NOT NULL DEFAULT now(),  -- when the scan was registered
    entered_at         timestamptz NOT NULL,                -- the real time of entry
    backfill_reason    text CHECK (char_length(backfill_reason) BETWEEN 1 AND 500),
    latitude           numeric(9, 6) CHECK (latitude BETWEEN -90 AND 90),
    longitude          numeric(9, 6) CHECK (longitude BETWEEN -180 AND 180),
    accuracy_m         numeric(8, 1) CHECK (accuracy_m >= 0),
    location_refused   boolean NOT NULL,
    distance_m         int CHECK (distance_m >= 0),
    exemption_category text CHECK (exemption_category IN (
                           'national_security', 'public_security', 'complaint_report',
                           'accident_emergency', 'superior_assigned', 'enterprise_requested',
                           'permit_check', 'referral')),
    exemption_reason   text CHECK (char_length(exemption_reason) BETWEEN 1 AND 500),
    over_cap_reason    text CHECK (char_length(over_cap_reason) BETWEEN 1 AND 500),
    -- the rules that fired (rule codes; see rq.visit_register)
    flags              text[] NOT NULL DEFAULT '{}',
    -- the enterprise's answer (issue 5)
    confirmation       text NOT NULL DEFAULT 'pending'
                       CHECK (confirmation IN ('pending', 'confirmed', 'disputed')),
    -- 事后报备: the result of the visit (双公开)
    finished_at        timestamptz,
    result_done        text CHECK (char_length(result_done) BETWEEN 1 AND 1000),
    result_findings    text CHECK (char_length(result_findings) BETWEEN 1 AND 1000),
    result_measures    text CHECK (char_length(result_measures) BETWEEN 1 AND 1000),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT visits_location_pair CHECK ((latitude IS NULL) = (longitude IS NULL)),
    CONSTRAINT visits_location_or_refused CHECK (location_refused = (latitude IS NULL)),
    CONSTRAINT visits_joint_is_inspection CHECK (joint_kind IS NULL OR activity_type = 'inspection'),
    CONSTRAINT visits_inspection_has_basis_and_cert
        CHECK (activity_type <> 'inspection' OR (legal_basis IS NOT NULL AND official_cert_no IS NOT NULL)),
    CONSTRAINT visits_exemption_pair CHECK ((exemption_category IS NULL) = (exemption_reason IS NULL)),
    CONSTRAINT visits_finished_has_result CHECK ((finished_at IS NULL) = (result_done IS NULL))
);
COMMENT ON TABLE rq.visits IS 'registered visits (入企登记): who, where, why, the rules that fired';
-- Lists are newest first by id (ids grow with registration time), keyset-paginated.
CREATE INDEX visits_account_idx ON rq.visits (account_id, id);
CREATE INDEX visits_enterprise_idx ON rq.visits (enterprise_id, id);
CREATE INDEX visits_unit_idx ON rq.visits (unit_id, id);
CREATE INDEX visits_county_idx ON rq.visits (county_code, id);
CREATE INDEX visits_unfinished_idx ON rq.visits (registered_at) WHERE finished_at IS NULL;
CREATE TRIGGER visits_touch BEFORE UPDATE ON rq.visits
    FOR EACH ROW EXECUTE FUNCTION rq.touch_updated_at();
SELECT audit.enable('rq.visits');

-- Every unit that entered: the lead unit and the participating units of a joint
-- inspection. The frequency and the yearly cap count per unit, so they read this table.
CREATE TABLE rq.visit_units (
    visit_id      bigint NOT NULL REFERENCES rq.visits (id),
    unit_id       bigint NOT NULL REFERENCES rq.units (id),
    role          text NOT NULL CHECK (role IN ('lead', 'participant')),
    -- copies of the visit's, for the counting index
    enterprise_id bigint NOT NULL,
    entered_at    timestamptz NOT NULL,
    activity_type text NOT NULL,
    PRIMARY KEY (visit_id, unit_id)
);
COMMENT ON TABLE rq.visit_units IS 'the lead and participating units of each visit (counted by the rules)';
CREATE INDEX visit_units_count_idx ON rq.visit_units (unit_id, enterprise_id, entered_at);
SELECT audit.enable('rq.visit_units', 'visit_id,unit_id');

-- Photos of a visit: credentials at registration (editable within the window), result
-- photos at the finish. Removing one by an edit keeps the row (removed_at).
CREATE TABLE rq.visit_attachments (
    visit_id      bigint NOT NULL REFERENCES rq.visits (id),
    attachment_id bigint NOT NULL REFERENCES rq.attachments (id),
    purpose       text NOT NULL CHECK (purpose IN ('credential', 'result')),
    added_at      timestamptz NOT NULL DEFAULT now(),
    removed_at    timestamptz,
    PRIMARY KEY (visit_id, attachment_id)
);
-- An attachment belongs to one visit only.
CREATE UNIQUE INDEX visit_attachments_one_visit ON rq.visit_attachments (attachment_id);
SELECT audit.enable('rq.visit_attachments', 'visit_id,attachment_id');

-- The visible history of later edits (the audit log has the rest).
CREATE TABLE rq.visit_edits (
    id                 bigserial PRIMARY KEY,
    visit_id           bigint NOT NULL REFERENCES rq.visits (id),
    edited_at          timestamptz NOT NULL DEFAULT now(),
    matter_before      text NOT NULL,
    matter_after       text NOT NULL,
    attachments_before bigint[] NOT NULL,
    attachments_after  bigint[] NOT NULL
);
CREATE INDEX visit_edits_visit_idx ON rq.visit_edits (visit_id, id);
SELECT audit.enable('rq.visit_edits');

-- 双报备: before (at registration) and after (at the finish), to the official's unit and
-- to the unit's stationed discipline-inspection group.
CREATE TABLE rq.filings (
    id               bigserial PRIMARY KEY,
    visit_id         bigint NOT NULL REFERENCES rq.visits (id),
    phase            text NOT NULL CHECK (phase IN ('before', 'after')),
    recipient        text NOT NULL CHECK (recipient IN ('unit', 'discipline_group')),
    unit_id          bigint NOT NULL REFERENCES rq.units (id),
    -- the group's name at filing time; NULL when the unit has none set yet
    discipline_group text,
    filed_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (visit_id, phase, recipient)
);
COMMENT ON TABLE rq.filings IS '事前/事后报备 of each visit to the unit and its discipline group';
CREATE INDEX filings_unit_idx ON rq.filings (unit_id, filed_at);
SELECT audit.enable('rq.filings');

-- Idempotency keys of POST /visits: the first response, replayed to a retry.
CREATE TABLE rq.idempotency_keys (
    account_id     bigint NOT NULL REFERENCES rq.accounts (id),
    key            text NOT NULL CHECK (key ~ '^[A-Za-z0-9_.:-]{8,100}$'),
    request_sha256 bytea NOT NULL,
    status         int NOT NULL,
    response       jsonb NOT NULL,
    visit_id       bigint REFERENCES rq.visits (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, key)
);
COMMENT ON TABLE rq.idempotency_keys IS 'Idempotency-Key of each registration and the response it got';
-- Not audited: the visit row it points to is, and the response is derived from it.

-- Notifications to mini-program accounts, sent by `ruqima notify run`.
CREATE TABLE rq.outbox (
    id              bigserial PRIMARY KEY,
    account_id      bigint NOT NULL REFERENCES rq.accounts (id),   -- the recipient
    kind            text NOT NULL CHECK (kind IN ('visit_registered', 'visit_edited',
                                                  'visit_finished')),
    visit_id        bigint REFERENCES rq.visits (id),
    enterprise_id   bigint REFERENCES rq.enterprises (id),
    -- what the message says: {title, enterprise, unit, official, time, matter}
    payload         jsonb NOT NULL,
    -- pending → sending → sent | failed; a 'sending' row whose dispatcher died is never
    -- sent again (marked failed with the outcome unknown): better one lost than two
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts        int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_at      timestamptz,
    sent_at         timestamptz,
    last_error      text,
    read_at         timestamptz,          -- read in the mini-program's list (issue 5)
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT outbox_sent_has_time CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
COMMENT ON TABLE rq.outbox IS 'notifications to accounts, sent through WeChat subscribe messages';
CREATE INDEX outbox_due_idx ON rq.outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_account_idx ON rq.outbox (account_id, id DESC);
SELECT audit.enable('rq.outbox');

-- ---------------------------------------------------------------------------------
-- Privileges and row-level security
-- ---------------------------------------------------------------------------------
-- Row-level security on, for the owner too (FORCE), with the two policies every table of
-- ours has: the owner (migrations, the CLI, the SECURITY DEFINER functions) sees and
-- writes everything; the reporting role reads everything (unless p_report is false).
-- The application role's policies are each table's own, below.
CREATE FUNCTION rq.rls_enable(p_table regclass, p_report boolean DEFAULT true) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name text := (SELECT c.relname FROM pg_class c WHERE c.oid = p_table);
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', p_table);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', p_table);
    EXECUTE format('CREATE POLICY %I ON %s TO ruqima_owner USING (true) WITH CHECK (true)',
                   v_name || '_owner_all', p_table);
    IF p_report THEN
        EXECUTE format('GRANT SELECT ON %s TO ruqima_report', p_table);
        EXECUTE format('CREATE POLICY %I ON %s FOR SELECT TO ruqima_report USING (true)',
                       v_name || '_report_read', p_table);
    END IF;
END
$$;
COMMENT ON FUNCTION rq.rls_enable(regclass, boolean) IS
    'forced row-level security with the owner-all and report-read policies; for migrations';
REVOKE ALL ON FUNCTION rq.rls_enable(regclass, boolean) FROM PUBLIC;

SELECT rq.rls_enable(t) FROM unnest(ARRAY['rq.policy', 'rq.policy_unit_overrides',
    'rq.attachments', 'rq.visits', 'rq.visit_units', 'rq.visit_attachments', 'rq.visit_edits',
    'rq.filings', 'rq.outbox']::regclass[]) AS t;
-- The stored answers are the app's business only.
SELECT rq.rls_enable('rq.idempotency_keys', p_report => false);

-- The rules are public to every signed-in actor (the mini-program explains them).
GRANT SELECT ON rq.policy, rq.policy_unit_overrides TO ruqima_app;
CREATE POLICY policy_app_read ON rq.policy FOR SELECT TO ruqima_app
    USING (rq.actor_kind() IS NOT NULL);
CREATE POLICY policy_unit_overrides_app_read ON rq.policy_unit_overrides FOR SELECT
    TO ruqima_app USING (rq.actor_kind() IS NOT NULL);

-- Visits: the official their own; a manager those of enterprises they manage now; the
-- city admin, judicial analysts and discipline inspectors all; a county admin their
-- county's; a unit admin their unit's (lead or participant).
GRANT SELECT ON rq.visits, rq.visit_units, rq.visit_attachments, rq.visit_edits, rq.filings,
                rq.attachments, rq.outbox
    TO ruqima_app;
-- The enterprises the actor manages now (active bindings), for policies over many rows:
-- one call per query instead of rq.actor_manages once per row (tests/bench/eval_list).
CREATE FUNCTION rq.actor_managed_ids() RETURNS bigint[]
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
    SELECT coalesce(array_agg(b.enterprise_id), '{}') FROM rq.manager_bindings b
     WHERE b.account_id = rq.current_account_id() AND b.status = 'active'
$$;
REVOKE ALL ON FUNCTION rq.actor_managed_ids() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rq.actor_managed_ids() TO ruqima_app;

-- True when the actor is a unit admin of a unit that entered in the visit (lead or
-- participant). SECURITY DEFINER: visit_units' own policy refers back to visits, and a
-- policy may not recurse.
CREATE FUNCTION rq.actor_unit_entered(p_visit_id bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
    SELECT EXISTS (SELECT 1 FROM rq.visit_units vu
                    WHERE vu.visit_id = p_visit_id AND vu.unit_id::text = rq.actor_unit())
$$;
REVOKE ALL ON FUNCTION rq.actor_unit_entered(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rq.actor_unit_entered(bigint) TO ruqima_app;

CREATE POLICY visits_app_read ON rq.visits FOR SELECT TO ruqima_app
    USING (account_id = rq.current_account_id()
           -- an uncorrelated sub-select: computed once per query, not once per row
           OR (rq.actor_kind() = 'account'
               AND enterprise_id = ANY ((SELECT rq.actor_managed_ids())::bigint[]))
           OR (rq.actor_kind() = 'admin'
               AND (rq.actor_role() IN ('city_admin', 'judicial_analyst', 'discipline_inspector')
                    OR (rq.actor_role() = 'county_admin' AND county_code = rq.actor_county())
                    OR (rq.actor_role() = 'unit_admin' AND rq.actor_unit_entered(id)))));
-- The dependent rows follow their visit (the subquery is itself row-level secured).
CREATE POLICY visit_units_app_read ON rq.visit_units FOR SELECT TO ruqima_app
    USING (rq.actor_kind() = 'admin' AND rq.actor_role() = 'unit_admin'
               AND unit_id::text = rq.actor_unit()
           OR EXISTS (SELECT 1 FROM rq.visits v WHERE v.id = visit_id));
CREATE POLICY visit_attachments_app_read ON rq.visit_attachments FOR SELECT TO ruqima_app
    USING (EXISTS (SELECT 1 FROM rq.visits v WHERE v.id = visit_id));
CREATE POLICY visit_edits_app_read ON rq.visit_edits FOR SELECT TO ruqima_app
    USING (EXISTS (SELECT 1 FROM rq.visits v WHERE v.id = visit_id));
CREATE POLICY filings_app_read ON rq.filings FOR SELECT TO ruqima_app
    USING (EXISTS (SELECT 1 FROM rq.visits v WHERE v.id = visit_id));
-- An attachment: its uploader, and whoever may see a visit it belongs to.
CREATE POLICY attachments_app_read ON rq.attachments FOR SELECT TO ruqima_app
    USING (account_id = rq.current_account_id()
           OR EXISTS (SELECT 1 FROM rq.visit_attachments va
                       WHERE va.attachment_id = attachments.id));
-- Notifications: their recipient only.
CREATE POLICY outbox_app_read ON rq.outbox FOR SELECT TO ruqima_app
    USING (account_id = rq.current_account_id());


-- ---------------------------------------------------------------------------------
-- Functions
--
-- The small invoker functions (labels, bounds, summaries) have no SET search_path so
-- that the planner can inline them; every name in them is schema-qualified or
-- pg_catalog's.
-- ---------------------------------------------------------------------------------

-- A problem answer of the functions below, turned into application/problem+json by the
-- handler: {slug, title, detail, errors: [{field, message}]}. detail and message are
-- Chinese sentences shown to the official as they are.
CREATE FUNCTION rq.problem(p_slug text, p_title text, p_detail text,
                           p_field text DEFAULT NULL, p_message text DEFAULT NULL)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
    SELECT jsonb_build_object('slug', p_slug, 'title', p_title, 'detail', p_detail,
                              'errors', CASE WHEN p_field IS NULL THEN '[]'::jsonb
                                             ELSE jsonb_build_array(jsonb_build_object(
                                                  'field', p_field,
                                                  'message', coalesce(p_message, p_detail)))
                                        END)
$$;

-- 参观访问 / 调研帮扶 / 执法检查
CREATE FUNCTION rq.activity_label(p_type text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE p_type WHEN 'visit' THEN '参观访问' WHEN 'research' THEN '调研帮扶'
                       WHEN 'inspection' THEN '执法检查' END
$$;

CREATE FUNCTION rq.exemption_label(p_category text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE p_category
        WHEN 'national_security' THEN '国家安全'
        WHEN 'public_security' THEN '公共安全'
        WHEN 'complaint_report' THEN '投诉举报'
        WHEN 'accident_emergency' THEN '事故或突发事件'
        WHEN 'superior_assigned' THEN '上级交办'
        WHEN 'enterprise_requested' THEN '企业申请'
        WHEN 'permit_check' THEN '现场许可核查'
        WHEN 'referral' THEN '转办移送' END
$$;

-- Great-circle distance in metres (haversine, mean earth radius).
CREATE FUNCTION rq.distance_m(p_lat1 numeric, p_lon1 numeric, p_lat2 numeric, p_lon2 numeric)
RETURNS int
LANGUAGE sql IMMUTABLE
AS $$
    SELECT round(2 * 6371008.8 * asin(least(1, sqrt(
               sin(radians((p_lat2 - p_lat1)::float8) / 2) ^ 2
               + cos(radians(p_lat1::float8)) * cos(radians(p_lat2::float8))
                 * sin(radians((p_lon2 - p_lon1)::float8) / 2) ^ 2))))::int
$$;

-- Queues one notification of a visit for every active manager of its enterprise.
-- Returns how many were queued.
CREATE FUNCTION rq.visit_notify_managers(p_visit_id bigint, p_kind text, p_title text)
RETURNS int
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
DECLARE
    n int;
BEGIN
    INSERT INTO rq.outbox (account_id, kind, visit_id, enterprise_id, payload)
    SELECT b.account_id, p_kind, v.id, v.enterprise_id,
           jsonb_build_object('title', p_title, 'enterprise', e.name,
                              'unit', coalesce(u.short_name, u.name),
                              'official', v.official_name,
                              'activity', rq.activity_label(v.activity_type),
                              'time', v.entered_at, 'matter', left(v.matter, 20))
      FROM rq.visits v
      JOIN rq.enterprises e ON e.id = v.enterprise_id
      JOIN rq.units u ON u.id = v.unit_id
      JOIN rq.manager_bindings b ON b.enterprise_id = v.enterprise_id AND b.status = 'active'
     WHERE v.id = p_visit_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- Files the 双报备 of one phase: to the visit's lead unit and to its discipline group.
CREATE FUNCTION rq.visit_file(p_visit_id bigint, p_phase text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
BEGIN
    INSERT INTO rq.filings (visit_id, phase, recipient, unit_id, discipline_group)
    SELECT v.id, p_phase, r.recipient, v.unit_id,
           CASE WHEN r.recipient = 'discipline_group' THEN u.discipline_group END
      FROM rq.visits v JOIN rq.units u ON u.id = v.unit_id
     CROSS JOIN (VALUES ('unit'), ('discipline_group')) AS r (recipient)
     WHERE v.id = p_visit_id;
END
$$;

-- True when every attachment was uploaded by the acting account and belongs to no visit.
CREATE FUNCTION rq.attachments_usable(p_ids bigint[]) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
BEGIN
    IF p_ids IS NULL OR cardinality(p_ids) = 0 THEN
        RETURN true;
    END IF;
    RETURN (SELECT count(*) FROM rq.attachments a
             WHERE a.id = ANY (p_ids) AND a.account_id = rq.current_account_id()
               AND NOT EXISTS (SELECT 1 FROM rq.visit_attachments va
                                WHERE va.attachment_id = a.id))
           = (SELECT count(DISTINCT x) FROM unnest(p_ids) x);
END
$$;

-- Links attachments (checked by rq.attachments_usable) to a visit.
CREATE FUNCTION rq.visit_link_attachments(p_visit_id bigint, p_ids bigint[], p_purpose text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
BEGIN
    IF p_ids IS NULL OR cardinality(p_ids) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO rq.visit_attachments (visit_id, attachment_id, purpose)
    SELECT DISTINCT p_visit_id, x, p_purpose FROM unnest(p_ids) x;
END
$$;

-- Start and end of the calendar day/week/month/year holding a local (city) time, as
-- timestamptz: the bounds the counting rules compare entered_at with.
CREATE FUNCTION rq.local_start(p_field text, p_local timestamp) RETURNS timestamptz
LANGUAGE sql IMMUTABLE
AS $$ SELECT date_trunc(p_field, p_local) AT TIME ZONE 'Asia/Shanghai' $$;
CREATE FUNCTION rq.local_end(p_field text, p_local timestamp) RETURNS timestamptz
LANGUAGE sql IMMUTABLE
AS $$ SELECT (date_trunc(p_field, p_local) + ('1 ' || p_field)::interval) AT TIME ZONE 'Asia/Shanghai' $$;

-- The request's attachment_ids (validated as digit strings or integers by the handler).
CREATE FUNCTION rq.json_ids(p jsonb) RETURNS bigint[]
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF jsonb_typeof(p) IS DISTINCT FROM 'array' OR jsonb_array_length(p) = 0 THEN
        RETURN '{}';
    END IF;
    RETURN ARRAY(SELECT (x #>> '{}')::bigint FROM jsonb_array_elements(p) WITH ORDINALITY AS t (x, o)
                  ORDER BY o);
END
$$;

-- Registers a visit (POST /api/v1/registration/visits). p_req is the request body, already
-- checked by the handler for types, lengths and formats; p_token the scanned code's
-- token. Applies every rule of design §5 with the thresholds of rq.policy and returns
-- the HTTP status and body: 201 with the visit, the flags and the warnings; or a problem
-- (see rq.problem) with nothing written. A retry with the same Idempotency-Key and the
-- same body gets the stored first answer; the same key with another body is refused.
CREATE FUNCTION rq.visit_register(p_key text, p_req jsonb, p_token text)
RETURNS TABLE (status int, body jsonb, replayed boolean)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_account    bigint := rq.current_account_id();
    v_sha        bytea := sha256(convert_to(p_req::text, 'UTF8'));
    v_idem       rq.idempotency_keys%ROWTYPE;
    v_prof       rq.official_profiles%ROWTYPE;
    v_code       rq.codes%ROWTYPE;
    e            rq.enterprises%ROWTYPE;
    v_activity   text := p_req ->> 'activity_type';
    v_units      bigint[];
    v_part       bigint[] := rq.json_ids(p_req -> 'participating_unit_ids');
    v_attach     bigint[] := rq.json_ids(p_req -> 'attachment_ids');
    v_entered    timestamptz;
    v_backfill   text := p_req ->> 'backfill_reason';
    v_exempt_cat text := p_req #>> '{exemption,category}';
    v_exempt_why text := p_req #>> '{exemption,reason}';
    v_cap_why    text := p_req ->> 'over_cap_reason';
    v_refused    boolean := coalesce((p_req #>> '{location,refused}')::boolean, false);
    v_lat        numeric := (p_req #>> '{location,latitude}')::numeric;
    v_lon        numeric := (p_req #>> '{location,longitude}')::numeric;
    v_acc        numeric := (p_req #>> '{location,accuracy}')::numeric;
    v_distance   int;
    v_flags      text[] := '{}';
    v_warnings   jsonb := '[]';
    v_unit       bigint;
    v_unit_name  text;
    v_n          int;
    v_max        int;
    v_day        int;
    v_week       int;
    v_month      int;
    v_freq       record;
    v_rule       text;
    v_local      timestamp;
    v_id         bigint;
    v_notified   int;
    v_body       jsonb;
    -- the thresholds, read once
    v_pol        jsonb := (SELECT jsonb_object_agg(p.key, p.value) FROM rq.policy p);
BEGIN
    IF v_account IS NULL THEN
        RAISE EXCEPTION 'visits are registered by mini-program accounts only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- One registration per key at a time: a concurrent retry waits here, then replays.
    PERFORM pg_advisory_xact_lock(hashtextextended(v_account::text || '/' || p_key, 14));
    SELECT * INTO v_idem FROM rq.idempotency_keys k
     WHERE k.account_id = v_account AND k.key = p_key;
    IF FOUND THEN
        IF v_idem.request_sha256 = v_sha THEN
            RETURN QUERY SELECT v_idem.status, v_idem.response, true;
        ELSE
            RETURN QUERY SELECT 422, rq.problem('idempotency-key-reused', 'Idempotency key reused',
                '这个 Idempotency-Key 已用于另一份不同的登记；新的登记请使用新的 Idempotency-Key',
                'Idempotency-Key', 'was used for a different request body'), false;
        END IF;
        RETURN;
    END IF;

    SELECT * INTO v_prof FROM rq.official_profiles p WHERE p.account_id = v_account;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 409, rq.problem('profile-missing', 'Profile missing',
            '初次扫码：请先填写个人信息（姓名、单位、职务、执法证号、手机号）再进行入企登记'), false;
        RETURN;
    END IF;

    SELECT * INTO v_code FROM rq.codes c WHERE c.token = p_token;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 404, rq.problem('code-unknown', 'Code unknown',
            '未找到这个公务入企码，请确认扫描的是本市企业张贴的公务入企码', 'token',
            'is not a code issued by this platform'), false;
        RETURN;
    END IF;
    -- The enterprise first: leaving normal operation also revokes its code (0007), and
    -- "not operating" tells the official more than "code revoked".
    SELECT * INTO e FROM rq.enterprises en WHERE en.id = v_code.enterprise_id;
    IF e.business_status <> 'normal' THEN
        RETURN QUERY SELECT 422, rq.problem('enterprise-not-operating', 'Enterprise not operating',
            format('企业“%s”不在正常经营状态（%s），不能登记入企', e.name,
                   CASE e.business_status WHEN 'revoked' THEN '吊销' WHEN 'cancelled' THEN '注销'
                        WHEN 'suspended' THEN '停业' ELSE '经营异常' END), 'token',
            'the enterprise is not in normal operation'), false;
        RETURN;
    END IF;
    IF v_code.status <> 'active' THEN
        RETURN QUERY SELECT 410, rq.problem('code-revoked', 'Code revoked',
            format('该公务入企码已于 %s 作废，无法登记；请联系企业或属地营商办获取新码',
                   to_char(v_code.revoked_at, 'YYYY-MM-DD')), 'token', 'the code was revoked'), false;
        RETURN;
    END IF;

    -- Participating units of a joint inspection: active, and not the lead unit.
    IF EXISTS (SELECT 1 FROM unnest(v_part) x
                WHERE x = v_prof.unit_id
                   OR NOT EXISTS (SELECT 1 FROM rq.units u WHERE u.id = x AND u.active)) THEN
        RETURN QUERY SELECT 422, rq.problem('validation', 'Invalid request',
            '参与单位须是有效单位，且不能是牵头单位（扫码人所在单位）本身',
            'participating_unit_ids', 'must be active units other than the lead unit'), false;
        RETURN;
    END IF;
    IF NOT rq.attachments_usable(v_attach) THEN
        RETURN QUERY SELECT 422, rq.problem('validation', 'Invalid request',
            '证件照片须是您本人上传、且未用于其他登记的照片', 'attachment_ids',
            'must be attachments you uploaded that belong to no visit yet'), false;
        RETURN;
    END IF;
    v_units := ARRAY[v_prof.unit_id] || ARRAY(SELECT DISTINCT x FROM unnest(v_part) x ORDER BY x);

    IF v_activity = 'inspection' AND v_prof.cert_no IS NULL THEN
        RETURN QUERY SELECT 422, rq.problem('certificate-required', 'Certificate required',
            '登记执法检查须持有执法证：请先在个人信息中填写执法证号', 'activity_type',
            'an inspection needs an enforcement certificate number in the profile'), false;
        RETURN;
    END IF;

    -- The time of entry; a back-fill (补登记) within the window, with a reason.
    IF p_req ? 'entered_at' THEN
        BEGIN
            v_entered := (p_req ->> 'entered_at')::timestamptz;
        EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format
                       OR invalid_parameter_value OR data_exception THEN
            RETURN QUERY SELECT 422, rq.problem('validation', 'Invalid request',
                '实际入企时间格式不正确', 'entered_at',
                'must be a date and time like 2026-11-25T09:30:00+08:00'), false;
            RETURN;
        END;
        IF v_entered > now() + interval '5 minutes' THEN
            RETURN QUERY SELECT 422, rq.problem('validation', 'Invalid request',
                '实际入企时间不能晚于现在', 'entered_at', 'is in the future'), false;
            RETURN;
        END IF;
        IF v_entered < now() - make_interval(days => (v_pol ->> 'backfill_days_max')::int) THEN
            RETURN QUERY SELECT 422, rq.problem('backfill-too-late', 'Back-fill too late',
                format('补登记须在入企后 %s 天内完成，本次已超过期限，不能登记',
                       (v_pol ->> 'backfill_days_max')::int), 'entered_at',
                format('is more than %s days ago', (v_pol ->> 'backfill_days_max')::int)), false;
            RETURN;
        END IF;
        IF v_entered < now() - interval '15 minutes' AND v_backfill IS NULL THEN
            RETURN QUERY SELECT 422, rq.problem('validation', 'Invalid request',
                '补登记（实际入企时间早于现在）须说明原因，如现场无网络、紧急情况',
                'backfill_reason', 'is required when entered_at is in the past'), false;
            RETURN;
        END IF;
    ELSE
        v_entered := now();
    END IF;
    IF v_backfill IS NOT NULL THEN
        v_flags := v_flags || 'backfill'::text;
        v_warnings := v_warnings || jsonb_build_object('rule', 'backfill', 'message',
            format('补登记：实际入企时间 %s，原因已记录，本次登记将被标记复核',
                   to_char(v_entered, 'YYYY-MM-DD HH24:MI')));
    END IF;
    v_local := v_entered AT TIME ZONE 'Asia/Shanghai';

    -- 企业无扰日: inspections on the quiet days need an exemption.
    IF v_activity = 'inspection'
       AND extract(day FROM v_local) BETWEEN (v_pol ->> 'quiet_day_first')::int
                                         AND (v_pol ->> 'quiet_day_last')::int THEN
        IF v_exempt_cat IS NULL THEN
            RETURN QUERY SELECT 422, rq.problem('quiet-day', 'Quiet day',
                format('每月 %s–%s 日为企业无扰日，原则上不开展现场执法检查。确需检查的，请选择例外情形（国家安全、公共安全、投诉举报、事故或突发事件、上级交办、企业申请、现场许可核查、转办移送）并说明理由',
                       (v_pol ->> 'quiet_day_first')::int, (v_pol ->> 'quiet_day_last')::int),
                'exemption', 'an exemption category and reason are required on a quiet day'), false;
            RETURN;
        END IF;
        v_flags := v_flags || 'quiet_day_exemption'::text;
        v_warnings := v_warnings || jsonb_build_object('rule', 'quiet_day_exemption', 'message',
            format('入企当天为企业无扰日，本次检查按“%s”例外登记，已标记复核',
                   rq.exemption_label(v_exempt_cat)));
    END IF;

    -- Counting rules, per unit that enters; locked per unit and enterprise so that two
    -- registrations at once cannot both count themselves first.
    FOREACH v_unit IN ARRAY v_units LOOP
        PERFORM pg_advisory_xact_lock(hashtextextended('visit/' || v_unit || '/' || e.id, 14));
    END LOOP;
    FOREACH v_unit IN ARRAY v_units LOOP
        SELECT coalesce(u.short_name, u.name) INTO v_unit_name FROM rq.units u WHERE u.id = v_unit;
        IF v_activity = 'inspection' THEN
            SELECT count(*) + 1 INTO v_n FROM rq.visit_units vu
             WHERE vu.unit_id = v_unit AND vu.enterprise_id = e.id
               AND vu.activity_type = 'inspection'
               AND vu.entered_at >= rq.local_start('year', v_local)
               AND vu.entered_at < rq.local_end('year', v_local);
            v_max := rq.policy_value('inspection_year_max', v_unit);
            IF v_n > v_max THEN
                IF v_cap_why IS NULL THEN
                    RETURN QUERY SELECT 422, rq.problem('inspection-cap', 'Yearly inspection cap reached',
                        format('这将是%s今年对该企业的第 %s 次现场执法检查，超过每年 %s 次的上限。确需检查的，请填写理由（将被标记复核）',
                               v_unit_name, v_n, v_max),
                        'over_cap_reason', 'a reason is required above the yearly inspection cap'), false;
                    RETURN;
                END IF;
                IF NOT 'inspection_over_cap' = ANY (v_flags) THEN
                    v_flags := v_flags || 'inspection_over_cap'::text;
                END IF;
                v_warnings := v_warnings || jsonb_build_object('rule', 'inspection_over_cap',
                    'unit_id', v_unit::text, 'count', v_n, 'limit', v_max, 'message',
                    format('%s今年对该企业第 %s 次现场执法检查（上限 %s 次），理由已记录，已标记复核',
                           v_unit_name, v_n, v_max));
            END IF;
        END IF;
        -- day, ISO week (Monday to Sunday) and month of the entry, in the city's time;
        -- the scan covers the month widened by a week on both sides for the week count
        SELECT count(*) FILTER (WHERE vu.entered_at >= rq.local_start('day', v_local)
                                  AND vu.entered_at < rq.local_end('day', v_local)) + 1,
               count(*) FILTER (WHERE vu.entered_at >= rq.local_start('week', v_local)
                                  AND vu.entered_at < rq.local_end('week', v_local)) + 1,
               count(*) FILTER (WHERE vu.entered_at >= rq.local_start('month', v_local)
                                  AND vu.entered_at < rq.local_end('month', v_local)) + 1
          INTO v_day, v_week, v_month
          FROM rq.visit_units vu
         WHERE vu.unit_id = v_unit AND vu.enterprise_id = e.id
           AND vu.entered_at >= rq.local_start('month', v_local) - interval '7 days'
           AND vu.entered_at < rq.local_end('month', v_local) + interval '7 days';
        FOR v_freq IN SELECT * FROM (VALUES ('day', v_day, '今天', '每天'),
                                            ('week', v_week, '本周', '每周'),
                                            ('month', v_month, '本月', '每月'))
                                    AS f (period, n, this_period, per_period) LOOP
            v_max := (v_pol ->> ('frequency_' || v_freq.period || '_max'))::int;
            CONTINUE WHEN v_freq.n <= v_max;
            v_rule := 'frequency_' || v_freq.period;
            IF NOT v_rule = ANY (v_flags) THEN
                v_flags := v_flags || v_rule;
            END IF;
            v_warnings := v_warnings || jsonb_build_object('rule', v_rule,
                'unit_id', v_unit::text, 'count', v_freq.n, 'limit', v_max, 'message',
                format('%s%s第 %s 次进入该企业（提醒阈值：%s %s 次），将在统计中标注。无事不扰，请合并安排入企事项',
                       v_unit_name, v_freq.this_period, v_freq.n, v_freq.per_period, v_max));
        END LOOP;
    END LOOP;

    -- Where the phone was.
    IF v_refused THEN
        v_flags := v_flags || 'location_refused'::text;
        v_warnings := v_warnings || jsonb_build_object('rule', 'location_refused', 'message',
            '未获取到手机定位，本次登记已标记。请在手机设置中允许微信使用位置信息');
    ELSIF e.latitude IS NOT NULL THEN
        v_distance := rq.distance_m(v_lat, v_lon, e.latitude, e.longitude);
        IF v_distance > (v_pol ->> 'geofence_m')::int THEN
            v_flags := v_flags || 'far_away'::text;
            v_warnings := v_warnings || jsonb_build_object('rule', 'far_away',
                'distance_m', v_distance, 'limit', (v_pol ->> 'geofence_m')::int, 'message',
                format('登记位置距企业约 %s 米，超过 %s 米，已标记复核。请在企业现场扫码登记',
                       v_distance, (v_pol ->> 'geofence_m')::int));
        END IF;
    END IF;

    IF NOT v_prof.verified THEN
        v_flags := v_flags || 'official_unverified'::text;
        v_warnings := v_warnings || jsonb_build_object('rule', 'official_unverified', 'message',
            '您的身份尚未经本单位管理员核验，本次登记已标记；请联系本单位管理员核验');
    END IF;

    INSERT INTO rq.visits (enterprise_id, code_id, county_code, account_id, unit_id,
                           official_name, official_post, official_cert_no, official_phone,
                           official_verified, activity_type, joint_kind, matter, legal_basis,
                           companions, entered_at, backfill_reason, latitude, longitude,
                           accuracy_m, location_refused, distance_m, exemption_category,
                           exemption_reason, over_cap_reason, flags)
    VALUES (e.id, v_code.id, e.county_code, v_account, v_prof.unit_id, v_prof.name, v_prof.post,
            v_prof.cert_no, v_prof.phone, v_prof.verified, v_activity, p_req ->> 'joint_kind',
            p_req ->> 'matter', p_req ->> 'legal_basis', coalesce(p_req -> 'companions', '[]'),
            v_entered, v_backfill, v_lat, v_lon, v_acc, v_refused, v_distance,
            v_exempt_cat, v_exempt_why,
            CASE WHEN 'inspection_over_cap' = ANY (v_flags) THEN v_cap_why END, v_flags)
    RETURNING id INTO v_id;
    INSERT INTO rq.visit_units (visit_id, unit_id, role, enterprise_id, entered_at, activity_type)
    SELECT v_id, x, CASE WHEN o = 1 THEN 'lead' ELSE 'participant' END, e.id, v_entered, v_activity
      FROM unnest(v_units) WITH ORDINALITY AS t (x, o);
    PERFORM rq.visit_link_attachments(v_id, v_attach, 'credential');
    PERFORM rq.visit_file(v_id, 'before');
    v_notified := rq.visit_notify_managers(v_id, 'visit_registered', '有公职人员扫码入企');

    v_body := jsonb_build_object(
        'id', v_id::text, 'status', 'registered',
        'enterprise', jsonb_build_object('id', e.id::text, 'name', e.name),
        'activity_type', v_activity, 'registered_at', now(), 'entered_at', v_entered,
        'distance_m', v_distance, 'flags', to_jsonb(v_flags), 'warnings', v_warnings,
        'filings', jsonb_build_array('unit', 'discipline_group'),
        'managers_notified', v_notified);
    INSERT INTO rq.idempotency_keys (account_id, key, request_sha256, status, response, visit_id)
    VALUES (v_account, p_key, v_sha, 201, v_body, v_id);
    RETURN QUERY SELECT 201, v_body, false;
END
$$;
COMMENT ON FUNCTION rq.visit_register(text, jsonb, text) IS
    'registers a visit applying the rules of design §5; returns (HTTP status, body)';

-- Records an uploaded photo of the acting account (the bytes are already stored under
-- their SHA-256 by the handler). Returns the new id, or NULL when the account has
-- uploaded p_daily_max photos in the last 24 hours (the handler answers 429).
CREATE FUNCTION rq.attachment_add(p_sha256 text, p_content_type text, p_size int,
                                  p_daily_max int)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
DECLARE
    v_account bigint := rq.current_account_id();
    v_id      bigint;
BEGIN
    IF v_account IS NULL THEN
        RAISE EXCEPTION 'attachments are uploaded by mini-program accounts only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('attachments/' || v_account, 14));
    IF (SELECT count(*) FROM rq.attachments a
         WHERE a.account_id = v_account AND a.created_at > now() - interval '24 hours')
       >= p_daily_max THEN
        RETURN NULL;
    END IF;
    INSERT INTO rq.attachments (account_id, sha256, content_type, size_bytes)
    VALUES (v_account, p_sha256, p_content_type, p_size)
    RETURNING id INTO v_id;
    RETURN v_id;
END
$$;

-- Later edit by the official (PATCH /visits/{id}): the matter and/or the credential
-- photos (p_attachment_ids replaces the current set; NULL keeps it), within
-- edit_window_hours of the registration. Outcomes: ok, unchanged, not-found (not the
-- actor's visit), window-closed, attachments (an id the actor may not use).
CREATE FUNCTION rq.visit_edit(p_visit_id bigint, p_matter text, p_attachment_ids bigint[])
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
DECLARE
    v        rq.visits%ROWTYPE;
    v_before bigint[];
    v_after  bigint[];
    v_added  bigint[];
BEGIN
    SELECT * INTO v FROM rq.visits x
     WHERE x.id = p_visit_id AND x.account_id = rq.current_account_id() FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 'not-found';
    END IF;
    IF now() > v.registered_at + make_interval(hours => rq.policy_value('edit_window_hours')) THEN
        RETURN 'window-closed';
    END IF;
    v_before := ARRAY(SELECT va.attachment_id FROM rq.visit_attachments va
                       WHERE va.visit_id = v.id AND va.purpose = 'credential'
                         AND va.removed_at IS NULL ORDER BY va.attachment_id);
    v_after := CASE WHEN p_attachment_ids IS NULL THEN v_before
                    ELSE ARRAY(SELECT DISTINCT x FROM unnest(p_attachment_ids) x ORDER BY x) END;
    -- added: new to this visit; photos removed from it by an earlier edit come back
    v_added := ARRAY(SELECT x FROM unnest(v_after) x EXCEPT SELECT y FROM unnest(v_before) y
                     EXCEPT SELECT va.attachment_id FROM rq.visit_attachments va
                             WHERE va.visit_id = v.id AND va.purpose = 'credential');
    IF NOT rq.attachments_usable(v_added) THEN
        RETURN 'attachments';
    END IF;
    IF coalesce(p_matter, v.matter) = v.matter AND v_after = v_before THEN
        RETURN 'unchanged';
    END IF;
    UPDATE rq.visit_attachments va SET removed_at = now()
     WHERE va.visit_id = v.id AND va.purpose = 'credential' AND va.removed_at IS NULL
       AND NOT va.attachment_id = ANY (v_after);
    UPDATE rq.visit_attachments va SET removed_at = NULL
     WHERE va.visit_id = v.id AND va.purpose = 'credential' AND va.removed_at IS NOT NULL
       AND va.attachment_id = ANY (v_after);
    PERFORM rq.visit_link_attachments(v.id, v_added, 'credential');
    UPDATE rq.visits SET matter = coalesce(p_matter, v.matter) WHERE id = v.id;
    INSERT INTO rq.visit_edits (visit_id, matter_before, matter_after, attachments_before,
                                attachments_after)
    VALUES (v.id, v.matter, coalesce(p_matter, v.matter), v_before, v_after);
    PERFORM rq.visit_notify_managers(v.id, 'visit_edited', '入企登记信息已修改');
    RETURN 'ok';
END
$$;

-- 事后报备 (POST /visits/{id}/finish): the result of the visit, filed to the unit and the
-- discipline group and disclosed (双公开). Outcomes: ok, not-found, already-finished,
-- attachments.
CREATE FUNCTION rq.visit_finish(p_visit_id bigint, p_done text, p_findings text,
                                p_measures text, p_attachment_ids bigint[])
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
DECLARE
    v rq.visits%ROWTYPE;
BEGIN
    SELECT * INTO v FROM rq.visits x
     WHERE x.id = p_visit_id AND x.account_id = rq.current_account_id() FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 'not-found';
    END IF;
    IF v.finished_at IS NOT NULL THEN
        RETURN 'already-finished';
    END IF;
    IF NOT rq.attachments_usable(coalesce(p_attachment_ids, '{}')) THEN
        RETURN 'attachments';
    END IF;
    UPDATE rq.visits
       SET finished_at = now(), result_done = p_done, result_findings = p_findings,
           result_measures = p_measures
     WHERE id = v.id;
    PERFORM rq.visit_link_attachments(v.id, coalesce(p_attachment_ids, '{}'), 'result');
    PERFORM rq.visit_file(v.id, 'after');
    PERFORM rq.visit_notify_managers(v.id, 'visit_finished', '入企事项已办结');
    RETURN 'ok';
END
$$;

-- The city admin changes a threshold (p_unit_id NULL) or a unit's override of one
-- (p_value NULL removes the override). Outcomes: ok, unknown-key, out-of-range,
-- not-overridable, unknown-unit. Raises 42501 for anyone but the city admin.
CREATE FUNCTION rq.policy_set(p_key text, p_unit_id bigint, p_value int) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
DECLARE
    p rq.policy%ROWTYPE;
BEGIN
    IF rq.actor_kind() IS DISTINCT FROM 'admin' OR rq.actor_role() IS DISTINCT FROM 'city_admin' THEN
        RAISE EXCEPTION 'only the city admin may change the rules' USING ERRCODE = '42501';
    END IF;
    SELECT * INTO p FROM rq.policy x WHERE x.key = p_key FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 'unknown-key';
    END IF;
    IF p_unit_id IS NULL THEN
        IF p_value IS NULL OR p_value NOT BETWEEN p.min_value AND p.max_value THEN
            RETURN 'out-of-range';
        END IF;
        UPDATE rq.policy SET value = p_value, updated_at = now(), updated_by = rq.current_admin_id()
         WHERE key = p_key AND value <> p_value;
        RETURN 'ok';
    END IF;
    IF p_key <> 'inspection_year_max' THEN
        RETURN 'not-overridable';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM rq.units u WHERE u.id = p_unit_id) THEN
        RETURN 'unknown-unit';
    END IF;
    IF p_value IS NULL THEN
        DELETE FROM rq.policy_unit_overrides o WHERE o.unit_id = p_unit_id AND o.key = p_key;
        RETURN 'ok';
    END IF;
    IF p_value NOT BETWEEN p.min_value AND p.max_value THEN
        RETURN 'out-of-range';
    END IF;
    INSERT INTO rq.policy_unit_overrides (unit_id, key, value, updated_by)
    VALUES (p_unit_id, p_key, p_value, rq.current_admin_id())
    ON CONFLICT (unit_id, key) DO UPDATE
       SET value = EXCLUDED.value, updated_at = now(), updated_by = EXCLUDED.updated_by
     WHERE rq.policy_unit_overrides.value <> EXCLUDED.value;
    RETURN 'ok';
END
$$;

-- ---------------------------------------------------------------------------------
-- Reading visits. SECURITY INVOKER: row-level security decides what the caller sees, so
-- one definition serves the official, the enterprise's managers and the portal.
-- rq.visit_detail is PL/pgSQL: a SQL function with sub-selects is never inlined and would
-- be planned again on every call.
-- ---------------------------------------------------------------------------------

-- registered → confirmed | disputed (by the enterprise) → finished (事后报备 filed)
CREATE FUNCTION rq.visit_status(v rq.visits) RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT CASE WHEN v.finished_at IS NOT NULL THEN 'finished'
                WHEN v.confirmation = 'pending' THEN 'registered'
                ELSE v.confirmation END
$$;

-- Not finished within finish_due_hours of the registration.
CREATE FUNCTION rq.visit_finish_overdue(v rq.visits) RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT v.finished_at IS NULL
           AND now() > v.registered_at + make_interval(hours => rq.policy_value('finish_due_hours'))
$$;

-- One line of a list. The caller passes the enterprise's and the unit's names and the
-- finish_due_hours policy (joined or computed once per query): without sub-selects the
-- function is inlined into the list query (tests/bench/eval_list).
CREATE FUNCTION rq.visit_summary(v rq.visits, p_enterprise_name text, p_unit_name text,
                                 p_due_hours int)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT jsonb_build_object(
        'id', v.id::text, 'status', rq.visit_status(v), 'confirmation', v.confirmation,
        'enterprise', jsonb_build_object('id', v.enterprise_id::text, 'name', p_enterprise_name),
        'unit', jsonb_build_object('id', v.unit_id::text, 'name', p_unit_name),
        'official_name', v.official_name,
        'activity_type', v.activity_type, 'activity_label', rq.activity_label(v.activity_type),
        'matter', v.matter, 'registered_at', v.registered_at, 'entered_at', v.entered_at,
        'flags', to_jsonb(v.flags), 'finished_at', v.finished_at,
        'finish_overdue', v.finished_at IS NULL
                          AND now() > v.registered_at + make_interval(hours => p_due_hours))
$$;

-- The whole visit as its reader may see it, or NULL when row-level security hides it.
CREATE FUNCTION rq.visit_detail(p_visit_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = rq, pg_temp
AS $$
BEGIN
    RETURN (SELECT rq.visit_summary(v, e.name,
                                    (SELECT u.name FROM rq.units u WHERE u.id = v.unit_id),
                                    rq.policy_value('finish_due_hours')) || jsonb_build_object(
        'enterprise', jsonb_build_object('id', e.id::text, 'name', e.name,
                                         'address', e.address, 'county_code', e.county_code),
        'official', jsonb_build_object('name', v.official_name, 'post', v.official_post,
                                       'cert_no', v.official_cert_no,
                                       'verified', v.official_verified,
                                       'unit', (SELECT u.name FROM rq.units u WHERE u.id = v.unit_id)),
        'joint_kind', v.joint_kind,
        'participating_units', coalesce((
            SELECT jsonb_agg(jsonb_build_object('id', u.id::text, 'name', u.name) ORDER BY u.id)
              FROM rq.visit_units vu JOIN rq.units u ON u.id = vu.unit_id
             WHERE vu.visit_id = v.id AND vu.role = 'participant'), '[]'),
        'legal_basis', v.legal_basis, 'companions', v.companions,
        'backfill_reason', v.backfill_reason,
        'location', jsonb_build_object('refused', v.location_refused, 'latitude', v.latitude,
                                       'longitude', v.longitude, 'accuracy', v.accuracy_m,
                                       'distance_m', v.distance_m),
        'exemption', CASE WHEN v.exemption_category IS NOT NULL THEN
                         jsonb_build_object('category', v.exemption_category,
                                            'label', rq.exemption_label(v.exemption_category),
                                            'reason', v.exemption_reason) END,
        'over_cap_reason', v.over_cap_reason,
        'attachments', coalesce((
            SELECT jsonb_agg(jsonb_build_object('id', va.attachment_id::text,
                                                'purpose', va.purpose, 'added_at', va.added_at,
                                                'removed_at', va.removed_at)
                             ORDER BY va.added_at, va.attachment_id)
              FROM rq.visit_attachments va WHERE va.visit_id = v.id), '[]'),
        'result', CASE WHEN v.finished_at IS NOT NULL THEN
                      jsonb_build_object('finished_at', v.finished_at, 'done', v.result_done,
                                         'findings', v.result_findings,
                                         'measures', v.result_measures) END,
        'edits', coalesce((
            SELECT jsonb_agg(jsonb_build_object('edited_at', x.edited_at,
                                                'matter_before', x.matter_before,
                                                'matter_after', x.matter_after,
                                                'attachments_before', to_jsonb(x.attachments_before::text[]),
                                                'attachments_after', to_jsonb(x.attachments_after::text[]))
                             ORDER BY x.id)
              FROM rq.visit_edits x WHERE x.visit_id = v.id), '[]'),
        'filings', coalesce((
            SELECT jsonb_agg(jsonb_build_object('phase', f.phase, 'recipient', f.recipient,
                                                'discipline_group', f.discipline_group,
                                                'filed_at', f.filed_at) ORDER BY f.id)
              FROM rq.filings f WHERE f.visit_id = v.id), '[]'))
      FROM rq.visits v JOIN rq.enterprises e ON e.id = v.enterprise_id
     WHERE v.id = p_visit_id);
END
$$;

REVOKE ALL ON FUNCTION rq.visit_status(rq.visits), rq.visit_finish_overdue(rq.visits),
    rq.visit_summary(rq.visits, text, text, int), rq.visit_detail(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rq.visit_status(rq.visits), rq.visit_finish_overdue(rq.visits),
    rq.visit_summary(rq.visits, text, text, int), rq.visit_detail(bigint) TO ruqima_app, ruqima_report;

REVOKE ALL ON FUNCTION rq.problem(text, text, text, text, text), rq.activity_label(text),
    rq.exemption_label(text), rq.distance_m(numeric, numeric, numeric, numeric),
    rq.visit_notify_managers(bigint, text, text), rq.visit_file(bigint, text),
    rq.attachments_usable(bigint[]), rq.visit_link_attachments(bigint, bigint[], text),
    rq.local_start(text, timestamp), rq.local_end(text, timestamp), rq.json_ids(jsonb),
    rq.policy_value(text, bigint), rq.visit_register(text, jsonb, text),
    rq.attachment_add(text, text, int, int), rq.visit_edit(bigint, text, bigint[]),
    rq.visit_finish(bigint, text, text, text, bigint[]), rq.policy_set(text, bigint, int)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rq.visit_register(text, jsonb, text),
    rq.attachment_add(text, text, int, int), rq.visit_edit(bigint, text, bigint[]),
    rq.visit_finish(bigint, text, text, text, bigint[]), rq.policy_set(text, bigint, int),
    rq.policy_value(text, bigint), rq.activity_label(text), rq.exemption_label(text)
    TO ruqima_app;
GRANT EXECUTE ON FUNCTION rq.policy_value(text, bigint), rq.activity_label(text),
    rq.exemption_label(text), rq.local_start(text, timestamp), rq.local_end(text, timestamp)
    TO ruqima_report;
