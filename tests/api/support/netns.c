#include "netns.h"

#include "api.h"
#include "private_nginx.h"
#include "test_common.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A /30 of 10.231.0.0/16 from the pid, so that two tests at once do not meet; the next one
 * when an interface has an address in it. Returns 0 or -1. */
static int pick_addresses(struct netns *n)
{
	unsigned pid = (unsigned)getpid();
	for (unsigned k = 0; k < 16; k++) {
		unsigned block = (pid + k * 997) % 16384; /* 16,384 /30s in a /16 */
		unsigned c = block / 64, d = (block % 64) * 4;
		if (api_sh("[ -z \"$(ip -4 -o addr show to 10.231.%u.%u/30)\" ]", c, d) != 0)
			continue;
		snprintf(n->host_addr, sizeof(n->host_addr), "10.231.%u.%u", c, d + 1);
		snprintf(n->ns_addr, sizeof(n->ns_addr), "10.231.%u.%u", c, d + 2);
		return 0;
	}
	return -1;
}

static void removal_sh(const struct netns *n, char *out, size_t cap)
{
	/* deleting one end of the pair deletes both */
	snprintf(out, cap, "ip link del %s 2>/dev/null; ip netns del %s 2>/dev/null; true",
		 n->host_if, n->ns);
}

/* A grandchild in a session of its own (not a process the test's runner would kill with
 * the test) that waits for the pipe's end — the test ending, however — then removes. */
static int start_watchdog(struct netns *n, const char *cleanup_sh)
{
	char cmd[1024], removal[256];
	removal_sh(n, removal, sizeof(removal));
	snprintf(cmd, sizeof(cmd), "%s; %s", cleanup_sh != NULL ? cleanup_sh : "true", removal);
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (fork() != 0)
			_exit(0);
		setsid();
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		dup2(fds[0], 3);
		closefrom(
		    4); /* nothing of the test's (its output pipe, its connections) stays open */
		char c;
		while (read(3, &c, 1) > 0)
			;
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	close(fds[0]);
	n->watchdog_fd = fds[1];
	return 0;
}

int netns_make(struct netns *n, const char *tag, const char *cleanup_sh)
{
	memset(n, 0, sizeof(*n));
	n->watchdog_fd = -1;
	int pid = (int)getpid();
	snprintf(n->ns, sizeof(n->ns), "rq%s%d", tag, pid);
	snprintf(n->host_if, sizeof(n->host_if), "%sh%d", tag, pid % 1000000);
	snprintf(n->ns_if, sizeof(n->ns_if), "%sn%d", tag, pid % 1000000);
	if (pick_addresses(n) != 0)
		return -1;
	n->made = true;
	if (start_watchdog(n, cleanup_sh) != 0)
		return -1;
	return api_sh("set -e; ip netns add %s; ip link add %s type veth peer name %s;"
		      " ip link set %s netns %s; ip addr add %s/30 dev %s; ip link set %s up;"
		      " ip netns exec %s ip addr add %s/30 dev %s;"
		      " ip netns exec %s ip link set %s up; ip netns exec %s ip link set lo up",
		      n->ns, n->host_if, n->ns_if, n->ns_if, n->ns, n->host_addr, n->host_if,
		      n->host_if, n->ns, n->ns_addr, n->ns_if, n->ns, n->ns_if, n->ns);
}

void netns_remove(struct netns *n)
{
	if (n->made) {
		char removal[256];
		removal_sh(n, removal, sizeof(removal));
		api_sh("%s", removal);
		n->made = false;
	}
	if (n->watchdog_fd >= 0) {
		close(n->watchdog_fd); /* the watchdog removes again (nothing left) and ends */
		n->watchdog_fd = -1;
	}
}

char *netns_curl(const struct netns *n, const char *args)
{
	size_t cap = strlen(args) + 128;
	char *cmd = malloc(cap);
	assert_non_null(cmd);
	snprintf(cmd, cap, "ip netns exec %s curl -sk %s", n->ns, args);
	int st;
	char *out = tc_run(cmd, NULL, &st);
	free(cmd);
	if (st != 0) {
		free(out);
		return NULL;
	}
	return out;
}

int netns_nginx_setup(char *dir, struct netns *n, const char *tag)
{
	if (pn_dir_make(dir) != 0) /* first: it names dir */
		return -1;
	char stop[256];
	pn_cleanup_sh(dir, stop, sizeof(stop));
	return netns_make(n, tag, stop);
}

int netns_nginx_teardown(char *dir, struct netns *n)
{
	pn_down(dir);
	netns_remove(n);
	return pn_dir_remove(dir);
}
