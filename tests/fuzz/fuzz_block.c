/* Fuzz target for stages 3-4 together: the block fast path (wl_decode_set_block
 * + wl_extract_block, as worker.c on_block) must report exactly what the
 * per-line path (worker.c on_line) reports, as in test_reallogs.c
 * block_path_equals_line_path, with the format sniffed and forced to each of
 * classic, ETW and SoftwareDistribution.log. Byte 0: bits 0-2 the feed size,
 * bits 3-4 --tz, bits 5-7 all set: byte 1 stretches the second line to about
 * WL_LINE_MAX (see LLVMFuzzerTestOneInput). The rest is the log text. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_util.h"
#define SIG_CHECK(cond, what) FUZZ_CHECK(cond, what)
#include "../common/extract_sig.h"

/* Longer inputs only slow the fuzzer down: the fast loop works in 64-byte
 * steps, and over-long lines come from the stretch instead. */
#define BLOCK_INPUT_MAX (64u * 1024u)

/* a runs line by line, b with the block path too. */
static void same_paths(sig *pa, sig *pb, wl_format fmt, const char *data, size_t n, size_t feed)
{
	sig_run(pa, fmt, data, n, feed);
	sig_run(pb, fmt, data, n, feed);
	char why[512];
	bool same = sig_same(pa, pb, why, sizeof why);
	if (!same)
		fprintf(stderr, "fuzz_block: format %s, feeds of %zu: %s\n",
		        fmt == WL_FMT_UNKNOWN ? "sniffed" : wl_format_name(fmt), feed, why);
	FUZZ_CHECK(same, "per-line and block paths differ");
}

/* The text with its second line stretched to len bytes (its own bytes
 * repeated; a CR before its LF stays at the end), so that lines at and past
 * WL_LINE_MAX come after a first line that starts the block path. NULL
 * when there is no non-empty second line. Caller owns; free. */
static char *stretch(const char *p, size_t n, size_t len, size_t *out_n)
{
	const char *nl = memchr(p, '\n', n);
	if (!nl)
		return NULL;
	size_t s2 = (size_t)(nl - p) + 1;
	const char *nl2 = memchr(p + s2, '\n', n - s2);
	size_t e2 = nl2 ? (size_t)(nl2 - p) : n;
	size_t ln = e2 - s2;
	bool cr = ln > 0 && p[e2 - 1] == '\r';
	ln -= cr;
	if (ln == 0)
		return NULL;
	*out_n = s2 + len + cr + (n - e2);
	char *out = malloc(*out_n);
	FUZZ_CHECK(out != NULL, "out of memory in the harness");
	memcpy(out, p, s2);
	for (size_t k = 0; k < len; k += ln)
		memcpy(out + s2 + k, p + s2, len - k < ln ? len - k : ln);
	if (cr)
		out[s2 + len] = '\r';
	memcpy(out + s2 + len + cr, p + e2, n - e2);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t feeds[8] = {1, 7, 63, 64, 65, 4096, 65536, WL_BLOCK_SIZE};
	/* Index 0: no --tz; the others are --tz values, odd ones included. */
	static const int tzs[4] = {0, -480, 330, 345};
	static const wl_format fmts[] = {WL_FMT_UNKNOWN, WL_FMT_WU_CLASSIC, WL_FMT_WU_ETW,
	                                 WL_FMT_SDIST};
	if (size < 1)
		return 0;
	unsigned ctl = data[0];
	size_t feed = feeds[ctl & 7];
	unsigned tz = (ctl >> 3) & 3;
	const wl_extract_cfg cfg = {.has_tz = tz != 0, .tz_minutes = tzs[tz]};
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	size_t nf = sizeof fmts / sizeof *fmts;
	wl_format forced = WL_FMT_UNKNOWN;
	char *big = NULL;
	if ((ctl >> 5) == 7 && n > 0) {
		/* Byte 1: bits 0-3 and 6-7 the stretched length, WL_LINE_MAX - 8
		 * + 0..15 + 0..3 KiB; bits 4-5 the one format forced besides
		 * the sniffed run (none, classic, ETW, sdist): a 64 KiB line
		 * costs milliseconds per run under ASan. */
		unsigned b = (unsigned char)s[0];
		size_t len = WL_LINE_MAX - 8 + (b & 15) + (size_t)(b >> 6) * 1024;
		forced = fmts[(b >> 4) & 3];
		nf = 1;
		s++;
		n--;
		if (n > BLOCK_INPUT_MAX)
			n = BLOCK_INPUT_MAX;
		big = stretch(s, n, len, &n);
		if (big) {
			s = big;
			if (feed < 63)
				feed = 63; /* byte feeds of 64 KiB are slow and add nothing */
		}
	} else if (n > BLOCK_INPUT_MAX) {
		n = BLOCK_INPUT_MAX;
	}
	/* The sniffed run first, on a fresh extractor as a worker's first file. */
	sig a, b;
	sig_open(&a, &cfg, false);
	sig_open(&b, &cfg, true);
	for (size_t f = 0; f < nf; f++)
		same_paths(&a, &b, fmts[f], s, n, feed);
	if (forced != WL_FMT_UNKNOWN)
		same_paths(&a, &b, forced, s, n, feed);
	sig_close(&a);
	sig_close(&b);
	free(big);
	return 0;
}
