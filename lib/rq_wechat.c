#include "rq_wechat.h"

#include "rq_config.h"
#include "rq_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

enum { WX_MAX_ANSWER = 65536, WX_ATTEMPTS = 3 };

struct answer {
	char buf[WX_MAX_ANSWER + 1];
	size_t len;
	int too_big;
};

static size_t collect(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct answer *a = ctx;
	size_t n = size * nmemb;
	if (a->len + n > WX_MAX_ANSWER) {
		a->too_big = 1;
		return 0; /* aborts the transfer */
	}
	memcpy(a->buf + a->len, data, n);
	a->len += n;
	a->buf[a->len] = '\0';
	return n;
}

/* GETs url into a; returns 0 when an HTTP 200 answer arrived. */
static int http_get(const char *url, struct answer *a)
{
	CURL *c = curl_easy_init();
	if (c == NULL)
		return -1;
	a->len = 0;
	a->too_big = 0;
	a->buf[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		rq_log_event("error", "WeChat API unreachable", curl_easy_strerror(rc));
		return -1;
	}
	return status == 200 ? 0 : -1;
}

static void copy_member(cJSON *o, const char *name, char *out, size_t cap)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	out[0] = '\0';
	if (cJSON_IsString(v) && v->valuestring != NULL && strlen(v->valuestring) < cap)
		memcpy(out, v->valuestring, strlen(v->valuestring) + 1);
}

/* One call; the answer is classified, the session_key dropped with the parsed JSON. */
static enum rq_wx_status call_once(const char *url, struct rq_wx_session *out)
{
	static struct answer a;
	if (http_get(url, &a) != 0)
		return RQ_WX_UNREACHABLE;
	cJSON *o = cJSON_Parse(a.buf);
	if (o == NULL)
		return RQ_WX_UNREACHABLE;
	cJSON *err = cJSON_GetObjectItemCaseSensitive(o, "errcode");
	long errcode = cJSON_IsNumber(err) ? (long)err->valuedouble : 0;
	enum rq_wx_status st = RQ_WX_OK;
	if (errcode == 0) {
		copy_member(o, "openid", out->openid, sizeof(out->openid));
		copy_member(o, "unionid", out->unionid, sizeof(out->unionid));
		if (out->openid[0] == '\0') {
			rq_log_event("error", "WeChat jscode2session answer has no usable openid",
				     NULL);
			st = RQ_WX_ERROR;
		}
	} else if (errcode == 40029 || errcode == 40163) {
		st = RQ_WX_INVALID_CODE;
	} else if (errcode == 45011) {
		st = RQ_WX_RATE_LIMITED;
	} else if (errcode == 40226) {
		st = RQ_WX_BLOCKED;
	} else if (errcode == -1) {
		st = RQ_WX_BUSY;
	} else {
		st = RQ_WX_ERROR;
		char detail[64];
		snprintf(detail, sizeof(detail), "errcode %ld", errcode);
		rq_log_event("error", "WeChat jscode2session refused", detail);
	}
	out->errcode = errcode;
	cJSON_Delete(o);
	/* Wipe the answer: it held the session_key. */
	memset(a.buf, 0, a.len);
	return st;
}

enum rq_wx_status rq_wx_jscode2session(const struct rq_config *cfg, const char *code,
				       struct rq_wx_session *out)
{
	memset(out, 0, sizeof(*out));
	CURL *c = curl_easy_init();
	if (c == NULL)
		return RQ_WX_UNREACHABLE;
	char *appid = curl_easy_escape(c, cfg->wx_appid, 0);
	char *secret = curl_easy_escape(c, cfg->wx_secret, 0);
	char *js_code = curl_easy_escape(c, code, 0);
	char *url = NULL;
	enum rq_wx_status st = RQ_WX_UNREACHABLE;
	if (appid != NULL && secret != NULL && js_code != NULL) {
		size_t n = strlen(cfg->wx_base_url) + strlen(appid) + strlen(secret) +
			   strlen(js_code) + 128;
		url = malloc(n);
		if (url != NULL)
			snprintf(url, n,
				 "%s/sns/jscode2session?appid=%s&secret=%s&js_code=%s"
				 "&grant_type=authorization_code",
				 cfg->wx_base_url, appid, secret, js_code);
	}
	for (int attempt = 0; url != NULL && attempt < WX_ATTEMPTS; attempt++) {
		if (attempt > 0) {
			/* WeChat asks callers to back off when busy: 200 ms, then 400 ms. */
			struct timespec ts = {0, 200000000L << (attempt - 1)};
			nanosleep(&ts, NULL);
		}
		st = call_once(url, out);
		if (st != RQ_WX_BUSY)
			break;
	}
	if (url != NULL) {
		memset(url, 0, strlen(url)); /* it carries the app secret */
		free(url);
	}
	curl_free(appid);
	curl_free(secret);
	curl_free(js_code);
	curl_easy_cleanup(c);
	return st;
}
