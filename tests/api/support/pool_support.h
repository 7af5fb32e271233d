/* A private registration pool started by a test next to the shared stack (its own socket
 * directory and log, its own settings), and a minimal FastCGI client that talks to its
 * socket without nginx. The pool's WeChat is a listener of the test that accepts
 * connections and never answers, so a wx-login that reaches it hangs in curl until its 5 s
 * time limit and then answers 503 wx-unavailable. Used by tests that need a pool with other
 * settings than the stack's (test_pool_lifecycle, test_auth_wx_not_configured). */
#ifndef POOL_SUPPORT_H
#define POOL_SUPPORT_H

#include "api.h"

#include <sys/types.h>

enum { PL_WX_MAX_CONNS = 4 }; /* connections the silent WeChat keeps open */
/* the mini-program AppID the private pool is given unless a setting replaces it */
#define PL_WX_APPID "wxprivatepool"

/* One FastCGI answer. */
struct pl_answer {
	int ended;	  /* FCGI_END_REQUEST arrived */
	int proto_status; /* its protocolStatus (0: request complete) */
	long status;	  /* the Status: header */
	char *out;	  /* FCGI_STDOUT, NUL-terminated */
	size_t len;
	const char *body; /* inside out, after the header block */
	size_t body_len;
	long content_length; /* the Content-Length: header, -1 when absent */
	cJSON *json;
};

struct pl_pool {
	char dir[64];	/* mkdtemp directory: socket and log */
	char sock[128]; /* <dir>/registration.sock */
	char log[128];	/* <dir>/pool.log: the supervisor's and workers' stderr */
	int wx_fd;	/* the silent WeChat's listening socket */
	int wx_conns[PL_WX_MAX_CONNS];
	int nconns;
	pid_t pid;  /* the supervisor (leader of its own process group); 0 once reaped */
	int status; /* its wait status once reaped */
	int passed; /* set at the end of a test; teardown shows the log when it is not */
	struct pl_answer *answer; /* the last FastCGI answer read; freed by teardown too */
};

/* cmocka setup and teardown of a test with a private pool (*state is the struct pl_pool).
 * The teardown kills what is left of the pool, fails when a sanitizer reported in its log
 * (shown when the test did not set passed) and removes its directory. */
int pl_setup(void **state);
int pl_teardown(void **state);

/* Starts ruqima-registration in a clean environment (the database of the stack, one worker,
 * RUQIMA_REQUEST_TIMEOUT=30, the silent WeChat with PL_WX_APPID) plus settings
 * (NULL-terminated "KEY=VALUE", replacing a default of the same KEY; NULL for none) on a
 * socket in a fresh directory, and waits until it says it listens. */
void pl_pool_start(struct pl_pool *p, const char *const *settings);
/* The same for the pool of another family (ruqima-<family>, socket <dir>/<family>.sock). */
void pl_pool_start_family(struct pl_pool *p, const char *family, const char *const *settings);
/* Reaps the supervisor if it exits within secs; returns 0 when it did (status in p). */
int pl_pool_wait(struct pl_pool *p, double secs);
/* Asserts that the supervisor has exited with status 0 and removed its socket, and that no
 * sanitizer report reached its log. */
void pl_assert_clean_stop(const struct pl_pool *p);

/* Lines of the pool's log that contain needle. */
int pl_log_count(const struct pl_pool *p, const char *needle);
/* Fails the test with the first line of the pool's log that contains needle, if any, and
 * when the log is missing or cannot be read to its end (an unread log proves nothing). */
void pl_assert_no_log_line(const struct pl_pool *p, const char *needle, const char *why);
/* Number of sanitizer report lines in the pool's log. */
int pl_sanitizer_lines(const struct pl_pool *p);
/* Parent pid of pid from /proc/<pid>/stat; -1 when it is gone or a zombie. */
long pl_ppid_of(long pid);

/* Connects to the pool's socket; returns the fd or -errno. */
int pl_fcgi_connect(const char *path);
/* Sends one whole responder request (params as nginx would pass them, then the body). */
void pl_fcgi_send(int fd, const char *method, const char *uri, const char *content_type,
		  const char *body);
/* Reads the answer to request 1 until FCGI_END_REQUEST, EOF or secs have passed, into
 * p->answer (which replaces the previous one; an assertion failing later does not leak it). */
struct pl_answer *pl_fcgi_read(struct pl_pool *p, int fd, double secs);
void pl_answer_free(struct pl_answer *a);
/* Asserts a whole answer: FCGI_END_REQUEST with "request complete", and a body as long as
 * its Content-Length. */
void pl_assert_complete(const struct pl_answer *a, const char *what);
/* GET health on the private pool: asserts 200 and returns the pid of the worker. */
long pl_health_pid(struct pl_pool *p);

/* Waits up to secs for the pool's curl to connect to the silent WeChat; keeps the
 * connection open (never answers) and returns it, or -1. */
int pl_wx_accept(struct pl_pool *p, double secs);
/* Reads an HTTP request head (up to the blank line) from c into buf. */
void pl_read_http_head(int c, char *buf, size_t cap, double secs);

#endif
