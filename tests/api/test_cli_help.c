/* `ruqima --help` lists every command, and README's table of the CLI ("Operator CLI") lists
 * the same: each row `ruqima <command> ...` of the README has a line "  <command> ..." in the
 * help (codes print and codes print-jobs run included), and each command of the help has a
 * row in the README. A command added to one and not the other fails here. */
#include "api.h"
#include "codes_support.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_COMMANDS = 64, WORDS_MAX = 64 };

/* The command words at s (lower-case words and "--status" for `migrate --status`) up to the
 * first option, placeholder, bracket or run of blanks, joined by one space into out. */
static void command_words(const char *s, char out[WORDS_MAX])
{
	out[0] = '\0';
	for (;;) {
		size_t blanks = strspn(s, " ");
		if (blanks > 1) /* the help's column of explanations */
			return;
		s += blanks;
		size_t n = strcspn(s, " `|\n");
		bool word = n > 0 && (islower((unsigned char)s[0]) ||
				      (strncmp(s, "--status", 8) == 0 && n == 8 && out[0] != '\0' &&
				       strcmp(out, "migrate") == 0));
		if (!word)
			return;
		size_t len = strlen(out);
		snprintf(out + len, WORDS_MAX - len, "%s%.*s", len > 0 ? " " : "", (int)n, s);
		s += n;
	}
}

/* The commands of README's CLI table, into cmds; returns how many. */
static int readme_commands(char cmds[MAX_COMMANDS][WORDS_MAX])
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/README.md", RUQIMA_SOURCE_DIR);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[16384];
	int n = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "| `ruqima ", 10) != 0)
			continue;
		assert_true(n < MAX_COMMANDS);
		command_words(line + 10, cmds[n]);
		assert_true(cmds[n][0] != '\0');
		n++;
	}
	fclose(f);
	return n;
}

/* The commands of the help (its lines "  <command> ..."), into cmds; returns how many. */
static int help_commands(const char *help, char cmds[MAX_COMMANDS][WORDS_MAX])
{
	int n = 0;
	for (const char *l = help; l != NULL && *l != '\0';) {
		if (strncmp(l, "  ", 2) == 0 && islower((unsigned char)l[2])) {
			assert_true(n < MAX_COMMANDS);
			command_words(l + 2, cmds[n]);
			n++;
		}
		l = strchr(l, '\n');
		l = l != NULL ? l + 1 : NULL;
	}
	return n;
}

static bool listed(char cmds[MAX_COMMANDS][WORDS_MAX], int n, const char *cmd)
{
	for (int i = 0; i < n; i++)
		if (strcmp(cmds[i], cmd) == 0)
			return true;
	return false;
}

static void test_help_and_readme_list_the_same_commands(void **state)
{
	(void)state;
	struct ct_run r;
	ct_cli(&r, (const char *const[]){"--help", NULL});
	assert_int_equal(r.status, 0);
	static char readme[MAX_COMMANDS][WORDS_MAX], help[MAX_COMMANDS][WORDS_MAX];
	int nr = readme_commands(readme), nh = help_commands(r.out, help);
	assert_true(nr >= 12);
	for (int i = 0; i < nr; i++)
		if (!listed(help, nh, readme[i]))
			fail_msg(
			    "README documents `ruqima %s`, which ruqima --help does not list:\n%s",
			    readme[i], r.out);
	for (int i = 0; i < nh; i++)
		if (!listed(readme, nr, help[i]))
			fail_msg("ruqima --help lists `%s`, which README's CLI table does not have",
				 help[i]);
	/* the ones that were missing */
	static const char *const must[] = {"codes print", "codes print-jobs run",
					   "codes activation-code", "notify run", NULL};
	for (const char *const *m = must; *m != NULL; m++)
		if (!listed(help, nh, *m))
			fail_msg("ruqima --help does not list %s", *m);
	ct_run_free(&r);

	/* without a command: the same list, on stderr, exit 2 */
	ct_cli(&r, (const char *const[]){NULL});
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "codes print-jobs run"));
	ct_run_free(&r);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_help_and_readme_list_the_same_commands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
