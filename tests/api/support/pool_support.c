/* A private registration pool next to the shared stack, and a minimal FastCGI client to
 * talk to its socket without nginx (pool_support.h). */
#include "pool_support.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
	ENV_MAX = 24,	     /* variables of the pool's environment */
	ANSWER_CAP = 1 << 20 /* largest FastCGI answer the client takes */
};

/* FastCGI 1.0 record types and the responder role. */
enum {
	FCGI_BEGIN_REQUEST = 1,
	FCGI_END_REQUEST = 3,
	FCGI_PARAMS = 4,
	FCGI_STDIN = 5,
	FCGI_STDOUT = 6,
	FCGI_STDERR = 7,
	FCGI_RESPONDER = 1
};

/* Sanitizer reports that fail the test when they appear in the private pool's log. */
static const char *const sanitizer_marks[] = {"AddressSanitizer", "runtime error", "LeakSanitizer"};

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Parent pid of pid from /proc/<pid>/stat; -1 when it is gone or a zombie. */
long pl_ppid_of(long pid)
{
	char st = 0;
	long ppid = api_parent_of(pid, &st);
	return ppid < 0 || st == 'Z' || st == 'X' ? -1 : ppid;
}

/* Lines of the pool's log that contain needle. */
int pl_log_count(const struct pl_pool *p, const char *needle)
{
	FILE *f = fopen(p->log, "r");
	if (f == NULL)
		return 0;
	char line[8192];
	int n = 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, needle) != NULL)
			n++;
	fclose(f);
	return n;
}

/* Fails the test with the first line of the pool's log that contains needle, if any, and
 * when the log is missing or cannot be read to its end (an unread log proves nothing). */
void pl_assert_no_log_line(const struct pl_pool *p, const char *needle, const char *why)
{
	FILE *f = fopen(p->log, "r");
	if (f == NULL)
		fail_msg("%s, but the pool's log %s cannot be opened: %s", why, p->log,
			 strerror(errno));
	char line[8192];
	int found = 0;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strstr(line, needle) != NULL;
	int unread = ferror(f);
	fclose(f);
	if (found)
		fail_msg("%s, but the pool's log has: %s", why, line);
	if (unread)
		fail_msg("%s, but the pool's log %s could not be read to its end", why, p->log);
}

/* Copies the pool's log to stderr (the temp directory goes away with the test). */
static void log_dump(const struct pl_pool *p)
{
	FILE *f = fopen(p->log, "r");
	if (f == NULL)
		return;
	fprintf(stderr, "==> private pool log %s <==\n", p->log);
	char line[8192];
	while (fgets(line, sizeof(line), f) != NULL)
		fputs(line, stderr);
	fclose(f);
}

/* Number of sanitizer report lines in the pool's log. */
int pl_sanitizer_lines(const struct pl_pool *p)
{
	int n = 0;
	for (size_t i = 0; i < sizeof(sanitizer_marks) / sizeof(sanitizer_marks[0]); i++)
		n += pl_log_count(p, sanitizer_marks[i]);
	return n;
}

/* ---- a minimal FastCGI client ---------------------------------------------------------- */

struct wbuf {
	unsigned char data[16384];
	size_t len;
};

static void put_bytes(struct wbuf *b, const void *data, size_t n)
{
	assert_true(b->len + n <= sizeof(b->data));
	memcpy(b->data + b->len, data, n);
	b->len += n;
}

/* One record of request 1, without padding. */
static void put_record(struct wbuf *b, int type, const void *content, size_t n)
{
	assert_true(n <= 65535);
	unsigned char h[8] = {
	    1, (unsigned char)type, 0, 1, (unsigned char)(n >> 8), (unsigned char)(n & 0xff), 0, 0};
	put_bytes(b, h, sizeof(h));
	put_bytes(b, content, n);
}

static void put_length(struct wbuf *b, size_t n)
{
	if (n < 128) {
		unsigned char c = (unsigned char)n;
		put_bytes(b, &c, 1);
	} else {
		unsigned char c[4] = {(unsigned char)(0x80 | ((n >> 24) & 0x7f)),
				      (unsigned char)(n >> 16), (unsigned char)(n >> 8),
				      (unsigned char)n};
		put_bytes(b, c, sizeof(c));
	}
}

static void put_param(struct wbuf *b, const char *name, const char *value)
{
	put_length(b, strlen(name));
	put_length(b, strlen(value));
	put_bytes(b, name, strlen(name));
	put_bytes(b, value, strlen(value));
}

/* Connects to the pool's socket; returns the fd or -errno. */
int pl_fcgi_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	assert_true(strlen(path) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	/* a full backlog would block connect(2): give up after 2 s instead */
	struct timeval tv = {2, 0};
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

/* Sends one whole responder request (params as nginx would pass them, then the body). */
void pl_fcgi_send(int fd, const char *method, const char *uri, const char *content_type,
		  const char *body)
{
	static struct wbuf req, params;
	req.len = 0;
	params.len = 0;
	unsigned char begin[8] = {0, FCGI_RESPONDER, 0 /* no keep-conn */, 0, 0, 0, 0, 0};
	put_record(&req, FCGI_BEGIN_REQUEST, begin, sizeof(begin));
	put_param(&params, "REQUEST_METHOD", method);
	put_param(&params, "DOCUMENT_URI", uri);
	put_param(&params, "REQUEST_URI", uri);
	put_param(&params, "SCRIPT_FILENAME", "x");
	put_param(&params, "QUERY_STRING", "");
	put_param(&params, "SERVER_PROTOCOL", "HTTP/1.1");
	put_param(&params, "REMOTE_ADDR", "127.0.0.1");
	put_param(&params, "HTTPS", "on");
	if (body != NULL) {
		char len[32];
		snprintf(len, sizeof(len), "%zu", strlen(body)); /* bytes */
		put_param(&params, "CONTENT_TYPE", content_type);
		put_param(&params, "CONTENT_LENGTH", len);
	}
	put_record(&req, FCGI_PARAMS, params.data, params.len);
	put_record(&req, FCGI_PARAMS, "", 0);
	if (body != NULL && *body != '\0')
		put_record(&req, FCGI_STDIN, body, strlen(body));
	put_record(&req, FCGI_STDIN, "", 0);
	size_t off = 0;
	while (off < req.len) {
		ssize_t n = send(fd, req.data + off, req.len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			fail_msg("could not send a FastCGI request: %s", strerror(errno));
		off += (size_t)n;
	}
}

/* Reads exactly n bytes before the deadline; returns 0, or -1 on EOF, error or timeout. */
static int read_full(int fd, void *buf, size_t n, double deadline)
{
	size_t got = 0;
	while (got < n) {
		double left = deadline - api_now();
		if (left <= 0)
			return -1;
		struct pollfd pfd = {fd, POLLIN, 0};
		int r = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		ssize_t m = read(fd, (char *)buf + got, n - got);
		if (m < 0 && errno == EINTR)
			continue;
		if (m <= 0)
			return -1;
		got += (size_t)m;
	}
	return 0;
}

void pl_answer_free(struct pl_answer *a)
{
	if (a == NULL)
		return;
	cJSON_Delete(a->json);
	free(a->out);
	free(a);
}

/* Reads the answer to request 1 until FCGI_END_REQUEST, EOF or secs have passed, into
 * p->answer (which replaces the previous one; an assertion failing later does not leak it). */
struct pl_answer *pl_fcgi_read(struct pl_pool *p, int fd, double secs)
{
	pl_answer_free(p->answer);
	struct pl_answer *a = p->answer = calloc(1, sizeof(*a));
	assert_non_null(a);
	a->content_length = -1;
	a->out = calloc(1, 1);
	assert_non_null(a->out);
	double deadline = api_now() + secs;
	unsigned char h[8];
	static unsigned char content[65535 + 255];
	while (!a->ended && read_full(fd, h, sizeof(h), deadline) == 0) {
		size_t n = ((size_t)h[4] << 8) | h[5], pad = h[6];
		if (h[0] != 1 || read_full(fd, content, n + pad, deadline) != 0)
			break;
		if (h[1] == FCGI_STDOUT && n > 0) {
			assert_true(a->len + n <= ANSWER_CAP);
			char *grown = realloc(a->out, a->len + n + 1);
			assert_non_null(grown);
			a->out = grown;
			memcpy(a->out + a->len, content, n);
			a->len += n;
			a->out[a->len] = '\0';
		} else if (h[1] == FCGI_END_REQUEST && n >= 8) {
			a->ended = 1;
			a->proto_status = content[4];
		}
	}
	if (strncmp(a->out, "Status: ", 8) == 0)
		a->status = strtol(a->out + 8, NULL, 10);
	char *end = strstr(a->out, "\r\n\r\n");
	if (end != NULL) {
		a->body = end + 4;
		a->body_len = a->len - (size_t)(a->body - a->out);
		const char *cl = strstr(a->out, "\r\nContent-Length: ");
		if (cl != NULL && cl < end)
			a->content_length = strtol(cl + 18, NULL, 10);
		a->json = cJSON_Parse(a->body);
	}
	return a;
}

/* Asserts a whole answer: FCGI_END_REQUEST with "request complete", and a body as long as
 * its Content-Length. */
void pl_assert_complete(const struct pl_answer *a, const char *what)
{
	if (!a->ended)
		fail_msg("%s: the answer ended without FCGI_END_REQUEST (%zu bytes: %.300s)", what,
			 a->len, a->out);
	assert_int_equal(a->proto_status, 0);
	if (a->body == NULL || a->content_length != (long)a->body_len)
		fail_msg("%s: body of %zu bytes, Content-Length %ld: %.300s", what, a->body_len,
			 a->content_length, a->out);
}

/* GET health on the private pool: asserts 200 and returns the pid of the worker. */
long pl_health_pid(struct pl_pool *p)
{
	int fd = pl_fcgi_connect(p->sock);
	if (fd < 0)
		fail_msg("connect to %s: %s", p->sock, strerror(-fd));
	pl_fcgi_send(fd, "GET", "/api/v1/registration/health", NULL, NULL);
	const struct pl_answer *a = pl_fcgi_read(p, fd, 10);
	close(fd);
	pl_assert_complete(a, "health");
	if (a->status != 200)
		fail_msg("health: %ld %.300s", a->status, a->out);
	const char *family =
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a->json, "family"));
	assert_non_null(family);
	assert_string_equal(family, "registration");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a->json, "database")));
	cJSON *pid = cJSON_GetObjectItemCaseSensitive(a->json, "pid");
	assert_true(cJSON_IsNumber(pid));
	return (long)pid->valuedouble;
}

/* ---- the silent WeChat ------------------------------------------------------------------ */

/* Waits up to secs for the pool's curl to connect; keeps the connection open (never answers)
 * and returns it, or -1. */
int pl_wx_accept(struct pl_pool *p, double secs)
{
	struct pollfd pfd = {p->wx_fd, POLLIN, 0};
	if (p->nconns >= PL_WX_MAX_CONNS || poll(&pfd, 1, (int)(secs * 1000)) != 1)
		return -1;
	int c = accept4(p->wx_fd, NULL, NULL, SOCK_CLOEXEC);
	if (c >= 0)
		p->wx_conns[p->nconns++] = c;
	return c;
}

/* Reads an HTTP request head (up to the blank line) from c into buf. */
void pl_read_http_head(int c, char *buf, size_t cap, double secs)
{
	double deadline = api_now() + secs;
	size_t n = 0;
	buf[0] = '\0';
	while (n + 1 < cap && strstr(buf, "\r\n\r\n") == NULL) {
		if (read_full(c, buf + n, 1, deadline) != 0)
			break;
		buf[++n] = '\0';
	}
}

/* ---- the private pool ------------------------------------------------------------------- */

static char env_store[ENV_MAX][2048];
static char *env_list[ENV_MAX + 1];
static int env_n;

/* Adds KEY=VALUE, or replaces the value of a KEY added before. */
static void env_add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void env_add(const char *fmt, ...)
{
	char kv[sizeof(env_store[0])];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(kv, sizeof(kv), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(kv) && strchr(kv, '=') != NULL);
	size_t key = (size_t)(strchr(kv, '=') - kv) + 1;
	int i = 0;
	while (i < env_n && strncmp(env_store[i], kv, key) != 0)
		i++;
	if (i == env_n) {
		assert_true(env_n < ENV_MAX);
		env_list[env_n] = env_store[env_n];
		env_list[++env_n] = NULL;
	}
	memcpy(env_store[i], kv, (size_t)n + 1);
}

/* Reaps the supervisor if it exits within secs; returns 0 when it did (status in p). */
int pl_pool_wait(struct pl_pool *p, double secs)
{
	double deadline = api_now() + secs;
	do {
		int st;
		pid_t r = waitpid(p->pid, &st, WNOHANG);
		if (r == p->pid) {
			p->status = st;
			p->pid = 0;
			return 0;
		}
		sleep_ms(20);
	} while (api_now() < deadline);
	return -1;
}

void pl_pool_start(struct pl_pool *p, const char *const *settings)
{
	pl_pool_start_family(p, "registration", settings);
}

void pl_pool_start_family(struct pl_pool *p, const char *family, const char *const *settings)
{
	snprintf(p->dir, sizeof(p->dir), "/tmp/ruqima-pool.XXXXXX");
	if (mkdtemp(p->dir) == NULL) {
		p->dir[0] = '\0';
		fail_msg("mkdtemp: %s", strerror(errno));
	}
	snprintf(p->sock, sizeof(p->sock), "%s/%s.sock", p->dir, family);
	snprintf(p->log, sizeof(p->log), "%s/pool.log", p->dir);

	/* WeChat: a loopback listener that accepts and never answers */
	p->wx_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(p->wx_fd >= 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	socklen_t salen = sizeof(sa);
	assert_int_equal(bind(p->wx_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(p->wx_fd, 8), 0);
	assert_int_equal(getsockname(p->wx_fd, (struct sockaddr *)&sa, &salen), 0);

	/* A clean environment: none of the stack's settings (RUQIMA_REQUEST_TIMEOUT=3,
	 * RUQIMA_WORKERS=2, ...) nor a proxy variable for curl may reach the pool. */
	char bin[4096];
	snprintf(bin, sizeof(bin), "%s/ruqima-%s", api_env("RUQIMA_TEST_BIN_DIR"), family);
	assert_int_equal(access(bin, X_OK), 0);
	env_n = 0;
	env_add("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
	char dsn_key[64]; /* the family's own role, as pools_start gives it */
	snprintf(dsn_key, sizeof(dsn_key), "RUQIMA_DSN_%s", family);
	for (char *k = dsn_key; *k != '\0'; k++)
		*k = (char)toupper((unsigned char)*k);
	env_add("RUQIMA_DSN=%s", api_env(dsn_key));
	env_add("RUQIMA_STATE_DIR=%s", p->dir);
	env_add("RUQIMA_SOCKET_DIR=%s", p->dir);
	env_add("RUQIMA_WORKERS=1");
	env_add("RUQIMA_REQUEST_TIMEOUT=30");
	env_add("RUQIMA_WX_BASE_URL=http://127.0.0.1:%d", (int)ntohs(sa.sin_port));
	env_add("RUQIMA_WX_APPID=" PL_WX_APPID);
	env_add("RUQIMA_WX_SECRET=privatepoolsecret");
	/* as tests/stack/start: sanitizer reports go to the log, leaks are checked at exit */
	env_add("ASAN_OPTIONS=abort_on_error=0:detect_leaks=1");
	env_add("UBSAN_OPTIONS=print_stacktrace=1");
	for (const char *const *s = settings; s != NULL && *s != NULL; s++)
		env_add("%s", *s);

	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* its own process group, so that teardown can kill the workers with it */
		setpgid(0, 0);
		int in = open("/dev/null", O_RDONLY);
		int log = open(p->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (in < 0 || log < 0 || dup2(in, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0)
			_exit(126);
		char *argv[] = {bin, NULL};
		execve(bin, argv, env_list);
		_exit(127);
	}
	setpgid(pid, pid); /* also here: no race with a teardown that kills the group */
	p->pid = pid;

	char ready[256];
	snprintf(ready, sizeof(ready), "listening on %s with ", p->sock);
	double deadline = api_now() + 10;
	while (pl_log_count(p, ready) == 0) {
		if (pl_pool_wait(p, 0) == 0)
			fail_msg("the private pool exited during its start (wait status %d)",
				 p->status);
		if (api_now() > deadline)
			fail_msg("the private pool did not say \"%s\" within 10 s", ready);
		sleep_ms(20);
	}
}

int pl_setup(void **state)
{
	struct pl_pool *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -1;
	p->wx_fd = -1;
	*state = p;
	return 0;
}

/* Kills what is left of the private pool, checks its log for sanitizer reports and removes
 * its directory; runs after a failed test too. */
int pl_teardown(void **state)
{
	struct pl_pool *p = *state;
	int rc = 0;
	if (p->pid > 0) {
		kill(-p->pid, SIGKILL); /* the supervisor's group: it and its workers */
		waitpid(p->pid, NULL, 0);
		p->pid = 0;
	}
	for (int i = 0; i < p->nconns; i++)
		close(p->wx_conns[i]);
	if (p->wx_fd >= 0)
		close(p->wx_fd);
	if (p->dir[0] != '\0') {
		if (pl_sanitizer_lines(p) > 0) {
			fprintf(stderr, "sanitizer report in the private pool's log\n");
			rc = -1;
		}
		if (rc != 0 || !p->passed)
			log_dump(p);
		DIR *d = opendir(p->dir);
		struct dirent *e;
		while (d != NULL && (e = readdir(d)) != NULL) {
			char path[512];
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", p->dir, e->d_name);
			unlink(path);
		}
		if (d != NULL)
			closedir(d);
		rmdir(p->dir);
	}
	pl_answer_free(p->answer);
	free(p);
	return rc;
}

/* Asserts that the supervisor has exited with status 0 and removed its socket, and that no
 * sanitizer report reached its log. */
void pl_assert_clean_stop(const struct pl_pool *p)
{
	assert_int_equal(p->pid, 0);
	if (!WIFEXITED(p->status) || WEXITSTATUS(p->status) != 0)
		fail_msg("the supervisor ended with wait status %#x, expected exit status 0",
			 p->status);
	struct stat st;
	if (lstat(p->sock, &st) == 0 || errno != ENOENT)
		fail_msg("%s is still there after the supervisor exited", p->sock);
	assert_int_equal(pl_log_count(p, "\"msg\":\"stopped\""), 1);
	assert_int_equal(pl_sanitizer_lines(p), 0);
}