-- 0050_audit_chain.sql — the audit trail becomes a sealed hash chain (issue 16, app/DESIGN.md
-- §7 "The hash chain"): every row written from now on gets a place in one gap-free order and
-- a hash of its content chained to the previous row's; seals record the chain's head; the
-- actor of each row says whether the database could check it.
--
-- Upgrade in place: the rows already in audit.log are NOT rewritten (they get no link). The
-- chain starts at a genesis row (lib/sql/audit.sql, audit.chain_genesis, appended by the
-- definitions right after this migration) that records how many rows came before it, the
-- last of their ids and a digest of their contents. Adding the columns is instant (no
-- default).

-- sha256 of what may later be anonymised (old_row, new_row, client_addr: audit.content_hash).
ALTER TABLE audit.log ADD COLUMN content_hash bytea;
-- sha256 of the row's audit.sealed values, when a sealed transaction wrote it.
ALTER TABLE audit.log ADD COLUMN sealed_hash bytea;
-- The session (rq.sessions.id) the worker proved it acts for; NULL for the CLI, for
-- anonymous requests and in sealed transactions (it would name the rater).
ALTER TABLE audit.log ADD COLUMN actor_session bigint;
-- Whether the actor context could be checked: an account or admin actor with the proof of a
-- live session of that very actor, 'system' only from the owner's login, 'anonymous' always.
-- false = a forged or unprovable actor, shown as such; NULL for rows before the chain.
ALTER TABLE audit.log ADD COLUMN actor_verified boolean;
-- Set by a later anonymisation (issue 17) that replaces the content: verify then trusts
-- content_hash instead of recomputing it. Part of no hash.
ALTER TABLE audit.log ADD COLUMN content_redacted_at timestamptz;

-- ---------------------------------------------------------------------------------
-- audit.chain — the chain itself: one narrow link per row of audit.log, written at the
-- commit of the row's transaction (audit.chain_commit), in one gap-free order:
--   seq       1, 2, 3 … the row's place
--   log_id    the audit.log row
--   row_hash  sha256(previous link's row_hash, the row's meta data, its content_hash)
--             (audit.row_hash)
-- A separate table rather than columns of audit.log: the place is known only at commit,
-- and setting it on the (wide, six times indexed) log row would write every audit row
-- twice. Rows written before the genesis row have no link. Append-only.
-- ---------------------------------------------------------------------------------
CREATE TABLE audit.chain (
    seq       bigint PRIMARY KEY CHECK (seq > 0),
    log_id    bigint NOT NULL,
    row_hash  bytea NOT NULL CHECK (octet_length(row_hash) = 32)
);

COMMENT ON TABLE audit.chain IS
    'the audit log''s hash chain: one link (place, row, chained hash) per audit.log row';

CREATE UNIQUE INDEX chain_log_id_idx ON audit.chain (log_id);

-- ---------------------------------------------------------------------------------
-- audit.seals — the chain's head at a moment: hourly (ruqima audit seal, a timer), on
-- demand, after every purge. Published on the public page (/gongkai/) and appended to
-- RUQIMA_AUDIT_SEAL_FILE by `ruqima audit seal`; anyone holding one can check that the log
-- up to it is unchanged (`ruqima audit verify --from SEQ:HASH`). Append-only.
-- ---------------------------------------------------------------------------------
CREATE TABLE audit.seals (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    seq       bigint NOT NULL CHECK (seq > 0),
    row_hash  bytea NOT NULL CHECK (octet_length(row_hash) = 32),
    reason    text NOT NULL CHECK (reason IN ('hourly', 'on demand', 'purge', 'genesis')),
    made_by   text NOT NULL DEFAULT session_user
);

COMMENT ON TABLE audit.seals IS
    'the audit chain''s head at a moment (seq, row hash); published on /gongkai/ and in the seal file';

CREATE INDEX seals_at_idx ON audit.seals (at);

-- ---------------------------------------------------------------------------------
-- audit.actor_key — the secret with which rq.session_resolve proves to the audit trigger
-- that the actor context comes from a live session (audit.actor_proof). One row, made here
-- from the server's strong random source (gen_random_uuid), readable by the owner only.
-- ---------------------------------------------------------------------------------
CREATE TABLE audit.actor_key (
    one  boolean PRIMARY KEY DEFAULT true CHECK (one),
    key  bytea NOT NULL CHECK (octet_length(key) = 32)
);

COMMENT ON TABLE audit.actor_key IS
    'secret of the actor proofs (audit.actor_proof); owner only, never logged';

INSERT INTO audit.actor_key (key)
SELECT sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text
                         || gen_random_uuid()::text, 'UTF8'));
