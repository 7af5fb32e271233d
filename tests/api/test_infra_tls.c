/* nginx's TLS: 1.2 and 1.3 only, HTTP/2 offered, the certificate verifies against the
 * stack's CA file. The client is told to allow old protocols (security level 0), so a
 * refused TLS 1.1 handshake is nginx's refusal, not the client's: the test asserts the
 * server's protocol_version alert. */
#include "api.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

static size_t discard(char *p, size_t s, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return s * n;
}

/* Fetches /nginx-health with exactly one TLS version; returns curl's code and sets *http
 * and, when it failed, curl's message in err. */
static CURLcode fetch(long tls_version, long *http, char err[CURL_ERROR_SIZE])
{
	CURL *c = curl_easy_init();
	assert_non_null(c);
	char url[512];
	snprintf(url, sizeof(url), "%s/nginx-health", api_env("RUQIMA_TEST_BASE_URL"));
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CAINFO, api_env("RUQIMA_TEST_CA_FILE"));
	curl_easy_setopt(c, CURLOPT_SSLVERSION, tls_version);
	curl_easy_setopt(c, CURLOPT_SSL_CIPHER_LIST, "DEFAULT:@SECLEVEL=0");
	curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	err[0] = '\0';
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	CURLcode rc = curl_easy_perform(c);
	*http = 0;
	curl_easy_getinfo(c, CURLINFO_HTTP_VERSION, http);
	curl_easy_cleanup(c);
	return rc;
}

static void tls12_and_tls13_are_served_over_http2(void **state)
{
	(void)state;
	long http;
	char err[CURL_ERROR_SIZE];
	assert_int_equal(fetch(CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_2, &http, err),
			 CURLE_OK);
	assert_int_equal(http, CURL_HTTP_VERSION_2_0);
	assert_int_equal(fetch(CURL_SSLVERSION_TLSv1_3 | CURL_SSLVERSION_MAX_TLSv1_3, &http, err),
			 CURLE_OK);
	assert_int_equal(http, CURL_HTTP_VERSION_2_0);
}

/* The handshake at tls_version fails with nginx's protocol_version alert (alert 70), the
 * refusal of the version itself: not a timeout, a certificate or a cipher problem. */
static void assert_version_refused(long tls_version)
{
	long http;
	char err[CURL_ERROR_SIZE];
	CURLcode rc = fetch(tls_version, &http, err);
	if (rc != CURLE_SSL_CONNECT_ERROR || strstr(err, "tlsv1 alert protocol version") == NULL)
		fail_msg("expected the server's protocol_version alert (curl %d), got curl %d: %s",
			 CURLE_SSL_CONNECT_ERROR, rc, err);
}

static void tls11_and_older_are_refused(void **state)
{
	(void)state;
	assert_version_refused(CURL_SSLVERSION_TLSv1_1 | CURL_SSLVERSION_MAX_TLSv1_1);
	assert_version_refused(CURL_SSLVERSION_TLSv1_0 | CURL_SSLVERSION_MAX_TLSv1_0);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(tls12_and_tls13_are_served_over_http2),
	    cmocka_unit_test(tls11_and_older_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
