#include "rq_server.h"

#include "rq_auth.h"
#include "rq_clock.h"
#include "rq_config.h"
#include "rq_db.h"
#include "rq_log.h"
#include "rq_supervise.h"

#include <errno.h>
#include <fcgiapp.h>
#include <malloc.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

enum {
	EXIT_REQUEST_TIMEOUT = 70 /* worker status after its request ran past the time limit */
};

static volatile sig_atomic_t stopping;

static void on_stop_worker(int sig)
{
	(void)sig;
	stopping = 1;
	FCGX_ShutdownPending(); /* makes a blocked FCGX_Accept_r return */
}

/* Pre-formatted so that the SIGALRM handler only has to write(2) it. */
static char timeout_line[256];
static size_t timeout_line_len;

static void on_request_timeout(int sig)
{
	(void)sig;
	ssize_t w = write(STDERR_FILENO, timeout_line, timeout_line_len);
	(void)w;
	_exit(EXIT_REQUEST_TIMEOUT);
}

static void install(int sig, void (*fn)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: blocking calls must see EINTR and notice the flag */
	sigaction(sig, &sa, NULL);
}

struct fcgi_reader {
	FCGX_Stream *in;
};

static size_t read_fcgi(void *ctx, char *buf, size_t n)
{
	struct fcgi_reader *r = ctx;
	int got = FCGX_GetStr(buf, n > 65536 ? 65536 : (int)n, r->in);
	return got > 0 ? (size_t)got : 0;
}

/* The writer of streamed answers: straight into the FastCGI output stream. */
static int write_fcgi(void *ctx, const char *buf, size_t n)
{
	while (n > 0) {
		int chunk = n > 65536 ? 65536 : (int)n;
		if (FCGX_PutStr(buf, chunk, ctx) != chunk)
			return -1;
		buf += chunk;
		n -= (size_t)chunk;
	}
	return 0;
}

static void drain(FCGX_Stream *in)
{
	char buf[8192];
	while (FCGX_GetStr(buf, sizeof(buf), in) > 0)
		;
}

/* Serves one request. Returns false when its streamed answer broke off: the connection
 * must then be dropped, not ended as if the answer were whole. */
static bool serve_one(const struct rq_app *app, const struct rq_config *cfg, struct rq_db *db,
		      struct rq_db *stats_db, struct rq_arena *arena, FCGX_Request *fr)
{
	double start = rq_clock_mono();
	struct rq_req req;
	struct rq_resp resp;
	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	req.cfg = cfg;
	req.db = db;
	req.stats_db = stats_db;
	req.write = write_fcgi;
	req.write_ctx = fr->out;
	struct fcgi_reader reader = {fr->in};
	enum rq_parse_status ps =
	    rq_req_parse(&req, arena, fr->envp, rq_app_max_body(app, cfg), read_fcgi, &reader);
	if (ps == RQ_PARSE_TOO_LARGE)
		drain(fr->in);
	rq_log_set_request(req.request_id);
	int n =
	    snprintf(timeout_line, sizeof(timeout_line),
		     "{\"level\":\"error\",\"family\":\"%s\",\"pid\":%d,\"request_id\":\"%.64s\","
		     "\"msg\":\"request exceeded the time limit; worker killed\"}\n",
		     app->family, (int)getpid(), req.request_id != NULL ? req.request_id : "");
	timeout_line_len = n > 0 && (size_t)n < sizeof(timeout_line) ? (size_t)n : 0;
	alarm((unsigned)cfg->request_timeout);

	rq_app_handle(app, &req, &resp, ps);

	if (!resp.streamed) {
		size_t len;
		char *out = rq_resp_serialize(&req, &resp, &len);
		if (strcmp(req.method, "HEAD") == 0)
			len -= resp.body_len;
		FCGX_PutStr(out, (int)len, fr->out);
	}
	alarm(0);
	rq_log_request(&req, &resp, (rq_clock_mono() - start) * 1000.0);
	rq_log_set_request(NULL);
	return !resp.aborted;
}

/* What a worker needs, for rq_supervise. */
struct pool {
	const struct rq_app *app;
	const struct rq_config *cfg;
	int fd;		  /* the family's listening socket */
	const char *path; /* its path, removed when the pool stops */
	bool stats_db;	  /* workers also connect to RUQIMA_STATS_DSN (rq_server_main_stats) */
};

/* A worker (a child of rq_supervise): accepts requests on the shared socket until told to
 * stop or recycled. */
static void worker_main(void *ctx)
{
	const struct pool *pool = ctx;
	const struct rq_app *app = pool->app;
	const struct rq_config *cfg = pool->cfg;
	bool with_stats = pool->stats_db;
	int listen_fd = pool->fd;
	install(SIGTERM, on_stop_worker);
	install(SIGINT, on_stop_worker);
	install(SIGALRM, on_request_timeout);
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	/* A request's memory (its results, a page's JSON) is freed when it
	 * ends, and glibc would give the top of the heap back to the kernel then, only to take
	 * it again on the next request: brk calls, page faults and TLB flushes on every
	 * request. Keep what the worker has had; it recycles anyway
	 * (RUQIMA_MAX_REQUESTS). Blocks of up to 4 MiB (an upload) stay on the heap too. */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 4 << 20);

	/* Each worker owns its connection: opened after the fork, never shared. */
	char appname[64];
	snprintf(appname, sizeof(appname), "ruqima-%s", app->family);
	struct rq_db *db = rq_db_new(cfg->dsn, appname, cfg->request_timeout);
	/* The statistics read on a connection of their own (RUQIMA_STATS_DSN: a replica when
	 * there is one), every transaction read-only; the session lookup stays on db, the
	 * primary, where it can note the session's activity (lib/sql/auth.sql). */
	struct rq_db *stats_db =
	    with_stats ? rq_db_new_read_only(cfg->stats_dsn, appname, cfg->request_timeout) : NULL;
	struct rq_arena *arena = rq_arena_new();
	if (db == NULL || arena == NULL || (with_stats && stats_db == NULL))
		_exit(1);
	/* connect now; a failure is logged by rq_db and retried per request */
	if (rq_db_ensure(db) != 0 || (stats_db != NULL && rq_db_ensure(stats_db) != 0))
		rq_log_event("info", "worker started without a database connection", NULL);
	rq_auth_worker_start(db, cfg);

	FCGX_Request fr;
	FCGX_InitRequest(&fr, listen_fd, 0);
	int served = 0;
	while (!stopping && served < cfg->max_requests) {
		if (FCGX_Accept_r(&fr) < 0)
			break;
		if (serve_one(app, cfg, db, stats_db, arena, &fr))
			FCGX_Finish_r(&fr);
		else
			FCGX_Free(&fr, 1); /* closed without ending the answer: nginx says so */
		rq_arena_reset(arena);
		served++;
	}
	FCGX_Free(&fr, 1);
	rq_arena_free(arena);
	rq_db_close(stats_db);
	rq_db_close(db);
	curl_global_cleanup();
	exit(0);
}

/* Binds the family's unix socket: mode 0660, group RUQIMA_SOCKET_GROUP. Returns the fd. */
static int bind_socket(const struct rq_config *cfg, const char *family, char *path, size_t cap)
{
	snprintf(path, cap, "%s/%s.sock", cfg->socket_dir, family);
	unlink(path); /* a socket left by a killed pool */
	mode_t old = umask(0117);
	int fd = FCGX_OpenSocket(path, 128);
	umask(old);
	if (fd < 0) {
		fprintf(stderr, "ruqima-%s: could not bind \"%s\": %s\n", family, path,
			strerror(errno));
		return -1;
	}
	chmod(path, 0660);
	struct group *g = getgrnam(cfg->socket_group);
	if (g != NULL && chown(path, (uid_t)-1, g->gr_gid) != 0)
		rq_log_event("warn", "could not set the socket's group", strerror(errno));
	return fd;
}

/* Drops root after binding, when RUQIMA_RUN_AS names a user. */
static int drop_privileges(const struct rq_config *cfg, const char *path)
{
	if (cfg->run_as == NULL || geteuid() != 0)
		return 0;
	struct passwd *pw = getpwnam(cfg->run_as);
	if (pw == NULL) {
		fprintf(stderr, "ruqima: RUQIMA_RUN_AS user \"%s\" does not exist\n", cfg->run_as);
		return -1;
	}
	if (chown(path, pw->pw_uid, (gid_t)-1) != 0 || initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	    setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		fprintf(stderr, "ruqima: could not become \"%s\": %s\n", cfg->run_as,
			strerror(errno));
		return -1;
	}
	return 0;
}

static const char *worker_exit_reason(int exit_status)
{
	return exit_status == EXIT_REQUEST_TIMEOUT ? "stopped: a request ran past the time limit"
						   : NULL;
}

/* Stop accepting at once: new connections are refused (nginx answers 502 now rather than
 * after the drain) while the workers finish the requests they hold. */
static void close_socket(void *ctx)
{
	const struct pool *pool = ctx;
	unlink(pool->path);
	close(pool->fd);
}

/* One line of --routes: method, pattern, handler, and file:line of the handler's definition
 * (relative to the checkout), to go from a URL to its code in one step. */
static void print_route(const struct rq_route *r)
{
	const struct rq_handler_site *site = r->site;
	const char *file = site != NULL ? site->file : "?";
	size_t root = strlen(RUQIMA_SOURCE_DIR);
	if (strncmp(file, RUQIMA_SOURCE_DIR, root) == 0 && file[root] == '/')
		file += root + 1;
	printf("%-6s %-56s %-40s %s:%d\n", r->method, r->pattern, site != NULL ? site->name : "?",
	       file, site != NULL ? site->line : 0);
}

static int server_main(const struct rq_app *app, int argc, char **argv, bool stats_db)
{
	const char *wrong = rq_router_check(app->routes, app->nroutes);
	if (wrong != NULL) {
		fprintf(stderr, "ruqima-%s: route table: %s\n", app->family, wrong);
		return 2;
	}
	if (argc > 1 && strcmp(argv[1], "--routes") == 0) {
		for (size_t i = 0; i < app->nroutes; i++)
			print_route(&app->routes[i]);
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr,
			"usage: ruqima-%s [--routes]\n(settings come from RUQIMA_* "
			"environment variables; see README.md)\n",
			app->family);
		return 2;
	}
	rq_log_init(app->family);
	struct rq_config cfg;
	if (rq_config_load(&cfg) != 0)
		return 2;
	if (cfg.dsn == NULL) {
		fprintf(stderr, "ruqima-%s: RUQIMA_DSN is not set\n", app->family);
		return 2;
	}
	/* Development-only routes are not routed at all unless enabled: a disabled one answers
	 * exactly like a path that never existed (404, whatever the method or body). */
	struct rq_route *routes = calloc(app->nroutes, sizeof(*routes));
	if (routes == NULL)
		return 1;
	size_t nroutes = 0;
	for (size_t i = 0; i < app->nroutes; i++)
		if (cfg.dev_login || !(app->routes[i].flags & RQ_ROUTE_DEV_ONLY))
			routes[nroutes++] = app->routes[i];
	struct rq_app live = {app->family, routes, nroutes};
	app = &live;
	if (FCGX_Init() != 0)
		return 1;
	char path[4096];
	int fd = bind_socket(&cfg, app->family, path, sizeof(path));
	if (fd < 0 || drop_privileges(&cfg, path) != 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	char msg[4200];
	snprintf(msg, sizeof(msg), "listening on %s with %d workers", path, cfg.workers);
	rq_log_event("info", msg, NULL);
	struct pool pool = {app, &cfg, fd, path, stats_db};
	const struct rq_supervisor sup = {.children = cfg.workers,
					  .child_main = worker_main,
					  .ctx = &pool,
					  .child_name = "worker",
					  .stop_grace_s = cfg.request_timeout,
					  .on_stop = close_socket,
					  .exit_reason = worker_exit_reason};
	int rc = rq_supervise(&sup);
	free(routes);
	rq_log_event("info", "stopped", NULL);
	return rc;
}

int rq_server_main(const struct rq_app *app, int argc, char **argv)
{
	return server_main(app, argc, argv, false);
}

int rq_server_main_stats(const struct rq_app *app, int argc, char **argv)
{
	return server_main(app, argc, argv, true);
}
