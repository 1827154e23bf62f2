/* Small helpers of the event model shared by the indexer (which creates
 * events) and the query tool (which prints their enums). */
#include "wsuslog/event.h"

#include "chars.h"

const char *wl_format_name(wl_format f)
{
	switch (f) {
	case WL_FMT_WU_CLASSIC:
		return "wu-classic";
	case WL_FMT_WU_ETW:
		return "wu-etw";
	case WL_FMT_SDIST:
		return "sdist";
	case WL_FMT_WEBCONFIG:
		return "web.config";
	default:
		return "unknown";
	}
}

const char *wl_role_name(wl_role r)
{
	return r == WL_ROLE_SERVER ? "server" : "client";
}

size_t wl_guid_parse(const char *p, size_t n, wl_guid *out)
{
	static const char hexdig[] = "0123456789abcdef";
	size_t off = 0;
	int braced = 0;
	if (n > 0 && p[0] == '{') {
		braced = 1;
		off = 1;
	}
	if (n < off + 36 + (size_t)braced)
		return 0;
	for (size_t i = 0; i < 36; i++) {
		unsigned char c = (unsigned char)p[off + i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return 0;
			out->s[i] = '-';
			continue;
		}
		int v = wl_hex_value((char)c);
		if (v < 0)
			return 0;
		out->s[i] = hexdig[v];
	}
	if (braced) {
		if (p[off + 36] != '}')
			return 0;
		return 38;
	}
	return 36;
}
