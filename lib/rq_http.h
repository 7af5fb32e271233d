/* Requests and responses, independent of FastCGI so handlers can be unit-tested. */
#ifndef RQ_HTTP_H
#define RQ_HTTP_H

#include "rq_attr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "rq_arena.h"

struct rq_config;
struct rq_db;
struct rq_route;

enum { RQ_MAX_PARAMS = 8, RQ_MAX_HEADERS = 16 };

/* Who is asking; filled by rq_auth after the session is resolved. */
struct rq_actor {
	const char *kind;	   /* "anonymous", "account" or "admin" */
	const char *id;		   /* account or admin user id, as text; NULL when anonymous */
	const char *role;	   /* "account" or the admin role */
	const char *county;	   /* admin scope, or NULL */
	const char *unit;	   /* admin scope, or NULL */
	bool via_cookie;	   /* portal session: state-changing requests need the CSRF token */
	bool csrf_ok;		   /* the X-CSRF-Token header matched the session's */
	const char *session_token; /* to end the session at logout; never logged */
	const char *session_proof; /* rq.actor_session of the session lookup, for the request's
				    * later transactions (lib/rq_db.c); never logged */
};

/* Writes n bytes of a streamed answer to the client; returns 0, or -1 when the connection
 * is gone. */
typedef int (*rq_body_writer)(void *ctx, const char *buf, size_t n);

struct rq_req {
	struct rq_arena *arena;
	const struct rq_config *cfg;
	struct rq_db *db;
	struct rq_db *stats_db; /* statistics reads (RQ_STMT_STATS); NULL: db */
	const char *family;
	const char *method;
	const char *path;
	const char *query;	  /* raw, without '?'; "" when absent */
	const char *content_type; /* "" when absent */
	const char *request_id;
	const char *client_addr;
	const char *body; /* NUL-terminated copy; body_len bytes */
	size_t body_len;
	char **env; /* CGI-style NAME=value list, valid for the request only */
	const struct rq_route *route;
	const char *params[RQ_MAX_PARAMS]; /* {id} path segments, in order */
	size_t nparams;
	const char **in; /* the route's declared inputs as checked (rq_input_check), by index */
	cJSON *json;	 /* the parsed body, for routes that take JSON */
	struct rq_actor actor;
	bool tx_open;	      /* a transaction with the actor context is running */
	bool commit_on_error; /* keep the writes of a 4xx answer (e.g. failed-login count) */
	bool stats_lost;      /* the statistics connection was unreachable (a replica down) */
	/* where a streamed answer goes (rq_resp_stream_begin): set by the server, NULL in unit
	 * tests (which then cannot stream) */
	rq_body_writer write;
	void *write_ctx;
};

struct rq_resp {
	int status;
	const char *content_type;
	const char *body;
	size_t body_len;
	const char *header_names[RQ_MAX_HEADERS];
	const char *header_values[RQ_MAX_HEADERS];
	size_t nheaders;
	/* a streamed answer: its status and headers went out (rq_resp_stream_begin) and
	 * streamed_bytes of body after them; the server sends nothing more. aborted: it broke
	 * off, and the server drops the connection rather than end the answer as if whole. */
	bool streamed, aborted;
	size_t streamed_bytes;
};

/* Outcome of reading the request line and body from the server. */
enum rq_parse_status {
	RQ_PARSE_OK = 0,
	RQ_PARSE_BAD_LENGTH, /* CONTENT_LENGTH not a number */
	RQ_PARSE_TOO_LARGE,  /* CONTENT_LENGTH above the configured cap */
	RQ_PARSE_SHORT_BODY, /* fewer bytes than CONTENT_LENGTH arrived */
};

/* Reads up to n bytes into buf; returns the count read (0 at end). */
typedef size_t (*rq_body_reader)(void *ctx, char *buf, size_t n);

/* Fills req from a CGI environment and a body reader. All strings are arena copies.
 * Never fails on a missing variable: absent ones read as "" (or "GET", "/"). */
enum rq_parse_status rq_req_parse(struct rq_req *req, struct rq_arena *arena, char **env,
				  long max_body, rq_body_reader read, void *ctx) RQ_MUST_USE;

/* The value of an environment variable of the request, or NULL. */
const char *rq_req_env(const struct rq_req *req, const char *name);
/* A request header by its HTTP name ("Authorization"), or NULL. */
const char *rq_req_header(const struct rq_req *req, const char *name);
/* A query parameter, percent-decoded into the arena, or NULL when absent. */
const char *rq_req_query(const struct rq_req *req, const char *key);
/* A cookie value, or NULL. */
const char *rq_req_cookie(const struct rq_req *req, const char *name);

/* Adds a response header; name and value must live as long as the response (arena).
 * A "Cache-Control" header replaces the default "Cache-Control: no-store". */
void rq_resp_header(struct rq_resp *resp, const char *name, const char *value);
/* Answers 200 with no body and X-Accel-Redirect: /_protected/<path>: nginx then sends the
 * file uploads/<path> of the state directory itself (location /_protected/, internal) with
 * this Content-Type. path is built from checked parts, never taken from the client. */
void rq_resp_protected_file(struct rq_req *req, struct rq_resp *resp, const char *content_type,
			    const char *path);
/* Streams the answer: sends resp's status (200 unless set) and headers now, without a
 * Content-Length, after which the handler writes the body with rq_resp_stream_write (a
 * body of any size in constant memory). Returns 0, or -1 when the request cannot stream
 * (no writer: unit tests) or the client is gone. */
int rq_resp_stream_begin(struct rq_req *req, struct rq_resp *resp) RQ_MUST_USE;
/* Writes n bytes of the streamed body (nothing for HEAD). Returns 0, or -1 when the client
 * is gone (the handler then stops). */
int rq_resp_stream_write(struct rq_req *req, struct rq_resp *resp, const void *buf,
			 size_t n) RQ_MUST_USE;
/* The streamed answer cannot be finished (the query failed after its first rows): logs why
 * and marks it aborted, so that the client sees a broken download, never a short file that
 * looks whole. */
void rq_resp_stream_abort(struct rq_req *req, struct rq_resp *resp, const char *why);
/* rq_resp_protected_file of uploads/<dir>/<name> as a download (Content-Disposition:
 * attachment; filename="<name>"); name is a plain file name, never the client's. */
void rq_resp_protected_download(struct rq_req *req, struct rq_resp *resp, const char *content_type,
				const char *dir, const char *name);
/* Sets status and a JSON body; takes ownership of obj (deleted here). */
void rq_resp_json(struct rq_req *req, struct rq_resp *resp, int status, cJSON *obj);

/* RFC 9457 problem responses. `slug` names the problem type (/problems/<slug>). */
void rq_problem(struct rq_req *req, struct rq_resp *resp, int status, const char *slug,
		const char *title, const char *detail);
/* 422 with errors: [{field, message}]; takes ownership of errors (a cJSON array). */
void rq_problem_invalid(struct rq_req *req, struct rq_resp *resp, cJSON *errors);
/* When errors (a cJSON array, owned from here on) holds anything, answers 422 with it as
 * rq_problem_invalid does and returns true; otherwise deletes it and returns false. */
bool rq_problem_if_invalid(struct rq_req *req, struct rq_resp *resp, cJSON *errors) RQ_MUST_USE;
/* A problem with an errors list [{field, message}] (omitted when empty); takes ownership of
 * errors (may be NULL). */
void rq_problem_errors(struct rq_req *req, struct rq_resp *resp, int status, const char *slug,
		       const char *title, const char *detail, cJSON *errors);
/* rq_problem_errors with the members of object members (owned from here on; may be NULL)
 * added to the problem, e.g. allowed_actions. */
void rq_problem_members(struct rq_req *req, struct rq_resp *resp, int status, const char *slug,
			const char *title, const char *detail, cJSON *errors, cJSON *members);
/* 400 with a single {field, message}: malformed input in one field. */
void rq_problem_field(struct rq_req *req, struct rq_resp *resp, int status, const char *field,
		      const char *message);
/* 500 with a fixed detail for the client; why (if not NULL) goes to the log only. */
void rq_problem_internal(struct rq_req *req, struct rq_resp *resp, const char *why);
/* 503 with Retry-After: the database cannot be reached right now. */
void rq_problem_unavailable(struct rq_req *req, struct rq_resp *resp, int retry_after);

/* Client-facing texts are Chinese (detail and errors[].message; app/DESIGN.md §9). The
 * message of a required member that is absent: */
#define RQ_MSG_REQUIRED "必须填写"
/* The detail of a 404 for a path no route matches. */
#define RQ_MSG_NO_ENDPOINT "接口不存在"

/* Validation error list helpers. */
cJSON *rq_errors_new(void) RQ_MUST_USE;
void rq_errors_add(cJSON *errors, const char *field, const char *message);

/* Reads a required or optional string member of the JSON body, checking type, UTF-8
 * validity (cJSON does not), and length in characters. Returns the string, or NULL after
 * adding an error for field to errors (or NULL silently when optional and absent). */
const char *rq_json_string(cJSON *obj, const char *field, bool required, size_t min_chars,
			   size_t max_chars, cJSON *errors);
/* The message of a length outside min_chars..max_chars characters ("长度须为 1 到 200 个字符"),
 * written into buf (size bytes); returns buf. */
const char *rq_length_message(char *buf, size_t size, size_t min_chars, size_t max_chars);

/* Decodes the UTF-8 sequence at p (len bytes available) into *cp. Returns its length in
 * bytes, or 0 when it is malformed (overlong, surrogate, past U+10FFFF, truncated). */
size_t rq_utf8_next(const unsigned char *p, size_t len, uint32_t *cp) RQ_MUST_USE;
/* True when s is well-formed UTF-8 with no NUL or C0 control other than \t \n \r. */
bool rq_utf8_valid(const char *s, size_t len, size_t *chars);

/* Serialises the response as a FastCGI/CGI response (Status line, headers, body) into
 * an arena buffer. */
char *rq_resp_serialize(struct rq_req *req, const struct rq_resp *resp, size_t *len) RQ_MUST_USE;

const char *rq_http_reason(int status);

#endif
