/* wsuslog-index: command line -> wl_ingest_run -> summary and exit code.
 * Exit codes: 0 all indexed, 3 finished with problems (each named on
 * stderr), 1 fatal (database, memory, disk full), 2 usage. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <time.h>
#include <unistd.h>

#include "output.h"
#include "pipeline.h"
#include "wsuslog/limits.h"
#include "wsuslog/status.h"
#include "wsuslog/version.h"

static const char usage_text[] =
    "usage: wsuslog-index --db FILE [-j N] [--tz +HHMM] [--max-member-bytes N]\n"
    "                     [--progress|--no-progress] [-q] [--stats] INPUT...\n"
    "       wsuslog-index --clickhouse URL [options as with --db] INPUT...\n"
    "       wsuslog-index --from-db FILE --clickhouse URL\n"
    "       wsuslog-index --audit [--format table|csv|json] [-j N] INPUT...\n"
    "\n"
    "Index WSUS client (WindowsUpdate.log) and server (SoftwareDistribution.log)\n"
    "logs into an SQLite index. INPUTs are directories (walked recursively),\n"
    "plain logs, .zst files and archives (.tar, .tar.zst, .tar.gz, .zip, ...);\n"
    "what a file is comes from its content, not its name.\n"
    "\n"
    "  --db FILE              index to create or add to\n"
    "  --clickhouse URL       write into ClickHouse instead (http://HOST:8123;\n"
    "                         ?database=NAME, default wsuslog; &cluster=NAME:\n"
    "                         also Distributed tables; docs/CLICKHOUSE.md)\n"
    "  --from-db FILE         copy the SQLite index FILE into --clickhouse URL\n"
    "                         without reading the logs again\n"
    "  --audit                write no index: list the lines that look like errors\n"
    "                         (an error word or an HRESULT-like token) but made no\n"
    "                         event, by input and line shape, most frequent first\n"
    "  --format F             --audit output: table (default), csv or json\n"
    "  -j, --jobs N           worker threads (default: online CPUs)\n"
    "  --tz +HHMM             zone of Windows 10+ logs and of classic logs\n"
    "                         without a 'Logging initialized' banner (default UTC)\n"
    "  --max-member-bytes N   cap on decompressed bytes per file or member\n"
    "                         (K/M/G suffixes; default 64G)\n"
    "  --max-db-pages N       make the index full at N pages (tests a full disk)\n"
    "  --progress             progress on stderr (default when stderr is a terminal)\n"
    "  -q, --quiet            no summary\n"
    "  --stats                CPU-seconds by thread role (worker, read, frames,\n"
    "                         writer, close), per GB of logs and of input read,\n"
    "                         and the serial part (writer + close), on stderr\n"
    "  -h, --help             this text\n"
    "      --version          version\n"
    "\n"
    "Exit status: 0 all inputs indexed; 3 finished, some inputs had problems\n"
    "(named on stderr and in the problems table); 1 fatal error; 2 usage error.\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "wsuslog-index: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'wsuslog-index --help'.\n");
	return WL_EXIT_USAGE;
}

static int parse_u64(const char *s, uint64_t *out, int allow_suffix)
{
	if (!s || !*s || *s == '-')
		return -1;
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	uint64_t mul = 1;
	if (allow_suffix && *end) {
		switch (*end) {
		case 'k':
		case 'K':
			mul = 1024ull;
			break;
		case 'm':
		case 'M':
			mul = 1024ull * 1024;
			break;
		case 'g':
		case 'G':
			mul = 1024ull * 1024 * 1024;
			break;
		default:
			return -1;
		}
		end++;
	}
	if (*end || (v && mul > UINT64_MAX / v))
		return -1;
	*out = v * mul;
	return 0;
}

/* "+0530", "-0800", "+05:30", "Z" -> minutes east of UTC. */
static int parse_tz(const char *s, int *minutes)
{
	if (strcmp(s, "Z") == 0 || strcmp(s, "UTC") == 0) {
		*minutes = 0;
		return 0;
	}
	if ((s[0] != '+' && s[0] != '-') || strlen(s) < 5)
		return -1;
	char d[4];
	size_t k = 0;
	for (const char *p = s + 1; *p; p++) {
		if (*p == ':' && k == 2)
			continue;
		if (*p < '0' || *p > '9' || k == 4)
			return -1;
		d[k++] = *p;
	}
	if (k != 4)
		return -1;
	int hh = (d[0] - '0') * 10 + (d[1] - '0'), mm = (d[2] - '0') * 10 + (d[3] - '0');
	if (hh > 14 || mm > 59)
		return -1;
	*minutes = (s[0] == '-' ? -1 : 1) * (hh * 60 + mm);
	return 0;
}

static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static int is_opt(const char *a, const char *name)
{
	size_t n = strlen(name);
	return strncmp(a, name, n) == 0 && (a[n] == 0 || a[n] == '=');
}

/* CPU-seconds by thread role, per GB of log text (decoded) and per GB of
 * input read; the serial part is what no other thread can take over (one
 * writer, the close), so it bounds the speed whatever the core count. */
static void print_cpu(const wl_stats *st)
{
	double logs_gb = (double)atomic_load(&st->bytes_decoded) / 1e9;
	double in_gb = (double)atomic_load(&st->bytes_in) / 1e9;
	double all = 0, serial = 0;
	fprintf(stderr,
	        "wsuslog-index: CPU by thread role, %.1f MB of logs from %.1f MB of input, "
	        "%.2f s wall\n"
	        "  role     threads    cpu_s  s/GB_logs  s/GB_input\n",
	        logs_gb * 1e3, in_gb * 1e3, st->seconds);
	for (int r = 0; r < WL_THREAD_ROLES_; r++) {
		double s = (double)atomic_load(&st->cpu.ns[r]) / 1e9;
		all += s;
		if (r == WL_THREAD_WRITER || r == WL_THREAD_CLOSE)
			serial += s;
		fprintf(stderr, "  %-7s %8llu %8.3f %10.3f %11.3f\n",
		        wl_thread_role_name((wl_thread_role)r),
		        (unsigned long long)atomic_load(&st->cpu.threads[r]), s,
		        logs_gb > 0 ? s / logs_gb : 0.0, in_gb > 0 ? s / in_gb : 0.0);
	}
	fprintf(stderr, "  %-7s %8s %8.3f %10.3f %11.3f\n", "all", "-", all,
	        logs_gb > 0 ? all / logs_gb : 0.0, in_gb > 0 ? all / in_gb : 0.0);
	fprintf(stderr, "  %-7s %8s %8.3f %10.3f %11.3f   (writer + close)\n", "serial", "-",
	        serial, logs_gb > 0 ? serial / logs_gb : 0.0, in_gb > 0 ? serial / in_gb : 0.0);
}

/* Usage errors leave through `out`, so the inputs array is freed. */
#define USAGE(...)                                                                                 \
	do {                                                                                       \
		rc = usage_error(__VA_ARGS__);                                                     \
		goto out;                                                                          \
	} while (0)

int main(int argc, char **argv)
{
	int rc = WL_EXIT_OK;
	/* No allocation statistics: SQLite then takes no global mutex per
	 * malloc (the writer allocates per row). Before any other SQLite call. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* libarchive converts member times with mktime(), and glibc's mktime
	 * re-reads the zone (freeing and copying its name) on every call while
	 * TZ is unset. Naming the zone glibc would use anyway (/etc/localtime)
	 * makes later calls a string compare: no re-read per member, and no
	 * writes from two workers at once (safe under glibc's lock, which TSan
	 * cannot see, so it reported a race). */
	if (!getenv("TZ"))
		setenv("TZ", ":/etc/localtime", 0);
	tzset();
	wl_ingest_cfg cfg = {.max_member_bytes = WL_MEMBER_BYTES_MAX};
	int progress = -1;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	cfg.threads = cpus > 0 ? (unsigned)cpus : 1;
	char **inputs = calloc((size_t)argc, sizeof *inputs);
	size_t n_inputs = 0;
	int only_inputs = 0;
	int format_given = 0;
	bool show_stats = false;
	const char *from_db = NULL;
	if (!inputs)
		return WL_EXIT_FATAL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v;
		if (only_inputs || a[0] != '-' || strcmp(a, "-") == 0) {
			inputs[n_inputs++] = argv[i];
		} else if (strcmp(a, "--") == 0) {
			only_inputs = 1;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_text, stdout);
			goto out;
		} else if (strcmp(a, "--version") == 0) {
			wl_version_print(stdout, "wsuslog-index");
			goto out;
		} else if (is_opt(a, "--db")) {
			if (!(v = opt_value(argc, argv, &i, "--db")) || !*v)
				USAGE("%s needs a file name", "--db");
			cfg.db_path = v;
		} else if (is_opt(a, "--clickhouse")) {
			if (!(v = opt_value(argc, argv, &i, "--clickhouse")) || !*v)
				USAGE("%s needs a URL (http://HOST:8123)", "--clickhouse");
			cfg.clickhouse_url = v;
		} else if (is_opt(a, "--from-db")) {
			if (!(v = opt_value(argc, argv, &i, "--from-db")) || !*v)
				USAGE("%s needs a file name", "--from-db");
			from_db = v;
		} else if (is_opt(a, "--jobs") || strncmp(a, "-j", 2) == 0) {
			uint64_t n;
			if (strncmp(a, "-j", 2) == 0 && a[2])
				v = a + 2;
			else if (!(v = opt_value(argc, argv, &i,
			                         strncmp(a, "-j", 2) == 0 ? "-j" : "--jobs")))
				USAGE("%s needs a number", "-j");
			if (parse_u64(v, &n, 0) != 0 || n == 0)
				USAGE("bad thread count '%s'", v);
			cfg.threads = n > WL_THREADS_MAX ? WL_THREADS_MAX : (unsigned)n;
		} else if (is_opt(a, "--tz")) {
			if (!(v = opt_value(argc, argv, &i, "--tz")) ||
			    parse_tz(v, &cfg.tz_minutes) != 0)
				USAGE("bad --tz '%s' (expected +HHMM or -HHMM)", v ? v : "");
			cfg.has_tz = true;
		} else if (is_opt(a, "--max-member-bytes")) {
			if (!(v = opt_value(argc, argv, &i, "--max-member-bytes")) ||
			    parse_u64(v, &cfg.max_member_bytes, 1) != 0 ||
			    cfg.max_member_bytes == 0)
				USAGE("bad --max-member-bytes '%s'", v ? v : "");
		} else if (is_opt(a, "--max-db-pages")) {
			/* Testing aid: a full disk at N pages of 16 KiB. */
			if (!(v = opt_value(argc, argv, &i, "--max-db-pages")) ||
			    parse_u64(v, &cfg.max_db_pages, 0) != 0 || cfg.max_db_pages == 0)
				USAGE("bad --max-db-pages '%s'", v ? v : "");
		} else if (strcmp(a, "--audit") == 0) {
			cfg.audit = true;
		} else if (is_opt(a, "--format")) {
			wl_outfmt f;
			if (!(v = opt_value(argc, argv, &i, "--format")) ||
			    wl_outfmt_parse(v, &f) != 0)
				USAGE("bad --format '%s' (expected table, csv or json)",
				      v ? v : "");
			cfg.audit_format = (int)f;
			format_given = 1;
		} else if (strcmp(a, "--progress") == 0) {
			progress = 1;
		} else if (strcmp(a, "--no-progress") == 0) {
			progress = 0;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			cfg.quiet = true;
		} else if (strcmp(a, "--stats") == 0) {
			show_stats = true;
		} else {
			USAGE("unknown option '%s'", a);
		}
	}
	if (cfg.audit && (cfg.db_path || cfg.clickhouse_url))
		USAGE("%s", "--audit writes no index: leave out --db and --clickhouse");
	if (cfg.db_path && cfg.clickhouse_url)
		USAGE("%s", "--db and --clickhouse are two engines: give one");
	if (from_db && !cfg.clickhouse_url)
		USAGE("%s", "--from-db FILE copies into --clickhouse URL: give the URL");
	if (from_db && n_inputs)
		USAGE("%s", "--from-db copies an index: give no INPUT");
	if (!cfg.audit && format_given)
		USAGE("%s", "--format goes with --audit");
	if (!cfg.db_path && !cfg.clickhouse_url && !cfg.audit)
		USAGE("%s", "--db FILE (or --clickhouse URL) is required");
	if (n_inputs == 0 && !from_db)
		USAGE("%s", "no INPUT given");
	cfg.progress = progress < 0 ? (isatty(2) && !cfg.quiet) : progress;

	wl_stats stats;
	memset(&stats, 0, sizeof stats);
	char err[WL_ERR_BUF] = "";
	wl_status st = from_db ? wl_copy_index_run(&cfg, from_db, &stats, err, sizeof err)
	                       : wl_ingest_run(&cfg, inputs, n_inputs, &stats, err, sizeof err);
	if (st != WL_OK) {
		fprintf(stderr, "wsuslog-index: fatal: %s (%s)\n", err, wl_status_name(st));
		rc = WL_EXIT_FATAL;
		goto out;
	}
	uint64_t problems = atomic_load(&stats.problems);
	if (!cfg.quiet && !cfg.audit) {
		double mb = (double)atomic_load(&stats.bytes_decoded) / 1e6;
		fprintf(
		    stderr,
		    "wsuslog-index: %llu files, %llu archive members, %llu logs, %llu not logs, "
		    "%llu duplicates, %llu unchanged, %llu replaced by a longer copy; "
		    "%llu lines, %llu events; %llu problems; %.2f s "
		    "(index build %.2f s), %.1f MB/s\n",
		    (unsigned long long)atomic_load(&stats.inputs),
		    (unsigned long long)atomic_load(&stats.members),
		    (unsigned long long)atomic_load(&stats.logs),
		    (unsigned long long)atomic_load(&stats.not_logs),
		    (unsigned long long)atomic_load(&stats.duplicates),
		    (unsigned long long)atomic_load(&stats.unchanged),
		    (unsigned long long)atomic_load(&stats.replaced),
		    (unsigned long long)atomic_load(&stats.lines),
		    (unsigned long long)atomic_load(&stats.events), (unsigned long long)problems,
		    stats.seconds, stats.close_seconds,
		    stats.seconds > 0 ? mb / stats.seconds : 0.0);
	}
	if (show_stats)
		print_cpu(&stats);
	rc = problems ? WL_EXIT_PROBLEMS : WL_EXIT_OK;
out:
	free(inputs);
	return rc;
}
