/* The machine a log belongs to, guessed from its path: collected logs sit
 * in a folder named for the machine ("wsus01/SoftwareDistribution.log") or
 * carry it in their name ("pc005-WindowsUpdate.log"). A guess only: the
 * log's own words (a DNS name, a ClientWebService actor) win where it has
 * them (extract.c). */
#include "hostname.h"

#include <stdbool.h>
#include <string.h>

#include "chars.h"

static const char *const generic_dirs[] = {
    "",
    ".",
    "..",
    "log",
    "logs",
    "logfiles",
    "windows",
    "temp",
    "tmp",
    "clients",
    "servers",
    "data",
    "softwaredistribution",
    "update services",
    "collected",
    "archive",
    "clientwebservice",
    "webservices",
    "program files",
    "inetpub",
};

static bool generic(const char *p, size_t n)
{
	for (size_t i = 0; i < sizeof generic_dirs / sizeof *generic_dirs; i++) {
		size_t k = strlen(generic_dirs[i]);
		if (k != n)
			continue;
		size_t j = 0;
		while (j < n && wl_ascii_lower(p[j]) == generic_dirs[i][j])
			j++;
		if (j == n)
			return true;
	}
	return false;
}

static bool standard_name(const char *p, size_t n)
{
	static const char *const names[] = {"windowsupdate", "softwaredistribution", "web.config"};
	for (size_t s = 0; s < sizeof names / sizeof *names; s++) {
		size_t k = 0, sl = strlen(names[s]);
		while (k < sl && k < n && wl_ascii_lower(p[k]) == names[s][k])
			k++;
		if (k == sl)
			return true;
	}
	return false;
}

static size_t hint_from(const char *name, char *out, size_t cap)
{
	const char *bang = strrchr(name, '!');
	if (bang)
		name = bang + 1;
	size_t n = strlen(name);
	while (n > 0 && (name[n - 1] == '/' || name[n - 1] == '\\'))
		n--;
	size_t b = n;
	while (b > 0 && name[b - 1] != '/' && name[b - 1] != '\\')
		b--;
	/* "<host>-WindowsUpdate.log", "<host>_SoftwareDistribution.log",
	 * "<host>_web.config" */
	static const char *const stems[] = {"windowsupdate", "softwaredistribution", "web.config"};
	for (size_t s = 0; s < sizeof stems / sizeof *stems; s++) {
		size_t sl = strlen(stems[s]);
		for (size_t i = b + 1; i + sl <= n; i++) {
			size_t k = 0;
			while (k < sl && wl_ascii_lower(name[i + k]) == stems[s][k])
				k++;
			if (k == sl &&
			    (name[i - 1] == '-' || name[i - 1] == '_' || name[i - 1] == '.')) {
				/* "servers_wsus01_SoftwareDistribution.log.zst" (a path
				 * flattened into a file name): the part after the last '_'. */
				size_t hs = b;
				for (size_t j = b; j + 1 < i; j++)
					if (name[j] == '_')
						hs = j + 1;
				size_t hn = i - 1 - hs;
				if (hn == 0 || hn + 1 > cap)
					break;
				for (size_t j = 0; j < hn; j++)
					out[j] = wl_ascii_lower(name[hs + j]);
				out[hn] = 0;
				return hn;
			}
		}
	}
	/* Otherwise the nearest directory that is not a generic one, above a
	 * file of a standard name ("wsus01/SoftwareDistribution.log.old",
	 * "pc005/WindowsUpdate.log", "wsus01/ClientWebService/web.config"). */
	if (b == 0 || !standard_name(name + b, n - b))
		return 0;
	size_t e = b - 1, d;
	for (;;) {
		d = e;
		while (d > 0 && name[d - 1] != '/' && name[d - 1] != '\\')
			d--;
		if (!generic(name + d, e - d))
			break;
		if (d == 0)
			return 0;
		e = d - 1;
	}
	if (e - d + 1 > cap)
		return 0;
	for (size_t j = 0; j < e - d; j++)
		out[j] = wl_ascii_lower(name[d + j]);
	out[e - d] = 0;
	return e - d;
}

size_t wl_host_hint(const char *path, const char *member, char *out, size_t cap)
{
	out[0] = 0;
	if (member && *member) {
		size_t n = hint_from(member, out, cap);
		if (n)
			return n;
	}
	return hint_from(path, out, cap);
}
