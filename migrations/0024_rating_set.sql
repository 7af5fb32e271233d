-- migrations/0024_rating_set.sql — the rating's two writes, rq.rating_give and
-- rq.rating_change, became one, rq.rating_set (app/evaluation/sql/visits_rating.sql), whose
-- definition file creates it after this migration.
DROP FUNCTION IF EXISTS rq.rating_give(bigint, text, text, boolean);
DROP FUNCTION IF EXISTS rq.rating_change(bigint, text, text, boolean);
