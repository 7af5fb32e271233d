/* A private nginx next to the shared stack: the same template rendered by the same
 * deploy/lib.sh functions (nginx_render, nginx_start), in a directory and on a port of its
 * own, in front of the stack's pools with the stack's certificate and settings, and with the
 * test's RQ_NGINX_* variables (e.g. RQ_NGINX_RATE_EXEMPT=none: the shared stack's nginx
 * exempts loopback, where every test comes from). */
#ifndef NGINX_SUPPORT_H
#define NGINX_SUPPORT_H

struct ng_nginx {
	char dir[64];  /* mkdtemp directory: configuration, logs */
	char base[64]; /* https://127.0.0.1:<port> */
};

/* Renders and starts a private nginx with vars (shell assignments, "RQ_NGINX_RATE=1r/m
 * RQ_NGINX_BURST=1"; "" for none); fills *n. A running one (n->base set) is stopped first
 * and its directory used again. */
void ng_up(struct ng_nginx *n, const char *vars);
/* Renders its configuration again with vars for port (0: a free one) and runs nginx_start
 * (a reload while it runs, as deploy/up does); returns nginx_start's exit status. */
int ng_start(struct ng_nginx *n, int port, const char *vars);
/* Stops it (if running) and keeps its directory. */
void ng_stop(struct ng_nginx *n);
/* Stops it and removes its directory; returns 0 when it could. */
int ng_remove(struct ng_nginx *n);

#endif
