-- app/evaluation/sql/visits.sql — the enterprise's side of a visit: what a manager may read, confirm or dispute (app/evaluation/visits.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- The visit locked for the enterprise's answer or rating, or NULL when it does not exist or
-- the actor does not manage its enterprise now (both answer 404: nothing is given away).
CREATE OR REPLACE FUNCTION rq.visit_for_manager(p_visit_id bigint) RETURNS rq.visits
LANGUAGE sql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
    SELECT x.* FROM rq.visits x
     WHERE x.id = p_visit_id AND rq.actor_manages(x.enterprise_id) FOR UPDATE
$$;

-- Why the enterprise's manager may not act on visit v (from rq.visit_for_manager) now, or
-- NULL when they may: the one place that says which state allows which action. p_action:
-- 'answer' (confirm or dispute), 'rate' (the first rating), 'change-rating' (by its rater,
-- once, within rating_change_hours); none of them on a visit its official withdrew, nor on
-- one imported from another system (慧企通: answered and rated there, if at all). Called
-- after rq.visit_for_manager locked the visit, so two answers to one visit never both pass.
CREATE OR REPLACE FUNCTION rq.manager_visit_refusal(v rq.visits, p_action text) RETURNS text
LANGUAGE sql STABLE SET search_path = rq, pg_temp AS $$
    SELECT CASE
        WHEN v.id IS NULL THEN 'enterprise-visit-unknown'
        WHEN v.source <> 'platform' THEN 'visit-imported'
        WHEN v.withdrawn_at IS NOT NULL THEN 'visit-withdrawn'
        WHEN p_action = 'answer' AND v.confirmation <> 'pending' THEN 'already-answered'
        WHEN p_action = 'rate' AND v.confirmation <> 'confirmed' THEN 'visit-not-confirmed'
        WHEN p_action = 'rate'
             AND EXISTS (SELECT 1 FROM rq.evaluations e WHERE e.visit_id = v.id)
            THEN 'already-rated'
        WHEN p_action = 'rate' AND now() > v.registered_at
                 + make_interval(days => rq.policy_value('rating_window_days'))
            THEN 'rating-window-closed'
        WHEN p_action = 'change-rating' THEN (
            SELECT CASE
                WHEN e.visit_id IS NULL THEN 'not-rated'
                WHEN NOT EXISTS (SELECT 1 FROM rq.evaluation_raters r
                                  WHERE r.visit_id = v.id
                                    AND r.account_id = rq.current_account_id())
                    THEN 'not-the-rater'
                WHEN e.changed_at IS NOT NULL THEN 'rating-already-changed'
                WHEN now() > e.rated_at
                         + make_interval(hours => rq.policy_value('rating_change_hours'))
                    THEN 'rating-change-closed'
            END
              FROM (SELECT v.id) x LEFT JOIN rq.evaluations e ON e.visit_id = v.id)
    END
$$;

-- The enterprise confirms a visit as registered (p_decision 'confirmed') or disputes it
-- ('disputed', with a reason category and an optional reason, required for 'other'),
-- which opens a case with source 'dispute'. Answers (rq.outcome) ok,
-- enterprise-visit-unknown, visit-withdrawn (by its official) or already-answered.
CREATE OR REPLACE FUNCTION rq.visit_answer(p_visit_id bigint, p_decision text, p_category text,
                                p_reason text)
RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_account bigint := rq.require_account();
    v         rq.visits%ROWTYPE := rq.visit_for_manager(p_visit_id);
    v_refusal text := rq.manager_visit_refusal(v, 'answer');
BEGIN
    -- unknown, withdrawn, or answered already
    IF v_refusal IS NOT NULL THEN
        RETURN rq.refusal(v_refusal);
    END IF;
    INSERT INTO rq.visit_answers (visit_id, decision, account_id, reason_category, reason)
    VALUES (v.id, p_decision, v_account, p_category, p_reason);
    UPDATE rq.visits SET confirmation = p_decision WHERE id = v.id;
    IF p_decision = 'disputed' THEN
        PERFORM rq.case_open('dispute', v.id, v.enterprise_id, v.unit_id, v_account, p_category,
                             p_reason, NULL, NULL);
    END IF;
    RETURN rq.ok();
END
$$;
GRANT EXECUTE ON FUNCTION rq.visit_answer(bigint,text,text,text) TO ruqima_evaluation;

-- What the enterprise's manager sees of a visit: the whole visit (rq.visit_detail) with
-- the answer, the rating, what may be done next and the cases it opened. NULL unless the
-- actor manages the visit's enterprise now (the official who registered it gets nothing
-- here: they read it through the registration family).
CREATE OR REPLACE FUNCTION rq.visit_for_enterprise(p_visit_id bigint) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = rq, pg_temp AS $$
    SELECT rq.visit_detail(v.id) || jsonb_build_object(
        'answer', rq.visit_answer_json(v.id),
        'rating', rq.visit_rating(v.id),
        'can_answer', v.confirmation = 'pending' AND v.withdrawn_at IS NULL
                      AND v.source = 'platform',
        'can_rate', v.confirmation = 'confirmed' AND v.source = 'platform'
                    AND NOT EXISTS (SELECT 1 FROM rq.evaluations e WHERE e.visit_id = v.id)
                    AND now() <= v.registered_at
                                 + make_interval(days => rq.policy_value('rating_window_days')),
        'rating_deadline', v.registered_at + make_interval(days => rq.policy_value('rating_window_days')),
        'cases', coalesce((SELECT jsonb_agg(rq.case_summary(c) ORDER BY c.id)
                             FROM rq.cases c WHERE c.visit_id = v.id), '[]'))
      FROM rq.visits v
     WHERE v.id = p_visit_id AND rq.actor_kind() = 'account' AND rq.actor_manages(v.enterprise_id)
$$;
GRANT EXECUTE ON FUNCTION rq.visit_for_enterprise(bigint) TO ruqima_evaluation;
