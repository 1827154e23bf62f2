/* The machine named by an input's path (hostname.c). Internal to
 * wsuslog-index. */
#ifndef WL_HOSTNAME_H
#define WL_HOSTNAME_H

#include <stddef.h>

/* The machine named by an input's path: "pc005-WindowsUpdate.log" -> pc005,
 * "wsus01/SoftwareDistribution.log" -> wsus01. Lower-case into out; returns
 * the length (0 if the path names none). */
size_t wl_host_hint(const char *path, const char *member, char *out, size_t cap);

#endif
