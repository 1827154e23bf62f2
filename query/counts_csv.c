/* capacity --counts: the CSV of true counts an admin exports from SUSDB or
 * the client datastore (docs/QUERY.md), read strictly: every malformed line
 * is an error naming the file and line, since a silently skipped row would
 * move the recommended limit. */
#include "query.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qlimits.h"

/* ---- the counts CSV ---- */

typedef struct seen {
	wl_guid g;
	uint64_t line;
} seen;

static int by_guid(const void *a, const void *b)
{
	const seen *x = a, *y = b;
	int c = memcmp(x->g.s, y->g.s, sizeof x->g.s);
	if (c != 0)
		return c;
	return (x->line > y->line) - (x->line < y->line);
}

static wl_status bad(char *err, size_t errlen, const char *path, uint64_t line, const char *msg)
{
	snprintf(err, errlen, "%s:%llu: %s", path, (unsigned long long)line, msg);
	return WL_E_USAGE;
}

/* A field without its quotes: "x" -> x; a quote inside is refused. */
static int unquote(const char **p, size_t *n)
{
	if (*n >= 2 && (*p)[0] == '"' && (*p)[*n - 1] == '"') {
		(*p)++;
		*n -= 2;
	}
	return memchr(*p, '"', *n) ? -1 : 0;
}

static int parse_count(const char *p, size_t n, int64_t *v)
{
	int64_t x = 0;
	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		x = x * 10 + (p[i] - '0');
		if (x > WL_Q_COUNTS_VALUE_MAX)
			return -1;
	}
	*v = x;
	return 0;
}

void wl_counts_free(wl_counts *c)
{
	free(c->prereq);
	free(c->cached);
	c->prereq = c->cached = NULL;
	c->n = 0;
}

wl_status wl_counts_load(const char *path, wl_counts *c, char *err, size_t errlen)
{
	static const char header[] = "client_id,installed_non_leaf,cached";
	char *line = malloc(WL_Q_COUNTS_LINE_MAX + 2);
	seen *ids = NULL;
	size_t cap = 0;
	uint64_t lineno = 0;
	int blank_at = 0; /* line number of a blank line, if one was seen */
	wl_status rc = WL_OK;
	FILE *f = fopen(path, "rb");
	c->prereq = c->cached = NULL;
	c->n = 0;
	if (!line) {
		rc = WL_E_NOMEM;
		goto out;
	}
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		rc = WL_E_USAGE;
		goto out;
	}
	while (fgets(line, WL_Q_COUNTS_LINE_MAX + 2, f)) {
		size_t n = strlen(line);
		lineno++;
		if (n == WL_Q_COUNTS_LINE_MAX + 1 && line[n - 1] != '\n') {
			rc = bad(err, errlen, path, lineno, "line too long");
			goto out;
		}
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (!feof(f)) {
			/* fgets stopped early without a newline: a NUL byte. */
			rc = bad(err, errlen, path, lineno, "NUL byte in the line");
			goto out;
		}
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (memchr(line, '\0', n) || strlen(line) != n) {
			rc = bad(err, errlen, path, lineno, "NUL byte in the line");
			goto out;
		}
		const char *p = line;
		if (lineno == 1 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
			p += 3; /* the BOM spreadsheets write */
			n -= 3;
		}
		if (lineno == 1) {
			if (n != sizeof header - 1 || memcmp(p, header, n) != 0) {
				rc = bad(err, errlen, path, lineno,
				         "the header must be exactly "
				         "'client_id,installed_non_leaf,cached'");
				goto out;
			}
			continue;
		}
		if (n == 0) {
			if (!blank_at)
				blank_at = (int)(lineno > INT32_MAX ? INT32_MAX : lineno);
			continue;
		}
		if (blank_at) {
			rc = bad(err, errlen, path, (uint64_t)blank_at, "empty line");
			goto out;
		}
		const char *field[3];
		size_t len[3];
		size_t nf = 0;
		const char *q = p, *end = p + n;
		for (;;) {
			const char *comma = memchr(q, ',', (size_t)(end - q));
			if (nf == 3) {
				nf = 4;
				break;
			}
			field[nf] = q;
			len[nf] = comma ? (size_t)(comma - q) : (size_t)(end - q);
			nf++;
			if (!comma)
				break;
			q = comma + 1;
		}
		if (nf != 3) {
			rc = bad(err, errlen, path, lineno,
			         "expected 3 fields: client_id,installed_non_leaf,cached");
			goto out;
		}
		for (int i = 0; i < 3; i++)
			if (unquote(&field[i], &len[i]) != 0) {
				rc = bad(err, errlen, path, lineno, "a quote inside a field");
				goto out;
			}
		wl_guid g;
		if (len[0] == 0 || wl_guid_parse(field[0], len[0], &g) != len[0]) {
			rc =
			    bad(err, errlen, path, lineno, "client_id is not a GUID (SusClientId)");
			goto out;
		}
		int64_t a, b;
		if (parse_count(field[1], len[1], &a) != 0) {
			rc = bad(err, errlen, path, lineno,
			         "installed_non_leaf is not a whole number from 0 to 1000000000");
			goto out;
		}
		if (parse_count(field[2], len[2], &b) != 0) {
			rc = bad(err, errlen, path, lineno,
			         "cached is not a whole number from 0 to 1000000000");
			goto out;
		}
		if (c->n == WL_Q_COUNTS_ROWS_MAX) {
			rc = bad(err, errlen, path, lineno, "too many clients");
			goto out;
		}
		if (c->n == cap) {
			size_t nc = cap ? cap * 2 : 1024;
			int64_t *pa = realloc(c->prereq, nc * sizeof *pa);
			if (pa)
				c->prereq = pa;
			int64_t *pb = realloc(c->cached, nc * sizeof *pb);
			if (pb)
				c->cached = pb;
			seen *ps = realloc(ids, nc * sizeof *ps);
			if (ps)
				ids = ps;
			if (!pa || !pb || !ps) {
				rc = WL_E_NOMEM;
				goto out;
			}
			cap = nc;
		}
		c->prereq[c->n] = a;
		c->cached[c->n] = b;
		ids[c->n].g = g;
		ids[c->n].line = lineno;
		c->n++;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
		rc = WL_E_IO;
		goto out;
	}
	if (lineno == 0) {
		rc = bad(err, errlen, path, 1, "empty file (expected a header line)");
		goto out;
	}
	if (c->n == 0) {
		rc = bad(err, errlen, path, lineno, "no clients after the header");
		goto out;
	}
	qsort(ids, c->n, sizeof *ids, by_guid);
	for (size_t i = 1; i < c->n; i++)
		if (memcmp(ids[i].g.s, ids[i - 1].g.s, sizeof ids[i].g.s) == 0) {
			char msg[96];
			snprintf(msg, sizeof msg, "client_id repeats line %llu",
			         (unsigned long long)ids[i - 1].line);
			rc = bad(err, errlen, path, ids[i].line, msg);
			goto out;
		}
out:
	if (rc != WL_OK)
		wl_counts_free(c);
	if (f)
		fclose(f);
	free(ids);
	free(line);
	return rc;
}
