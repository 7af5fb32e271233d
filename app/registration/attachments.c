#include "attachments.h"

#include "rq_attachment.h"
#include "rq_outcome.h"
#include "rq_config.h"
#include "rq_db.h"
#include "rq_image.h"
#include "rq_input.h"
#include "rq_log.h"
#include "rq_sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h> /* mkostemp */
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static struct rq_stmt st_add = RQ_STMT(
    "registration_attachment_add", "SELECT * FROM rq.attachment_add($1, $2, $3::int, $4::int)", 4);

/* The media type of the Content-Type header, without parameters, compared without case:
 * true when it is `type`. */
static bool media_type_is(const char *header, const char *type)
{
	size_t n = strlen(type);
	if (strncasecmp(header, type, n) != 0)
		return false;
	const char *rest = header + n;
	while (*rest == ' ')
		rest++;
	return *rest == '\0' || *rest == ';';
}

/* Raises 415 for another media type, 422 (body) for an empty body or one that is neither
 * JPEG nor PNG, 422 (Content-Type) when a declared image type disagrees with the bytes.
 * Returns the type, or RQ_IMAGE_NONE after answering. */
static enum rq_image_type checked_type(struct rq_req *req, struct rq_resp *resp)
{
	const char *ct = req->content_type;
	bool jpeg = media_type_is(ct, "image/jpeg"), png = media_type_is(ct, "image/png");
	if (!jpeg && !png && !media_type_is(ct, "application/octet-stream")) {
		rq_outcome_refuse(req, resp, "attachment-media-type", NULL, NULL);
		return RQ_IMAGE_NONE;
	}
	cJSON *errors = rq_errors_new();
	enum rq_image_type type = rq_image_sniff(req->body, req->body_len);
	if (req->body_len == 0)
		rq_errors_add(errors, "body", "内容为空：请上传照片本身");
	else if (type == RQ_IMAGE_NONE)
		rq_errors_add(errors, "body", "不是 JPEG 或 PNG 图片");
	else if ((jpeg && type != RQ_IMAGE_JPEG) || (png && type != RQ_IMAGE_PNG))
		rq_errors_add(errors, "Content-Type",
			      rq_printf(req->arena, "声明为 %s，但照片实际是 %s",
					jpeg ? "image/jpeg" : "image/png", rq_image_mime(type)));
	if (rq_problem_if_invalid(req, resp, errors))
		return RQ_IMAGE_NONE;
	return type;
}

/* mkdir that accepts an existing directory. Inside uploads/ (setgid, group www-data) the
 * new directory keeps that group, so nginx may read what lands in it. */
static int make_dir(const char *path)
{
	if (mkdir(path, 02750) != 0 && errno != EEXIST) {
		rq_log_event("error", "could not create an upload directory", path);
		return -1;
	}
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Makes the rename of a new file in dir durable. */
static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* Stores the bytes as <uploads>/attachments/<sha[0:2]>/<sha>, 0640: a temporary file in
 * the same directory, fsync'd, then renamed into place, so the name never shows a partial
 * file. A file already under that name has these very bytes and is kept. Returns 0, or -1
 * (logged). */
static int store(struct rq_req *req, const char *sha, const char *data, size_t len)
{
	const char *top = rq_printf(req->arena, "%s/uploads/attachments", req->cfg->state_dir);
	const char *dir = rq_printf(req->arena, "%s/%.2s", top, sha);
	const char *path = rq_printf(req->arena, "%s/%s", dir, sha);
	if (make_dir(top) != 0 || make_dir(dir) != 0)
		return -1;
	if (access(path, F_OK) == 0)
		return 0;
	char *tmp = rq_printf(req->arena, "%s/.%s.XXXXXX", dir, sha);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rq_log_event("error", "could not create an upload file", strerror(errno));
		return -1;
	}
	int rc = fchmod(fd, 0640) == 0 && write_all(fd, data, len) == 0 && fsync(fd) == 0 ? 0 : -1;
	int err = errno;
	if (close(fd) != 0 && rc == 0) {
		rc = -1;
		err = errno;
	}
	if (rc == 0 && rename(tmp, path) != 0) {
		rc = -1;
		err = errno;
	}
	if (rc != 0) {
		unlink(tmp);
		rq_log_event("error", "could not write an upload file", strerror(err));
		return -1;
	}
	if (sync_dir(dir) != 0)
		rq_log_event("warn", "could not fsync an upload directory", dir);
	return 0;
}

RQ_HANDLER(registration_attachments_create)
{
	enum rq_image_type type = checked_type(req, resp);
	if (type == RQ_IMAGE_NONE)
		return;
	char sha[RQ_SHA256_HEX_LEN + 1];
	rq_sha256_hex(req->body, req->body_len, sha);
	const char *mime = rq_image_mime(type);
	const char *size = rq_printf(req->arena, "%zu", req->body_len);
	const char *daily = rq_printf(req->arena, "%d", req->cfg->attachment_daily_max);
	const char *params[] = {sha, mime, size, daily};
	/* The row first, in the request's transaction, then the file: a failed write rolls the
	 * row back, so no row ever names a missing file. */
	const char *data;
	if (rq_outcome_row(req, resp, rq_sql(req, &st_add, params), NULL, &data) < 0)
		return;
	cJSON *o = data != NULL ? cJSON_Parse(data) : NULL;
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
	if (!cJSON_IsString(id)) {
		cJSON_Delete(o);
		rq_problem_internal(req, resp, "rq.attachment_add answered no id");
		return;
	}
	if (store(req, sha, req->body, req->body_len) != 0) {
		cJSON_Delete(o);
		rq_problem_internal(req, resp, NULL);
		return;
	}
	rq_resp_header(
	    resp, "Location",
	    rq_printf(req->arena, "/api/v1/registration/attachments/%s", id->valuestring));
	rq_resp_json(req, resp, 201, o);
}

RQ_HANDLER(registration_attachments_get)
{
	rq_attachment_send(req, resp);
}
