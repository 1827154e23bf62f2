/* The grammar of "an error line with a code" (docs/EVENTS.md): where a
 * line of either client format spells an HRESULT, and whether it says that
 * something went wrong. Pure functions over byte spans; the extractor
 * (extract.c) decides with them which lines become events, and the audit
 * (audit.c) uses them to name what it sees. Internal to wsuslog-index. */
#ifndef WL_ERRLINE_H
#define WL_ERRLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The first failure code token in p[0..n) (docs/EVENTS.md, "Code
 * tokens"): 8 hex digits spelled 0x/0X + 8, [8], or bare; a bare token of
 * decimal digits only needs a code key before it (hr, error, code, …).
 * A failure code has bit 31 set. *out is untouched when there is none. */
bool wl_find_hresult(const char *p, size_t n, uint32_t *out);

/* Does p[0..n) hold an error word as a whole word, in any case: fail,
 * fails, failed, failing, failure, failures, error, errors, fatal,
 * warning? A word is a run of letters, digits and '_' ("BG_ERROR_CONTEXT"
 * is one word, and not an error word). */
bool wl_error_word(const char *p, size_t n);

/* The same, byte by byte: the reference the vector walk is tested
 * against, and the path of lines too long for its mask. */
bool wl_find_hresult_scalar(const char *p, size_t n, uint32_t *out);

#endif
