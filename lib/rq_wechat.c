#include "rq_wechat.h"

#include "rq_clock.h"
#include "rq_config.h"
#include "rq_http.h"
#include "rq_log.h"

#include <stdbool.h>
#include <stdint.h>
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

/* GETs url (body NULL) or POSTs body as JSON to it, collecting the answer into a. Returns
 * the HTTP status, or -1 when no answer arrived (network failure, answer too big). */
static long http_call(const char *url, const char *body, struct answer *a)
{
	CURL *c = curl_easy_init();
	if (c == NULL)
		return -1;
	a->len = 0;
	a->too_big = 0;
	a->buf[0] = '\0';
	struct curl_slist *headers = NULL;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
	if (body != NULL) {
		headers = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	}
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	curl_slist_free_all(headers);
	if (rc != CURLE_OK) {
		rq_log_event("error", "WeChat API unreachable", curl_easy_strerror(rc));
		return -1;
	}
	return status;
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
	if (http_call(url, NULL, &a) != 200)
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

/* --- subscribe messages ------------------------------------------------------------- */

enum { TOKEN_MARGIN = 300 }; /* seconds before expires_in that a token is fetched anew */

/* The access token of this process: one per appid, valid for expires_in seconds. */
static struct {
	char value[513];
	time_t valid_until; /* CLOCK_MONOTONIC seconds */
} wx_token;

/* The text of WeChat's errmsg, for operators: printable ASCII only, at most 80 bytes. */
static void describe(cJSON *o, long errcode, const char *what, char *detail, size_t cap)
{
	char msg[81] = "";
	cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "errmsg");
	size_t n = 0;
	for (const char *p = cJSON_IsString(m) ? m->valuestring : ""; *p != '\0' && n < 80; p++)
		msg[n++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
	msg[n] = '\0';
	snprintf(detail, cap, "%s: errcode %ld%s%s", what, errcode, n > 0 ? " " : "", msg);
}

static long errcode_of(cJSON *o)
{
	cJSON *err = cJSON_GetObjectItemCaseSensitive(o, "errcode");
	return cJSON_IsNumber(err) ? (long)err->valuedouble : 0;
}

/* Fetches a new access token into wx_token. Returns 0, or -1 with the reason in detail. */
static int token_fetch(const struct rq_config *cfg, char *detail, size_t cap)
{
	static struct answer a;
	wx_token.value[0] = '\0';
	wx_token.valid_until = 0;
	CURL *c = curl_easy_init();
	char *appid = c != NULL ? curl_easy_escape(c, cfg->wx_appid, 0) : NULL;
	char *secret = c != NULL ? curl_easy_escape(c, cfg->wx_secret, 0) : NULL;
	char *url = NULL;
	long status = -1;
	if (appid != NULL && secret != NULL) {
		size_t n = strlen(cfg->wx_base_url) + strlen(appid) + strlen(secret) + 96;
		url = malloc(n);
		if (url != NULL) {
			snprintf(url, n,
				 "%s/cgi-bin/token?grant_type=client_credential&appid=%s&secret=%s",
				 cfg->wx_base_url, appid, secret);
			status = http_call(url, NULL, &a);
			memset(url, 0, strlen(url)); /* it carries the app secret */
			free(url);
		}
	}
	curl_free(appid);
	curl_free(secret);
	curl_easy_cleanup(c);
	if (status < 0) {
		snprintf(detail, cap, "access token: WeChat API unreachable");
		return -1;
	}
	if (status != 200) {
		snprintf(detail, cap, "access token: HTTP %ld", status);
		return -1;
	}
	cJSON *o = cJSON_Parse(a.buf);
	cJSON *tok = cJSON_GetObjectItemCaseSensitive(o, "access_token");
	cJSON *exp = cJSON_GetObjectItemCaseSensitive(o, "expires_in");
	int rc = -1;
	if (cJSON_IsString(tok) && tok->valuestring[0] != '\0' &&
	    strlen(tok->valuestring) < sizeof(wx_token.value) && cJSON_IsNumber(exp) &&
	    exp->valuedouble > 0 && exp->valuedouble < 1e7) {
		long secs = (long)exp->valuedouble;
		memcpy(wx_token.value, tok->valuestring, strlen(tok->valuestring) + 1);
		wx_token.valid_until = (time_t)rq_clock_mono() +
				       (secs > 2 * TOKEN_MARGIN ? secs - TOKEN_MARGIN : secs / 2);
		rc = 0;
	} else {
		describe(o, errcode_of(o), "access token", detail, cap);
	}
	cJSON_Delete(o);
	memset(a.buf, 0, a.len); /* it held the token */
	return rc;
}

/* POSTs body with the current token. Returns the HTTP status or -1; the answer in a. */
static long send_with_token(const struct rq_config *cfg, const char *body, struct answer *a)
{
	CURL *c = curl_easy_init();
	char *token = c != NULL ? curl_easy_escape(c, wx_token.value, 0) : NULL;
	long status = -1;
	if (token != NULL) {
		size_t n = strlen(cfg->wx_base_url) + strlen(token) + 64;
		char *url = malloc(n);
		if (url != NULL) {
			snprintf(url, n, "%s/cgi-bin/message/subscribe/send?access_token=%s",
				 cfg->wx_base_url, token);
			status = http_call(url, body, a);
			memset(url, 0, strlen(url));
			free(url);
		}
	}
	curl_free(token);
	curl_easy_cleanup(c);
	return status;
}

int rq_wx_field_value(const char *key, const char *value, char *out, size_t cap)
{
	size_t len = strlen(value);
	if (strncmp(key, "thing", 5) == 0) {
		const unsigned char *p = (const unsigned char *)value;
		size_t i = 0, o = 0;
		for (int chars = 0; i < len && chars < RQ_WX_THING_MAX; chars++) {
			uint32_t cp;
			size_t n = rq_utf8_next(p + i, len - i, &cp);
			if (n == 0)
				break; /* malformed: keep what came before */
			if (o + n >= cap)
				return -1;
			if (cp < 0x20 || cp == 0x7f) {
				out[o++] = ' ';
			} else {
				memcpy(out + o, p + i, n);
				o += n;
			}
			i += n;
		}
		out[o] = '\0';
		return 0;
	}
	if (strncmp(key, "time", 4) == 0) {
		static const char shape[] = "dddd-dd-ddTdd:dd";
		bool ok = len >= 16 && cap > 16;
		for (size_t i = 0; ok && i < 16; i++) {
			char c = value[i];
			ok = shape[i] == 'd'   ? (c >= '0' && c <= '9')
			     : shape[i] == 'T' ? (c == 'T' || c == ' ')
					       : c == shape[i];
		}
		if (!ok)
			return -1;
		memcpy(out, value, 16);
		out[10] = ' ';
		out[16] = '\0';
		return 0;
	}
	if (len >= cap)
		return -1;
	memcpy(out, value, len + 1);
	return 0;
}

/* The JSON body of m (free with cJSON_free), or NULL with the reason in detail. */
static char *message_body(const struct rq_wx_message *m, char *detail, size_t cap)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *data = o != NULL ? cJSON_AddObjectToObject(o, "data") : NULL;
	char *body = NULL;
	if (data == NULL || !cJSON_AddStringToObject(o, "touser", m->touser) ||
	    !cJSON_AddStringToObject(o, "template_id", m->template_id) ||
	    !cJSON_AddStringToObject(o, "page", m->page))
		goto out;
	for (size_t i = 0; i < m->nfields; i++) {
		char v[512];
		if (rq_wx_field_value(m->fields[i].key, m->fields[i].value, v, sizeof(v)) != 0) {
			snprintf(detail, cap, "field %s: not a value WeChat accepts",
				 m->fields[i].key);
			goto out;
		}
		cJSON *f = cJSON_AddObjectToObject(data, m->fields[i].key);
		if (f == NULL || !cJSON_AddStringToObject(f, "value", v))
			goto out;
	}
	body = cJSON_PrintUnformatted(o);
out:
	if (body == NULL && detail[0] == '\0')
		snprintf(detail, cap, "out of memory");
	cJSON_Delete(o);
	return body;
}

enum rq_wx_send_status rq_wx_subscribe_send(const struct rq_config *cfg,
					    const struct rq_wx_message *m, char *detail, size_t cap)
{
	static struct answer a;
	detail[0] = '\0';
	char *body = message_body(m, detail, cap);
	if (body == NULL)
		return RQ_WX_SEND_FAILED;
	enum rq_wx_send_status st = RQ_WX_SEND_FAILED;
	for (int attempt = 0; attempt < 2; attempt++) {
		if (wx_token.value[0] == '\0' || (time_t)rq_clock_mono() >= wx_token.valid_until) {
			if (token_fetch(cfg, detail, cap) != 0) {
				st = RQ_WX_SEND_RETRY; /* not sent: the message itself was not
							  refused */
				break;
			}
		}
		long status = send_with_token(cfg, body, &a);
		if (status < 0 || status >= 500) {
			if (status < 0)
				snprintf(detail, cap, "WeChat API unreachable");
			else
				snprintf(detail, cap, "HTTP %ld", status);
			st = RQ_WX_SEND_RETRY;
			break;
		}
		cJSON *o = status == 200 ? cJSON_Parse(a.buf) : NULL;
		if (o == NULL) {
			/* Delivered or not, nobody can say: better one lost than two. */
			snprintf(detail, cap, "HTTP %ld without a WeChat answer", status);
			break;
		}
		long errcode = errcode_of(o);
		if (errcode == 0)
			st = RQ_WX_SENT;
		else if (errcode == 43101)
			st = RQ_WX_SEND_REFUSED;
		else if (errcode == -1 || errcode == 45009)
			st = RQ_WX_SEND_RETRY;
		if (errcode != 0)
			describe(o, errcode, "subscribe send", detail, cap);
		cJSON_Delete(o);
		if ((errcode == 40001 || errcode == 42001) && attempt == 0) {
			wx_token.value[0] = '\0'; /* revoked or expired early: fetch a new one */
			continue;
		}
		break;
	}
	cJSON_free(body);
	return st;
}
