/* Status names and messages: the pinned wl_status enum rendered for stderr
 * and for the problems table (which stores the symbolic name). */
#include "wsuslog/status.h"

#include <stdio.h>

static const struct {
	const char *name;
	const char *text;
} table[WL_STATUS_COUNT_] = {
    [WL_OK] = {"WL_OK", "success"},
    [WL_E_NOMEM] = {"WL_E_NOMEM", "out of memory"},
    [WL_E_IO] = {"WL_E_IO", "read error"},
    [WL_E_OPEN] = {"WL_E_OPEN", "cannot open"},
    [WL_E_NOT_LOG] = {"WL_E_NOT_LOG", "not a WSUS log"},
    [WL_E_ZSTD] = {"WL_E_ZSTD", "corrupt zstd data"},
    [WL_E_TRUNCATED] = {"WL_E_TRUNCATED", "truncated compressed data"},
    [WL_E_ARCHIVE] = {"WL_E_ARCHIVE", "damaged archive"},
    [WL_E_TOO_BIG] = {"WL_E_TOO_BIG", "size limit exceeded"},
    [WL_E_ENCODING] = {"WL_E_ENCODING", "malformed text encoding"},
    [WL_E_LINE_TOO_LONG] = {"WL_E_LINE_TOO_LONG", "line too long (cut)"},
    [WL_E_BAD_LINE] = {"WL_E_BAD_LINE", "unparseable line"},
    [WL_E_DB] = {"WL_E_DB", "database error"},
    [WL_E_USAGE] = {"WL_E_USAGE", "usage error"},
    [WL_E_SKIPPED] = {"WL_E_SKIPPED", "skipped"},
    [WL_E_SCHEMA] = {"WL_E_SCHEMA", "unsupported index schema"},
    [WL_E_BUSY] = {"WL_E_BUSY", "index is in use by another ingester"},
    [WL_E_DISK_FULL] = {"WL_E_DISK_FULL", "database or disk is full"},
    [WL_E_UNSAFE_PATH] = {"WL_E_UNSAFE_PATH", "unsafe archive member"},
    [WL_E_DEPTH] = {"WL_E_DEPTH", "archives nested too deep"},
};

const char *wl_status_name(wl_status st)
{
	if ((unsigned)st >= WL_STATUS_COUNT_ || !table[st].name)
		return "WL_E_UNKNOWN";
	return table[st].name;
}

const char *wl_strerror(wl_status st)
{
	if ((unsigned)st >= WL_STATUS_COUNT_ || !table[st].text)
		return "unknown error";
	return table[st].text;
}

void wl_problem_print(const wl_problem *p)
{
	char where[64] = "";
	if (p->line)
		snprintf(where, sizeof where, "line %llu: ", (unsigned long long)p->line);
	else if (p->offset != UINT64_MAX)
		snprintf(where, sizeof where, "offset %llu: ", (unsigned long long)p->offset);
	fprintf(stderr, "wsuslog-index: %s%s%s: %s%s (%s)\n", p->path ? p->path : "",
	        p->member && *p->member ? "!" : "", p->member ? p->member : "", where, p->message,
	        wl_status_name(p->status));
}
