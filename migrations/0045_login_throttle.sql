-- 0045_login_throttle.sql — portal logins limited per address, per username and per
-- username from one address, in counters that every login reserves atomically before its
-- password is checked (issue 16: 79 logins in 10 s from one address met no limit, 30
-- parallel wrong passwords got 8 checked against a limit of 5, five wrong passwords locked
-- any real user out for 15 minutes, and unknown usernames never locked, which told the
-- names that exist). README, "Portal logins: the threat model".
CREATE TABLE rq.login_throttle (
    scope        text NOT NULL CHECK (scope IN ('address', 'username', 'pair')),
    -- the client address; the username in lower case; or both, "<username> <address>"
    key          text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 200),
    -- pair: failures since its last success; address and username: a leaky bucket of
    -- failures, drained at a fixed rate (rq.login_begin)
    failures     double precision NOT NULL DEFAULT 0 CHECK (failures >= 0),
    failed_at    timestamptz NOT NULL DEFAULT now(),
    -- pair: the last login that succeeded from this address (a known address of the user)
    succeeded_at timestamptz,
    PRIMARY KEY (scope, key)
);

COMMENT ON TABLE rq.login_throttle IS
    'failed portal logins per address, username and username from an address (rq.login_begin); not audited, like sessions';

-- rows nobody tried for a while go (rq.login_begin)
CREATE INDEX login_throttle_failed_at_idx ON rq.login_throttle (failed_at);

-- A lockout after failed logins is no longer kept on the user: the counters above decide,
-- and none of them locks an account for everyone.
UPDATE rq.admin_users SET locked_until = NULL WHERE locked_until IS NOT NULL;

-- The login path's two functions became rq.login_begin and rq.login_end (lib/sql/auth.sql).
DROP FUNCTION IF EXISTS rq.admin_login_lookup(text);
DROP FUNCTION IF EXISTS rq.admin_login_record(bigint, boolean, integer, integer);
