/* The WeChat server API, at a configurable base URL (tests run a local fake). */
#ifndef RQ_WECHAT_H
#define RQ_WECHAT_H

#include "rq_attr.h"

#include <stddef.h>

struct rq_config;

enum rq_wx_status {
	RQ_WX_OK,
	RQ_WX_INVALID_CODE, /* 40029, 40163: the code is bad or used; never retried */
	RQ_WX_RATE_LIMITED, /* 45011 */
	RQ_WX_BLOCKED,	    /* 40226: high-risk user */
	RQ_WX_BUSY,	    /* -1 on every attempt */
	RQ_WX_UNREACHABLE,  /* network failure or a non-JSON answer */
	RQ_WX_ERROR,	    /* any other errcode (bad appid/secret...) */
};

struct rq_wx_session {
	char openid[513];  /* 128 characters of UTF-8 at most, like rq.accounts.openid */
	char unionid[513]; /* "" when WeChat gives none */
	long errcode;	   /* WeChat's errcode when not RQ_WX_OK, else 0 */
};

/* Exchanges a wx.login code for the user's openid (jscode2session). Retries WeChat's
 * "busy" answer with back-off (3 attempts). The session_key in the answer is discarded:
 * it never leaves this function. */
enum rq_wx_status rq_wx_jscode2session(const struct rq_config *cfg, const char *code,
				       struct rq_wx_session *out) RQ_MUST_USE;

/* What became of one subscribe message. */
enum rq_wx_send_status {
	RQ_WX_SENT,	    /* errcode 0 */
	RQ_WX_SEND_RETRY,   /* -1 busy, 45009 rate limit, no access token, network failure,
			     * HTTP 5xx: not delivered, try again later */
	RQ_WX_SEND_REFUSED, /* 43101: the user refused, or has no subscription left */
	RQ_WX_SEND_FAILED,  /* any other answer (bad template, bad data...): never retried */
};

/* One keyword of a subscribe message template. The key's type prefix says how the value
 * is fitted to WeChat's limits (rq_wx_field_value). */
struct rq_wx_field {
	const char *key; /* "thing1", "time5", ... */
	const char *value;
};

struct rq_wx_message {
	const char *touser; /* the recipient's openid */
	const char *template_id;
	const char *page; /* the mini-program page the message opens, with its query */
	const struct rq_wx_field *fields;
	size_t nfields;
};

enum { RQ_WX_THING_MAX = 20 }; /* characters of a `thing` value */

/* Fits value to the limits of key's type into out (cap bytes): `thingN` is cut to
 * RQ_WX_THING_MAX characters (whole UTF-8 characters; control characters become spaces);
 * `timeN` takes a timestamp "YYYY-MM-DD[T ]HH:MM..." (as PostgreSQL or RFC 3339 write it,
 * in the zone it is written in) to "YYYY-MM-DD HH:MM"; other types pass unchanged. Returns
 * 0, or -1 when a time is not a timestamp or the value does not fit into out. */
int rq_wx_field_value(const char *key, const char *value, char *out, size_t cap) RQ_MUST_USE;

/* Sends a subscribe message (message/subscribe/send). The access token (cgi-bin/token) is
 * fetched on first use and kept in the process until 5 minutes before it expires; an
 * answer 40001/42001 (token invalid or expired) fetches a new one and sends once more.
 * Anything but RQ_WX_SENT leaves a reason for operators in detail (cap bytes): WeChat's
 * errcode and errmsg, the HTTP status or the network error, never the token or secret. */
enum rq_wx_send_status rq_wx_subscribe_send(const struct rq_config *cfg,
					    const struct rq_wx_message *m, char *detail,
					    size_t cap) RQ_MUST_USE;

#endif
