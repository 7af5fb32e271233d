-- 0047_family_roles.sql — each pool gets its own database role (issue 16: as ruqima_app any
-- worker could mint a city admin's session, read the password hashes and call every other
-- family's writes). ruqima_app stays the role the policies name and the family roles'
-- common ground; what it held alone is taken back here, together with what the read-only
-- reporting role held, so that the definition files, all applied again after this
-- migration, grant each privilege afresh to whom lib/sql/grants.sql and each function's
-- file say — in the same order as on a database built from empty. The family roles
-- themselves are created by the deploy scripts (deploy/lib.sh pg_roles_and_db), before
-- `ruqima migrate`.
REVOKE ALL ON ALL TABLES IN SCHEMA rq, audit, public FROM ruqima_app, ruqima_report;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA rq, audit FROM ruqima_app, ruqima_report;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA rq, audit FROM ruqima_app, ruqima_report;
REVOKE ALL ON SCHEMA rq, audit FROM ruqima_app, ruqima_report;
DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM ruqima_app', current_database());
END
$$;
