-- 0046_auth_events.sql — every portal login (success, failure, refused by the limits,
-- locked by an admin), every mini-program login, every session opened and every logout,
-- with the client address and the request id (issue 16: rq.session_create minted a working
-- city-admin session that left no record). Written only by the SECURITY DEFINER login and
-- session functions of lib/sql/auth.sql; no pool reads or writes it directly.
CREATE TABLE rq.auth_events (
    id            bigserial PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    event         text NOT NULL CHECK (event IN ('login_success', 'login_failure',
                                                 'login_throttled', 'login_locked',
                                                 'session_created', 'logout')),
    actor_kind    text CHECK (actor_kind IN ('account', 'admin')),
    -- the username as typed (lower case), known or not; NULL for mini-program logins
    username      text CHECK (char_length(username) <= 200),
    admin_user_id bigint,
    account_id    bigint,
    session_id    bigint,
    client_addr   text CHECK (char_length(client_addr) <= 100),
    request_id    text CHECK (char_length(request_id) <= 200),
    -- the database role of the worker that asked (session_user): which pool did it
    db_role       text NOT NULL DEFAULT session_user
);

COMMENT ON TABLE rq.auth_events IS
    'logins, sessions opened and logouts with address and request id (lib/sql/auth.sql)';

CREATE INDEX auth_events_at_idx ON rq.auth_events (at);
CREATE INDEX auth_events_admin_user_idx ON rq.auth_events (admin_user_id, at)
    WHERE admin_user_id IS NOT NULL;
