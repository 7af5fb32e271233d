/* A private nginx for the tests of nginx's own rules (rate limits): the stack's template
 * rendered with the same deploy/lib.sh functions into a directory of the test's, with its own
 * port and RQ_NGINX_* settings, in front of the stack's pools, certificate and settings. */
#ifndef PRIVATE_NGINX_H
#define PRIVATE_NGINX_H

#include <stddef.h>

/* Renders and starts the nginx of dir (made by the test, mode 0755) with the shell
 * assignments vars ("RQ_NGINX_RATE=1r/m RQ_LISTEN_ADDR=..."); writes its
 * https://<address>:<port> into base (cap bytes). Fails the test when it does not start. */
void pn_up(const char *dir, const char *vars, char *base, size_t cap);
/* The same without failing the test: renders the configuration for port (0: a free one) and
 * runs nginx_start, which reloads the nginx of dir when it runs (as deploy/up does); returns
 * nginx_start's exit status, and fills base only when it is 0. */
int pn_start(const char *dir, const char *vars, int port, char *base, size_t cap);
/* Stops the nginx of dir (nothing when none runs). */
void pn_down(const char *dir);
/* A test's directory for its nginx: dir (a mkdtemp template, rewritten) made, mode 0755 (nginx's
 * workers traverse it). Returns 0 or -1, for a cmocka setup. */
int pn_dir_make(char *dir);
/* Its nginx stopped and dir removed; for a cmocka teardown. */
int pn_dir_remove(const char *dir);
/* Shell that stops the nginx of dir at once (SIGTERM: no waiting for open connections) and
 * removes dir, for a cleanup run outside the test (support/netns). */
void pn_cleanup_sh(const char *dir, char *out, size_t cap);

#endif
