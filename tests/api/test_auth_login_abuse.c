/* Portal login abuse, from the attacker's side (README, "Portal logins: the threat model").
 * Each attacker comes from an address of its own (127.0.0.x: all of 127.0.0.0/8 is this host,
 * and the database counts each as a client), the owner from another:
 *   - 30 parallel wrong passwords get at most the 5 free ones checked (the counters are
 *     reserved atomically before the check), the rest 429 login-throttled with Retry-After;
 *   - an unknown username, a real one and one locked by an admin answer alike, try after try;
 *   - the delay grows (1 s, 2 s ...) and an admin's unlock ends it;
 *   - guessing from anywhere never locks the owner out where they log in;
 *   - one address spraying usernames is stopped after 50 failures, whatever the name;
 *   - nginx limits logins per address (a private nginx without the loopback exemption).
 * Every address used here is this test's own; the counters of 127.0.0.1, which every other
 * test uses, see only successes from here. */
#include "api.h"
#include "api_register.h"
#include "private_nginx.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A new city admin: its username into name (cap bytes); the password returned. */
static char *new_user(const char *prefix, char *name, size_t cap)
{
	snprintf(name, cap, "%s", api_unique(prefix));
	return api_create_admin(name, "city_admin");
}

static struct api_resp *login_from(const char *addr, const char *user, const char *password)
{
	api_set_source(addr);
	struct api_resp *r = api_login(user, password);
	api_set_source(NULL);
	return r;
}

/* Asserts a 429 login-throttled with Retry-After; returns its seconds. */
static int64_t assert_throttled(const struct api_resp *r)
{
	api_assert_problem(r, 429, "login-throttled");
	char *ra = api_header(r, "Retry-After");
	if (ra == NULL)
		fail_msg("429 without Retry-After: %s", r->headers);
	int64_t secs = api_to_i64(ra);
	free(ra);
	assert_true(secs >= 1);
	assert_null(api_header(r, "Set-Cookie"));
	return secs;
}

struct flood {
	const char *user;
	long status;
};

static void *flood_one(void *arg)
{
	struct flood *f = arg;
	struct api_resp *r = api_login(f->user, "a parallel guess");
	f->status = r->status;
	api_free(r);
	return NULL;
}

static void test_parallel_guesses_checked_at_most_five(void **state)
{
	(void)state;
	char name[128];
	char *password = new_user("flood", name, sizeof(name));
	enum { N = 30 };
	struct flood f[N];
	pthread_t t[N];
	api_set_source("127.0.0.21");
	double t0 = api_now();
	for (int i = 0; i < N; i++) {
		f[i] = (struct flood){name, 0};
		assert_int_equal(pthread_create(&t[i], NULL, flood_one, &f[i]), 0);
	}
	for (int i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	double took = api_now() - t0;
	api_set_source(NULL);
	int checked = 0, throttled = 0;
	for (int i = 0; i < N; i++) {
		if (f[i].status == 401)
			checked++;
		else if (f[i].status == 429)
			throttled++;
		else
			fail_msg("a parallel guess answered %ld", f[i].status);
	}
	/* five free, then one more each time the doubling delay (1 s, 2 s ...) ran out */
	int extra = 0;
	for (double delays = 1; delays <= took; delays += (double)(1 << extra))
		extra++;
	if (checked < 5 || checked > 5 + extra)
		fail_msg("%d of %d parallel guesses were checked in %.1f s (5 free, %d later)",
			 checked, N, took, extra);
	assert_int_equal(checked + throttled, N);
	/* the owner, from the address they work at, is not concerned */
	struct api_resp *r = api_login(name, password);
	if (r->status != 200)
		fail_msg("the owner after a flood from elsewhere: %ld %s", r->status, r->body);
	api_free(r);
	free(password);
}

/* The (status, type, Retry-After) of each of n tries of user from addr, as one string. */
static void answers(const char *addr, const char *user, int n, char *out, size_t cap)
{
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		struct api_resp *r = login_from(addr, user, "not the password");
		char *ra = api_header(r, "Retry-After");
		const char *type = api_json_str(r, "type");
		size_t len = strlen(out);
		snprintf(out + len, cap - len, "%ld %s %s; ", r->status, type != NULL ? type : "-",
			 ra != NULL ? ra : "-");
		free(ra);
		api_free(r);
	}
}

static void test_unknown_real_and_locked_users_answer_alike(void **state)
{
	(void)state;
	char real[128], locked[128], nobody[128];
	free(new_user("alike-real", real, sizeof(real)));
	free(new_user("alike-locked", locked, sizeof(locked)));
	snprintf(nobody, sizeof(nobody), "%s", api_unique("alike-nobody"));
	char *out = NULL;
	char args[256];
	snprintf(args, sizeof(args), "user lock --username %s", locked);
	assert_int_equal(api_cli(args, &out), 0);
	free(out);
	/* each from an address of its own, at the same pace: 5 free tries, then a delay */
	char a[1024], b[1024], c[1024];
	answers("127.0.0.22", real, 6, a, sizeof(a));
	answers("127.0.0.23", nobody, 6, b, sizeof(b));
	answers("127.0.0.24", locked, 6, c, sizeof(c));
	assert_string_equal(a, b);
	assert_string_equal(a, c);
	assert_non_null(strstr(a, "429 /problems/login-throttled 1;"));
	assert_non_null(strstr(a, "401 /problems/invalid-credentials -;"));
}

static void test_delay_grows_and_unlock_ends_it(void **state)
{
	(void)state;
	const char *addr = "127.0.0.25";
	char name[128];
	char *password = new_user("grow", name, sizeof(name));
	for (int i = 0; i < 5; i++) {
		struct api_resp *r = login_from(addr, name, "guess");
		api_assert_problem(r, 401, "invalid-credentials");
		api_free(r);
	}
	struct api_resp *r = login_from(addr, name, "guess");
	assert_int_equal(assert_throttled(r), 1);
	api_free(r);
	usleep(1100 * 1000);
	r = login_from(addr, name, "guess"); /* the sixth failure */
	api_assert_problem(r, 401, "invalid-credentials");
	api_free(r);
	r = login_from(addr, name, password); /* not even the password is checked now */
	assert_int_equal(assert_throttled(r), 2);
	api_free(r);
	/* the city admin (here the operator) unlocks: the owner logs in at once, there too */
	char *out = NULL;
	char args[256];
	snprintf(args, sizeof(args), "user unlock --username %s", name);
	assert_int_equal(api_cli(args, &out), 0);
	free(out);
	r = login_from(addr, name, password);
	if (r->status != 200)
		fail_msg("after unlock: %ld %s", r->status, r->body);
	api_free(r);
	free(password);
}

/* Guessing from many addresses slows the name down everywhere the owner has not logged in
 * from, but not where they have. */
static void test_distributed_guessing_spares_the_owner(void **state)
{
	(void)state;
	char name[128];
	char *password = new_user("spread", name, sizeof(name));
	struct api_resp *r = api_login(name, password); /* the owner's usual address */
	assert_int_equal(r->status, 200);
	api_free(r);
	static const char *const attackers[] = {"127.0.0.31", "127.0.0.32", "127.0.0.33",
						"127.0.0.34"};
	for (size_t a = 0; a < 4; a++)
		for (int i = 0; i < 5; i++) {
			r = login_from(attackers[a], name, "guess");
			api_assert_problem(r, 401, "invalid-credentials");
			api_free(r);
		}
	/* 20 failures on the name: a fifth address is slowed down at once */
	r = login_from("127.0.0.35", name, "guess");
	assert_throttled(r);
	api_free(r);
	/* the owner, where they work: not at all */
	r = api_login(name, password);
	if (r->status != 200)
		fail_msg("the owner during a distributed guess: %ld %s", r->status, r->body);
	api_free(r);
	free(password);
}

/* One address trying many names: 50 failures (a bucket drained one per 6 s while they are
 * made: on a slow machine 50 password checks take longer than 6 s), then nothing more from it
 * for a while, for any name (even a right password); other addresses are not concerned. */
static void test_address_spraying_names(void **state)
{
	(void)state;
	const char *addr = "127.0.0.26";
	char name[128];
	char *password = new_user("sprayed", name, sizeof(name));
	time_t start = time(NULL);
	int failures = 0;
	struct api_resp *r = NULL;
	for (;;) {
		api_free(r);
		r = login_from(addr, api_unique("spray"), "guess");
		if (r->status != 401)
			break;
		api_assert_problem(r, 401, "invalid-credentials");
		if (++failures > 200)
			fail_msg("200 failed logins from one address, never throttled");
	}
	assert_throttled(r);
	api_free(r);
	int64_t drained = (int64_t)(time(NULL) - start) / 6 + 1;
	if (failures < 50 || failures > 50 + drained)
		fail_msg("throttled after %d failures in %ld s: not 50 plus one per 6 s", failures,
			 (long)(time(NULL) - start));
	r = login_from(addr, name, password);
	assert_throttled(r);
	api_free(r);
	r = login_from("127.0.0.27", name, password);
	assert_int_equal(r->status, 200);
	api_free(r);
	free(password);
}

/* nginx: logins per address, before any pool works (a private nginx that counts loopback). */
static void test_nginx_limits_logins_per_address(void **state)
{
	(void)state;
	char dir[] = "/tmp/rq-api-login-nginx-XXXXXX", base[64];
	assert_non_null(mkdtemp(dir));
	assert_int_equal(api_sh("chmod 0755 '%s'", dir), 0);
	pn_up(dir, "RQ_NGINX_RATE_EXEMPT=none RQ_NGINX_LOGIN_RATE=20r/m RQ_NGINX_LOGIN_BURST=20",
	      base, sizeof(base));
	int passed = 0;
	struct api_resp *r = NULL;
	for (int i = 0; i < 40; i++) {
		api_free(r);
		r = api_login_at(base, api_unique("nginx"), "guess");
		if (r->status == 429)
			break;
		passed++;
	}
	if (r->status != 429)
		fail_msg("40 logins in a row from one address, no 429");
	assert_true(passed <= 22);
	api_assert_problem(r, 429, "rate-limited");
	assert_string_equal(api_json_str(r, "detail"),
			    "来自您所在网络地址的登录请求过于频繁，请稍后再试");
	api_assert_header(r, "Retry-After", "3");
	api_free(r);
	/* the rest of the API is not the login's limit */
	char url[128];
	snprintf(url, sizeof(url), "%s/api/v1/admin/health", base);
	r = api_call("GET", url, NULL, NULL, NULL);
	assert_int_equal(r->status, 200);
	api_free(r);
	pn_down(dir);
	assert_int_equal(api_sh("rm -rf '%s'", dir), 0);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parallel_guesses_checked_at_most_five),
	    cmocka_unit_test(test_unknown_real_and_locked_users_answer_alike),
	    cmocka_unit_test(test_delay_grows_and_unlock_ends_it),
	    cmocka_unit_test(test_distributed_guessing_spares_the_owner),
	    cmocka_unit_test(test_address_spraying_names),
	    cmocka_unit_test(test_nginx_limits_logins_per_address),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
