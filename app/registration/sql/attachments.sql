-- app/registration/sql/attachments.sql — credential photos uploaded by officials (app/registration/attachments.c).
--
-- A definition file: the one current text of these objects, re-applied by
-- `ruqima migrate` whenever this file changes (README, Architecture). Keep it idempotent.

-- Records an uploaded photo of the acting account (the bytes are stored under their SHA-256
-- by the handler once this answered). Answers (rq.outcome):
--   ok                data: the 201 body {id, content_type, size_bytes, sha256, created_at}
--   attachment-quota  the account uploaded p_daily_max photos in the last 24 hours
--                     (args: p_daily_max)
CREATE OR REPLACE FUNCTION rq.attachment_add(p_sha256 text, p_content_type text, p_size int,
                                  p_daily_max int)
RETURNS rq.outcome
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rq, pg_temp AS $$
DECLARE
    v_account bigint := rq.current_account_id();
    a         rq.attachments%ROWTYPE;
BEGIN
    IF v_account IS NULL THEN
        RAISE EXCEPTION 'attachments are uploaded by mini-program accounts only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('attachments/' || v_account, 14));
    IF (SELECT count(*) FROM rq.attachments x
         WHERE x.account_id = v_account AND x.created_at > now() - interval '24 hours')
       >= p_daily_max THEN
        RETURN rq.refusal('attachment-quota', p_daily_max::text);
    END IF;
    INSERT INTO rq.attachments (account_id, sha256, content_type, size_bytes)
    VALUES (v_account, p_sha256, p_content_type, p_size)
    RETURNING * INTO a;
    RETURN rq.ok(jsonb_build_object('id', a.id::text, 'content_type', a.content_type,
                                    'size_bytes', a.size_bytes, 'sha256', a.sha256,
                                    'created_at', a.created_at));
END
$$;
GRANT EXECUTE ON FUNCTION rq.attachment_add(text,text,integer,integer) TO ruqima_registration;
