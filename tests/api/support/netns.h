/* A client that is not loopback, for the tests of nginx's per-address rules (rate limits,
 * exemptions): a network namespace joined to this one by a veth pair on a /30 of
 * 10.231.0.0/16 picked from the pid (never one an interface of the machine has), made by the
 * test and removed by it — and, should the test die before its teardown, by a watchdog
 * process that outlives it for that alone. A private nginx (private_nginx.h) listening on
 * host_addr is then reached from ns_addr. */
#ifndef NETNS_H
#define NETNS_H

#include <stdbool.h>

struct netns {
	char ns[32];	    /* the namespace's name, rq<tag><pid> */
	char host_if[16];   /* this side of the pair */
	char ns_if[16];	    /* the namespace's side */
	char host_addr[32]; /* on host_if: where a private nginx listens */
	char ns_addr[32];   /* on ns_if: the client's address */
	bool made;
	int watchdog_fd; /* write end of the watchdog's pipe; -1 when none */
};

/* Makes the namespace and the pair (tag: two or three letters naming the test) and starts
 * the watchdog, which also runs cleanup_sh (shell, may be NULL) when the test dies before
 * netns_remove. Returns 0, or -1 (what was made is removed by netns_remove). */
int netns_make(struct netns *n, const char *tag, const char *cleanup_sh);
/* Removes the pair and the namespace (nothing when not made) and ends the watchdog. */
void netns_remove(struct netns *n);
/* Runs "curl -sk <args>" inside the namespace; returns its stdout (malloc'd) or NULL when
 * curl failed. */
char *netns_curl(const struct netns *n, const char *args);

/* A test's private nginx directory dir (a mkdtemp template, private_nginx.h) and its
 * namespace: made by netns_nginx_setup (the watchdog also stops that nginx and removes dir),
 * undone by netns_nginx_teardown. Each returns 0 or -1. */
int netns_nginx_setup(char *dir, struct netns *n, const char *tag);
int netns_nginx_teardown(char *dir, struct netns *n);

#endif
