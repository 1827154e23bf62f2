/* Tests that read the real logs (WL_SHARED_DIR "/real-logs", i.e.
 * ../shared/real-logs beside the checkout). A clone on its own has no such
 * directory: there the test exits WL_TEST_SKIP, which CTest reports as
 * skipped (SKIP_RETURN_CODE). Under CI=true a missing directory is a
 * failure instead, so CI never passes without running them.
 * tests/common/real_logs.sh is the same rule for the shell tests. */
#ifndef WL_TEST_REAL_LOGS_H
#define WL_TEST_REAL_LOGS_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The exit status CTest reads as "skipped" (automake's convention). */
#define WL_TEST_SKIP 77

/* Returns if dir can be opened; otherwise ends the process. */
static inline void wl_need_real_logs(const char *test, const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		closedir(d);
		return;
	}
	const char *ci = getenv("CI");
	if (ci && strcmp(ci, "true") == 0) {
		fprintf(
		    stderr,
		    "%s: FAIL: ../shared/real-logs not found (%s); under CI=true it is required\n",
		    test, dir);
		exit(1);
	}
	printf("%s: skipped: ../shared/real-logs not found (%s)\n", test, dir);
	exit(WL_TEST_SKIP);
}

#endif
