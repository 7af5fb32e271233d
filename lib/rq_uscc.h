/* Unified social credit codes (统一社会信用代码, GB 32100-2015). */
#ifndef RQ_USCC_H
#define RQ_USCC_H

#include <stdbool.h>

/* True when code is 18 characters of the GB 32100 alphabet (upper case; no I O Z S V)
 * whose last character is the check character of the first 17. */
bool rq_uscc_valid(const char *code);
/* Upper-cases the ASCII letters of s in place; true when it then has the form of a credit
 * code, 18 digits or capital letters (its check character is rq_uscc_valid's question). */
bool rq_uscc_form(char *s);

#endif
