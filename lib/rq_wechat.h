/* The WeChat server API, at a configurable base URL (tests run a local fake). */
#ifndef RQ_WECHAT_H
#define RQ_WECHAT_H

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
				       struct rq_wx_session *out);

#endif
