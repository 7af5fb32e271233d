#include "nginx_support.h"

#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ng_up(struct ng_nginx *n, const char *vars)
{
	if (n->dir[0] == '\0') {
		snprintf(n->dir, sizeof(n->dir), "/tmp/rq-api-nginx-XXXXXX");
		if (mkdtemp(n->dir) == NULL || api_sh("chmod 0755 '%s'", n->dir) != 0)
			fail_msg("no directory for a private nginx");
	}
	ng_stop(n);
	int rc =
	    api_lib_sh("rq_layout '%s'\n"
		       "RQ_SOCKDIR='%s' RQ_NGINX_DIR='%s/nginx' RQ_LOGDIR='%s/log'\n"
		       "install -d -m 0755 \"$RQ_NGINX_DIR\" \"$RQ_LOGDIR\"\n"
		       "for t in client_body fastcgi proxy uwsgi scgi; do\n"
		       "  install -d -m 0700 -o www-data -g www-data \"$RQ_NGINX_DIR/tmp/$t\"\n"
		       "done\n"
		       "rq_free_port RQ_HTTPS_PORT\n"
		       "%s nginx_render\n"
		       "nginx_start\n"
		       "echo \"$RQ_HTTPS_PORT\" >'%s/port'",
		       api_env("RUQIMA_TEST_STATE_DIR"), api_env("RUQIMA_TEST_SOCKET_DIR"), n->dir,
		       n->dir, vars, n->dir);
	assert_int_equal(rc, 0);
	char path[128];
	snprintf(path, sizeof(path), "%s/port", n->dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	int port = 0;
	assert_int_equal(fscanf(f, "%d", &port), 1);
	fclose(f);
	snprintf(n->base, sizeof(n->base), "https://127.0.0.1:%d", port);
}

void ng_stop(struct ng_nginx *n)
{
	if (n->base[0] == '\0')
		return;
	api_lib_sh("RQ_NGINX_DIR='%s/nginx' RQ_LOGDIR='%s/log'\nnginx_stop", n->dir, n->dir);
	n->base[0] = '\0';
}

int ng_remove(struct ng_nginx *n)
{
	ng_stop(n);
	if (n->dir[0] == '\0')
		return 0;
	int rc = api_sh("rm -rf '%s'", n->dir);
	n->dir[0] = '\0';
	return rc;
}
