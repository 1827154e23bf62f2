/* The pre-fast-path tokenizers (see tok_reference.c): same contract as
 * wl_tok_classic, wl_tok_etw and wl_tok_sdist. */
#ifndef WL_TOK_REFERENCE_H
#define WL_TOK_REFERENCE_H

#include "tokenize.h"

bool ref_tok_classic(const char *line, size_t n, wl_fields *f);
bool ref_tok_etw(const char *line, size_t n, wl_fields *f);
bool ref_tok_sdist(const char *line, size_t n, wl_fields *f);

#endif
