-- app/evaluation/sql/visits_rating.sql — ratings: give and change (app/evaluation/visits_rating.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- Rates a confirmed visit, once (POST /visits/{id}/rating). A 不满意 opens a case with
-- source 'rating' in the same transaction. An anonymous rating seals the transaction
-- first (rq.actor_seal: its audit rows name nobody; app/DESIGN.md §7). Answers
-- (rq.outcome) ok, or the refusals enterprise-visit-unknown, visit-not-confirmed,
-- already-rated, rating-window-closed (rating_window_days after the registration).
CREATE OR REPLACE FUNCTION rq.rating_give(p_visit_id bigint, p_value text, p_comment text,
                               p_anonymous boolean)
RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
DECLARE
    v_account bigint := rq.require_account();
    v         rq.visits%ROWTYPE := rq.visit_for_manager(p_visit_id);
BEGIN
    IF p_anonymous THEN
        PERFORM rq.actor_seal();
    END IF;
    IF v.id IS NULL THEN
        RETURN rq.refusal('enterprise-visit-unknown');
    END IF;
    IF v.confirmation <> 'confirmed' THEN
        RETURN rq.refusal('visit-not-confirmed');
    END IF;
    IF EXISTS (SELECT 1 FROM rq.evaluations e WHERE e.visit_id = v.id) THEN
        RETURN rq.refusal('already-rated');
    END IF;
    IF now() > v.registered_at + make_interval(days => rq.policy_value('rating_window_days')) THEN
        RETURN rq.refusal('rating-window-closed');
    END IF;
    INSERT INTO rq.evaluations (visit_id, enterprise_id, unit_id, county_code, value, comment,
                                anonymous)
    VALUES (v.id, v.enterprise_id, v.unit_id, v.county_code, p_value, p_comment, p_anonymous);
    INSERT INTO rq.evaluation_raters (visit_id, account_id, name, phone)
    SELECT v.id, v_account, b.claimant_name, b.phone FROM rq.manager_bindings b
     WHERE b.account_id = v_account AND b.enterprise_id = v.enterprise_id AND b.status = 'active';
    IF p_value = 'unsatisfied' THEN
        PERFORM rq.case_open('rating', v.id, v.enterprise_id, v.unit_id, NULL, NULL, p_comment,
                             NULL, NULL);
    END IF;
    RETURN rq.ok();
END
$$;
GRANT EXECUTE ON FUNCTION rq.rating_give(bigint,text,text,boolean) TO ruqima_app;

-- Changes a rating, once, by its rater, within rating_change_hours of the first rating
-- (PUT /visits/{id}/rating). Becoming 不满意 opens the rating case; any change of a visit
-- with a rating case adds an event to it (naming the rater's account unless the rating is
-- or was anonymous). A change of an anonymous rating, or to one, is sealed like the rating
-- (rq.actor_seal). Answers (rq.outcome) ok, unchanged (the same rating again: nothing
-- written), or the refusals enterprise-visit-unknown, not-rated, not-the-rater,
-- rating-already-changed, rating-change-closed.
CREATE OR REPLACE FUNCTION rq.rating_change(p_visit_id bigint, p_value text, p_comment text,
                                 p_anonymous boolean)
RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
DECLARE
    v_account bigint := rq.require_account();
    v         rq.visits%ROWTYPE := rq.visit_for_manager(p_visit_id);
    ev        rq.evaluations%ROWTYPE;
    v_case    bigint;
    v_hidden  boolean;
BEGIN
    IF v.id IS NULL THEN
        RETURN rq.refusal('enterprise-visit-unknown');
    END IF;
    SELECT * INTO ev FROM rq.evaluations e WHERE e.visit_id = v.id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN rq.refusal('not-rated');
    END IF;
    v_hidden := ev.anonymous OR p_anonymous;
    IF v_hidden THEN
        PERFORM rq.actor_seal();
    END IF;
    IF NOT EXISTS (SELECT 1 FROM rq.evaluation_raters r
                    WHERE r.visit_id = v.id AND r.account_id = v_account) THEN
        RETURN rq.refusal('not-the-rater');
    END IF;
    IF ev.changed_at IS NOT NULL THEN
        RETURN rq.refusal('rating-already-changed');
    END IF;
    IF now() > ev.rated_at + make_interval(hours => rq.policy_value('rating_change_hours')) THEN
        RETURN rq.refusal('rating-change-closed');
    END IF;
    IF ev.value = p_value AND ev.comment IS NOT DISTINCT FROM p_comment
       AND ev.anonymous = p_anonymous THEN
        RETURN rq.ok(NULL, 'unchanged');
    END IF;
    UPDATE rq.evaluations
       SET value = p_value, comment = p_comment, anonymous = p_anonymous, changed_at = now()
     WHERE visit_id = v.id;
    SELECT c.id INTO v_case FROM rq.cases c WHERE c.visit_id = v.id AND c.source = 'rating';
    IF v_case IS NOT NULL THEN
        INSERT INTO rq.case_events (case_id, kind, status, note, account_id)
        SELECT v_case, 'rating_changed', c.status,
               format('评价由“%s”改为“%s”', rq.rating_label(ev.value), rq.rating_label(p_value)),
               CASE WHEN NOT v_hidden THEN v_account END
          FROM rq.cases c WHERE c.id = v_case;
    ELSIF p_value = 'unsatisfied' THEN
        PERFORM rq.case_open('rating', v.id, v.enterprise_id, v.unit_id, NULL, NULL, p_comment,
                             NULL, NULL);
    END IF;
    RETURN rq.ok();
END
$$;
GRANT EXECUTE ON FUNCTION rq.rating_change(bigint,text,text,boolean) TO ruqima_app;
