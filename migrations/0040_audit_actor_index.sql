-- migrations/0040_audit_actor_index.sql — "everything this actor did" in the portal's audit
-- viewer (GET /api/v1/admin/audit?actor_kind=&actor_id=, app/admin/sql/audit.sql), newest
-- first: without it a search for a rare actor reads audit.log backwards to its start.
-- The other searches have theirs since the baseline (table and row, request id, time).
CREATE INDEX log_actor_idx ON audit.log (actor_kind, actor_id, id);
