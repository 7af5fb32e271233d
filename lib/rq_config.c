#include "rq_config.h"

#include "rq_num.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	return (v != NULL && *v != '\0') ? v : fallback;
}

static int env_int(const char *name, long def, long min, long max, long *out)
{
	const char *v = getenv(name);
	if (v == NULL || *v == '\0') {
		*out = def;
		return 0;
	}
	int64_t n;
	if (rq_parse_i64(v, min, max, &n) != 0) {
		fprintf(stderr,
			"ruqima: setting %s=\"%s\" must be a whole number from %ld to %ld\n", name,
			v, min, max);
		return -1;
	}
	*out = (long)n;
	return 0;
}

static int env_bool(const char *name, bool *out)
{
	const char *v = env_or(name, "0");
	if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0) {
		fprintf(stderr, "ruqima: setting %s=\"%s\" must be 0 or 1\n", name, v);
		return -1;
	}
	*out = v[0] == '1';
	return 0;
}

/* RUQIMA_PUBLIC_BASE_URL: an absolute http(s) URL without query, fragment or white space,
 * at most 200 bytes (it is in every printed QR code); final slashes are dropped. */
static int env_base_url(const char *name, const char *def, const char **out)
{
	static char url[256];
	const char *v = env_or(name, def);
	size_t n = strlen(v);
	while (n > 0 && v[n - 1] == '/')
		n--;
	size_t scheme = strncmp(v, "https://", 8) == 0 ? 8 : strncmp(v, "http://", 7) == 0 ? 7 : 0;
	bool ok = scheme > 0 && n > scheme && n <= 200;
	for (size_t i = 0; ok && i < n; i++)
		ok = (unsigned char)v[i] > 0x20 && (unsigned char)v[i] < 0x7f && v[i] != '?' &&
		     v[i] != '#';
	if (!ok) {
		fprintf(stderr,
			"ruqima: setting %s=\"%s\" must be an http(s) URL of at most 200 "
			"characters without white space, query or fragment\n",
			name, v);
		return -1;
	}
	memcpy(url, v, n);
	url[n] = '\0';
	*out = url;
	return 0;
}

bool rq_url_is_local(const char *url)
{
	const char *h = strstr(url, "://");
	h = h != NULL ? h + 3 : url;
	size_t n = strcspn(h, "/?#");
	const char *at = memchr(h, '@', n); /* user:password@host */
	if (at != NULL) {
		n -= (size_t)(at + 1 - h);
		h = at + 1;
	}
	char host[256];
	if (n >= sizeof(host))
		return false;
	memcpy(host, h, n);
	host[n] = '\0';
	if (host[0] == '[') { /* [IPv6]:port */
		char *close = strchr(host, ']');
		if (close == NULL)
			return false;
		*close = '\0';
		struct in6_addr a6;
		if (inet_pton(AF_INET6, host + 1, &a6) != 1)
			return false;
		return IN6_IS_ADDR_LOOPBACK(&a6) || IN6_IS_ADDR_UNSPECIFIED(&a6) ||
		       (IN6_IS_ADDR_V4MAPPED(&a6) &&
			(a6.s6_addr[12] == 127 || (a6.s6_addr32[3] == 0)));
	}
	char *colon = strchr(host, ':');
	if (colon != NULL)
		*colon = '\0';
	size_t len = strlen(host);
	if (len > 0 && host[len - 1] == '.') /* "localhost." is localhost */
		host[--len] = '\0';
	static const char suffix[] = ".localhost";
	if (strcasecmp(host, "localhost") == 0 ||
	    (len > sizeof(suffix) - 1 &&
	     strcasecmp(host + len - (sizeof(suffix) - 1), suffix) == 0))
		return true;
	/* inet_aton also reads the short forms a browser accepts: 127.1, 2130706433 */
	struct in_addr a4;
	if (inet_aton(host, &a4) == 0)
		return false;
	uint32_t ip = ntohl(a4.s_addr);
	return (ip >> 24) == 127 || ip == 0;
}

int rq_config_load(struct rq_config *cfg)
{
	static char socket_dir[4096];
	memset(cfg, 0, sizeof(*cfg));
	cfg->state_dir = env_or("RUQIMA_STATE_DIR", "/var/lib/ruqima");
	snprintf(socket_dir, sizeof(socket_dir), "%s/run", cfg->state_dir);
	static char seal_file[4096];
	snprintf(seal_file, sizeof(seal_file), "%s/audit-seals.txt", cfg->state_dir);
	cfg->audit_seal_file = env_or("RUQIMA_AUDIT_SEAL_FILE", seal_file);
	cfg->dsn = env_or("RUQIMA_DSN", NULL);
	cfg->owner_dsn = env_or("RUQIMA_OWNER_DSN", NULL);
	cfg->report_dsn = env_or("RUQIMA_REPORT_DSN", NULL);
	cfg->stats_dsn = env_or("RUQIMA_STATS_DSN", cfg->dsn);
	cfg->socket_dir = env_or("RUQIMA_SOCKET_DIR", socket_dir);
	cfg->socket_group = env_or("RUQIMA_SOCKET_GROUP", "www-data");
	cfg->run_as = env_or("RUQIMA_RUN_AS", NULL);
	cfg->migrations_dir = env_or("RUQIMA_MIGRATIONS_DIR", RUQIMA_SOURCE_DIR "/migrations");
	cfg->wx_base_url = env_or("RUQIMA_WX_BASE_URL", "https://api.weixin.qq.com");
	cfg->wx_appid = env_or("RUQIMA_WX_APPID", "");
	cfg->wx_secret = env_or("RUQIMA_WX_SECRET", "");
	cfg->wx_template_visit = env_or("RUQIMA_WX_TEMPLATE_VISIT", "");
	cfg->wx_msg_page = env_or("RUQIMA_WX_MSG_PAGE", "pages/visits/detail");
	cfg->wx_template_case = env_or("RUQIMA_WX_TEMPLATE_CASE", "");
	cfg->wx_case_page = env_or("RUQIMA_WX_CASE_PAGE", "pages/cases/detail");
	cfg->font_file =
	    env_or("RUQIMA_FONT_FILE", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc");
	cfg->poster_footer = env_or("RUQIMA_POSTER_FOOTER",
				    "信阳市优化营商环境工作领导小组办公室 监制 · 监督电话 12345");

	long workers, max_requests, timeout, max_body, ttl, idle, failures, lockout, daily_max,
	    max_lag;
	if (env_int("RUQIMA_WORKERS", 2, 1, 256, &workers) != 0 ||
	    env_int("RUQIMA_MAX_REQUESTS", 10000, 1, 100000000, &max_requests) != 0 ||
	    env_int("RUQIMA_REQUEST_TIMEOUT", 30, 1, 3600, &timeout) != 0 ||
	    env_int("RUQIMA_MAX_BODY", 1048576, 1024, 64L * 1024 * 1024, &max_body) != 0 ||
	    env_int("RUQIMA_SESSION_TTL", 604800, 60, 90L * 86400, &ttl) != 0 ||
	    env_int("RUQIMA_SESSION_IDLE", 7200, 60, 90L * 86400, &idle) != 0 ||
	    env_int("RUQIMA_LOGIN_MAX_FAILURES", 5, 1, 1000, &failures) != 0 ||
	    env_int("RUQIMA_LOGIN_LOCKOUT", 900, 1, 86400, &lockout) != 0 ||
	    env_int("RUQIMA_IMPORT_MAX_BYTES", 256L * 1024 * 1024, 1024, 4096L * 1024 * 1024,
		    &cfg->import_max_bytes) != 0 ||
	    env_int("RUQIMA_ATTACHMENT_MAX_BYTES", 4L * 1024 * 1024, 1024, 64L * 1024 * 1024,
		    &cfg->attachment_max_bytes) != 0 ||
	    env_int("RUQIMA_ATTACHMENT_DAILY_MAX", 200, 1, 100000, &daily_max) != 0 ||
	    env_int("RUQIMA_REPORT_TIMEOUT", 600, 1, 86400, &cfg->report_timeout) != 0 ||
	    env_int("RUQIMA_REPLICA_MAX_LAG", 60, 0, 86400, &max_lag) != 0 ||
	    env_int("RUQIMA_EXPORT_STREAM_MAX", 100000, 1, 10000000, &cfg->export_stream_max) !=
		0 ||
	    env_bool("RUQIMA_DEV_LOGIN", &cfg->dev_login) != 0 ||
	    env_bool("RUQIMA_PRINT_LOCAL_URL", &cfg->print_local_url) != 0 ||
	    env_base_url("RUQIMA_PUBLIC_BASE_URL", "https://127.0.0.1:8443",
			 &cfg->public_base_url) != 0)
		return -1;
	cfg->workers = (int)workers;
	cfg->max_requests = (int)max_requests;
	cfg->request_timeout = (int)timeout;
	cfg->max_body = max_body;
	cfg->session_ttl = (int)ttl;
	cfg->session_idle = (int)idle;
	cfg->login_max_failures = (int)failures;
	cfg->login_lockout = (int)lockout;
	cfg->attachment_daily_max = (int)daily_max;
	cfg->replica_max_lag = (int)max_lag;
	return 0;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 &&
	       (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

int rq_config_read_env_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -2;
	char line[8192];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			fprintf(stderr, "ruqima: %s:%d: line too long\n", path, lineno);
			rc = -1;
			break;
		}
		char *s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		if (strncmp(s, "export ", 7) == 0)
			s = trim(s + 7);
		char *eq = strchr(s, '=');
		if (eq == NULL || eq == s) {
			fprintf(stderr, "ruqima: %s:%d: expected KEY=VALUE\n", path, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		char *value = trim(eq + 1);
		size_t n = strlen(value);
		/* Accept the shell's quoting of the env file deploy/up writes. */
		if (n >= 2 && (value[0] == '\'' || value[0] == '"') && value[n - 1] == value[0]) {
			value[n - 1] = '\0';
			value++;
		}
		if (setenv(trim(s), value, 0) != 0) {
			fprintf(stderr, "ruqima: %s:%d: %s\n", path, lineno, strerror(errno));
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}
