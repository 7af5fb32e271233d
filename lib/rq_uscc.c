#include "rq_uscc.h"

#include <string.h>

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* Weight of position i is 3^i mod 31. */
static const int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

static int value_of(char c)
{
	const char *p = c != '\0' ? strchr(alphabet, c) : NULL;
	return p != NULL ? (int)(p - alphabet) : -1;
}

bool rq_uscc_valid(const char *code)
{
	if (code == NULL || strlen(code) != 18)
		return false;
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		int v = value_of(code[i]);
		if (v < 0)
			return false;
		sum += v * weights[i];
	}
	int check = (31 - sum % 31) % 31;
	return code[17] == alphabet[check];
}

bool rq_uscc_form(char *s)
{
	size_t n = 0;
	for (; s[n] != '\0'; n++) {
		if (s[n] >= 'a' && s[n] <= 'z')
			s[n] = (char)(s[n] - 'a' + 'A');
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'A' && s[n] <= 'Z')))
			return false;
	}
	return n == 18;
}
