/* The command line of wsuslog-query: parse and check every argument before
 * touching the database (a typo is exit 2, never a half-printed report),
 * open the index read-only, run one report. Lives in the library rather
 * than main.c so the tests drive the whole program in-process. */
#include "query.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wsuslog/schema.h"
#include "wsuslog/version.h"

#define PROG "wsuslog-query"

/* How long a read waits for an ingest holding the write lock. With WAL a
 * reader is blocked only briefly (checkpoint, recovery); 5 s rides that out
 * without hanging a script forever. */
#define QUERY_BUSY_TIMEOUT_MS 5000

/* More positional words than any command takes: the rest is an error. */
#define QUERY_ARGS_MAX 4

static const char usage_text[] =
    "Usage: " PROG " --db FILE | --clickhouse URL  COMMAND [ARGS] [--format table|csv|json]\n"
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
    "  servers [--since T] [--until T]\n"
    "      Per WSUS server: clients, scans, faults by code, limit hits.\n"
    "  clients [--server HOST] [--since T] [--until T]\n"
    "      Per SusClientId: host, servers, failures, top codes, limit hits, scans.\n"
    "  timeline [--by hour|day|week] [--server HOST] [--code HRESULT] [--since T] [--until T]\n"
    "      Events, faults and limit hits per hour, day (default) or ISO week.\n"
    "  incident GUID\n"
    "      One fault from both sides, with the client's lines around it; a side\n"
    "      logged without the ID is found by SusClientId and time (+-5 min).\n"
    "  sql \"SELECT ...\"\n"
    "      One read-only SQL statement (SELECT; PRAGMA table_info, index_list,\n"
    "      user_version).\n"
    "  problems\n"
    "      What the indexer could not read (the problems table).\n"
    "  capacity [--since T] [--until T]\n"
    "  capacity --proxies [--since T] [--until T]\n"
    "  capacity --counts FILE.csv [--percentile P] [--headroom H]\n"
    "      Limit hit rates per server and parameter with the web.config values;\n"
    "      the scan statistics the logs carry (proxies, not update ID counts);\n"
    "      or a recommended limit from true counts (CSV client_id,\n"
    "      installed_non_leaf,cached; P default 99, H default 0.25).\n"
    "  report --html FILE [--since T] [--until T]\n"
    "      A self-contained HTML report (FILE '-' for standard output).\n"
    "\n"
    "Options (before or after the command):\n"
    "  --db FILE          the index written by wsuslog-index (opened read-only)\n"
    "  --clickhouse URL   the index in ClickHouse instead (http://HOST:PORT[?database=NAME])\n"
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
	const char *db, *clickhouse, *format, *since, *until, *server, *by, *code;
	const char *counts, *percentile, *headroom, *html;
	const char *args[QUERY_ARGS_MAX];
	int nargs;
	int help, version, proxies;
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

/* What a command takes: option bits and its positional argument. */
enum {
	O_TIME = 1 << 0,
	O_SERVER = 1 << 1,
	O_BY = 1 << 2,
	O_CODE = 1 << 3,
	O_PROXIES = 1 << 4,
	O_COUNTS = 1 << 5, /* --counts, --percentile, --headroom */
	O_HTML = 1 << 6,
	O_FORMAT = 1 << 7,
};

/* Options taking a value, with the bit that says which commands take
 * them (0: every command); cli_slot(c, k) is where opts[k]'s value goes. */
static const struct {
	const char *name, *shortname;
	unsigned bit;
} opts[] = {
    {"--db", NULL, 0},
    {"--clickhouse", NULL, 0},
    {"--format", "-f", O_FORMAT},
    {"--since", NULL, O_TIME},
    {"--until", NULL, O_TIME},
    {"--server", NULL, O_SERVER},
    {"--by", NULL, O_BY},
    {"--code", NULL, O_CODE},
    {"--counts", NULL, O_COUNTS},
    {"--percentile", NULL, O_COUNTS},
    {"--headroom", NULL, O_COUNTS},
    {"--html", NULL, O_HTML},
};

static const char **cli_slot(cli *c, size_t k)
{
	const char **slots[] = {&c->db,     &c->clickhouse, &c->format,   &c->since,
	                        &c->until,  &c->server,     &c->by,       &c->code,
	                        &c->counts, &c->percentile, &c->headroom, &c->html};
	return slots[k];
}

typedef enum cmd {
	CMD_LIMITS,
	CMD_ERRORS,
	CMD_GUID,
	CMD_SERVERS,
	CMD_CLIENTS,
	CMD_TIMELINE,
	CMD_INCIDENT,
	CMD_SQL,
	CMD_PROBLEMS,
	CMD_CAPACITY,
	CMD_REPORT,
} cmd;

static const struct {
	const char *name;
	cmd which;
	unsigned takes;
	const char *arg; /* the positional argument's name, or NULL */
} commands[] = {
    {"limits", CMD_LIMITS, O_TIME | O_SERVER | O_FORMAT, NULL},
    {"errors", CMD_ERRORS, O_TIME | O_BY | O_FORMAT, NULL},
    {"guid", CMD_GUID, O_FORMAT, "GUID"},
    {"servers", CMD_SERVERS, O_TIME | O_FORMAT, NULL},
    {"clients", CMD_CLIENTS, O_TIME | O_SERVER | O_FORMAT, NULL},
    {"timeline", CMD_TIMELINE, O_TIME | O_SERVER | O_BY | O_CODE | O_FORMAT, NULL},
    {"incident", CMD_INCIDENT, O_FORMAT, "GUID"},
    {"sql", CMD_SQL, O_FORMAT, "SQL statement"},
    {"problems", CMD_PROBLEMS, O_FORMAT, NULL},
    {"capacity", CMD_CAPACITY, O_TIME | O_PROXIES | O_COUNTS | O_FORMAT, NULL},
    {"report", CMD_REPORT, O_TIME | O_HTML, NULL},
};

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
		if (strcmp(a, "--proxies") == 0) {
			c->proxies = 1;
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

/* Every option given must be one the command takes. */
static int check_applies(const cli *c, const char *name, unsigned takes, FILE *err)
{
	const char *bad = NULL;
	for (size_t k = 0; k < sizeof opts / sizeof opts[0] && !bad; k++) {
		const char *v = *cli_slot((cli *)c, k);
		if (v && opts[k].bit && !(takes & opts[k].bit))
			bad = opts[k].name;
	}
	if (!bad && c->proxies && !(takes & O_PROXIES))
		bad = "--proxies";
	if (!bad)
		return 0;
	fprintf(err, PROG ": %s does not apply to '%s'\n", bad, name);
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

/* An HRESULT as 8 hex digits, with or without 0x. */
static int parse_code(const char *s, uint32_t *code)
{
	uint32_t v = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (strlen(s) != 8)
		return -1;
	for (int i = 0; i < 8; i++) {
		char ch = s[i];
		unsigned d;
		if (ch >= '0' && ch <= '9')
			d = (unsigned)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			d = (unsigned)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			d = (unsigned)(ch - 'A' + 10);
		else
			return -1;
		v = v << 4 | d;
	}
	*code = v;
	return 0;
}

/* The generation time of report --html: SOURCE_DATE_EPOCH when set (a
 * reproducible report), else now. */
static int64_t report_now(void)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	if (e && *e && strlen(e) <= 12 && strspn(e, "0123456789") == strlen(e))
		return (int64_t)strtoll(e, NULL, 10) * 1000000;
	struct timespec ts;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* report --html: write to path through a temporary file renamed into
 * place, so a failed run leaves no half report ('-': standard output). */
static wl_status write_html(wl_qdb *db, const wl_qfilter *f, const char *dbpath, const char *path,
                            FILE *out, char *msg, size_t msglen)
{
	if (strcmp(path, "-") == 0) {
		wl_status st = wl_report_html(db, f, dbpath, report_now(), out, msg, msglen);
		return st == WL_OK && fflush(out) != 0 ? WL_E_IO : st;
	}
	size_t n = strlen(path);
	char *tmp = malloc(n + 16);
	if (!tmp)
		return WL_E_NOMEM;
	snprintf(tmp, n + 16, "%s.tmp.XXXXXX", path);
	int fd = mkstemp(tmp);
	FILE *h = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!h) {
		snprintf(msg, msglen, "cannot create '%s': %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(tmp);
		return WL_E_OPEN;
	}
	wl_status st = wl_report_html(db, f, dbpath, report_now(), h, msg, msglen);
	if (fclose(h) != 0 && st == WL_OK)
		st = WL_E_IO;
	/* mkstemp makes the file 0600; a report is for sharing. */
	if (st == WL_OK && chmod(tmp, 0644) != 0)
		st = WL_E_IO;
	if (st == WL_OK && rename(tmp, path) != 0) {
		snprintf(msg, msglen, "cannot write '%s': %s", path, strerror(errno));
		st = WL_E_OPEN;
	}
	if (st != WL_OK)
		unlink(tmp);
	free(tmp);
	return st;
}

int wl_query_run(int argc, char **argv, FILE *out, FILE *err)
{
	cli c = {0};
	wl_qfilter f = {0};
	wl_outfmt fmt = WL_OUT_TABLE;
	wl_errors_by by = WL_BY_CODE;
	wl_bucket bucket = WL_BUCKET_DAY;
	wl_counts counts = {0};
	wl_guid guid;
	wl_qdb *db = NULL;
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
		int w = wl_version_print(out, PROG);
		return w == 0 && fflush(out) == 0 ? WL_EXIT_OK : WL_EXIT_FATAL;
	}

	if (c.nargs == 0)
		return usage(err,
		             "no command given (limits, errors, guid, servers, clients, timeline,"
		             " incident, sql, problems, capacity or report)",
		             NULL);
	const char *name = c.args[0];
	size_t ci = SIZE_MAX;
	for (size_t k = 0; k < sizeof commands / sizeof commands[0] && ci == SIZE_MAX; k++)
		if (strcmp(name, commands[k].name) == 0)
			ci = k;
	if (ci == SIZE_MAX)
		return usage(err, "unknown command", name);
	cmd which = commands[ci].which;
	int want_args = commands[ci].arg ? 2 : 1;
	if ((rc = check_applies(&c, name, commands[ci].takes, err)) != 0)
		return rc;
	if (c.nargs < want_args) {
		char m[64];
		snprintf(m, sizeof m, "missing %s for", commands[ci].arg);
		return usage(err, m, name);
	}
	if (c.nargs > want_args)
		return usage(err, "unexpected argument", c.args[want_args]);
	if (which == CMD_GUID || which == CMD_INCIDENT) {
		const char *g = c.args[1];
		size_t n = strlen(g);
		if (wl_guid_parse(g, n, &guid) != n)
			return usage(err, "not a GUID:", g);
	}
	if (c.by && which == CMD_ERRORS) {
		if (strcmp(c.by, "code") == 0)
			by = WL_BY_CODE;
		else if (strcmp(c.by, "server") == 0)
			by = WL_BY_SERVER;
		else if (strcmp(c.by, "client") == 0)
			by = WL_BY_CLIENT;
		else
			return usage(err, "--by takes code, server or client, not", c.by);
	} else if (c.by) {
		if (strcmp(c.by, "hour") == 0)
			bucket = WL_BUCKET_HOUR;
		else if (strcmp(c.by, "day") == 0)
			bucket = WL_BUCKET_DAY;
		else if (strcmp(c.by, "week") == 0)
			bucket = WL_BUCKET_WEEK;
		else
			return usage(err, "--by takes hour, day or week, not", c.by);
	}
	if (c.code && parse_code(c.code, &f.code) != 0)
		return usage(
		    err, "--code takes an HRESULT as 8 hex digits (80244007 or 0x80244007), not",
		    c.code);
	f.has_code = c.code != NULL;
	if (c.format && wl_outfmt_parse(c.format, &fmt) != 0)
		return usage(err, "--format takes table, csv or json, not", c.format);
	if ((rc = parse_time(c.since, "--since", 0, &f.has_since, &f.since_us, err)) != 0 ||
	    (rc = parse_time(c.until, "--until", 1, &f.has_until, &f.until_us, err)) != 0)
		return rc;
	f.server = c.server;
	if (which == CMD_CAPACITY) {
		if (c.proxies && c.counts)
			return usage(err, "--proxies and --counts are separate reports; give one",
			             NULL);
		if ((c.percentile || c.headroom) && !c.counts)
			return usage(err, "--percentile and --headroom need --counts FILE.csv",
			             NULL);
		if (c.counts && (c.since || c.until))
			return usage(err, "--since/--until do not apply to 'capacity --counts'",
			             NULL);
		counts.percentile_u = 99000000;
		counts.headroom_u = 250000;
		counts.percentile_text = c.percentile ? c.percentile : "99";
		counts.headroom_text = c.headroom ? c.headroom : "0.25";
		if (c.percentile && (wl_qdec_parse(c.percentile, &counts.percentile_u) != 0 ||
		                     counts.percentile_u <= 0 || counts.percentile_u > 100000000))
			return usage(err,
			             "--percentile takes a number above 0 and at most 100, not",
			             c.percentile);
		if (c.headroom && (wl_qdec_parse(c.headroom, &counts.headroom_u) != 0 ||
		                   counts.headroom_u > 10000000))
			return usage(err,
			             "--headroom takes a fraction from 0 to 10 (0.25 = 25%), not",
			             c.headroom);
	}
	if (which == CMD_REPORT && !c.html)
		return usage(err, "report needs --html FILE", NULL);
	if (!c.db && !c.clickhouse)
		return usage(err, "--db FILE is required (or --clickhouse URL)", NULL);
	if (c.db && c.clickhouse)
		return usage(err, "--db and --clickhouse exclude each other", NULL);
	/* What messages name: the file, or the server. */
	const char *where = c.db ? c.db : c.clickhouse;
	if (c.counts) {
		wl_status st = wl_counts_load(c.counts, &counts, msg, sizeof msg);
		if (st != WL_OK) {
			fprintf(err, PROG ": %s\n", st == WL_E_NOMEM ? wl_strerror(st) : msg);
			if (st == WL_E_USAGE)
				fprintf(err, "Try '" PROG " --help'.\n");
			return st == WL_E_USAGE ? WL_EXIT_USAGE : WL_EXIT_FATAL;
		}
	}

	/* Read-only: never create a file (a typo in --db must not leave an
	 * empty database behind) and never write to an index being ingested. */
	rc = WL_EXIT_FATAL;
	if (c.clickhouse) {
		if (wl_qdb_open_clickhouse(c.clickhouse, &db, msg, sizeof msg) != WL_OK) {
			fprintf(err, PROG ": %s: %s\n", where, msg);
			goto out;
		}
	} else {
		if (wl_qdb_open_sqlite(c.db, QUERY_BUSY_TIMEOUT_MS, &db) != SQLITE_OK) {
			fprintf(err, PROG ": cannot open database '%s': %s\n", c.db,
			        wl_qdb_errmsg(db));
			goto out;
		}
		if (wl_schema_check(wl_qdb_sqlite(db), msg, sizeof msg) != WL_OK) {
			fprintf(err, PROG ": %s: %s\n", c.db, msg);
			goto out;
		}
	}
	o = wl_out_open(out, fmt);
	if (!o) {
		fprintf(err, PROG ": out of memory\n");
		goto out;
	}
	wl_status st;
	msg[0] = '\0';
	switch (which) {
	case CMD_LIMITS:
		st = wl_report_limits(db, &f, o, msg, sizeof msg);
		break;
	case CMD_ERRORS:
		st = wl_report_errors(db, &f, by, o, msg, sizeof msg);
		break;
	case CMD_GUID:
		st = wl_report_guid(db, &guid, o, msg, sizeof msg);
		break;
	case CMD_SERVERS:
		st = wl_report_servers(db, &f, o, msg, sizeof msg);
		break;
	case CMD_CLIENTS:
		st = wl_report_clients(db, &f, o, msg, sizeof msg);
		break;
	case CMD_TIMELINE:
		st = wl_report_timeline(db, &f, bucket, fmt == WL_OUT_TABLE && isatty(fileno(out)),
		                        o, msg, sizeof msg);
		break;
	case CMD_INCIDENT:
		st = wl_report_incident(db, &guid, o, msg, sizeof msg);
		break;
	case CMD_SQL:
		st = wl_report_sql(db, c.args[1], o, msg, sizeof msg);
		break;
	case CMD_PROBLEMS:
		st = wl_report_problems(db, o, msg, sizeof msg);
		break;
	case CMD_CAPACITY:
		if (c.counts)
			st = wl_report_counts(db, &counts, o, msg, sizeof msg);
		else if (c.proxies)
			st = wl_report_proxies(db, &f, o, msg, sizeof msg);
		else
			st = wl_report_capacity(db, &f, o, msg, sizeof msg);
		break;
	case CMD_REPORT:
		st = write_html(db, &f, where, c.html, out, msg, sizeof msg);
		break;
	default:
		st = WL_E_USAGE;
		break;
	}
	if (st == WL_OK && which == CMD_CAPACITY) {
		/* Every capacity output says what the logs cannot tell: in the
		 * table itself; for CSV and JSON, whose shape a note would
		 * break, on stderr. */
		if (fmt == WL_OUT_TABLE) {
			fputs("\nNote: " WL_PROXY_NOTE "\n", out);
			if (fflush(out) != 0)
				st = WL_E_IO;
		} else {
			fputs(PROG ": note: " WL_PROXY_NOTE "\n", err);
		}
	}
	if (st == WL_E_USAGE) {
		fprintf(err, PROG ": %s: %s\n", name, msg);
		rc = WL_EXIT_USAGE;
	} else if (st == WL_E_DB) {
		fprintf(err, PROG ": %s: %s\n", where, msg);
	} else if (st != WL_OK) {
		fprintf(err, PROG ": %s\n",
		        msg[0]          ? msg
		        : st == WL_E_IO ? "cannot write the output"
		                        : wl_strerror(st));
	} else {
		rc = WL_EXIT_OK;
	}
out:
	wl_counts_free(&counts);
	wl_out_close(o);
	wl_qdb_close(db);
	return rc;
}
