/* deploy/up fails when nginx cannot listen on its port (issue 16: it exited 0). deploy/up
 * starts nginx with nginx_start (deploy/lib.sh), which on a running nginx reloads it: a
 * reload nginx cannot apply — a port another process holds — leaves the old configuration
 * running and says so only in nginx's error log. Here a private nginx (nginx_support.h) is
 * moved to a port this test holds: nginx_start must fail, both on a reload and on a fresh
 * start, and succeed again on a free port. */
#include "api.h"
#include "nginx_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static struct ng_nginx ng;

static int teardown(void **state)
{
	(void)state;
	return ng_remove(&ng);
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
	ng_up(&ng, "");
	int port;
	int held = hold_a_port(&port);
	/* a reload onto the taken port: nginx keeps running, but not there */
	if (ng_start(&ng, port, "") == 0)
		fail_msg("nginx_start answered success although port %d is taken", port);
	/* a fresh start onto it */
	ng_stop(&ng);
	assert_int_not_equal(ng_start(&ng, port, ""), 0);
	close(held);
	/* and once the port is free, it starts */
	assert_int_equal(ng_start(&ng, port, ""), 0);
	char url[128];
	snprintf(url, sizeof(url), "%s/api/v1/admin/health", ng.base);
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
	return cmocka_run_group_tests(tests, NULL, teardown);
}
