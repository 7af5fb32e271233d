-- The official whose visit a case is about, kept on the case: the official's read policy
-- then compares a column with the actor instead of reading rq.visits for every case, a
-- sub-plan with seven steps of its own policy that every case list set up at every
-- execution (9 % of the instructions of a county admin's page of 50 in PostgreSQL,
-- tests/bench/cases_list). A visit's official never changes; a no-scan report has no visit
-- and so no official account.
ALTER TABLE rq.cases ADD COLUMN official_account_id bigint REFERENCES rq.accounts (id);
UPDATE rq.cases c SET official_account_id = v.account_id FROM rq.visits v WHERE v.id = c.visit_id;
ALTER TABLE rq.cases ADD CONSTRAINT cases_official_of_visit
    CHECK ((visit_id IS NULL) = (official_account_id IS NULL));
-- an official's cases, newest first (app/complaints/official.c)
CREATE INDEX cases_official_idx ON rq.cases (official_account_id, id)
    WHERE official_account_id IS NOT NULL;
