/* The public disclosure (/gongkai/ and /api/v1/reporting/public/) has a strict rate limit per
 * client address of its own (RQ_NGINX_PUBLIC_RATE, RQ_NGINX_PUBLIC_BURST), on top of /api/'s.
 * Every test comes from loopback, which the limits exempt by default; so this test makes a
 * client that is not loopback: a network namespace joined to this one by a veth pair on a
 * /30 of its own (made here and removed afterwards; no address of the machine's own
 * interfaces is used), and a private nginx (tests/api/support/private_nginx) listening on
 * the pair's address with the default exemption and a public rate of one a minute, burst 2.
 * From the namespace the fourth public request is refused 429 (problem+json), the page too
 * (one limit per address), while the rest of /api/ is not held to it; loopback stays exempt
 * on the shared stack. */
#include "api.h"
#include "private_nginx.h"
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/rq-api-gongkai-rl-XXXXXX";
static char base[96];
static char ns[32], host_if[16], ns_if[16];
static char host_addr[32], ns_addr[32];
static bool made;

/* A /30 of 100.64.0.0/10 (shared address space: on no ordinary interface) chosen by the pid,
 * so that two runs at once do not meet; refused when some interface has it already. */
static int pick_addresses(void)
{
	unsigned pid = (unsigned)getpid();
	unsigned b = 64 + ((pid >> 14) & 63), c = (pid >> 6) & 255, d = (pid & 63) * 4;
	snprintf(host_addr, sizeof(host_addr), "100.%u.%u.%u", b, c, d + 1);
	snprintf(ns_addr, sizeof(ns_addr), "100.%u.%u.%u", b, c, d + 2);
	return api_sh("! ip -4 -o addr show | grep -qE ' 100\\.%u\\.%u\\.(%u|%u)/'", b, c, d + 1,
		      d + 2);
}

static int setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL || api_sh("chmod 0755 '%s'", dir) != 0 || pick_addresses() != 0)
		return -1;
	snprintf(ns, sizeof(ns), "rqgk%d", (int)getpid());
	snprintf(host_if, sizeof(host_if), "gkh%d", (int)getpid() % 1000000);
	snprintf(ns_if, sizeof(ns_if), "gkn%d", (int)getpid() % 1000000);
	made = true;
	return api_sh("set -e; ip netns add %s; ip link add %s type veth peer name %s;"
		      " ip link set %s netns %s; ip addr add %s/30 dev %s; ip link set %s up;"
		      " ip netns exec %s ip addr add %s/30 dev %s;"
		      " ip netns exec %s ip link set %s up; ip netns exec %s ip link set lo up",
		      ns, host_if, ns_if, ns_if, ns, host_addr, host_if, host_if, ns, ns_addr,
		      ns_if, ns, ns_if, ns);
}

static int teardown(void **state)
{
	(void)state;
	pn_down(dir);
	if (made) {
		/* deleting one end of the pair deletes both */
		api_sh("ip link del %s 2>/dev/null; ip netns del %s 2>/dev/null; true", host_if,
		       ns);
	}
	return api_sh("rm -rf '%s'", dir);
}

/* The status of GET path from inside the namespace (its body into dir/body). */
static int from_ns(const char *path)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "ip netns exec %s curl -sk --max-time 10 -o '%s/body' -w '%%{http_code}' '%s%s'",
		 ns, dir, base, path);
	int st;
	char *out = tc_run(cmd, NULL, &st);
	int code = st == 0 ? (int)api_to_i64(out) : -1;
	free(out);
	return code;
}

static void test_public_answers_are_limited_per_address(void **state)
{
	(void)state;
	char vars[256];
	snprintf(vars, sizeof(vars),
		 "RQ_LISTEN_ADDR=%s RQ_NGINX_PUBLIC_RATE=1r/m RQ_NGINX_PUBLIC_BURST=2", host_addr);
	pn_up(dir, vars, base, sizeof(base));
	/* one a minute and two of burst: the fourth is refused at once */
	for (int i = 0; i < 3; i++)
		assert_int_equal(from_ns("/api/v1/reporting/public/months"), 200);
	assert_int_equal(from_ns("/api/v1/reporting/public/months"), 429);
	char path[128];
	snprintf(path, sizeof(path), "%s/body", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *body = tc_read_all(f, NULL);
	fclose(f);
	assert_non_null(strstr(body, "\"type\":\"/problems/rate-limited\""));
	free(body);
	/* the same address, the same limit for the page */
	assert_int_equal(from_ns("/gongkai/"), 429);
	/* the rest of /api/ keeps its own, generous limit */
	for (int i = 0; i < 10; i++)
		assert_int_equal(from_ns("/api/v1/registration/health"), 200);
}

/* The shared stack's nginx (default limits) never counts loopback: far more than the burst
 * of public requests all answer. */
static void test_loopback_is_exempt(void **state)
{
	(void)state;
	for (int i = 0; i < 40; i++) {
		struct api_resp *r = api_get("/api/v1/reporting/public/months", NULL);
		assert_int_equal(r->status, 200);
		api_free(r);
	}
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_public_answers_are_limited_per_address),
	    cmocka_unit_test(test_loopback_is_exempt),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
