-- app/evaluation/sql/notifications.sql — notifications read by a mini-program account (app/evaluation/notifications.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- Marks a notification of the acting account read (the first time only). Answers
-- (rq.outcome) ok, or notification-unknown when it is not theirs.
CREATE OR REPLACE FUNCTION rq.notification_read(p_id bigint) RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM rq.outbox o
                    WHERE o.id = p_id AND o.account_id = rq.require_account()) THEN
        RETURN rq.refusal('notification-unknown');
    END IF;
    UPDATE rq.outbox SET read_at = now() WHERE id = p_id AND read_at IS NULL;
    RETURN rq.ok();
END
$$;
GRANT EXECUTE ON FUNCTION rq.notification_read(bigint) TO ruqima_app;
