-- app/cli/sql/cases.sql — the deadline sweep of the cases (`ruqima cases sweep`, app/cli/cases.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- One pass of the sweep, as the owner in the CLI's audited transaction: gives the cases that
-- have none the deadline of their step (cases opened before the deadlines existed, or while
-- a policy row was missing); then marks every step past its deadline that is not marked yet
-- (rq.case_overdue_steps: one row per case and step, so each is handled once, however often
-- the sweep runs and however many run at once), notifies whoever must act — the handler; the
-- county's admins (the city admins for a reopened case) while there is none; for an overdue
-- statement the unit's admins and the handler — and escalates it to the city admins.
-- Returns {filled, marked, notified, escalated}. Not granted to the application.
CREATE OR REPLACE FUNCTION rq.case_sweep() RETURNS jsonb
LANGUAGE plpgsql SET search_path = rq, pg_temp AS $$
DECLARE
    v_filled    int;
    v_marked    int := 0;
    v_notified  int := 0;
    v_escalated int := 0;
    c           record;
    n           int;
    e           int;
BEGIN
    UPDATE rq.cases x SET due_at = rq.case_step_due(x.status, x.step_started_at)
     WHERE x.due_at IS NULL AND rq.case_step_policy(x.status) IS NOT NULL;
    GET DIAGNOSTICS v_filled = ROW_COUNT;
    FOR c IN SELECT x.id, x.step_seq, x.status, x.due_at, x.handler_admin_id, x.level
               FROM rq.cases x
              WHERE x.due_at < now() AND rq.case_step_policy(x.status) IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM rq.case_overdue_steps s
                                 WHERE s.case_id = x.id AND s.step_seq = x.step_seq)
              ORDER BY x.due_at, x.id
                FOR UPDATE OF x SKIP LOCKED
    LOOP
        -- the mark first: a step another sweep marked meanwhile is not notified again
        INSERT INTO rq.case_overdue_steps (case_id, step_seq, status, due_at, notified,
                                           escalated)
        VALUES (c.id, c.step_seq, c.status, c.due_at, 0, 0)
        ON CONFLICT DO NOTHING;
        CONTINUE WHEN NOT FOUND;
        n := rq.case_notify(c.id, 'case_overdue',
                            format('案件“%s”环节已超过办理期限，请尽快办理',
                                   rq.case_status_label(c.status)),
                            CASE WHEN c.status = 'investigation' THEN '{unit_admins,handler}'
                                 WHEN c.handler_admin_id IS NOT NULL THEN '{handler}'
                                 WHEN c.level = 'city' THEN '{city_admins}'
                                 ELSE '{county_admins}' END::text[]);
        e := rq.case_notify(c.id, 'case_escalated',
                            format('案件“%s”环节超期未办，请督办', rq.case_status_label(c.status)),
                            '{city_admins}');
        UPDATE rq.case_overdue_steps SET notified = n, escalated = e
         WHERE case_id = c.id AND step_seq = c.step_seq;
        v_marked := v_marked + 1;
        v_notified := v_notified + n;
        v_escalated := v_escalated + e;
    END LOOP;
    RETURN jsonb_build_object('filled', v_filled, 'marked', v_marked, 'notified', v_notified,
                              'escalated', v_escalated);
END
$$;
REVOKE ALL ON FUNCTION rq.case_sweep() FROM PUBLIC;
