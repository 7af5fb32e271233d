/* What a scanned code tells whoever holds it (the token is printed on the door): the
 * enterprise's name, county and business status, the code's serial, status and URL. Not
 * the credit code (a manager's claim asks for it as proof), the legal representative, the
 * address, the location or any internal id. */
#include "api.h"
#include "codes_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void assert_keys(cJSON *obj, const char *const *keys)
{
	assert_true(cJSON_IsObject(obj));
	int n = 0;
	cJSON *item;
	cJSON_ArrayForEach(item, obj)
	{
		const char *const *k = keys;
		while (*k != NULL && strcmp(*k, item->string) != 0)
			k++;
		if (*k == NULL)
			fail_msg("unexpected member \"%s\"", item->string);
		n++;
	}
	int want = 0;
	while (keys[want] != NULL)
		want++;
	assert_int_equal(n, want);
}

static void test_only_public_facts(void **state)
{
	(void)state;
	struct ct_enterprise e;
	ct_enterprise_new(&e, "411527", "normal", true);
	const char *p[] = {e.id};
	ct_owner_write("UPDATE rq.enterprises SET latitude = 32.123456, longitude = 114.654321"
		       " WHERE id = $1::bigint",
		       1, p);
	ct_issue(e.uscc);
	char *token = ct_active_token(e.id);
	struct api_resp *r = api_get(ct_code_path(token), NULL);
	if (r->status != 200)
		fail_msg("%ld %s", r->status, r->body);

	assert_keys(r->json, (const char *const[]){"code", "enterprise", NULL});
	assert_keys(cJSON_GetObjectItemCaseSensitive(r->json, "code"),
		    (const char *const[]){"serial", "status", "issued_at", "url", NULL});
	assert_keys(cJSON_GetObjectItemCaseSensitive(r->json, "enterprise"),
		    (const char *const[]){"name", "kind", "county_code", "county_name",
					  "business_status", NULL});
	/* not by another name either */
	const char *const absent[] = {
	    e.uscc,	 "法人代表测试", "测试路1号", "32.12",	  "114.65",
	    "legal_rep", "address",	 "uscc",      "latitude", NULL};
	for (const char *const *a = absent; *a != NULL; a++)
		if (strstr(r->body, *a) != NULL)
			fail_msg("the public answer contains \"%s\": %s", *a, r->body);
	char id_member[64];
	snprintf(id_member, sizeof(id_member), "\"%s\"", e.id);
	assert_null(strstr(r->body, id_member));
	api_free(r);
	free(token);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_only_public_facts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
