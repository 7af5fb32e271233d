-- app/registration/sql/visits.sql — the official's writes of a visit: register (the rules of app/DESIGN.md §5), edit, finish, withdraw (called by app/registration/visits.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- Files the 双报备 of one phase: to the visit's lead unit and to its discipline group.
CREATE OR REPLACE FUNCTION rq.visit_file(p_visit_id bigint, p_phase text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
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
CREATE OR REPLACE FUNCTION rq.attachments_usable(p_ids bigint[]) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = rq, pg_temp AS $$
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
CREATE OR REPLACE FUNCTION rq.visit_link_attachments(p_visit_id bigint, p_ids bigint[], p_purpose text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
BEGIN
    IF p_ids IS NULL OR cardinality(p_ids) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO rq.visit_attachments (visit_id, attachment_id, purpose)
    SELECT DISTINCT p_visit_id, x, p_purpose FROM unnest(p_ids) x;
END
$$;

-- Registers a visit (POST /api/v1/registration/visits). p_req is the request body, already
-- checked by the handler for types, lengths and formats; p_token the scanned code's
-- token. Applies every rule of app/DESIGN.md §5 with the thresholds of rq.policy. Answers
-- (rq.outcome; a refusal writes nothing):
--   ok                           data: the 201 body (the visit, flags, warnings), stored
--                                under the Idempotency-Key
--   replayed                     data: the stored first answer (same key, same body)
--   idempotency-key-reused       the same key with another body
--   profile-missing              the account has no official profile yet
--   official-deactivated         the profile was deactivated by its unit admin
--   unit-inactive                args: the profile's unit, deactivated by the city admin
--   visit-code-unknown           no such code
--   enterprise-not-operating     args: the enterprise's name, its state (经营异常, 注销 ...)
--   code-revoked                 args: the day it was revoked
--   participating-units-invalid  an inactive unit, or the lead unit itself
--   visit-attachments-unusable   not the actor's, or used by a visit already
--   certificate-required         an inspection, and no 执法证号 in the profile
--   entered-at-invalid           not a time PostgreSQL reads
--   entered-at-future            more than 5 minutes ahead
--   backfill-too-late            args: backfill_days_max
--   backfill-reason-required     entered_at over 15 minutes ago, and no backfill_reason
--   quiet-day                    args: the first and last quiet day
--   inspection-cap               args: the unit's name, this inspection's number, its cap
CREATE OR REPLACE FUNCTION rq.visit_register(p_key text, p_req jsonb, p_token text)
RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, public, pg_temp AS $$
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
            RETURN rq.ok(v_idem.response, 'replayed');
        END IF;
        RETURN rq.refusal('idempotency-key-reused');
    END IF;

    SELECT * INTO v_prof FROM rq.official_profiles p WHERE p.account_id = v_account;
    IF NOT FOUND THEN
        RETURN rq.refusal('profile-missing');
    END IF;
    IF NOT v_prof.active THEN
        RETURN rq.refusal('official-deactivated');
    END IF;
    SELECT u.name INTO v_unit_name FROM rq.units u WHERE u.id = v_prof.unit_id AND NOT u.active;
    IF FOUND THEN
        RETURN rq.refusal('unit-inactive', v_unit_name);
    END IF;

    SELECT * INTO v_code FROM rq.codes c WHERE c.token = p_token;
    IF NOT FOUND THEN
        RETURN rq.refusal('visit-code-unknown');
    END IF;
    -- The enterprise first: leaving normal operation also revokes its code (rq.enterprises_revoke_code_when_abnormal), and
    -- "not operating" tells the official more than "code revoked" (the scan,
    -- registration_code_find of app/registration/codes.c, answers the same).
    SELECT * INTO e FROM rq.enterprises en WHERE en.id = v_code.enterprise_id;
    IF e.business_status <> 'normal' THEN
        RETURN rq.refusal('enterprise-not-operating', e.name,
                          rq.business_status_label(e.business_status));
    END IF;
    IF v_code.status <> 'active' THEN
        RETURN rq.refusal('code-revoked', to_char(v_code.revoked_at, 'YYYY-MM-DD'));
    END IF;

    -- Participating units of a joint inspection: active, and not the lead unit.
    IF EXISTS (SELECT 1 FROM unnest(v_part) x
                WHERE x = v_prof.unit_id
                   OR NOT EXISTS (SELECT 1 FROM rq.units u WHERE u.id = x AND u.active)) THEN
        RETURN rq.refusal('participating-units-invalid');
    END IF;
    IF NOT rq.attachments_usable(v_attach) THEN
        RETURN rq.refusal('visit-attachments-unusable');
    END IF;
    v_units := ARRAY[v_prof.unit_id] || ARRAY(SELECT DISTINCT x FROM unnest(v_part) x ORDER BY x);

    IF v_activity = 'inspection' AND v_prof.cert_no IS NULL THEN
        RETURN rq.refusal('certificate-required');
    END IF;

    -- The time of entry; a back-fill (补登记) within the window, with a reason.
    IF p_req ? 'entered_at' THEN
        BEGIN
            v_entered := (p_req ->> 'entered_at')::timestamptz;
        EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format
                       OR invalid_parameter_value OR data_exception THEN
            RETURN rq.refusal('entered-at-invalid');
        END;
        IF v_entered > now() + interval '5 minutes' THEN
            RETURN rq.refusal('entered-at-future');
        END IF;
        IF v_entered < now() - make_interval(days => (v_pol ->> 'backfill_days_max')::int) THEN
            RETURN rq.refusal('backfill-too-late', v_pol ->> 'backfill_days_max');
        END IF;
        IF v_entered < now() - interval '15 minutes' AND v_backfill IS NULL THEN
            RETURN rq.refusal('backfill-reason-required');
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
            RETURN rq.refusal('quiet-day', v_pol ->> 'quiet_day_first', v_pol ->> 'quiet_day_last');
        END IF;
        v_flags := v_flags || 'quiet_day_exemption'::text;
        v_warnings := v_warnings || jsonb_build_object('rule', 'quiet_day_exemption', 'message',
            format('入企当天为企业无扰日，本次检查按“%s”例外登记，已标记复核',
                   rq.exemption_label(v_exempt_cat)));
    END IF;

    -- Counting rules, per unit that enters; locked per unit and enterprise so that two
    -- registrations at once cannot both count themselves first. Withdrawn visits
    -- (rq.visit_withdraw) are not counted.
    FOREACH v_unit IN ARRAY v_units LOOP
        PERFORM pg_advisory_xact_lock(hashtextextended('visit/' || v_unit || '/' || e.id, 14));
    END LOOP;
    FOREACH v_unit IN ARRAY v_units LOOP
        SELECT coalesce(u.short_name, u.name) INTO v_unit_name FROM rq.units u WHERE u.id = v_unit;
        IF v_activity = 'inspection' THEN
            SELECT count(*) + 1 INTO v_n FROM rq.visit_units vu
             WHERE vu.unit_id = v_unit AND vu.enterprise_id = e.id
               AND vu.activity_type = 'inspection' AND NOT vu.withdrawn
               AND vu.entered_at >= rq.local_start('year', v_local)
               AND vu.entered_at < rq.local_end('year', v_local);
            v_max := rq.policy_value('inspection_year_max', v_unit);
            IF v_n > v_max THEN
                IF v_cap_why IS NULL THEN
                    RETURN rq.refusal('inspection-cap', v_unit_name, v_n::text, v_max::text);
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
         WHERE vu.unit_id = v_unit AND vu.enterprise_id = e.id AND NOT vu.withdrawn
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
    RETURN rq.ok(v_body);
END
$$;

COMMENT ON FUNCTION rq.visit_register(text, jsonb, text) IS
    'registers a visit applying the rules of app/DESIGN.md §5; answers rq.outcome (ok with the 201 body, replayed, or a refusal)';
GRANT EXECUTE ON FUNCTION rq.visit_register(text,jsonb,text) TO ruqima_registration;

-- The visit locked for a change by the official who registered it, or NULL when it does
-- not exist or is someone else's (both answer 404 visit-unknown).
CREATE OR REPLACE FUNCTION rq.visit_for_official(p_visit_id bigint) RETURNS rq.visits
LANGUAGE sql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
    SELECT x.* FROM rq.visits x
     WHERE x.id = p_visit_id AND x.account_id = rq.current_account_id() FOR UPDATE
$$;

-- Why the official who registered visit v (from rq.visit_for_official) may not act on it
-- now, or NULL when they may: the one place that says which state allows which of their
-- actions. p_action: 'edit' (the matter and photos, within edit_window_hours), 'finish'
-- (事后报备, once), 'withdraw' (撤回登记: within withdraw_window_minutes, before the
-- enterprise answered and the result was filed). Nothing is done to a withdrawn visit.
CREATE OR REPLACE FUNCTION rq.official_visit_refusal(v rq.visits, p_action text)
RETURNS rq.outcome
LANGUAGE sql STABLE SET search_path = rq, pg_temp AS $$
    SELECT CASE
        WHEN v.id IS NULL THEN rq.refusal('visit-unknown')
        WHEN v.withdrawn_at IS NOT NULL AND p_action = 'withdraw'
            THEN rq.refusal('already-withdrawn')
        WHEN v.withdrawn_at IS NOT NULL THEN rq.refusal('visit-withdrawn')
        WHEN p_action = 'edit' AND now() > v.registered_at
                 + make_interval(hours => rq.policy_value('edit_window_hours'))
            THEN rq.refusal('edit-window-closed', rq.policy_value('edit_window_hours')::text)
        WHEN p_action = 'finish' AND v.finished_at IS NOT NULL THEN rq.refusal('already-finished')
        WHEN p_action = 'withdraw' AND v.confirmation <> 'pending'
            THEN rq.refusal('withdraw-answered')
        WHEN p_action = 'withdraw' AND v.finished_at IS NOT NULL
            THEN rq.refusal('withdraw-finished')
        WHEN p_action = 'withdraw' AND now() > v.registered_at
                 + make_interval(mins => rq.policy_value('withdraw_window_minutes'))
            THEN rq.refusal('withdraw-window-closed',
                            rq.policy_value('withdraw_window_minutes')::text)
    END
$$;

-- Later edit by the official (PATCH /visits/{id}): the matter and/or the credential
-- photos (p_attachment_ids replaces the current set; NULL keeps it), within
-- edit_window_hours of the registration. Answers (rq.outcome, no data): ok, unchanged;
-- visit-unknown (not the actor's visit), visit-withdrawn, edit-window-closed (args:
-- edit_window_hours), visit-attachments-unusable (an id the actor may not use).
CREATE OR REPLACE FUNCTION rq.visit_edit(p_visit_id bigint, p_matter text, p_attachment_ids bigint[])
RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v         rq.visits%ROWTYPE := rq.visit_for_official(p_visit_id);
    v_refusal rq.outcome := rq.official_visit_refusal(v, 'edit');
    v_before  bigint[];
    v_after   bigint[];
    v_added   bigint[];
BEGIN
    -- unknown, withdrawn, or past the window
    IF (v_refusal).outcome IS NOT NULL THEN
        RETURN v_refusal;
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
        RETURN rq.refusal('visit-attachments-unusable');
    END IF;
    IF coalesce(p_matter, v.matter) = v.matter AND v_after = v_before THEN
        RETURN rq.ok(NULL, 'unchanged');
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
    RETURN rq.ok();
END
$$;
GRANT EXECUTE ON FUNCTION rq.visit_edit(bigint,text,bigint[]) TO ruqima_registration;

-- 事后报备 (POST /visits/{id}/finish): the result of the visit, filed to the unit and the
-- discipline group and disclosed (双公开). Answers (rq.outcome, no data): ok;
-- visit-unknown, visit-withdrawn, already-finished, visit-attachments-unusable.
CREATE OR REPLACE FUNCTION rq.visit_finish(p_visit_id bigint, p_done text, p_findings text,
                                p_measures text, p_attachment_ids bigint[])
RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v         rq.visits%ROWTYPE := rq.visit_for_official(p_visit_id);
    v_refusal rq.outcome := rq.official_visit_refusal(v, 'finish');
BEGIN
    -- unknown, withdrawn, or finished already
    IF (v_refusal).outcome IS NOT NULL THEN
        RETURN v_refusal;
    END IF;
    IF NOT rq.attachments_usable(coalesce(p_attachment_ids, '{}')) THEN
        RETURN rq.refusal('visit-attachments-unusable');
    END IF;
    UPDATE rq.visits
       SET finished_at = now(), result_done = p_done, result_findings = p_findings,
           result_measures = p_measures
     WHERE id = v.id;
    PERFORM rq.visit_link_attachments(v.id, coalesce(p_attachment_ids, '{}'), 'result');
    PERFORM rq.visit_file(v.id, 'after');
    PERFORM rq.visit_notify_managers(v.id, 'visit_finished', '入企事项已办结');
    RETURN rq.ok();
END
$$;
GRANT EXECUTE ON FUNCTION rq.visit_finish(bigint,text,text,text,bigint[]) TO ruqima_registration;

-- 撤回登记 (POST /visits/{id}/withdraw): the official withdraws a registration made by
-- mistake (the wrong enterprise scanned, a visit registered twice) within
-- withdraw_window_minutes of it, with a reason. The visit stays, as `withdrawn`, with its
-- filings and in the audit trail; its units are no longer counted by the rules of
-- rq.visit_register (visit_units.withdrawn); the enterprise's managers are told. Refused
-- once the enterprise has answered (a confirmed visit did take place; a dispute opened a
-- case that a withdrawal must not bury) or the result is filed (the visit took place).
-- Answers (rq.outcome, no data): ok; visit-unknown (not the actor's visit),
-- already-withdrawn, withdraw-answered, withdraw-finished, withdraw-window-closed (args:
-- withdraw_window_minutes).
CREATE OR REPLACE FUNCTION rq.visit_withdraw(p_visit_id bigint, p_reason text)
RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v         rq.visits%ROWTYPE := rq.visit_for_official(p_visit_id);
    v_refusal rq.outcome := rq.official_visit_refusal(v, 'withdraw');
BEGIN
    -- unknown, withdrawn, answered, finished, or past the window
    IF (v_refusal).outcome IS NOT NULL THEN
        RETURN v_refusal;
    END IF;
    UPDATE rq.visits SET withdrawn_at = now(), withdrawal_reason = p_reason WHERE id = v.id;
    UPDATE rq.visit_units SET withdrawn = true WHERE visit_id = v.id;
    PERFORM rq.visit_notify_managers(v.id, 'visit_withdrawn', '入企登记已撤回');
    RETURN rq.ok();
END
$$;
GRANT EXECUTE ON FUNCTION rq.visit_withdraw(bigint,text) TO ruqima_registration;
