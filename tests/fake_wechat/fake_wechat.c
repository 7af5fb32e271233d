/*
 * fake-wechat: a small stand-in for WeChat's server API, for ruqima's tests.
 *
 *   fake-wechat --port P --appid A --secret S [--pidfile F]
 *
 * Plain HTTP/1.1 on 127.0.0.1:P, one request per connection, served one at a
 * time: the server under test makes a handful of calls, so simplicity beats
 * throughput. All state is in memory. The magic js_code values are described
 * over handle_jscode2session(), the magic recipients of subscribe messages over
 * handle_subscribe_send(); test hooks are GET /_calls, GET /_messages and
 * POST /_reset. The pidfile is written once the socket listens, so a test can
 * wait for it to appear before making calls.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_REQUEST	(64 * 1024) /* request line + headers + body */
#define READ_TIMEOUT_MS 5000	    /* for the whole request, so a slow client cannot stall us */
#define DRAIN_MS	1000
#define MAX_PARAMS	32

struct strlist {
	char **v;
	size_t n;
};

struct param {
	const char *name, *value;
};

/* Every pointer points into the connection's read buffer. */
struct request {
	const char *method, *path;
	struct param params[MAX_PARAMS];
	size_t nparams;
	const char *body;
	size_t body_len;
};

static volatile sig_atomic_t stop_requested;
static sigset_t unblocked; /* the mask ppoll() waits with, so SIGTERM can only land there */

static struct {
	const char *appid, *secret;
	long calls_session, calls_token, calls_send;
	unsigned long tokens_issued; /* not cleared by /_reset: see handle_reset() */
	struct strlist used_codes;   /* codes that already produced a session */
	struct strlist busy_seen;    /* busy-once codes that already failed once */
	struct strlist send_seen;    /* "-once" recipients that already failed once */
	cJSON *messages;	     /* array of the accepted subscribe messages */
} g;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* Parses all of s as a decimal number in [min, max]; returns 0, or -1. */
static int parse_long(const char *s, long min, long max, long *out)
{
	if (s == NULL || *s < '0' || *s > '9')
		return -1; /* strtol would accept spaces and signs */
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* A test uses a handful of codes, so a linear list is enough. */
static bool strlist_has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return true;
	return false;
}

static int strlist_add(struct strlist *l, const char *s)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (v == NULL)
		return -1;
	l->v = v;
	if ((l->v[l->n] = strdup(s)) == NULL)
		return -1;
	l->n++;
	return 0;
}

static void strlist_clear(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes %XX and '+' in place. Rejects broken escapes and %00 (values are C strings). */
static int url_decode(char *s)
{
	char *out = s;
	for (; *s != '\0'; s++) {
		if (*s == '%') {
			int hi = hexval(s[1]), lo = hi < 0 ? -1 : hexval(s[2]);
			if (lo < 0 || (hi == 0 && lo == 0))
				return -1;
			*out++ = (char)(hi * 16 + lo);
			s += 2;
		} else {
			*out++ = *s == '+' ? ' ' : *s;
		}
	}
	*out = '\0';
	return 0;
}

/* Splits "a=1&b=2" in place into rq->params. Returns 0, or -1 when malformed. */
static int parse_query(char *q, struct request *rq)
{
	while (q != NULL && *q != '\0') {
		char *amp = strchr(q, '&');
		if (amp != NULL)
			*amp++ = '\0';
		if (*q != '\0') {
			char *eq = strchr(q, '=');
			char *value = eq != NULL ? eq + 1 : q + strlen(q);
			if (eq != NULL)
				*eq = '\0';
			if (rq->nparams == MAX_PARAMS || url_decode(q) < 0 || url_decode(value) < 0)
				return -1;
			rq->params[rq->nparams++] = (struct param){q, value};
		}
		q = amp;
	}
	return 0;
}

/* First match wins; NULL when absent. */
static const char *param(const struct request *rq, const char *name)
{
	for (size_t i = 0; i < rq->nparams; i++)
		if (strcmp(rq->params[i].name, name) == 0)
			return rq->params[i].value;
	return NULL;
}

/*
 * Parses the head (request line and headers, NUL-terminated where the blank line
 * was) in place. Returns 0, 400 when malformed, or 413 when the announced body
 * is too large.
 */
static int parse_head(char *head, size_t head_len, struct request *rq, size_t *clen)
{
	char *line = head, *next = strstr(head, "\r\n");
	if (next != NULL)
		*next = '\0';
	char *sp1 = strchr(line, ' '), *sp2 = sp1 != NULL ? strchr(sp1 + 1, ' ') : NULL;
	if (sp1 == NULL || sp2 == NULL || sp1 == line || sp1[1] != '/' ||
	    (strcmp(sp2 + 1, "HTTP/1.1") != 0 && strcmp(sp2 + 1, "HTTP/1.0") != 0))
		return 400;
	*sp1 = *sp2 = '\0';
	rq->method = line;
	rq->path = sp1 + 1;
	char *query = strchr(sp1 + 1, '?');
	if (query != NULL)
		*query++ = '\0';
	if (parse_query(query, rq) < 0)
		return 400;

	bool have_clen = false;
	while (next != NULL) {
		line = next + 2;
		if ((next = strstr(line, "\r\n")) != NULL)
			*next = '\0';
		char *colon = strchr(line, ':');
		char *blank = strpbrk(line, " \t");
		if (colon == NULL || colon == line || (blank != NULL && blank < colon))
			return 400; /* a header name is a token: no blanks before the colon */
		*colon = '\0';
		char *value = colon + 1 + strspn(colon + 1, " \t");
		for (char *end = value + strlen(value);
		     end > value && (end[-1] == ' ' || end[-1] == '\t');)
			*--end = '\0';
		if (strcasecmp(line, "Transfer-Encoding") == 0)
			return 400; /* nobody sends us chunked bodies; refuse instead of guessing */
		if (strcasecmp(line, "Content-Length") == 0) {
			long n;
			if (have_clen || parse_long(value, 0, 1L << 40, &n) < 0)
				return 400; /* duplicates could be read two ways: refuse them */
			have_clen = true;
			*clen = (size_t)n;
		}
	}
	return *clen > MAX_REQUEST - head_len ? 413 : 0;
}

static long ms_left(const struct timespec *deadline)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* Waits until fd is readable. Returns 1, 0 on timeout, -1 on error or when asked to stop. */
static int wait_readable(int fd, const struct timespec *deadline)
{
	for (;;) {
		long ms = ms_left(deadline);
		if (ms <= 0)
			return 0;
		struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = ppoll(&p, 1, &ts, &unblocked);
		if (r > 0)
			return 1;
		if (r == 0)
			return 0;
		if (errno != EINTR || stop_requested)
			return -1;
	}
}

/*
 * Reads one request into buf (MAX_REQUEST bytes) and parses it into rq.
 * Returns 0, an HTTP status to answer (400, 408, 413), or -1 to just close.
 */
static int read_request(int fd, char *buf, struct request *rq)
{
	size_t len = 0, head_len = 0, clen = 0;
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += READ_TIMEOUT_MS / 1000;

	while (head_len == 0 || len < head_len + clen) {
		if (len == MAX_REQUEST)
			return 413; /* the head alone does not fit */
		int r = wait_readable(fd, &deadline);
		if (r <= 0)
			return r == 0 ? 408 : -1;
		ssize_t n = recv(fd, buf + len, MAX_REQUEST - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 && len > 0 ? 400 : -1; /* truncated request */
		len += (size_t)n;
		char *end = head_len == 0 ? memmem(buf, len, "\r\n\r\n", 4) : NULL;
		if (end != NULL) {
			head_len = (size_t)(end - buf) + 4;
			if (memchr(buf, '\0', head_len) != NULL)
				return 400;
			*end = '\0';
			int status = parse_head(buf, head_len, rq, &clen);
			if (status != 0)
				return status;
		}
	}
	rq->body = buf + head_len;
	rq->body_len = clen;
	return 0;
}

static cJSON *wx_error(int code, const char *msg)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "errcode", code);
	if (msg != NULL)
		cJSON_AddStringToObject(o, "errmsg", msg);
	return o;
}

static bool credentials_ok(const struct request *rq)
{
	const char *appid = param(rq, "appid"), *secret = param(rq, "secret");
	return appid != NULL && secret != NULL && strcmp(appid, g.appid) == 0 &&
	       strcmp(secret, g.secret) == 0;
}

static const char *after_prefix(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

/* 16 random bytes in base64 (24 chars ending in "=="), the shape of a real session_key. */
static int make_session_key(char out[25])
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char raw[16];
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return -1;
	size_t o = 0;
	for (size_t i = 0; i < sizeof(raw); i += 3) {
		bool has1 = i + 1 < sizeof(raw), has2 = i + 2 < sizeof(raw);
		unsigned long v = (unsigned long)raw[i] << 16 | (has1 ? raw[i + 1] << 8 : 0) |
				  (has2 ? raw[i + 2] : 0);
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = has1 ? b64[v >> 6 & 63] : '=';
		out[o++] = has2 ? b64[v & 63] : '=';
	}
	out[o] = '\0';
	return 0;
}

/*
 * Handlers return the JSON to answer with 200, or NULL when out of memory or
 * randomness (answered 500: a fake has nothing better to do).
 *
 * js_code values: "ok:<openid>" succeeds, "ok-union:<openid>" also returns
 * unionid "u-<openid>", "busy-once:<openid>" answers -1 the first time and then
 * succeeds. A code that succeeded once answers 40163 afterwards, as WeChat's
 * codes are single use. The codes in always_fail fail every time; anything
 * else is 40029.
 */
static cJSON *handle_jscode2session(const struct request *rq)
{
	static const struct {
		const char *code, *errmsg;
		int errcode;
	} always_fail[] = {{"busy", "system error", -1},
			   {"ratelimit", "api minute-quota reach limit", 45011},
			   {"risky", "invalid user", 40226}};
	const char *code = param(rq, "js_code"), *grant = param(rq, "grant_type");
	char key[25];

	g.calls_session++;
	if (!credentials_ok(rq))
		return wx_error(40013, "invalid appid");
	if (grant == NULL || strcmp(grant, "authorization_code") != 0)
		return wx_error(40002, "invalid grant_type");
	code = code != NULL ? code : "";
	for (size_t i = 0; i < sizeof(always_fail) / sizeof(always_fail[0]); i++)
		if (strcmp(code, always_fail[i].code) == 0)
			return wx_error(always_fail[i].errcode, always_fail[i].errmsg);

	const char *ok = after_prefix(code, "ok:"), *ok_union = after_prefix(code, "ok-union:");
	const char *once = after_prefix(code, "busy-once:");
	const char *openid = ok != NULL ? ok : ok_union != NULL ? ok_union : once;
	if (openid == NULL || *openid == '\0')
		return wx_error(40029, "invalid code");
	if (strlist_has(&g.used_codes, code))
		return wx_error(40163, "code been used");
	if (once != NULL && !strlist_has(&g.busy_seen, code))
		return strlist_add(&g.busy_seen, code) < 0 ? NULL : wx_error(-1, "system error");
	if (make_session_key(key) < 0 || strlist_add(&g.used_codes, code) < 0)
		return NULL;

	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "openid", openid);
	cJSON_AddStringToObject(o, "session_key", key);
	if (ok_union != NULL) {
		char unionid[MAX_REQUEST + 3]; /* openid came in a request, so it fits */
		snprintf(unionid, sizeof(unionid), "u-%s", openid);
		cJSON_AddStringToObject(o, "unionid", unionid);
	}
	return o;
}

static cJSON *handle_token(const struct request *rq)
{
	const char *grant = param(rq, "grant_type");
	char token[64];

	g.calls_token++;
	if (!credentials_ok(rq))
		return wx_error(40013, "invalid appid");
	if (grant == NULL || strcmp(grant, "client_credential") != 0)
		return wx_error(40002, "invalid grant_type");
	snprintf(token, sizeof(token), "fake-access-token-%lu", ++g.tokens_issued);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "access_token", token);
	cJSON_AddNumberToObject(o, "expires_in", 7200);
	return o;
}

/* A token is valid when this process issued it, spelt exactly as issued. */
static bool token_ok(const char *token)
{
	const char *digits = token != NULL ? after_prefix(token, "fake-access-token-") : NULL;
	long n;
	char canonical[64];
	if (digits == NULL || parse_long(digits, 1, (long)g.tokens_issued, &n) < 0)
		return false;
	snprintf(canonical, sizeof(canonical), "fake-access-token-%ld", n);
	return strcmp(canonical, token) == 0; /* rejects leading zeros */
}

/*
 * Accepts a message into /_messages. Recipients (touser): "blocked" answers 43101 (the user
 * refused); "busy-once:<x>" answers -1 (busy) the first time, "http500-once:<x>" HTTP 500
 * the first time and "stale-token-once:<x>" 40001 (token invalid) the first time, each then
 * accepted. Sets *status (200 or 500).
 */
static cJSON *handle_subscribe_send(const struct request *rq, int *status)
{
	static const struct {
		const char *prefix, *errmsg;
		int errcode; /* 0: answer HTTP 500 */
	} fail_once[] = {
	    {"busy-once:", "system error", -1},
	    {"http500-once:", NULL, 0},
	    {"stale-token-once:", "invalid credential, access_token is invalid", 40001}};
	g.calls_send++;
	if (!token_ok(param(rq, "access_token")))
		return wx_error(40001, "invalid credential, access_token is invalid or not latest");
	cJSON *msg = cJSON_ParseWithLength(rq->body, rq->body_len), *answer = NULL;
	const cJSON *touser = cJSON_GetObjectItemCaseSensitive(msg, "touser");
	const cJSON *tmpl = cJSON_GetObjectItemCaseSensitive(msg, "template_id");
	if (!cJSON_IsObject(msg))
		answer = wx_error(47001, "data format error");
	else if (!cJSON_IsString(touser) || touser->valuestring[0] == '\0')
		answer = wx_error(40003, "invalid openid");
	else if (!cJSON_IsString(tmpl) || tmpl->valuestring[0] == '\0')
		answer = wx_error(40037, "invalid template_id");
	else if (strcmp(touser->valuestring, "blocked") == 0)
		answer = wx_error(43101, "user refuse to accept the msg");
	for (size_t i = 0;
	     answer == NULL && cJSON_IsObject(msg) && i < sizeof(fail_once) / sizeof(fail_once[0]);
	     i++) {
		const char *to = touser->valuestring;
		if (after_prefix(to, fail_once[i].prefix) == NULL || strlist_has(&g.send_seen, to))
			continue;
		if (strlist_add(&g.send_seen, to) < 0)
			break;
		*status = fail_once[i].errcode == 0 ? 500 : 200;
		answer = wx_error(fail_once[i].errcode, fail_once[i].errmsg);
	}
	if (answer == NULL && cJSON_IsObject(msg) && cJSON_AddItemToArray(g.messages, msg))
		return wx_error(0, "ok"); /* g.messages owns msg now */
	cJSON_Delete(msg);
	return answer;
}

static cJSON *handle_calls(void)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "jscode2session", (double)g.calls_session);
	cJSON_AddNumberToObject(o, "token", (double)g.calls_token);
	cJSON_AddNumberToObject(o, "subscribe_send", (double)g.calls_send);
	return o;
}

/* Issued tokens stay valid: the server under test caches its token for 7200 s, as WeChat allows. */
static cJSON *handle_reset(void)
{
	g.calls_session = g.calls_token = g.calls_send = 0;
	strlist_clear(&g.used_codes);
	strlist_clear(&g.busy_seen);
	strlist_clear(&g.send_seen);
	cJSON_Delete(g.messages);
	g.messages = cJSON_CreateArray();
	return g.messages != NULL ? wx_error(0, "ok") : NULL;
}

/* Sets *status to 200 or 404 and returns the JSON to answer with (NULL: 500). */
static cJSON *dispatch(const struct request *rq, int *status)
{
	bool get = strcmp(rq->method, "GET") == 0, post = strcmp(rq->method, "POST") == 0;
	const char *p = rq->path;

	*status = 200;
	if (get && strcmp(p, "/sns/jscode2session") == 0)
		return handle_jscode2session(rq);
	if (get && strcmp(p, "/cgi-bin/token") == 0)
		return handle_token(rq);
	if (post && strcmp(p, "/cgi-bin/message/subscribe/send") == 0)
		return handle_subscribe_send(rq, status);
	if (get && strcmp(p, "/_calls") == 0)
		return handle_calls();
	if (get && strcmp(p, "/_messages") == 0)
		return cJSON_Duplicate(g.messages, true);
	if (post && strcmp(p, "/_reset") == 0)
		return handle_reset();
	*status = 404;
	return wx_error(404, NULL);
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Sends json with status, or 500 when there is no JSON to send. */
static void send_reply(int fd, const struct request *rq, int status, const cJSON *json)
{
	static const char fallback[] = "{\"errcode\":500}";
	char *body = json != NULL ? cJSON_PrintUnformatted(json) : NULL;
	status = body != NULL ? status : 500;
	const char *reason = status == 200   ? "OK"
			     : status == 400 ? "Bad Request"
			     : status == 404 ? "Not Found"
			     : status == 408 ? "Request Timeout"
			     : status == 413 ? "Content Too Large"
					     : "Internal Server Error";
	const char *text = body != NULL ? body : fallback;
	char head[256];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=utf-8\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
			 status, reason, strlen(text));
	if (send_all(fd, head, (size_t)n) == 0)
		send_all(fd, text, strlen(text));
	fprintf(stderr, "fake-wechat: %s %s %d %.200s\n", rq->method != NULL ? rq->method : "-",
		rq->path != NULL ? rq->path : "-", status, text);
	free(body);
}

/*
 * Half-closes, then reads what the client still sends before close(): closing with
 * unread data makes the kernel send a reset that can destroy an early 400/413 reply.
 */
static void drain(int fd)
{
	char scratch[4096];
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += DRAIN_MS / 1000;
	shutdown(fd, SHUT_WR);
	for (size_t total = 0; total < 1024 * 1024 && wait_readable(fd, &deadline) > 0;) {
		ssize_t n = recv(fd, scratch, sizeof(scratch), 0);
		if (n <= 0)
			break;
		total += (size_t)n;
	}
}

static void serve(int fd)
{
	static char buf[MAX_REQUEST];
	struct request rq = {0};
	cJSON *json;
	struct timeval send_timeout = {READ_TIMEOUT_MS / 1000, 0};

	/* A client that never reads must not block us forever either. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof(send_timeout));
	int status = read_request(fd, buf, &rq);
	if (status < 0) {
		fprintf(stderr, "fake-wechat: connection ended without a full request\n");
		return;
	}
	json = status == 0 ? dispatch(&rq, &status) : wx_error(status, NULL);
	send_reply(fd, &rq, status, json);
	cJSON_Delete(json);
	drain(fd);
}

static int listen_on(long port)
{
	struct sockaddr_in addr = {.sin_family = AF_INET,
				   .sin_port = htons((uint16_t)port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 64) < 0) {
		fprintf(stderr, "fake-wechat: could not listen on 127.0.0.1:%ld: %s\n", port,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Written to a temporary name and renamed, so a test polling for it never reads it half-written. */
static int write_pidfile(const char *path)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	FILE *f = fopen(tmp, "w");
	if (f == NULL)
		return -1;
	int bad = fprintf(f, "%ld\n", (long)getpid()) < 0;
	if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
		int saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: fake-wechat --port P --appid A --secret S [--pidfile F]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"port", required_argument, NULL, 'p'},
					     {"appid", required_argument, NULL, 'a'},
					     {"secret", required_argument, NULL, 's'},
					     {"pidfile", required_argument, NULL, 'f'},
					     {NULL, 0, NULL, 0}};
	const char *port_arg = NULL, *pidfile = NULL;
	long port;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'p')
			port_arg = optarg;
		else if (c == 'a')
			g.appid = optarg;
		else if (c == 's')
			g.secret = optarg;
		else if (c == 'f')
			pidfile = optarg;
		else
			return usage();
	}
	if (optind != argc || g.appid == NULL || g.secret == NULL ||
	    parse_long(port_arg, 1, 65535, &port) < 0)
		return usage();

	/* Block SIGTERM/SIGINT except inside ppoll(), so a signal cannot slip in between
	 * checking stop_requested and going to sleep. */
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &unblocked);
	struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART: ppoll must return */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	int lfd = listen_on(port);
	if (lfd < 0)
		return 1;
	g.messages = cJSON_CreateArray();
	if (pidfile != NULL && write_pidfile(pidfile) < 0) {
		fprintf(stderr, "fake-wechat: could not write \"%s\": %s\n", pidfile,
			strerror(errno));
		return 1;
	}
	fprintf(stderr, "fake-wechat: listening on 127.0.0.1:%ld\n", port);

	while (!stop_requested) {
		struct pollfd p = {.fd = lfd, .events = POLLIN};
		if (ppoll(&p, 1, NULL, &unblocked) <= 0)
			continue; /* EINTR: maybe a stop request */
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue; /* the client gave up already */
		serve(fd);
		close(fd);
	}

	fprintf(stderr, "fake-wechat: stopping\n");
	close(lfd);
	if (pidfile != NULL)
		unlink(pidfile);
	strlist_clear(&g.used_codes);
	strlist_clear(&g.busy_seen);
	strlist_clear(&g.send_seen);
	cJSON_Delete(g.messages);
	return 0;
}
