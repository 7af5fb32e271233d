-- app/evaluation/sql/visits_rating.sql — ratings: the first one and its one change (app/evaluation/visits_rating.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- The enterprise's rating of a confirmed visit: given once (p_change false: POST
-- /visits/{id}/rating) and changed once by its rater within rating_change_hours (p_change
-- true: PUT). A 不满意 opens a case with source 'rating' in the same transaction; a change of
-- a visit that has a rating case adds an event to it (naming the rater's account unless the
-- rating is or was anonymous). An anonymous rating, and a change of one or to one, seals the
-- transaction before it writes (rq.actor_seal: its audit rows name nobody, app/DESIGN.md §7).
-- p_anonymous NULL (the member left out) is false for a first rating and, for a change, the
-- rating's own: anonymity is given up only by an explicit false.
-- Answers (rq.outcome) ok; unchanged (a
-- change to the same rating: nothing written); or the refusals of
-- rq.manager_visit_refusal for 'rate' (enterprise-visit-unknown, visit-not-confirmed,
-- already-rated, rating-window-closed) or 'change-rating' (not-rated, not-the-rater,
-- rating-already-changed, rating-change-closed).
CREATE OR REPLACE FUNCTION rq.rating_set(p_visit_id bigint, p_value text, p_comment text,
                              p_anonymous boolean, p_change boolean)
RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_account bigint := rq.require_account();
    v         rq.visits%ROWTYPE := rq.visit_for_manager(p_visit_id);
    v_refusal text := rq.manager_visit_refusal(v, CASE WHEN p_change THEN 'change-rating'
                                                       ELSE 'rate' END);
    ev        rq.evaluations%ROWTYPE;
    v_case    bigint;
    v_hidden  boolean;
BEGIN
    IF v_refusal IS NOT NULL THEN
        RETURN rq.refusal(v_refusal);
    END IF;
    IF p_change THEN
        SELECT * INTO ev FROM rq.evaluations e WHERE e.visit_id = v.id FOR UPDATE;
    END IF;
    p_anonymous := coalesce(p_anonymous, ev.anonymous, false);
    v_hidden := p_anonymous OR coalesce(ev.anonymous, false);
    IF v_hidden THEN
        PERFORM rq.actor_seal();
    END IF;
    IF NOT p_change THEN
        INSERT INTO rq.evaluations (visit_id, enterprise_id, unit_id, county_code, value,
                                    comment, anonymous)
        VALUES (v.id, v.enterprise_id, v.unit_id, v.county_code, p_value, p_comment,
                p_anonymous);
        INSERT INTO rq.evaluation_raters (visit_id, account_id, name, phone)
        SELECT v.id, v_account, b.claimant_name, b.phone FROM rq.manager_bindings b
         WHERE b.account_id = v_account AND b.enterprise_id = v.enterprise_id
           AND b.status = 'active';
        IF p_value = 'unsatisfied' THEN
            PERFORM rq.case_open('rating', v.id, v.enterprise_id, v.unit_id, NULL, NULL,
                                 p_comment, NULL, NULL);
        END IF;
        RETURN rq.ok();
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
GRANT EXECUTE ON FUNCTION rq.rating_set(bigint,text,text,boolean,boolean) TO ruqima_evaluation;
