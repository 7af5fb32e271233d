/* Compiler attributes every module shares. */
#ifndef RQ_ATTR_H
#define RQ_ATTR_H

/* On a function whose result says whether it worked (a status, or a pointer that is NULL on
 * failure): ignoring that result is a compile error under -Werror. GCC does not let a
 * (void) cast silence it, so a call site has to handle the result. */
#define RQ_MUST_USE __attribute__((warn_unused_result))

#endif
