#include "nginx_support.h"

#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ng_start(struct ng_nginx *n, int port, const char *vars)
{
	if (n->dir[0] == '\0') {
		snprintf(n->dir, sizeof(n->dir), "/tmp/rq-api-nginx-XXXXXX");
		if (mkdtemp(n->dir) == NULL || api_sh("chmod 0755 '%s'", n->dir) != 0)
			fail_msg("no directory for a private nginx");
	}
	char chosen[32] = "rq_free_port RQ_HTTPS_PORT";
	if (port > 0)
		snprintf(chosen, sizeof(chosen), "RQ_HTTPS_PORT=%d", port);
	int rc =
	    api_lib_sh("rq_layout '%s'\n"
		       "RQ_SOCKDIR='%s' RQ_NGINX_DIR='%s/nginx' RQ_LOGDIR='%s/log'\n"
		       "install -d -m 0755 \"$RQ_NGINX_DIR\" \"$RQ_LOGDIR\"\n"
		       "for t in client_body fastcgi proxy uwsgi scgi; do\n"
		       "  install -d -m 0700 -o www-data -g www-data \"$RQ_NGINX_DIR/tmp/$t\"\n"
		       "done\n"
		       "%s\n"
		       "%s nginx_render\n"
		       "nginx_start\n"
		       "echo \"$RQ_HTTPS_PORT\" >'%s/port'",
		       api_env("RUQIMA_TEST_STATE_DIR"), api_env("RUQIMA_TEST_SOCKET_DIR"), n->dir,
		       n->dir, chosen, vars, n->dir);
	if (rc != 0)
		return rc;
	char path[128];
	snprintf(path, sizeof(path), "%s/port", n->dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	int p = 0;
	assert_int_equal(fscanf(f, "%d", &p), 1);
	fclose(f);
	snprintf(n->base, sizeof(n->base), "https://127.0.0.1:%d", p);
	return 0;
}

void ng_up(struct ng_nginx *n, const char *vars)
{
	ng_stop(n);
	assert_int_equal(ng_start(n, 0, vars), 0);
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
