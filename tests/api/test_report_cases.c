/* The judicial bureau's case reports (`ruqima report run cases|accountability`) against the
 * real stack: the test opens a case of each source through the evaluation API, takes two of
 * them through the whole chain of the complaints family (one found 属实, one 不属实), and
 * moves their times into May 2025, a month no other test uses, so that the county's row is
 * exactly what the test did; the figures are the test's own, not the reports' SQL. */
#include "api.h"
#include "api_register.h"
#include "cases_support.h"
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct {
	struct cs_scene s;
	char *rated, *disputed, *no_scan;
	char dir[64];
} w;

static void move_case(const char *id)
{
	const char *p[] = {id};
	PGconn *c = api_owner_tx();
	api_sql_exec(c,
		     "UPDATE rq.cases SET opened_at = '2025-05-10 10:00+08',"
		     " determined_at = CASE WHEN determined_at IS NOT NULL"
		     " THEN '2025-05-20 15:30+08'::timestamptz END WHERE id = $1::bigint",
		     1, p);
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
}

static int setup(void **state)
{
	(void)state;
	cs_scene_new(&w.s);
	w.rated = cs_open(&w.s, "rating", false, NULL);
	w.disputed = cs_open(&w.s, "dispute", false, NULL);
	w.no_scan = cs_open(&w.s, "no_scan", false, NULL);
	cs_take_to_closed(&w.s, w.rated, "substantiated");
	cs_take_to_closed(&w.s, w.disputed, "unsubstantiated");
	move_case(w.rated);
	move_case(w.disputed);
	move_case(w.no_scan);
	snprintf(w.dir, sizeof(w.dir), "/tmp/rq-test-report-cases-XXXXXX");
	return mkdtemp(w.dir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	tc_remove_tree(w.dir);
	free(w.rated);
	free(w.disputed);
	free(w.no_scan);
	cs_scene_free(&w.s);
	return 0;
}

/* The CSV of `ruqima report run name` for May 2025 in county 411502 (malloc'd, BOM cut). */
static char *run_csv(const char *name)
{
	char args[256];
	snprintf(args, sizeof(args), "%s --from 2025-05-01 --to 2025-05-31 --county 411502", name);
	return api_report_csv(args, w.dir);
}

static void test_cases_by_source_state_and_outcome(void **state)
{
	(void)state;
	char *csv = run_csv("cases");
	assert_string_equal(csv, "县区,立案,不满意评价,登记异议,未扫码入企,办理中,已办结,逾期未办,"
				 "属实,部分属实,不属实,移交纪检\r\n"
				 "浉河区,3,1,1,1,1,2,0,1,0,1,0\r\n");
	free(csv);
}

static void test_accountability_lists_what_was_found_substantiated(void **state)
{
	(void)state;
	char *csv = run_csv("accountability");
	char want[1024];
	snprintf(want, sizeof(want),
		 "认定时间,县区,责任单位,责任人员,来源,认定结果,整改措施,移交纪检,处置,案件编号\r\n"
		 "2025-05-20 15:30,浉河区,%s,,不满意评价,属实,责令单位整改并回访企业,否,,%s\r\n",
		 w.s.ev.s.unit.name, w.rated);
	assert_string_equal(csv, want);
	free(csv);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases_by_source_state_and_outcome),
	    cmocka_unit_test(test_accountability_lists_what_was_found_substantiated),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
