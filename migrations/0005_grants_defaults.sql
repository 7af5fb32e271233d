-- 0005_grants_defaults.sql — what PUBLIC (every role of the cluster) gets: nothing
-- beyond connecting.
--
-- Each earlier file already revokes PUBLIC's EXECUTE on the functions it creates; this
-- file sets the defaults for everything later migrations create, sweeps once more, and
-- tightens the database and the public schema.

-- Functions are the one kind of object PostgreSQL grants to PUBLIC by default (EXECUTE).
-- From now on, objects created by the migrating role (ruqima_owner) start with no
-- PUBLIC privilege; each migration grants what ruqima_app / ruqima_report need by name.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
-- Types (CREATE TYPE, domains) are the other one (USAGE). Revoked too; USAGE on a type
-- matters only to roles that create objects using it, which the app and report roles
-- never do.
ALTER DEFAULT PRIVILEGES REVOKE USAGE ON TYPES FROM PUBLIC;

-- Sweep: no function in our schemas is executable by PUBLIC. Explicit grants to
-- ruqima_app / ruqima_report made by the earlier files are not affected.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA rq, audit FROM PUBLIC;

-- Schema public: PostgreSQL 15 already creates it without CREATE for PUBLIC; said again
-- here so that a database restored from an older dump cannot keep the old default.
-- USAGE stays: public.schema_migrations lives there and both roles read it.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- The database. PUBLIC keeps CONNECT: pg_hba.conf (local socket, scram-sha-256, our
-- three roles) is the gate, and the cluster holds no other login roles, so revoking it
-- would only add a step to every new maintenance or monitoring role. Our roles get
-- CONNECT by name anyway, so a DBA may revoke PUBLIC's without breaking anything.
-- TEMPORARY is taken from PUBLIC: the reporting role needs no temporary tables; the
-- application role keeps it (bulk imports may stage rows in a temporary table).
-- The database name is not fixed (tests use throw-away clusters), hence the DO block.
DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO ruqima_app', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO ruqima_report', current_database());
END
$$;
