/* The command line of wsuslog-query: parse and check every argument before
 * touching the database (a typo is exit 2, never a half-printed report),
 * open the index read-only, run one report. Lives in the library rather
 * than main.c so the tests drive the whole program in-process. */
#include "query.h"

#include <stdint.h>
#include <string.h>

#include "wsuslog/schema.h"

#define PROG "wsuslog-query"

/* How long a read waits for an ingest holding the write lock. With WAL a
 * reader is blocked only briefly (checkpoint, recovery); 5 s rides that out
 * without hanging a script forever. */
#define QUERY_BUSY_TIMEOUT_MS 5000

/* More positional words than any command takes: the rest is an error. */
#define QUERY_ARGS_MAX 4

static const char usage_text[] =
    "Usage: " PROG " --db FILE COMMAND [ARGS] [--format table|csv|json]\n"
    "\n"
    "Commands:\n"
    "  limits [--since T] [--until T] [--server HOST]\n"
    "      WSUS limit hits (InvalidParameters faults on InstalledNonLeafUpdateIDs\n"
    "      or OtherCachedUpdateIDs) per server and parameter.\n"
    "  errors [--by code|server|client] [--since T] [--until T]\n"
    "      Events carrying an HRESULT, counted per code (and server or client).\n"
    "  guid GUID\n"
    "      Every client and server event naming GUID (a fault ID, a SusClientId,\n"
    "      an update ID), in time order.\n"
    "\n"
    "Options (before or after the command):\n"
    "  --db FILE          the index written by wsuslog-index (opened read-only)\n"
    "  -f, --format FMT   table (default), csv or json\n"
    "  --since T          from T, inclusive (UTC)\n"
    "  --until T          up to T, exclusive; a date alone includes that day\n"
    "  --server HOST      one WSUS server (case-insensitive)\n"
    "  -h, --help         this text\n"
    "  --version          print the version\n"
    "\n"
    "T is YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][Z] or \"YYYY-MM-DD HH:MM:SS\", UTC.\n"
    "Exit status: 0 success, 1 fatal error (database), 2 usage error.\n"
    "See docs/QUERY.md.\n";

typedef struct cli {
	const char *db;
	const char *format;
	const char *since;
	const char *until;
	const char *server;
	const char *by;
	const char *args[QUERY_ARGS_MAX];
	int nargs;
	int help, version;
} cli;

static int usage(FILE *err, const char *msg, const char *arg)
{
	if (arg)
		fprintf(err, PROG ": %s '%s'\n", msg, arg);
	else
		fprintf(err, PROG ": %s\n", msg);
	fprintf(err, "Try '" PROG " --help'.\n");
	return WL_EXIT_USAGE;
}

/* Options taking a value; cli_slot(c, k) is where the value of opts[k]
 * goes. */
static const struct {
	const char *name, *shortname;
} opts[] = {
    {"--db", NULL},    {"--format", "-f"}, {"--since", NULL},
    {"--until", NULL}, {"--server", NULL}, {"--by", NULL},
};

static const char **cli_slot(cli *c, size_t k)
{
	const char **slots[] = {&c->db, &c->format, &c->since, &c->until, &c->server, &c->by};
	return slots[k];
}

/* Fill c from argv. Returns 0 or an exit code after printing why. */
static int parse_argv(int argc, char **argv, cli *c, FILE *err)
{
	int opts_done = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (opts_done || a[0] != '-' || a[1] == '\0') {
			if (c->nargs == QUERY_ARGS_MAX)
				return usage(err, "too many arguments at", a);
			c->args[c->nargs++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			opts_done = 1;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			c->help = 1;
			continue;
		}
		if (strcmp(a, "--version") == 0) {
			c->version = 1;
			continue;
		}
		size_t found = SIZE_MAX;
		const char *value = NULL;
		for (size_t k = 0; k < sizeof opts / sizeof opts[0] && found == SIZE_MAX; k++) {
			size_t n = strlen(opts[k].name);
			if (strcmp(a, opts[k].name) == 0 ||
			    (opts[k].shortname && strcmp(a, opts[k].shortname) == 0)) {
				found = k;
			} else if (strncmp(a, opts[k].name, n) == 0 && a[n] == '=') {
				found = k;
				value = a + n + 1;
			}
		}
		if (found == SIZE_MAX)
			return usage(err, "unknown option", a);
		if (!value) {
			if (i + 1 >= argc)
				return usage(err, "missing value for", a);
			value = argv[++i];
		}
		*cli_slot(c, found) = value;
	}
	return 0;
}

/* Options that only some commands take. */
static int check_applies(const cli *c, const char *cmd, int times, int server, int by, FILE *err)
{
	const char *bad = NULL;
	if (!times && c->since)
		bad = "--since";
	else if (!times && c->until)
		bad = "--until";
	else if (!server && c->server)
		bad = "--server";
	else if (!by && c->by)
		bad = "--by";
	if (!bad)
		return 0;
	fprintf(err, PROG ": %s does not apply to '%s'\n", bad, cmd);
	fprintf(err, "Try '" PROG " --help'.\n");
	return WL_EXIT_USAGE;
}

static int parse_time(const char *s, const char *name, int end_of_day, int *has, int64_t *us,
                      FILE *err)
{
	if (!s)
		return 0;
	if (wl_qtime_parse(s, end_of_day, us) != 0) {
		fprintf(err,
		        PROG ": invalid time '%s' for %s (expected YYYY-MM-DD,"
		             " YYYY-MM-DDTHH:MM[:SS][Z] or 'YYYY-MM-DD HH:MM:SS', UTC)\n",
		        s, name);
		fprintf(err, "Try '" PROG " --help'.\n");
		return WL_EXIT_USAGE;
	}
	*has = 1;
	return 0;
}

typedef enum cmd { CMD_LIMITS, CMD_ERRORS, CMD_GUID } cmd;

int wl_query_run(int argc, char **argv, FILE *out, FILE *err)
{
	cli c = {0};
	wl_qfilter f = {0};
	wl_outfmt fmt = WL_OUT_TABLE;
	wl_errors_by by = WL_BY_CODE;
	wl_guid guid;
	cmd which;
	sqlite3 *db = NULL;
	wl_out *o = NULL;
	char msg[512] = "";
	int rc = parse_argv(argc, argv, &c, err);
	if (rc != 0)
		return rc;
	if (c.help) {
		fputs(usage_text, out);
		return fflush(out) == 0 ? WL_EXIT_OK : WL_EXIT_FATAL;
	}
	if (c.version) {
		fputs(PROG " " WL_VERSION "\n", out);
		return fflush(out) == 0 ? WL_EXIT_OK : WL_EXIT_FATAL;
	}

	if (c.nargs == 0)
		return usage(err, "no command given (limits, errors or guid)", NULL);
	const char *name = c.args[0];
	int want_args = 1;
	if (strcmp(name, "limits") == 0) {
		which = CMD_LIMITS;
		rc = check_applies(&c, name, 1, 1, 0, err);
	} else if (strcmp(name, "errors") == 0) {
		which = CMD_ERRORS;
		rc = check_applies(&c, name, 1, 0, 1, err);
	} else if (strcmp(name, "guid") == 0) {
		which = CMD_GUID;
		want_args = 2;
		rc = check_applies(&c, name, 0, 0, 0, err);
	} else {
		return usage(err, "unknown command", name);
	}
	if (rc != 0)
		return rc;
	if (c.nargs < want_args)
		return usage(err, "missing GUID for", name);
	if (c.nargs > want_args)
		return usage(err, "unexpected argument", c.args[want_args]);
	if (which == CMD_GUID) {
		const char *g = c.args[1];
		size_t n = strlen(g);
		if (wl_guid_parse(g, n, &guid) != n)
			return usage(err, "not a GUID:", g);
	}
	if (c.by) {
		if (strcmp(c.by, "code") == 0)
			by = WL_BY_CODE;
		else if (strcmp(c.by, "server") == 0)
			by = WL_BY_SERVER;
		else if (strcmp(c.by, "client") == 0)
			by = WL_BY_CLIENT;
		else
			return usage(err, "--by takes code, server or client, not", c.by);
	}
	if (c.format && wl_outfmt_parse(c.format, &fmt) != 0)
		return usage(err, "--format takes table, csv or json, not", c.format);
	if ((rc = parse_time(c.since, "--since", 0, &f.has_since, &f.since_us, err)) != 0 ||
	    (rc = parse_time(c.until, "--until", 1, &f.has_until, &f.until_us, err)) != 0)
		return rc;
	f.server = c.server;
	if (!c.db)
		return usage(err, "--db FILE is required", NULL);

	/* Read-only: never create a file (a typo in --db must not leave an
	 * empty database behind) and never write to an index being ingested. */
	rc = WL_EXIT_FATAL;
	if (sqlite3_open_v2(c.db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(err, PROG ": cannot open database '%s': %s\n", c.db,
		        db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(db, QUERY_BUSY_TIMEOUT_MS);
	if (wl_schema_check(db, msg, sizeof msg) != WL_OK) {
		fprintf(err, PROG ": %s: %s\n", c.db, msg);
		goto out;
	}
	o = wl_out_open(out, fmt);
	if (!o) {
		fprintf(err, PROG ": out of memory\n");
		goto out;
	}
	wl_status st;
	if (which == CMD_LIMITS)
		st = wl_report_limits(db, &f, o, msg, sizeof msg);
	else if (which == CMD_ERRORS)
		st = wl_report_errors(db, &f, by, o, msg, sizeof msg);
	else
		st = wl_report_guid(db, &guid, o, msg, sizeof msg);
	if (st == WL_E_DB)
		fprintf(err, PROG ": %s: %s\n", c.db, msg);
	else if (st != WL_OK)
		fprintf(err, PROG ": %s\n",
		        st == WL_E_IO ? "cannot write the output" : wl_strerror(st));
	else
		rc = WL_EXIT_OK;
out:
	wl_out_close(o);
	sqlite3_close(db);
	return rc;
}
