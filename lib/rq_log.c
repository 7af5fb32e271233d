#include "rq_log.h"

#include "rq_http.h"
#include "rq_router.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

static const char *log_family = "ruqima";
static char log_request_id[128];

void rq_log_init(const char *family)
{
	log_family = family;
}

void rq_log_set_request(const char *request_id)
{
	snprintf(log_request_id, sizeof(log_request_id), "%s",
		 request_id != NULL ? request_id : "");
}

static cJSON *line_start(const char *level)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	struct tm tm;
	gmtime_r(&tv.tv_sec, &tm);
	char ts[40];
	size_t n = strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts + n, sizeof(ts) - n, ".%03dZ", (int)(tv.tv_usec / 1000));
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "time", ts);
	cJSON_AddStringToObject(o, "level", level);
	cJSON_AddStringToObject(o, "family", log_family);
	cJSON_AddNumberToObject(o, "pid", (double)getpid());
	return o;
}

static void line_emit(cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);
	if (s != NULL) {
		/* One write per line so that the workers' lines never interleave. */
		fprintf(stderr, "%s\n", s);
		fflush(stderr);
		cJSON_free(s);
	}
	cJSON_Delete(o);
}

void rq_log_event(const char *level, const char *msg, const char *detail)
{
	cJSON *o = line_start(level);
	if (log_request_id[0] != '\0')
		cJSON_AddStringToObject(o, "request_id", log_request_id);
	cJSON_AddStringToObject(o, "msg", msg);
	if (detail != NULL)
		cJSON_AddStringToObject(o, "detail", detail);
	line_emit(o);
}

void rq_log_request(const struct rq_req *req, const struct rq_resp *resp, double duration_ms)
{
	cJSON *o = line_start(resp->status >= 500 ? "error" : "info");
	cJSON_AddStringToObject(o, "request_id", req->request_id != NULL ? req->request_id : "");
	cJSON_AddStringToObject(o, "method", req->method != NULL ? req->method : "");
	cJSON_AddStringToObject(o, "route", req->route != NULL ? req->route->pattern : req->path);
	cJSON_AddNumberToObject(o, "status", resp->status);
	cJSON_AddNumberToObject(o, "duration_ms", (double)(long)(duration_ms * 1000) / 1000.0);
	const char *kind = req->actor.kind != NULL ? req->actor.kind : "anonymous";
	char actor[96];
	snprintf(actor, sizeof(actor), "%s%s%s", kind, req->actor.id != NULL ? ":" : "",
		 req->actor.id != NULL ? req->actor.id : "");
	cJSON_AddStringToObject(o, "actor", actor);
	cJSON_AddStringToObject(o, "client", req->client_addr != NULL ? req->client_addr : "");
	line_emit(o);
}
