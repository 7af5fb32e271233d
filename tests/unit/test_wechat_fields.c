/* rq_wx_field_value: subscribe message values fitted to WeChat's limits — `thing` cut to 20
 * characters between UTF-8 characters, `time` as "YYYY-MM-DD HH:MM", others unchanged. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "rq_wechat.h"

static const char *fit(const char *key, const char *value)
{
	static char out[256];
	if (rq_wx_field_value(key, value, out, sizeof(out)) != 0)
		fail_msg("%s \"%s\" should fit", key, value);
	return out;
}

static void thing_is_cut_to_20_characters(void **state)
{
	(void)state;
	assert_string_equal(fit("thing2", "市场监管局"), "市场监管局");
	assert_string_equal(fit("thing2", "一二三四五六七八九十一二三四五六七八九十多余"),
			    "一二三四五六七八九十一二三四五六七八九十");
	assert_string_equal(fit("thing1", "abcdefghijklmnopqrstuvwxyz"), "abcdefghijklmnopqrst");
	/* 4-byte characters count once */
	assert_string_equal(fit("thing3", "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀"), "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀");
	assert_string_equal(fit("thing4", ""), "");
}

static void thing_controls_become_spaces_and_bad_bytes_end_it(void **state)
{
	(void)state;
	assert_string_equal(fit("thing4", "检查\n消防"), "检查 消防");
	assert_string_equal(fit("thing4", "检查\xe6\xb6"), "检查");
	assert_string_equal(fit("thing4", "ok\xff rest"), "ok");
}

static void time_becomes_minutes(void **state)
{
	(void)state;
	assert_string_equal(fit("time5", "2026-11-25T09:30:12.5+08:00"), "2026-11-25 09:30");
	assert_string_equal(fit("time5", "2026-11-25 09:30:00+08"), "2026-11-25 09:30");
	assert_string_equal(fit("time5", "2026-11-25 09:30"), "2026-11-25 09:30");
}

static void a_time_that_is_not_one_is_refused(void **state)
{
	(void)state;
	char out[64];
	const char *bad[] = {"", "2026-11-25", "2026/11/25 09:30", "2026-11-25X09:30",
			     "yesterday at noon"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(rq_wx_field_value("time5", bad[i], out, sizeof(out)), -1);
}

static void other_types_pass_and_small_buffers_refuse(void **state)
{
	(void)state;
	assert_string_equal(fit("number3", "12345"), "12345");
	char out[8];
	assert_int_equal(rq_wx_field_value("thing1", "市场监管局", out, sizeof(out)), -1);
	assert_int_equal(rq_wx_field_value("time5", "2026-11-25 09:30", out, sizeof(out)), -1);
	assert_int_equal(rq_wx_field_value("phrase1", "longer than 8", out, sizeof(out)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(thing_is_cut_to_20_characters),
	    cmocka_unit_test(thing_controls_become_spaces_and_bad_bytes_end_it),
	    cmocka_unit_test(time_becomes_minutes),
	    cmocka_unit_test(a_time_that_is_not_one_is_refused),
	    cmocka_unit_test(other_types_pass_and_small_buffers_refuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
