-- 0021_privacy_readers.sql — issue 12, items 4, 5, 7 and 10: an anonymous rater stays
-- anonymous in the audit trail too (sealed actors); filings and notifications reach their
-- readers (discipline inspectors' group, notices read in a list); the manager hears how
-- their claim was decided.

-- ---------------------------------------------------------------------------------
-- Sealed actors (app/DESIGN.md §7). A transaction that writes an anonymous rating is
-- sealed (rq.actor_seal): its audit rows carry no actor id and no client address, and the
-- columns that name the rater are replaced by "[sealed]". What was taken out is kept here,
-- one row per sealed audit row. Only the owner reads it directly; discipline inspectors
-- read it through rq.sealed_audit_page (app/admin/sql/sealed_audit.sql); the reporting
-- role cannot.
-- ---------------------------------------------------------------------------------
CREATE TABLE audit.sealed (
    -- audit.log.id of the row it completes (no foreign key: TRUNCATE of audit.log must meet
    -- its append-only guard, not a foreign key error)
    log_id      bigint PRIMARY KEY,
    actor_kind  text,
    actor_id    text,
    actor_role  text,
    client_addr text,
    -- the sealed columns as written, {column: value}; NULL when the image had none
    old_values  jsonb,
    new_values  jsonb
);

COMMENT ON TABLE audit.sealed IS
    'the actor and the sealed column values of audit rows written by a sealed transaction '
    '(an anonymous rating); read by discipline inspectors only';

-- ---------------------------------------------------------------------------------
-- Discipline inspectors belong to a stationed discipline-inspection group (派驻纪检监察组,
-- rq.units.discipline_group); the 双报备 filings addressed to that group are theirs to
-- read. NULL: the city level (市纪委监委), who read every group's.
-- ---------------------------------------------------------------------------------
ALTER TABLE rq.admin_users ADD COLUMN discipline_group text
    CHECK (char_length(discipline_group) BETWEEN 1 AND 100 AND discipline_group ~ '\S');

ALTER TABLE rq.admin_users ADD CONSTRAINT admin_users_group_is_discipline
    CHECK (discipline_group IS NULL OR role = 'discipline_inspector');

-- The filings a group or a unit reads, newest first.
CREATE INDEX filings_group_idx ON rq.filings (discipline_group, id)
    WHERE recipient = 'discipline_group';

CREATE INDEX filings_unit_recipient_idx ON rq.filings (unit_id, id) WHERE recipient = 'unit';

-- ---------------------------------------------------------------------------------
-- Notifications read in a list only (status in_app): those to portal users, and the
-- manager's claim decisions (no WeChat template fits them). The WeChat dispatcher never
-- sees them; before, portal users' rows stayed 'pending' for ever.
-- ---------------------------------------------------------------------------------
ALTER TABLE rq.outbox DROP CONSTRAINT outbox_status_check;

ALTER TABLE rq.outbox ADD CONSTRAINT outbox_status_check
    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'in_app'));

ALTER TABLE rq.outbox ADD COLUMN claim_id bigint REFERENCES rq.claim_requests (id);

ALTER TABLE rq.outbox DROP CONSTRAINT outbox_kind_check;

ALTER TABLE rq.outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('visit_registered', 'visit_edited', 'visit_finished', 'case_opened',
                    'claim_approved', 'claim_rejected'));

ALTER TABLE rq.outbox ADD CONSTRAINT outbox_claim_kind
    CHECK ((kind IN ('claim_approved', 'claim_rejected')) = (claim_id IS NOT NULL));

ALTER TABLE rq.outbox ADD CONSTRAINT outbox_in_app_is_listed
    CHECK (status <> 'in_app' OR admin_user_id IS NOT NULL OR claim_id IS NOT NULL);

UPDATE rq.outbox SET status = 'in_app' WHERE admin_user_id IS NOT NULL AND status = 'pending';

-- The unread count of each recipient's list.
CREATE INDEX outbox_unread_account_idx ON rq.outbox (account_id)
    WHERE read_at IS NULL AND account_id IS NOT NULL;

CREATE INDEX outbox_unread_admin_idx ON rq.outbox (admin_user_id)
    WHERE read_at IS NULL AND admin_user_id IS NOT NULL;

-- ---------------------------------------------------------------------------------
-- A claim of a credit code that is not in the register is counted too, against the code
-- given (the enterprise is unknown), so that it gets the very answers a wrong legal
-- representative gets — the tries left, then the lockout — and tells nothing more.
-- ---------------------------------------------------------------------------------
ALTER TABLE rq.claim_failures ALTER COLUMN enterprise_id DROP NOT NULL;

ALTER TABLE rq.claim_failures ADD COLUMN claimed_code text
    CHECK (char_length(claimed_code) BETWEEN 1 AND 64);

ALTER TABLE rq.claim_failures ADD CONSTRAINT claim_failures_known_or_code
    CHECK ((enterprise_id IS NULL) = (claimed_code IS NOT NULL));

CREATE INDEX claim_failures_code_window_idx ON rq.claim_failures (account_id, claimed_code, failed_at)
    WHERE enterprise_id IS NULL;

-- ---------------------------------------------------------------------------------
-- Changed signatures: audit.enable takes the sealed columns (lib/sql/audit.sql creates it
-- again).
-- ---------------------------------------------------------------------------------
DROP FUNCTION IF EXISTS audit.enable(regclass, text, text[]);

-- ---------------------------------------------------------------------------------
-- The anonymous ratings made before this release: their audit rows named the rater (actor
-- id, client address, and the rater's row itself), and a changed rating's case event named
-- the account. Sealed now as rq.actor_seal seals them from now on: the event's account is
-- cleared, and every audit row of the transactions that wrote or changed an anonymous
-- rating (and this migration's own audit rows of the cleared events) give their actor and
-- the rater's columns to audit.sealed. audit.log is append-only, so its guard triggers are
-- off for these statements only (they exist once lib/sql/audit.sql ran: not on an empty
-- database); a MAINTENANCE row records what was sealed.
-- ---------------------------------------------------------------------------------
UPDATE rq.case_events ce SET account_id = NULL
  FROM rq.cases c JOIN rq.evaluations e ON e.visit_id = c.visit_id
 WHERE ce.case_id = c.id AND c.source = 'rating' AND e.anonymous AND ce.account_id IS NOT NULL;

INSERT INTO audit.sealed (log_id, actor_kind, actor_id, actor_role, client_addr, old_values,
                          new_values)
SELECT l.id, l.actor_kind, s.actor_id, l.actor_role, s.client_addr,
       (SELECT jsonb_object_agg(c, l.old_row -> c) FROM unnest(s.cols) c WHERE l.old_row ? c),
       (SELECT jsonb_object_agg(c, l.new_row -> c) FROM unnest(s.cols) c WHERE l.new_row ? c)
  FROM audit.log l
 CROSS JOIN LATERAL (
       SELECT -- the columns that name the rater, or the account of a changed rating's event
              CASE l.table_name
                   WHEN 'rq.evaluation_raters' THEN ARRAY['account_id', 'name', 'phone']
                   WHEN 'rq.case_events' THEN ARRAY['account_id']
                   ELSE '{}'::text[] END AS cols,
              -- this migration's own rows keep their actor (the system) in the log
              CASE WHEN l.txid <> txid_current() THEN l.actor_id END AS actor_id,
              CASE WHEN l.txid <> txid_current() THEN l.client_addr END AS client_addr) s
 WHERE (l.txid, l.request_id) IN (
           SELECT r.txid, r.request_id FROM audit.log r
            WHERE r.table_name = 'rq.evaluations' AND r.operation IN ('INSERT', 'UPDATE')
              AND (r.new_row ->> 'anonymous' = 'true' OR r.old_row ->> 'anonymous' = 'true'))
    OR (l.txid = txid_current() AND l.table_name = 'rq.case_events');

ALTER TABLE audit.log DISABLE TRIGGER USER;

-- Every row of audit.sealed is one of the above (the table is new).
UPDATE audit.log l
   SET actor_id = CASE WHEN l.txid = txid_current() THEN l.actor_id END,
       client_addr = CASE WHEN l.txid = txid_current() THEN l.client_addr END,
       old_row = coalesce(l.old_row || (SELECT jsonb_object_agg(k, '[sealed]'::text)
                                          FROM jsonb_object_keys(s.old_values) k), l.old_row),
       new_row = coalesce(l.new_row || (SELECT jsonb_object_agg(k, '[sealed]'::text)
                                          FROM jsonb_object_keys(s.new_values) k), l.new_row)
  FROM audit.sealed s
 WHERE s.log_id = l.id;

ALTER TABLE audit.log ENABLE TRIGGER USER;

INSERT INTO audit.log (table_name, operation, new_row, actor_kind, actor_id, actor_role,
                       request_id, client_addr)
SELECT 'audit.log', 'MAINTENANCE',
       jsonb_build_object('action', 'seal_anonymous_ratings', 'migration', '0021',
                          'sealed', (SELECT count(*) FROM audit.sealed),
                          'session_user', session_user),
       nullif(current_setting('rq.actor_kind', true), ''),
       nullif(current_setting('rq.actor_id', true), ''),
       nullif(current_setting('rq.actor_role', true), ''),
       nullif(current_setting('rq.request_id', true), ''),
       nullif(current_setting('rq.client_addr', true), '')
 WHERE EXISTS (SELECT 1 FROM audit.sealed);
