/* Structured logging: one JSON object per line on stderr. */
#ifndef RQ_LOG_H
#define RQ_LOG_H

struct rq_req;
struct rq_resp;

/* Names the process in every line ("registration", "cli"). */
void rq_log_init(const char *family);
/* The request whose id later event lines carry; NULL between requests. */
void rq_log_set_request(const char *request_id);
/* An event line: level ("info", "warn", "error"), message, optional detail. Detail goes to
 * operators only; never pass secrets (tokens, passwords, session keys). */
void rq_log_event(const char *level, const char *msg, const char *detail);
/* The one access line per request: time, request id, family, method, route, status,
 * duration, actor. */
void rq_log_request(const struct rq_req *req, const struct rq_resp *resp, double duration_ms);

#endif
