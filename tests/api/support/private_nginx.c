#include "private_nginx.h"

#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pn_start(const char *dir, const char *vars, int port, char *base, size_t cap)
{
	char chosen[40] = "rq_free_port RQ_HTTPS_PORT";
	if (port > 0)
		snprintf(chosen, sizeof(chosen), "RQ_HTTPS_PORT=%d", port);
	/* vars for nginx_start too: it checks that nginx listens on RQ_LISTEN_ADDR */
	int rc =
	    api_lib_sh("rq_layout '%s'\n"
		       "RQ_SOCKDIR='%s' RQ_NGINX_DIR='%s/nginx' RQ_LOGDIR='%s/log'\n"
		       "install -d -m 0755 \"$RQ_NGINX_DIR\" \"$RQ_LOGDIR\"\n"
		       "for t in client_body fastcgi proxy uwsgi scgi; do\n"
		       "  install -d -m 0700 -o www-data -g www-data \"$RQ_NGINX_DIR/tmp/$t\"\n"
		       "done\n"
		       "%s\n"
		       "%s nginx_render\n"
		       "%s nginx_start\n"
		       "echo \"$RQ_HTTPS_PORT\" >'%s/port'",
		       api_env("RUQIMA_TEST_STATE_DIR"), api_env("RUQIMA_TEST_SOCKET_DIR"), dir,
		       dir, chosen, vars, vars, dir);
	if (rc != 0)
		return rc;
	char path[512];
	snprintf(path, sizeof(path), "%s/port", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	int p = 0;
	assert_int_equal(fscanf(f, "%d", &p), 1);
	fclose(f);
	/* the address it listens on: RQ_LISTEN_ADDR of vars, else loopback */
	const char *at = strstr(vars, "RQ_LISTEN_ADDR=");
	char addr[64] = "127.0.0.1";
	if (at != NULL) {
		at += strlen("RQ_LISTEN_ADDR=");
		size_t n = strcspn(at, " ");
		snprintf(addr, sizeof(addr), "%.*s", (int)n, at);
	}
	snprintf(base, cap, "https://%s:%d", addr, p);
	return 0;
}

void pn_up(const char *dir, const char *vars, char *base, size_t cap)
{
	assert_int_equal(pn_start(dir, vars, 0, base, cap), 0);
}

void pn_down(const char *dir)
{
	api_lib_sh("RQ_NGINX_DIR='%s/nginx' RQ_LOGDIR='%s/log'\nnginx_stop", dir, dir);
}

int pn_dir_make(char *dir)
{
	return mkdtemp(dir) != NULL && api_sh("chmod 0755 '%s'", dir) == 0 ? 0 : -1;
}

int pn_dir_remove(const char *dir)
{
	pn_down(dir);
	return api_sh("rm -rf '%s'", dir);
}

void pn_cleanup_sh(const char *dir, char *out, size_t cap)
{
	snprintf(out, cap, "kill -TERM $(cat '%s/nginx/nginx.pid') 2>/dev/null; rm -rf '%s'", dir,
		 dir);
}
