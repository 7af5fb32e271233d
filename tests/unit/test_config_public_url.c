/* RUQIMA_PUBLIC_BASE_URL: the address printed QR codes encode (<url>/e/<token>). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

#include "rq_config.h"

static int unset(void **state)
{
	(void)state;
	unsetenv("RUQIMA_PUBLIC_BASE_URL");
	return 0;
}

static void default_is_the_local_stack(void **state)
{
	(void)state;
	struct rq_config c;
	assert_int_equal(rq_config_load(&c), 0);
	assert_string_equal(c.public_base_url, "https://127.0.0.1:8443");
}

static void setting_is_read_without_final_slashes(void **state)
{
	(void)state;
	struct rq_config c;
	setenv("RUQIMA_PUBLIC_BASE_URL", "https://qy.example.cn/rq//", 1);
	assert_int_equal(rq_config_load(&c), 0);
	assert_string_equal(c.public_base_url, "https://qy.example.cn/rq");
	setenv("RUQIMA_PUBLIC_BASE_URL", "http://10.0.0.1:8080", 1);
	assert_int_equal(rq_config_load(&c), 0);
	assert_string_equal(c.public_base_url, "http://10.0.0.1:8080");
}

static void malformed_urls_are_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {"qy.example.cn",
					  "ftp://qy.example.cn",
					  "https://",
					  "https:///",
					  "https://qy.example.cn/a b",
					  "https://qy.example.cn/?x=1",
					  "https://qy.example.cn#f",
					  "https://例子.cn",
					  NULL};
	for (const char *const *u = bad; *u != NULL; u++) {
		struct rq_config c;
		setenv("RUQIMA_PUBLIC_BASE_URL", *u, 1);
		if (rq_config_load(&c) != -1)
			fail_msg("RUQIMA_PUBLIC_BASE_URL=%s was accepted", *u);
	}
	char long_url[260] = "https://";
	for (size_t i = 8; i < sizeof(long_url) - 1; i++)
		long_url[i] = 'a';
	long_url[sizeof(long_url) - 1] = '\0';
	struct rq_config c;
	setenv("RUQIMA_PUBLIC_BASE_URL", long_url, 1);
	assert_int_equal(rq_config_load(&c), -1);
}

/* What `codes print` refuses to put on a poster without --allow-local-url. */
static void local_urls_are_recognised(void **state)
{
	(void)state;
	static const char *const local[] = {"https://127.0.0.1:8443",
					    "http://127.0.0.1",
					    "https://127.8.9.10/rq",
					    "https://127.1",
					    "http://2130706433",
					    "https://localhost",
					    "https://LocalHost:8443",
					    "https://localhost.",
					    "https://qr.localhost/x",
					    "https://[::1]:8443",
					    "https://[::]",
					    "https://[::ffff:127.0.0.1]",
					    "https://0.0.0.0:8443",
					    "https://u:p@127.0.0.1:1",
					    NULL};
	static const char *const public[] = {"https://qr.xinyang.gov.cn",
					     "https://10.0.0.1:8443",
					     "https://128.0.0.1",
					     "https://localhost.example.cn",
					     "https://mylocalhost",
					     "https://[2001:db8::1]:8443",
					     "https://127.0.0.1.example.cn",
					     "https://localhost@qr.example.cn",
					     NULL};
	for (const char *const *u = local; *u != NULL; u++)
		if (!rq_url_is_local(*u))
			fail_msg("%s is not taken for this machine", *u);
	for (const char *const *u = public; *u != NULL; u++)
		if (rq_url_is_local(*u))
			fail_msg("%s is taken for this machine", *u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(default_is_the_local_stack, unset, unset),
	    cmocka_unit_test_setup_teardown(setting_is_read_without_final_slashes, unset, unset),
	    cmocka_unit_test_setup_teardown(malformed_urls_are_refused, unset, unset),
	    cmocka_unit_test(local_urls_are_recognised),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
