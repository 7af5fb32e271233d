/* deploy/up fails when nginx cannot listen on its port (issue 16: it exited 0). deploy/up
 * starts nginx with nginx_start (deploy/lib.sh), which on a running nginx reloads it: a
 * reload nginx cannot apply — a port another process holds — leaves the old configuration
 * running and says so only in nginx's error log. Here a private nginx
 * (private_nginx.h) is moved to a port this test holds: nginx_start must fail, both on a reload and
 * on a fresh start, and succeed again on a free port. */
#include "api.h"
#include "private_nginx.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static char dir[] = "/tmp/rq-api-nginx-bind-XXXXXX";
static char base[64];

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) != NULL && api_sh("chmod 0755 '%s'", dir) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	pn_down(dir);
	return api_sh("rm -rf '%s'", dir);
}

/* A listening socket on 127.0.0.1 (what another program holding the port looks like); its
 * port into *port. */
static int hold_a_port(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	socklen_t len = sizeof(sa);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

static void test_nginx_start_fails_when_the_port_is_taken(void **state)
{
	(void)state;
	pn_up(dir, "", base, sizeof(base));
	int port;
	int held = hold_a_port(&port);
	/* a reload onto the taken port: nginx keeps running, but not there */
	if (pn_start(dir, "", port, base, sizeof(base)) == 0)
		fail_msg("nginx_start answered success although port %d is taken", port);
	/* a fresh start onto it */
	pn_down(dir);
	assert_int_not_equal(pn_start(dir, "", port, base, sizeof(base)), 0);
	close(held);
	/* and once the port is free, it starts */
	assert_int_equal(pn_start(dir, "", port, base, sizeof(base)), 0);
	char url[128];
	snprintf(url, sizeof(url), "%s/api/v1/admin/health", base);
	struct api_resp *r = api_call("GET", url, NULL, NULL, NULL);
	assert_int_equal(r->status, 200);
	api_free(r);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nginx_start_fails_when_the_port_is_taken),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
