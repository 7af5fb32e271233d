-- 0044_claim_guessing.sql — guessing an enterprise's activation code is bounded per account
-- and per enterprise without letting strangers lock the holder of the slip out (issue 16:
-- 3 accounts × 5 wrong codes locked a code for good, and its holder got 403).
--
-- A code is no longer locked. Once an enterprise's wrong codes of the last 24 hours reach
-- their bound, a claim with a code is not answered by the code any more: it becomes a
-- request for the county office, which sees whether the code matched (README, "Activation
-- codes: the threat model").
ALTER TABLE rq.activation_codes DROP COLUMN locked_at;
COMMENT ON COLUMN rq.activation_codes.failed_attempts IS
    'wrong codes tried against the enterprise while this code was unused and live, by anyone (a count; it locks nothing)';

-- A request filed with a code: whether one was given, and the live code it matched (NULL:
-- none given, or a wrong one). Approving such a request uses that code.
ALTER TABLE rq.claim_requests ADD COLUMN activation_code_given boolean NOT NULL DEFAULT false;
ALTER TABLE rq.claim_requests
    ADD COLUMN activation_code_id bigint REFERENCES rq.activation_codes (id);
ALTER TABLE rq.claim_requests ADD CONSTRAINT claim_requests_code_given
    CHECK (activation_code_id IS NULL OR activation_code_given);

-- the bounds: an enterprise's wrong codes, and an account's failures over every enterprise,
-- in the last 24 hours
CREATE INDEX claim_failures_code_enterprise_idx ON rq.claim_failures (enterprise_id, failed_at)
    WHERE reason = 'activation-code';
CREATE INDEX claim_failures_account_idx ON rq.claim_failures (account_id, failed_at);
