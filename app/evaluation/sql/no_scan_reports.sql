-- app/evaluation/sql/no_scan_reports.sql — no-scan reports (未扫码入企) (app/evaluation/no_scan_reports.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- 未扫码入企: the manager reports an entry made without a scan, for the enterprise they
-- act for now (accounts.current_enterprise_id). p_occurred_at is the request's text.
-- Answers (rq.outcome) ok with data {case_id}, or the refusals no-enterprise-selected,
-- no-scan-time-malformed, no-scan-time-future, no-scan-unit-unknown,
-- no-scan-attachments-unusable.
CREATE OR REPLACE FUNCTION rq.no_scan_report(p_occurred_at text, p_unit_id bigint, p_people text,
                                  p_what text, p_attachment_ids bigint[])
RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_account    bigint := rq.require_account();
    v_enterprise bigint;
    v_at         timestamptz;
    v_id         bigint;
BEGIN
    SELECT a.current_enterprise_id INTO v_enterprise FROM rq.accounts a WHERE a.id = v_account;
    IF v_enterprise IS NULL OR NOT rq.actor_manages(v_enterprise) THEN
        RETURN rq.refusal('no-enterprise-selected');
    END IF;
    BEGIN
        v_at := p_occurred_at::timestamptz;
    EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format
                   OR invalid_parameter_value OR data_exception THEN
        RETURN rq.refusal('no-scan-time-malformed');
    END;
    -- a few minutes' grace for a phone clock that runs ahead
    IF v_at > now() + interval '5 minutes' THEN
        RETURN rq.refusal('no-scan-time-future');
    END IF;
    IF p_unit_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rq.units u WHERE u.id = p_unit_id) THEN
        RETURN rq.refusal('no-scan-unit-unknown');
    END IF;
    IF NOT rq.case_attachments_usable(coalesce(p_attachment_ids, '{}')) THEN
        RETURN rq.refusal('no-scan-attachments-unusable');
    END IF;
    v_id := rq.case_open('no_scan', NULL, v_enterprise, p_unit_id, v_account, NULL, p_what,
                         p_people, v_at);
    INSERT INTO rq.case_attachments (case_id, attachment_id)
    SELECT DISTINCT v_id, x FROM unnest(coalesce(p_attachment_ids, '{}')) x;
    RETURN rq.ok(jsonb_build_object('case_id', v_id::text));
END
$$;
GRANT EXECUTE ON FUNCTION rq.no_scan_report(text,bigint,text,text,bigint[]) TO ruqima_evaluation;
