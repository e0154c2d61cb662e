/* target_int.h - shared between the files of harness/target; not public. */
#ifndef DNSH_TARGET_INT_H
#define DNSH_TARGET_INT_H

#include "target/target.h"

/* The builtin placeholders, NULL-ended, in the order target_start fills
 * them: addr port dir zone zone_file user name. */
extern const char *const target_builtins[];
#define TARGET_NBUILTINS 7u
#define TARGET_MAX_VARS	 64u /* vars a recipe may declare */

/* Set err->code and err->msg (printf-style); clears err->log. Returns
 * code. err may be NULL. */
target_rc_t target_err_set(target_err_t *err, target_rc_t code, const char *fmt,
			   ...) __attribute__((format(printf, 3, 4)));

/* Append a sentence to err->msg (printf-style), as room allows. */
void target_err_add(target_err_t *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
