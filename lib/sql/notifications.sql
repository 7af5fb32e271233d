-- lib/sql/notifications.sql — the notifications a recipient reads in a list: a mini-program
-- account (app/evaluation/notifications.c) or a portal user (app/admin/notifications.c),
-- both through lib/rq_notices.c.
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- One line of a notification list (the columns not starting with "_" are the line, printed
-- as JSON by the pools). security_invoker: the outbox's row-level security shows each
-- recipient only their own (lib/sql/policies.sql).
CREATE OR REPLACE VIEW rq.notification_lines WITH (security_invoker = true) AS
    SELECT o.id AS _id, o.account_id AS _account_id, o.admin_user_id AS _admin_id,
           o.read_at IS NULL AS _unread,
           o.id::text AS id, o.kind, o.visit_id::text AS visit_id,
           o.enterprise_id::text AS enterprise_id, o.case_id::text AS case_id,
           o.claim_id::text AS claim_id, o.payload, o.created_at,
           o.read_at IS NOT NULL AS read, o.read_at
      FROM rq.outbox o;
GRANT SELECT ON rq.notification_lines TO ruqima_evaluation, ruqima_admin;

-- Marks a notification of the acting recipient read (the first time only). Answers
-- (rq.outcome) ok, or notification-unknown when it is not theirs (or, a manager's notice
-- of a visit, no longer theirs: the enterprise was unbound, as outbox_app_read says).
CREATE OR REPLACE FUNCTION rq.notification_read(p_id bigint) RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM rq.outbox o
                    WHERE o.id = p_id
                      AND (o.admin_user_id = rq.current_admin_id()
                           OR (o.account_id = rq.current_account_id()
                               AND (o.visit_id IS NULL OR rq.actor_manages(o.enterprise_id)))))
    THEN
        RETURN rq.refusal('notification-unknown');
    END IF;
    UPDATE rq.outbox SET read_at = now() WHERE id = p_id AND read_at IS NULL;
    RETURN rq.ok();
END
$$;
GRANT EXECUTE ON FUNCTION rq.notification_read(bigint) TO ruqima_evaluation, ruqima_admin;
