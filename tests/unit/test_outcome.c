/* lib/rq_outcome: a refusal answers the table's status, type, title and Chinese detail with
 * its arguments filled in, names its field (or the fields its arguments name), sets
 * Retry-After and allowed_actions where the table says so; an unknown name is a 500, never a
 * refusal the client did not earn; the CLI gets the same detail as text. */
#include "resp_support.h"
#include "rq_outcome.h"

static void a_refusal_answers_its_row_of_the_table_with_arguments(void **state)
{
	struct fixture *f = *state;
	const char *args[] = {"XY-0042", NULL};
	rq_outcome_refuse(&f->req, &f->resp, "code-active", args, NULL);
	assert_int_equal(f->resp.status, 409);
	assert_string_equal(f->resp.content_type, "application/problem+json");
	cJSON *j = body_json(f);
	assert_non_null(strstr(str_member(j, "type"), "code-active"));
	assert_string_equal(str_member(j, "title"), "Code active");
	assert_int_equal(num_member(j, "status"), 409);
	/* Chinese for people, the argument in its place, no placeholder left */
	assert_non_null(strstr(str_member(j, "detail"), "公务入企码（XY-0042）"));
	assert_null(strchr(str_member(j, "detail"), '{'));
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "errors"));
}

static void a_refusal_about_a_field_names_it(void **state)
{
	struct fixture *f = *state;
	const char *args[] = {"0", "100", "", NULL};
	rq_outcome_refuse(&f->req, &f->resp, "policy-value-out-of-range", args, NULL);
	assert_int_equal(f->resp.status, 422);
	cJSON *j = body_json(f);
	assert_non_null(strstr(str_member(j, "type"), "validation"));
	const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "errors"), 0);
	assert_string_equal(str_member(e, "field"), "value");
	assert_string_equal(str_member(e, "message"), "须为 0 到 100 之间的整数");
	assert_string_equal(str_member(j, "detail"), "须为 0 到 100 之间的整数");
}

static void missing_arguments_leave_no_placeholder(void **state)
{
	struct fixture *f = *state;
	rq_outcome_refuse(&f->req, &f->resp, "code-active", NULL, NULL);
	assert_int_equal(f->resp.status, 409);
	assert_null(strchr(str_member(body_json(f), "detail"), '{'));
}

static void an_unknown_name_is_an_internal_error(void **state)
{
	struct fixture *f = *state;
	rq_outcome_refuse(&f->req, &f->resp, "no-such-refusal", NULL, NULL);
	assert_int_equal(f->resp.status, 500);
	assert_non_null(strstr(str_member(body_json(f), "type"), "internal"));
	assert_false(rq_outcome_known("no-such-refusal"));
	assert_true(rq_outcome_known("claim-unknown"));
	assert_false(rq_outcome_known(NULL));
}

static void no_retry_after_unless_the_table_says_so(void **state)
{
	struct fixture *f = *state;
	const char *args[] = {"3600", NULL};
	rq_outcome_refuse(&f->req, &f->resp, "code-active", args, NULL);
	assert_null(header(&f->resp, "Retry-After"));
}

/* the case chain's refusals: allowed_actions from {4}, none when the list is empty */
static void a_case_refusal_names_the_allowed_actions(void **state)
{
	struct fixture *f = *state;
	const char *args[] = {"受理", "待回访", "回访", "follow_up,add_info", NULL};
	rq_outcome_refuse(&f->req, &f->resp, "case-action-not-now", args, NULL);
	assert_int_equal(f->resp.status, 409);
	cJSON *j = body_json(f);
	assert_non_null(strstr(str_member(j, "detail"), "不能进行“受理”"));
	const cJSON *allowed = cJSON_GetObjectItemCaseSensitive(j, "allowed_actions");
	assert_int_equal(cJSON_GetArraySize(allowed), 2);
	assert_string_equal(cJSON_GetArrayItem(allowed, 0)->valuestring, "follow_up");
	assert_string_equal(cJSON_GetArrayItem(allowed, 1)->valuestring, "add_info");
	const char *none[] = {"审核认定", "待受理", "无", "", NULL};
	rq_outcome_refuse(&f->req, &f->resp, "case-action-forbidden", none, NULL);
	assert_int_equal(f->resp.status, 403);
	j = body_json(f);
	allowed = cJSON_GetObjectItemCaseSensitive(j, "allowed_actions");
	assert_true(cJSON_IsArray(allowed));
	assert_int_equal(cJSON_GetArraySize(allowed), 0);
	/* without arguments the list is there and empty, never a 500 */
	rq_outcome_refuse(&f->req, &f->resp, "case-action-forbidden", NULL, NULL);
	assert_int_equal(f->resp.status, 403);
	assert_int_equal(
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(body_json(f), "allowed_actions")),
	    0);
}

/* case-fields-required: each field from {5} on is an error of its own */
static void required_fields_are_each_named(void **state)
{
	struct fixture *f = *state;
	const char *args[] = {"回访", "待回访", "回访", "follow_up", "method", "wish", NULL};
	rq_outcome_refuse(&f->req, &f->resp, "case-fields-required", args, NULL);
	assert_int_equal(f->resp.status, 422);
	cJSON *j = body_json(f);
	const cJSON *errors = cJSON_GetObjectItemCaseSensitive(j, "errors");
	assert_int_equal(cJSON_GetArraySize(errors), 2);
	assert_string_equal(str_member(cJSON_GetArrayItem(errors, 0), "field"), "method");
	assert_string_equal(str_member(cJSON_GetArrayItem(errors, 1), "field"), "wish");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "allowed_actions")),
			 1);
}

static void a_refusal_as_text_for_the_cli(void **state)
{
	struct fixture *f = *state;
	const char *field = NULL;
	const char *text = rq_outcome_text(f->arena, "calendar-workday-weekday",
					   "[\"2031-10-08\", \"星期三\"]", &field);
	assert_non_null(text);
	assert_string_equal(field, "kind");
	assert_non_null(strstr(text, "2031-10-08 是星期三："));
	assert_null(strchr(text, '{'));
	assert_null(rq_outcome_text(f->arena, "no-such-refusal", NULL, &field));
	assert_null(field);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(a_refusal_answers_its_row_of_the_table_with_arguments,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(a_refusal_about_a_field_names_it, setup, teardown),
	    cmocka_unit_test_setup_teardown(missing_arguments_leave_no_placeholder, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(an_unknown_name_is_an_internal_error, setup, teardown),
	    cmocka_unit_test_setup_teardown(no_retry_after_unless_the_table_says_so, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(a_case_refusal_names_the_allowed_actions, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(required_fields_are_each_named, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_refusal_as_text_for_the_cli, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
