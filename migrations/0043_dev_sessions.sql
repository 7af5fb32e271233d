-- 0043_dev_sessions.sql — a session made by the development login (RUQIMA_DEV_LOGIN=1)
-- says so, so that a pool running without it refuses the session and ends it (issue 16:
-- such sessions outlived the setting).
ALTER TABLE rq.sessions ADD COLUMN dev_login boolean NOT NULL DEFAULT false;
-- the live development sessions, which a pool without the development login ends at start
CREATE INDEX sessions_dev_login_live_idx ON rq.sessions (id) WHERE dev_login AND ended_at IS NULL;
-- The mini-program sessions open now: those the development login made cannot be told from
-- WeChat's, so all of them end once. A mini-program logs in again by itself (wx.login, no
-- user action); portal sessions are not concerned. Sessions are not audited (§7).
UPDATE rq.sessions SET ended_at = now() WHERE actor_kind = 'account' AND ended_at IS NULL;

-- Both take one more argument (lib/sql/auth.sql creates them again).
DROP FUNCTION IF EXISTS rq.session_create(bytea, text, bigint, bigint, bytea, integer, text);
DROP FUNCTION IF EXISTS rq.session_resolve(bytea, integer);
