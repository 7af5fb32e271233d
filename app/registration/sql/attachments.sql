-- app/registration/sql/attachments.sql — credential photos uploaded by officials (app/registration/attachments.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- Records an uploaded photo of the acting account (the bytes are already stored under
-- their SHA-256 by the handler). Returns the new id, or NULL when the account has
-- uploaded p_daily_max photos in the last 24 hours (the handler answers 429).
CREATE OR REPLACE FUNCTION rq.attachment_add(p_sha256 text, p_content_type text, p_size int,
                                  p_daily_max int)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = rq, pg_temp
AS $$
DECLARE
    v_account bigint := rq.current_account_id();
    v_id      bigint;
BEGIN
    IF v_account IS NULL THEN
        RAISE EXCEPTION 'attachments are uploaded by mini-program accounts only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('attachments/' || v_account, 14));
    IF (SELECT count(*) FROM rq.attachments a
         WHERE a.account_id = v_account AND a.created_at > now() - interval '24 hours')
       >= p_daily_max THEN
        RETURN NULL;
    END IF;
    INSERT INTO rq.attachments (account_id, sha256, content_type, size_bytes)
    VALUES (v_account, p_sha256, p_content_type, p_size)
    RETURNING id INTO v_id;
    RETURN v_id;
END
$$;
GRANT EXECUTE ON FUNCTION rq.attachment_add(text,text,integer,integer) TO ruqima_app;
