/* What both the unit and the API tests need (linked into both as test_common). */
#ifndef TEST_COMMON_H
#define TEST_COMMON_H

#include <stddef.h>
#include <stdio.h>

/* Everything left to read from f (binary-safe, NUL-terminated, malloc'd), its length in *len
 * when len is not NULL. Fails the test when memory runs out. */
char *tc_read_all(FILE *f, size_t *len);

/* Runs cmd through sh and returns what it wrote on stdout (as tc_read_all), its exit status
 * in *status (-1 when it did not exit normally). */
char *tc_run(const char *cmd, size_t *len, int *status);

/* What `zbarimg --raw -q` reads from the image (a QR's text, as a phone's scanner reads it;
 * malloc'd, final newline removed), through a temporary file. */
char *tc_zbar(const void *image, size_t len);

/* Removes the directory dir and everything in it (a test's scratch directory). */
void tc_remove_tree(const char *dir);

#endif
