/* Settings from RUQIMA_* variables: defaults, range checks, and the env file loader. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rq_config.h"

extern char **environ;

/* Unsets every RUQIMA_* and RQTEST_* variable so each test starts from the defaults. */
static int clean_env(void **state)
{
	(void)state;
	for (;;) {
		char name[256] = "";
		for (char **e = environ; e != NULL && *e != NULL; e++) {
			if (strncmp(*e, "RUQIMA_", 7) != 0 && strncmp(*e, "RQTEST_", 7) != 0)
				continue;
			const char *eq = strchr(*e, '=');
			size_t n = eq != NULL ? (size_t)(eq - *e) : strlen(*e);
			if (n < sizeof(name)) {
				memcpy(name, *e, n);
				name[n] = '\0';
				break;
			}
		}
		if (name[0] == '\0')
			return 0;
		unsetenv(name);
	}
}

static void defaults_without_any_setting(void **state)
{
	(void)state;
	struct rq_config c;
	assert_int_equal(rq_config_load(&c), 0);
	assert_string_equal(c.state_dir, "/var/lib/ruqima");
	assert_string_equal(c.socket_dir, "/var/lib/ruqima/run");
	assert_string_equal(c.socket_group, "www-data");
	assert_null(c.dsn);
	assert_null(c.owner_dsn);
	assert_null(c.report_dsn);
	assert_null(c.stats_dsn);
	assert_null(c.run_as);
	assert_string_equal(c.migrations_dir, RUQIMA_SOURCE_DIR "/migrations");
	assert_string_equal(c.wx_base_url, "https://api.weixin.qq.com");
	assert_string_equal(c.wx_appid, "");
	assert_string_equal(c.wx_secret, "");
	assert_int_equal(c.workers, 2);
	assert_int_equal(c.max_requests, 10000);
	assert_int_equal(c.request_timeout, 30);
	assert_int_equal(c.max_body, 1048576);
	assert_int_equal(c.attachment_max_bytes, 4194304);
	assert_int_equal(c.attachment_daily_max, 200);
	assert_false(c.dev_login);
	assert_int_equal(c.session_ttl, 604800);
	assert_int_equal(c.session_idle, 7200);
	assert_int_equal(c.login_max_failures, 5);
	assert_int_equal(c.login_lockout, 900);
	/* ranges over 100,000 visits become an export job (issue 14) */
	assert_int_equal(c.export_stream_max, 100000);
}

static void settings_are_read(void **state)
{
	(void)state;
	setenv("RUQIMA_STATE_DIR", "/srv/ruqima", 1);
	setenv("RUQIMA_DSN", "dbname=ruqima user=ruqima_app", 1);
	setenv("RUQIMA_OWNER_DSN", "dbname=ruqima user=ruqima_owner", 1);
	setenv("RUQIMA_REPORT_DSN", "dbname=ruqima user=ruqima_report", 1);
	setenv("RUQIMA_SOCKET_GROUP", "nginx", 1);
	setenv("RUQIMA_RUN_AS", "ruqima", 1);
	setenv("RUQIMA_MIGRATIONS_DIR", "/usr/share/ruqima/migrations", 1);
	setenv("RUQIMA_WX_BASE_URL", "http://127.0.0.1:9999", 1);
	setenv("RUQIMA_WX_APPID", "wx123", 1);
	setenv("RUQIMA_WX_SECRET", "s3cret", 1);
	setenv("RUQIMA_WORKERS", "8", 1);
	setenv("RUQIMA_MAX_REQUESTS", "500", 1);
	setenv("RUQIMA_REQUEST_TIMEOUT", "10", 1);
	setenv("RUQIMA_MAX_BODY", "65536", 1);
	setenv("RUQIMA_DEV_LOGIN", "1", 1);
	setenv("RUQIMA_SESSION_TTL", "86400", 1);
	setenv("RUQIMA_SESSION_IDLE", "600", 1);
	setenv("RUQIMA_LOGIN_MAX_FAILURES", "3", 1);
	setenv("RUQIMA_LOGIN_LOCKOUT", "60", 1);
	struct rq_config c;
	assert_int_equal(rq_config_load(&c), 0);
	assert_string_equal(c.state_dir, "/srv/ruqima");
	assert_string_equal(c.socket_dir, "/srv/ruqima/run"); /* follows the state dir */
	assert_string_equal(c.dsn, "dbname=ruqima user=ruqima_app");
	assert_string_equal(c.owner_dsn, "dbname=ruqima user=ruqima_owner");
	assert_string_equal(c.report_dsn, "dbname=ruqima user=ruqima_report");
	/* the statistics read where the workers do unless told otherwise */
	assert_string_equal(c.stats_dsn, "dbname=ruqima user=ruqima_app");
	assert_string_equal(c.socket_group, "nginx");
	assert_string_equal(c.run_as, "ruqima");
	assert_string_equal(c.migrations_dir, "/usr/share/ruqima/migrations");
	assert_string_equal(c.wx_base_url, "http://127.0.0.1:9999");
	assert_string_equal(c.wx_appid, "wx123");
	assert_string_equal(c.wx_secret, "s3cret");
	assert_int_equal(c.workers, 8);
	assert_int_equal(c.max_requests, 500);
	assert_int_equal(c.request_timeout, 10);
	assert_int_equal(c.max_body, 65536);
	assert_true(c.dev_login);
	assert_int_equal(c.session_ttl, 86400);
	assert_int_equal(c.session_idle, 600);
	assert_int_equal(c.login_max_failures, 3);
	assert_int_equal(c.login_lockout, 60);

	setenv("RUQIMA_SOCKET_DIR", "/run/ruqima", 1);
	assert_int_equal(rq_config_load(&c), 0);
	assert_string_equal(c.socket_dir, "/run/ruqima");
}

static void empty_settings_read_as_unset(void **state)
{
	(void)state;
	setenv("RUQIMA_STATE_DIR", "", 1);
	setenv("RUQIMA_DSN", "", 1);
	setenv("RUQIMA_WORKERS", "", 1);
	setenv("RUQIMA_MAX_BODY", "", 1);
	setenv("RUQIMA_DEV_LOGIN", "", 1);
	struct rq_config c;
	assert_int_equal(rq_config_load(&c), 0);
	assert_string_equal(c.state_dir, "/var/lib/ruqima");
	assert_null(c.dsn);
	assert_int_equal(c.workers, 2);
	assert_int_equal(c.max_body, 1048576);
	assert_false(c.dev_login);
}

struct range {
	const char *name;
	const char *min, *max;	   /* accepted */
	const char *below, *above; /* refused */
};

static const struct range ranges[] = {
    {"RUQIMA_WORKERS", "1", "256", "0", "257"},
    {"RUQIMA_MAX_REQUESTS", "1", "100000000", "0", "100000001"},
    {"RUQIMA_REQUEST_TIMEOUT", "1", "3600", "0", "3601"},
    {"RUQIMA_MAX_BODY", "1024", "67108864", "1023", "67108865"},
    {"RUQIMA_SESSION_TTL", "60", "7776000", "59", "7776001"},
    {"RUQIMA_SESSION_IDLE", "60", "7776000", "59", "7776001"},
    {"RUQIMA_LOGIN_MAX_FAILURES", "1", "1000", "0", "1001"},
    {"RUQIMA_LOGIN_LOCKOUT", "1", "86400", "0", "86401"},
    {"RUQIMA_ATTACHMENT_MAX_BYTES", "1024", "67108864", "1023", "67108865"},
    {"RUQIMA_ATTACHMENT_DAILY_MAX", "1", "100000", "0", "100001"},
};

static int load_with(const char *name, const char *value)
{
	setenv(name, value, 1);
	struct rq_config c;
	int rc = rq_config_load(&c);
	unsetenv(name);
	return rc;
}

static void numbers_at_the_limits_are_accepted(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		if (load_with(ranges[i].name, ranges[i].min) != 0)
			fail_msg("%s=%s should be accepted", ranges[i].name, ranges[i].min);
		if (load_with(ranges[i].name, ranges[i].max) != 0)
			fail_msg("%s=%s should be accepted", ranges[i].name, ranges[i].max);
	}
	setenv("RUQIMA_MAX_BODY", "67108864", 1);
	struct rq_config c;
	assert_int_equal(rq_config_load(&c), 0);
	assert_int_equal(c.max_body, 64L * 1024 * 1024);
}

static void numbers_out_of_range_are_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		if (load_with(ranges[i].name, ranges[i].below) != -1)
			fail_msg("%s=%s should be refused", ranges[i].name, ranges[i].below);
		if (load_with(ranges[i].name, ranges[i].above) != -1)
			fail_msg("%s=%s should be refused", ranges[i].name, ranges[i].above);
		if (load_with(ranges[i].name, "-1") != -1)
			fail_msg("%s=-1 should be refused", ranges[i].name);
		if (load_with(ranges[i].name, "99999999999999999999") != -1)
			fail_msg("%s=99999999999999999999 should be refused", ranges[i].name);
	}
}

static void malformed_numbers_are_refused(void **state)
{
	(void)state;
	const char *bad[] = {"abc", "12x", "1.5", " 5", "5 ", "+5", "0x10", "1e3", "--5", "٣"};
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
			if (load_with(ranges[i].name, bad[k]) != -1)
				fail_msg("%s=\"%s\" should be refused", ranges[i].name, bad[k]);
}

static void dev_login_is_only_0_or_1(void **state)
{
	(void)state;
	struct rq_config c;
	setenv("RUQIMA_DEV_LOGIN", "0", 1);
	assert_int_equal(rq_config_load(&c), 0);
	assert_false(c.dev_login);
	setenv("RUQIMA_DEV_LOGIN", "1", 1);
	assert_int_equal(rq_config_load(&c), 0);
	assert_true(c.dev_login);
	const char *bad[] = {"true", "yes", "on", "2", "01", "10", " 1", "1 ", "-1", "TRUE"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (load_with("RUQIMA_DEV_LOGIN", bad[i]) != -1)
			fail_msg("RUQIMA_DEV_LOGIN=\"%s\" should be refused", bad[i]);
}

/* Writes text to a new temporary file; returns its path (static buffer). */
static const char *temp_file(const char *text)
{
	static char path[64];
	snprintf(path, sizeof(path), "/tmp/ruqima-test-env-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t n = strlen(text);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
	return path;
}

static int read_env_text(const char *text)
{
	const char *path = temp_file(text);
	int rc = rq_config_read_env_file(path);
	unlink(path);
	return rc;
}

static void env_file_sets_variables(void **state)
{
	(void)state;
	const char *text = "# ruqima settings, written by deploy/up\n"
			   "\n"
			   "   \n"
			   "RQTEST_PLAIN=plain value\n"
			   "  # an indented comment\n"
			   "RQTEST_DOUBLE=\"with spaces  \"\n"
			   "RQTEST_SINGLE='it is quoted'\n"
			   "export RQTEST_EXPORTED=yes\n"
			   "  RQTEST_SPACED  =  trimmed  \n"
			   "RQTEST_EMPTY=\n"
			   "RQTEST_EMPTY_QUOTES=\"\"\n"
			   "RQTEST_CRLF=dos\r\n"
			   "RQTEST_EQUALS=dbname=ruqima user=app\n"
			   "RQTEST_HALF_QUOTED=\"open\n"
			   "RQTEST_MIXED_QUOTES=\"a'\n"
			   "RQTEST_TABS=\ttabbed\t\n"
			   "RQTEST_LAST=no newline at the end";
	assert_int_equal(read_env_text(text), 0);
	assert_string_equal(getenv("RQTEST_PLAIN"), "plain value");
	assert_string_equal(getenv("RQTEST_DOUBLE"), "with spaces  ");
	assert_string_equal(getenv("RQTEST_SINGLE"), "it is quoted");
	assert_string_equal(getenv("RQTEST_EXPORTED"), "yes");
	assert_string_equal(getenv("RQTEST_SPACED"), "trimmed");
	assert_non_null(getenv("RQTEST_EMPTY"));
	assert_string_equal(getenv("RQTEST_EMPTY"), "");
	assert_string_equal(getenv("RQTEST_EMPTY_QUOTES"), "");
	assert_string_equal(getenv("RQTEST_CRLF"), "dos");
	assert_string_equal(getenv("RQTEST_EQUALS"), "dbname=ruqima user=app");
	assert_string_equal(getenv("RQTEST_HALF_QUOTED"), "\"open");
	assert_string_equal(getenv("RQTEST_MIXED_QUOTES"), "\"a'");
	assert_string_equal(getenv("RQTEST_TABS"), "tabbed");
	assert_string_equal(getenv("RQTEST_LAST"), "no newline at the end");
	/* Comment lines set nothing. */
	assert_null(getenv("# ruqima settings, written by deploy/up"));
}

static void env_file_feeds_the_config(void **state)
{
	(void)state;
	assert_int_equal(read_env_text("RUQIMA_WORKERS=5\nRUQIMA_DEV_LOGIN='1'\n"), 0);
	struct rq_config c;
	assert_int_equal(rq_config_load(&c), 0);
	assert_int_equal(c.workers, 5);
	assert_true(c.dev_login);
}

static void env_file_does_not_override_the_environment(void **state)
{
	(void)state;
	setenv("RQTEST_SET", "from the environment", 1);
	setenv("RQTEST_SET_EMPTY", "", 1);
	assert_int_equal(read_env_text("RQTEST_SET=from the file\nRQTEST_SET_EMPTY=file\n"
				       "RQTEST_NEW=from the file\n"),
			 0);
	assert_string_equal(getenv("RQTEST_SET"), "from the environment");
	assert_string_equal(getenv("RQTEST_SET_EMPTY"), "");
	assert_string_equal(getenv("RQTEST_NEW"), "from the file");
	/* The first of two lines for one variable wins, like the environment over the file. */
	assert_int_equal(read_env_text("RQTEST_TWICE=first\nRQTEST_TWICE=second\n"), 0);
	assert_string_equal(getenv("RQTEST_TWICE"), "first");
}

static void malformed_env_line_is_an_error(void **state)
{
	(void)state;
	const char *bad[] = {
	    "RQTEST_OK=1\njust some words\n",
	    "=value without a name\n",
	    "export\n",
	    "export =x\n",
	    "RQTEST_A=1\n  = 2\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (read_env_text(bad[i]) != -1)
			fail_msg("should be refused: \"%s\"", bad[i]);
}

static void missing_env_file_is_minus_two(void **state)
{
	(void)state;
	assert_int_equal(rq_config_read_env_file("/tmp/ruqima-test-env-does-not-exist/x.env"), -2);
}

static void empty_env_file_is_fine(void **state)
{
	(void)state;
	assert_int_equal(read_env_text(""), 0);
	assert_int_equal(read_env_text("# only a comment\n\n"), 0);
}

/* Lines are read into a fixed buffer: a longer line must be refused, never cut into a
 * truncated value plus a stray variable named after part of the value. */
static void long_env_line_is_not_cut(void **state)
{
	(void)state;
	enum { VALUE_LEN = 10000 };
	static char text[VALUE_LEN + 64];
	int n = snprintf(text, sizeof(text), "RQTEST_LONG=");
	memset(text + n, 'v', VALUE_LEN);
	text[n + VALUE_LEN - 20] = '=';
	memcpy(text + n + VALUE_LEN, "\nRQTEST_AFTER=1\n", 17);
	int rc = read_env_text(text);
	const char *v = getenv("RQTEST_LONG");
	if (rc == 0) {
		assert_non_null(v);
		if (strlen(v) != VALUE_LEN)
			fail_msg(
			    "RQTEST_LONG "
			    "was set to a value cut to %zu of %d bytes, and the file was accepted",
			    strlen(v), VALUE_LEN);
		assert_string_equal(getenv("RQTEST_AFTER"), "1");
	} else {
		/* Refusing the file is acceptable; setting a cut value is not. */
		assert_int_equal(rc, -1);
		if (v != NULL && strlen(v) != VALUE_LEN)
			fail_msg("RQTEST_LONG "
				 "was set to a value cut to %zu bytes and the file was refused",
				 strlen(v));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(defaults_without_any_setting, clean_env, clean_env),
	    cmocka_unit_test_setup_teardown(settings_are_read, clean_env, clean_env),
	    cmocka_unit_test_setup_teardown(empty_settings_read_as_unset, clean_env, clean_env),
	    cmocka_unit_test_setup_teardown(numbers_at_the_limits_are_accepted, clean_env,
					    clean_env),
	    cmocka_unit_test_setup_teardown(numbers_out_of_range_are_refused, clean_env, clean_env),
	    cmocka_unit_test_setup_teardown(malformed_numbers_are_refused, clean_env, clean_env),
	    cmocka_unit_test_setup_teardown(dev_login_is_only_0_or_1, clean_env, clean_env),
	    cmocka_unit_test_setup_teardown(env_file_sets_variables, clean_env, clean_env),
	    cmocka_unit_test_setup_teardown(env_file_feeds_the_config, clean_env, clean_env),
	    cmocka_unit_test_setup_teardown(env_file_does_not_override_the_environment, clean_env,
					    clean_env),
	    cmocka_unit_test_setup_teardown(malformed_env_line_is_an_error, clean_env, clean_env),
	    cmocka_unit_test_setup_teardown(missing_env_file_is_minus_two, clean_env, clean_env),
	    cmocka_unit_test_setup_teardown(empty_env_file_is_fine, clean_env, clean_env),
	    cmocka_unit_test_setup_teardown(long_env_line_is_not_cut, clean_env, clean_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
