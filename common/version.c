/* --version for both programs. The library versions are asked of the
 * libraries themselves at run time, not taken from their headers: a
 * distribution upgrades them under an installed binary. A library of its
 * own (wlversion), so that wlcommon keeps depending on SQLite alone. */
#include "wsuslog/version.h"

#include <archive.h>
#include <sqlite3.h>
#include <string.h>
#include <zstd.h>

int wl_version_print(FILE *out, const char *program)
{
	/* archive_version_details() is "libarchive 3.6.2 zlib/1.2.13 ...": the
	 * libraries it was built with go in parentheses after its own. */
	const char *la = archive_version_string();
	const char *details = archive_version_details();
	size_t n = strlen(la);
	const char *extra = "";
	if (details && strncmp(details, la, n) == 0 && details[n] == ' ' && details[n + 1])
		extra = details + n + 1;
	int rc = fprintf(out, "%s %s\nSQLite %s, zstd %s, %s%s%s%s\n", program, WL_VERSION,
	                 sqlite3_libversion(), ZSTD_versionString(), la, *extra ? " (" : "", extra,
	                 *extra ? ")" : "");
	return rc < 0 ? -1 : 0;
}
