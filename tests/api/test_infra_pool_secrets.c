/* From the side of whoever takes over a pool worker (a memory bug, a leaked core): what it
 * holds is its own family's database credentials and nothing else. For every running pool
 * process (deploy/supervise, the pool and its workers), /proc/<pid>/environ holds its own family's
 * DSN but not the owner's DSN or password, not another family's or the reporting role's password,
 * and WeChat's secret in the registration pool only; it runs as the unprivileged user of the stack,
 * which cannot open the owner's file nor the settings file. */
#include "api.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The password inside a DSN postgresql://user:PASSWORD@... (malloc'd). */
static char *dsn_password(const char *dsn)
{
	const char *colon = strchr(dsn + strlen("postgresql://"), ':');
	const char *at = colon != NULL ? strchr(colon, '@') : NULL;
	assert_non_null(at);
	return strndup(colon + 1, (size_t)(at - colon - 1));
}

static const char *family_dsn(const char *family)
{
	char key[64];
	snprintf(key, sizeof(key), "RUQIMA_DSN_%s", family);
	for (char *k = key; *k != '\0'; k++)
		*k = (char)(*k >= 'a' && *k <= 'z' ? *k - 'a' + 'A' : *k);
	return api_env(key);
}

/* /proc/<pid>/environ, its NULs made newlines (malloc'd), or NULL when the process is gone. */
static char *environ_of(long pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%ld/environ", pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	assert_non_null(buf);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n, f)) > 0)
		n += got;
	fclose(f);
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = '\n';
	buf[n] = '\0';
	return buf;
}

/* The uid of pid (its real uid, from /proc/<pid>/status), or -1. */
static long uid_of(long pid)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	long uid = -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "Uid:", 4) == 0)
			uid = strtol(line + 4, NULL, 10);
	fclose(f);
	return uid;
}

/* The supervisor of family and its live workers; returns how many pids it put in out. */
static int pool_pids(const char *family, long *out, int cap)
{
	int n = 0;
	long sup = api_supervisor_pid(family);
	out[n++] = sup;
	DIR *d = opendir("/proc");
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d)) != NULL && n < cap) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		char st = '?';
		if (*end != '\0' || pid <= 0 || api_parent_of(pid, &st) != sup || st == 'Z')
			continue;
		if (api_runs_pool(pid, family))
			out[n++] = pid;
	}
	closedir(d);
	/* and the local stack's supervisor of the pool (deploy/supervise), which starts it with
	 * its own environment */
	long up = api_parent_of(sup, NULL);
	char path[64], cmd[512] = "";
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", up);
	FILE *f = fopen(path, "r");
	if (f != NULL) {
		size_t got = fread(cmd, 1, sizeof(cmd) - 1, f);
		fclose(f);
		for (size_t i = 0; i < got; i++)
			cmd[i] = cmd[i] == '\0' ? ' ' : cmd[i];
		cmd[got] = '\0';
	}
	if (strstr(cmd, "deploy/supervise") != NULL && n < cap)
		out[n++] = up;
	return n;
}

static void each_worker_holds_its_own_credentials_only(void **state)
{
	(void)state;
	char *owner_pw = dsn_password(api_env("RUQIMA_OWNER_DSN"));
	char *report_pw = dsn_password(api_env("RUQIMA_REPORT_DSN"));
	const char *wx_secret = api_env("RUQIMA_WX_SECRET");
	struct passwd *pw = getpwnam(api_env("RUQIMA_TEST_RUN_AS"));
	assert_non_null(pw);
	int checked = 0;
	for (int i = 0; i < API_NFAMILIES; i++) {
		const char *fam = api_families[i];
		long pids[64];
		int n = pool_pids(fam, pids, 64);
		assert_true(n >= 2); /* the supervisor and at least one worker */
		for (int k = 0; k < n; k++) {
			char *env = environ_of(pids[k]);
			if (env == NULL)
				continue; /* recycled meanwhile */
			char own[1024];
			snprintf(own, sizeof(own), "\nRUQIMA_DSN=%s\n", family_dsn(fam));
			char *envn = malloc(strlen(env) + 2);
			assert_non_null(envn);
			envn[0] = '\n';
			strcpy(envn + 1, env);
			if (strstr(envn, own) == NULL)
				fail_msg("%s pid %ld: its own DSN is not in its environment", fam,
					 pids[k]);
			if (strstr(env, "RUQIMA_OWNER_DSN") != NULL ||
			    strstr(env, owner_pw) != NULL)
				fail_msg("%s pid %ld holds the owner's credentials", fam, pids[k]);
			if (strstr(env, report_pw) != NULL ||
			    strstr(env, "RUQIMA_REPORT_DSN") != NULL)
				fail_msg("%s pid %ld holds the reporting role's password", fam,
					 pids[k]);
			for (int j = 0; j < API_NFAMILIES; j++) {
				if (j == i)
					continue;
				char *other = dsn_password(family_dsn(api_families[j]));
				if (strstr(env, other) != NULL)
					fail_msg("%s pid %ld holds the %s pool's password", fam,
						 pids[k], api_families[j]);
				free(other);
			}
			if (strcmp(fam, "registration") != 0 && strstr(env, wx_secret) != NULL)
				fail_msg("%s pid %ld holds WeChat's secret", fam, pids[k]);
			/* the pool's supervisor (after binding) and its workers run as the
			 * stack's unprivileged user */
			if (api_runs_pool(pids[k], fam))
				assert_int_equal(uid_of(pids[k]), (long)pw->pw_uid);
			free(envn);
			free(env);
			checked++;
		}
	}
	assert_true(checked >= 2 * API_NFAMILIES);
	free(owner_pw);
	free(report_pw);
}

/* In a child that became the workers' user: can it open path for reading? */
static int open_as(uid_t uid, gid_t gid, const char *path)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
			_exit(3);
		int fd = open(path, O_RDONLY);
		_exit(fd >= 0 ? 0 : errno == EACCES ? 1 : 2);
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void the_workers_user_cannot_read_the_secrets(void **state)
{
	(void)state;
	struct passwd *pw = getpwnam(api_env("RUQIMA_TEST_RUN_AS"));
	assert_non_null(pw);
	assert_int_not_equal(pw->pw_uid, 0);
	/* 1: refused (EACCES) */
	assert_int_equal(open_as(pw->pw_uid, pw->pw_gid, api_env("RUQIMA_OWNER_ENV_FILE")), 1);
	assert_int_equal(open_as(pw->pw_uid, pw->pw_gid, api_env("RUQIMA_ENV_FILE")), 1);
	/* and a file anyone reads: the child did become that user and try */
	assert_int_equal(open_as(pw->pw_uid, pw->pw_gid, "/etc/hostname"), 0);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(each_worker_holds_its_own_credentials_only),
	    cmocka_unit_test(the_workers_user_cannot_read_the_secrets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
