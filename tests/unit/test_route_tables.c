/* The five families' route tables: declarations consistent (rq_router_check), every PATCH
 * route's body members declared (RQ_BODY), every handler's site recorded and pointing at its
 * RQ_HANDLER definition, and every handler of /api/v1/<family>/<segment>/... in
 * app/<family>/<segment>.c or <segment>_<sub>.c (a '-' of the segment written '_'), so that a
 * URL says where its code is. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "admin/routes.h"
#include "complaints/routes.h"
#include "evaluation/routes.h"
#include "registration/routes.h"
#include "reporting/routes.h"

static const struct rq_app *const apps[] = {&registration_app, &evaluation_app, &complaints_app,
					    &reporting_app, &admin_app};

static void declarations_hold(void **state)
{
	(void)state;
	for (size_t a = 0; a < sizeof(apps) / sizeof(apps[0]); a++) {
		const char *wrong = rq_router_check(apps[a]->routes, apps[a]->nroutes);
		if (wrong != NULL)
			fail_msg("%s: %s", apps[a]->family, wrong);
	}
}

/* The line of file (relative to the checkout) numbered line, into buf. */
static void source_line(const char *file, int line, char *buf, size_t size)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s", file);
	if (file[0] != '/')
		snprintf(path, sizeof(path), "%s/%s", RUQIMA_SOURCE_DIR, file);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	buf[0] = '\0';
	for (int i = 0; i < line && fgets(buf, (int)size, f) != NULL; i++)
		;
	fclose(f);
}

static void sites_point_at_definitions(void **state)
{
	(void)state;
	for (size_t a = 0; a < sizeof(apps) / sizeof(apps[0]); a++)
		for (size_t i = 0; i < apps[a]->nroutes; i++) {
			const struct rq_route *r = &apps[a]->routes[i];
			assert_non_null(r->site);
			char line[512], want[256];
			source_line(r->site->file, r->site->line, line, sizeof(line));
			snprintf(want, sizeof(want), "RQ_HANDLER(%s)", r->site->name);
			if (strstr(line, want) == NULL)
				fail_msg("%s %s: %s:%d is not %s", r->method, r->pattern,
					 r->site->file, r->site->line, want);
		}
}

static void files_named_after_segments(void **state)
{
	(void)state;
	for (size_t a = 0; a < sizeof(apps) / sizeof(apps[0]); a++)
		for (size_t i = 0; i < apps[a]->nroutes; i++) {
			const struct rq_route *r = &apps[a]->routes[i];
			char prefix[128];
			int n = snprintf(prefix, sizeof(prefix), "/api/v1/%s/", apps[a]->family);
			if (strncmp(r->pattern, prefix, (size_t)n) != 0 ||
			    strstr(r->site->file, "/app/") == NULL)
				continue; /* /api/v1/auth/ and health: shared handlers of lib/ */
			char segment[64];
			snprintf(segment, sizeof(segment), "%.*s",
				 (int)strcspn(r->pattern + n, "/"), r->pattern + n);
			for (char *c = segment; *c != '\0'; c++)
				if (*c == '-')
					*c = '_';
			const char *base = strrchr(r->site->file, '/') + 1;
			size_t len = strlen(segment);
			bool ok = strncmp(base, segment, len) == 0 &&
				  (strcmp(base + len, ".c") == 0 || base[len] == '_');
			if (!ok)
				fail_msg("%s %s is defined in %s", r->method, r->pattern,
					 r->site->file);
		}
}

/* An edit takes the members it names and nothing else: every PATCH route declares its body
 * members (RQ_BODY), so that a member it does not take is refused (400 unknown-field)
 * instead of being ignored while the client believes it was saved. */
static void patch_routes_declare_their_members(void **state)
{
	(void)state;
	for (size_t a = 0; a < sizeof(apps) / sizeof(apps[0]); a++)
		for (size_t i = 0; i < apps[a]->nroutes; i++) {
			const struct rq_route *r = &apps[a]->routes[i];
			if (strcmp(r->method, "PATCH") != 0)
				continue;
			bool declared = false;
			for (size_t k = 0; r->in != NULL && r->in[k].name != NULL; k++)
				declared = declared || r->in[k].in == RQ_IN_BODY;
			if (!declared)
				fail_msg("PATCH %s declares no body member (RQ_BODY)", r->pattern);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(declarations_hold),
	    cmocka_unit_test(sites_point_at_definitions),
	    cmocka_unit_test(files_named_after_segments),
	    cmocka_unit_test(patch_routes_declare_their_members),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
