/* ClickHouse store: the write path of store.h over ClickHouse's HTTP
 * interface (docs/CLICKHOUSE.md). Every lane (worker) calls the store
 * itself, with its own connection and its own batches, so there is no
 * single writer: the rows of a lane go out as one RowBinary INSERT per table
 * once WL_CH_BATCH_BYTES have gathered (large batches: each INSERT is a part
 * the server merges later, and a few per second is what it is built for).
 *
 * What makes an input visible is its completion row in `sources`, written by
 * the lane's flush after the INSERTs of every row of the input were
 * acknowledged. Events are streamed before the input's content key is known
 * (the hash of its whole bytes), so they carry the attempt's random `copy`,
 * and the completion row maps source_key -> copy: readers join on it, see
 * one copy per key, and see nothing of an attempt that was killed. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "known.h"
#include "store.h"
#include "store_clickhouse.h"
#include "wsuslog/limits.h"
#include "wsuslog/schema.h"

/* Rows gathered by a lane before its INSERTs (uncompressed RowBinary). */
#define WL_CH_BATCH_BYTES (16u << 20)

/* sources.ver: the highest wins. Completion rows rank by age (the first
 * complete copy of a key stays, as SQLite keeps the first and drops later
 * duplicates); a retired row outranks every completion row. */
#define VER_RETIRED (1ull << 62)
static uint64_t ver_of(int64_t now_us, bool retired)
{
	uint64_t age = (uint64_t)((int64_t)(VER_RETIRED - 1) - now_us);
	return retired ? VER_RETIRED | age : age;
}

enum { T_EVENTS, T_GUIDS, T_SCANS, T_CONFIG, T_COUNT_ };
static const char *const table_name[T_COUNT_] = {"events", "event_guids", "scans", "server_config"};

/* An input read to its end whose completion row waits for the lane's next
 * flush (its rows may still be in the lane's batches). */
typedef struct pending {
	char key[WL_KEY_BUF], head[17], supersedes[33];
	uint64_t copy, bytes, lines, events;
	int64_t first_ts, last_ts;
	char *path, *member, *host; /* one allocation, at path */
	wl_format fmt;
} pending;

typedef struct lane {
	wl_ch_http http;
	wl_ch_buf rows[T_COUNT_];
	wl_ch_buf inputs; /* inputs rows: after the completions they cover */
	pending *pend;
	size_t npend, cap;
	uint64_t copy;          /* the open input's, 0: none open */
	char host[WL_HOST_MAX]; /* the open input's, as its BEGIN named it */
} lane;

typedef struct wl_ch {
	wl_store base; /* first: the wl_store * the pipeline holds is this */
	char *url;     /* http://host:port */
	char db[64], cluster[64];
	char ingester[256]; /* this machine's name: inputs are per machine */
	lane *lanes;
	unsigned nlanes;
	wl_stats *stats;    /* duplicates and replaced are known at flush time */
	pthread_mutex_t mu; /* problems and ctl */
	wl_ch_http ctl;
	wl_ch_buf problems;
	wl_known known;
} wl_ch;

static int64_t now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void iso_now(char out[24])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A table's name for writing (the local table) or reading (through the
 * Distributed table on a cluster, so that every shard is seen). */
static const char *tname(const wl_ch *ch, const char *t, bool read, char *buf, size_t n)
{
	snprintf(buf, n, "%s.%s%s", ch->db, t, read && ch->cluster[0] ? "_all" : "");
	return buf;
}

/* ---- schema ---- */

/* '@' stands for the database. Nullable where SQLite stores NULL. */
static const char *const ddl_tables[] = {
    "CREATE TABLE IF NOT EXISTS @.meta (key String, value String, ver UInt64)"
    " ENGINE = ReplacingMergeTree(ver) ORDER BY key",
    "CREATE TABLE IF NOT EXISTS @.sources (source_key String, copy UInt64, state UInt8,"
    " ver UInt64, path String, member String, format String, role String, host String,"
    " bytes UInt64, lines UInt64, events UInt64, first_ts Nullable(Int64),"
    " last_ts Nullable(Int64), head_key String, indexed_at String, ingester String)"
    " ENGINE = ReplacingMergeTree(ver) ORDER BY source_key",
    "CREATE TABLE IF NOT EXISTS @.events (copy UInt64, line UInt64, ts Nullable(Int64),"
    " role UInt8, kind UInt8, host Nullable(String), server Nullable(String),"
    " client_id Nullable(String), component Nullable(String), hresult Nullable(UInt32),"
    " fault_code Nullable(String), parameter Nullable(String), fault_guid Nullable(String),"
    " raw String) ENGINE = ReplacingMergeTree ORDER BY (copy, line)",
    "CREATE TABLE IF NOT EXISTS @.event_guids (guid String, copy UInt64, line UInt64,"
    " what UInt8) ENGINE = ReplacingMergeTree ORDER BY (guid, copy, line, what)",
    "CREATE TABLE IF NOT EXISTS @.scans (copy UInt64, line UInt64, ts Nullable(Int64),"
    " host Nullable(String), server Nullable(String), client_id Nullable(String),"
    " exit_code Int64, round_trips Nullable(Int64), evaluated Nullable(Int64),"
    " deployed Nullable(Int64)) ENGINE = ReplacingMergeTree ORDER BY (copy, line)",
    "CREATE TABLE IF NOT EXISTS @.server_config (copy UInt64, server String,"
    " file_ts Nullable(Int64), max_installed_prerequisites Nullable(Int64),"
    " max_cached_updates Nullable(Int64)) ENGINE = ReplacingMergeTree ORDER BY copy",
    "CREATE TABLE IF NOT EXISTS @.inputs (ingester String, path String, size UInt64,"
    " mtime Int64, indexed_at String, ver UInt64)"
    " ENGINE = ReplacingMergeTree(ver) ORDER BY (ingester, path)",
    "CREATE TABLE IF NOT EXISTS @.problems (path String, member String,"
    " offset Nullable(UInt64), line Nullable(UInt64), kind String, message String,"
    " at String, ingester String) ENGINE = MergeTree ORDER BY (path, member)",
};

/* Tables a cluster reads through a Distributed table (meta stays per shard). */
static const char *const distributed[] = {"sources",       "events", "event_guids", "scans",
                                          "server_config", "inputs", "problems"};

/* '#' stands for the suffix of the tables read ("_all" on a cluster), '%'
 * for GLOBAL on a cluster (the right side of a join is then read from every
 * shard once, not per shard). */
static const char *const ddl_views[] = {
    /* One row per visible key: its winning row (highest ver), if complete. */
    "CREATE VIEW IF NOT EXISTS @.sources_v AS SELECT source_key, c AS copy, p AS path,"
    " m AS member, f AS format, r AS role, h AS host, b AS bytes, l AS lines, e AS events,"
    " ft AS first_ts, lt AS last_ts, hk AS head_key, ia AS indexed_at, ig AS ingester,"
    " v AS ver FROM (SELECT source_key, argMax(copy, ver) AS c, argMax(state, ver) AS st,"
    " argMax(path, ver) AS p, argMax(member, ver) AS m, argMax(format, ver) AS f,"
    " argMax(role, ver) AS r, argMax(host, ver) AS h, argMax(bytes, ver) AS b,"
    " argMax(lines, ver) AS l, argMax(events, ver) AS e, argMax(first_ts, ver) AS ft,"
    " argMax(last_ts, ver) AS lt, argMax(head_key, ver) AS hk, argMax(indexed_at, ver) AS ia,"
    " argMax(ingester, ver) AS ig, max(ver) AS v FROM @.sources# GROUP BY source_key)"
    " WHERE st = 1",
    /* SQLite's events_v, without event_id: time and code spelled alike. */
    "CREATE VIEW IF NOT EXISTS @.events_v AS SELECT source_key, path, member, line,"
    /* Milliseconds rounded, as SQLite's %f rounds the seconds. */
    " if(isNull(ts), NULL, concat(formatDateTime(toDateTime(intDiv(intDiv(assumeNotNull(ts)"
    " + 500, 1000), 1000)), '%Y-%m-%dT%H:%M:%S', 'UTC'), '.', substring(toString(1000 +"
    " modulo(intDiv(assumeNotNull(ts) + 500, 1000), 1000)), 2, 3), 'Z')) AS time,"
    " if(role = 0, 'client', 'server') AS role, kind, host, server, client_id, component,"
    " if(isNull(hresult), NULL, substring(concat('0000000', hex(assumeNotNull(hresult))),"
    " length(hex(assumeNotNull(hresult))), 8)) AS code, fault_code, parameter, fault_guid,"
    " raw FROM @.events# % ANY INNER JOIN (SELECT copy, source_key, path, member FROM"
    " @.sources_v) USING copy",
};

/* tmpl with '@' -> db, '#' -> read suffix, '%' (then a blank) -> GLOBAL. */
static char *expand(const wl_ch *ch, const char *tmpl)
{
	wl_ch_buf b = {0};
	bool cl = ch->cluster[0] != 0;
	for (const char *p = tmpl; *p; p++) {
		wl_status st;
		if (*p == '@')
			st = wl_ch_buf_put(&b, ch->db, strlen(ch->db));
		else if (*p == '#')
			st = wl_ch_buf_put(&b, cl ? "_all" : "", cl ? 4 : 0);
		else if (*p == '%' && p[1] == ' ' && p != tmpl && p[-1] == ' ')
			st = wl_ch_buf_put(&b, cl ? "GLOBAL" : "", cl ? 6 : 0);
		else
			st = wl_ch_buf_put(&b, p, 1);
		if (st != WL_OK) {
			wl_ch_buf_free(&b);
			return NULL;
		}
	}
	if (wl_ch_buf_put(&b, "", 1) != WL_OK) {
		wl_ch_buf_free(&b);
		return NULL;
	}
	return (char *)b.p;
}

static wl_status run_expanded(wl_ch *ch, const char *tmpl, char *err, size_t errlen)
{
	char *sql = expand(ch, tmpl);
	if (!sql)
		return WL_E_NOMEM;
	wl_status st = wl_ch_http_run(&ch->ctl, sql, NULL, 0, err, errlen);
	free(sql);
	return st;
}

static wl_status create_schema(wl_ch *ch, char *err, size_t errlen)
{
	char sql[512];
	wl_status st;
	snprintf(sql, sizeof sql, "CREATE DATABASE IF NOT EXISTS %s", ch->db);
	if ((st = wl_ch_http_run(&ch->ctl, sql, NULL, 0, err, errlen)) != WL_OK)
		return st;
	for (size_t i = 0; i < sizeof ddl_tables / sizeof *ddl_tables; i++)
		if ((st = run_expanded(ch, ddl_tables[i], err, errlen)) != WL_OK)
			return st;
	for (size_t i = 0; ch->cluster[0] && i < sizeof distributed / sizeof *distributed; i++) {
		snprintf(sql, sizeof sql,
		         "CREATE TABLE IF NOT EXISTS %s.%s_all AS %s.%s"
		         " ENGINE = Distributed(%s, %s, %s, rand())",
		         ch->db, distributed[i], ch->db, distributed[i], ch->cluster, ch->db,
		         distributed[i]);
		if ((st = wl_ch_http_run(&ch->ctl, sql, NULL, 0, err, errlen)) != WL_OK)
			return st;
	}
	for (size_t i = 0; i < sizeof ddl_views / sizeof *ddl_views; i++)
		if ((st = run_expanded(ch, ddl_views[i], err, errlen)) != WL_OK)
			return st;
	/* The version: written when missing, refused when another. */
	snprintf(sql, sizeof sql,
	         "SELECT argMax(value, ver) FROM %s.meta WHERE key = 'schema_version'", ch->db);
	if ((st = wl_ch_http_run(&ch->ctl, sql, NULL, 0, err, errlen)) != WL_OK)
		return st;
	const char *have = (const char *)ch->ctl.resp.p;
	char want[16];
	snprintf(want, sizeof want, "%d\n", WL_CH_SCHEMA_VERSION);
	if (have[0] && have[0] != '\n') {
		if (strcmp(have, want) != 0) {
			snprintf(err, errlen,
			         "ClickHouse at %s: database %s holds wsuslog schema version %.*s,"
			         " this build writes version %d",
			         ch->url, ch->db, (int)strcspn(have, "\n"), have,
			         WL_CH_SCHEMA_VERSION);
			return WL_E_SCHEMA;
		}
		return WL_OK;
	}
	char created[24];
	iso_now(created);
	snprintf(sql, sizeof sql,
	         "INSERT INTO %s.meta VALUES ('schema_version', '%d', 1), ('created', '%s', 1),"
	         " ('time_zone', 'UTC', 1), ('ts_unit', 'us', 1)",
	         ch->db, WL_CH_SCHEMA_VERSION, created);
	return wl_ch_http_run(&ch->ctl, sql, NULL, 0, err, errlen);
}

/* ---- answers in TabSeparated ---- */

/* Unescape one TabSeparated field in place; returns its end. */
static char *tsv_field(char *p, char **next)
{
	char *o = p, *s = p;
	while (*s && *s != '\t' && *s != '\n') {
		if (*s == '\\' && s[1]) {
			s++;
			switch (*s) {
			case 'n':
				*o++ = '\n';
				break;
			case 't':
				*o++ = '\t';
				break;
			case 'r':
				*o++ = '\r';
				break;
			case '0':
				*o++ = '\0';
				break;
			case 'b':
				*o++ = '\b';
				break;
			case 'f':
				*o++ = '\f';
				break;
			default:
				*o++ = *s;
				break;
			}
			s++;
		} else {
			*o++ = *s++;
		}
	}
	*next = *s ? s + 1 : s;
	*o = 0;
	return p;
}

/* Split the answer's next row into up to n fields; false at the end. */
static bool tsv_row(char **cur, char **f, int n)
{
	if (!**cur)
		return false;
	for (int i = 0; i < n; i++) {
		bool last = false;
		char *p = *cur;
		size_t k = strcspn(p, "\t\n");
		last = p[k] != '\t';
		f[i] = tsv_field(p, cur);
		if (last) {
			for (i++; i < n; i++)
				f[i] = (char *)"";
			break;
		}
	}
	return true;
}

/* A quoted SQL string literal of s appended to b. */
static wl_status put_literal(wl_ch_buf *b, const char *s)
{
	wl_status st = wl_ch_buf_put(b, "'", 1);
	for (; st == WL_OK && *s; s++) {
		if (*s == '\'' || *s == '\\')
			st = wl_ch_buf_put(b, "\\", 1);
		if (st == WL_OK)
			st = wl_ch_buf_put(b, s, 1);
	}
	return st == WL_OK ? wl_ch_buf_put(b, "'", 1) : st;
}

static wl_status load_known(wl_ch *ch, char *err, size_t errlen)
{
	char sql[1024], t[160];
	snprintf(sql, sizeof sql,
	         "SELECT path, member, bytes, source_key, ver FROM %s.sources_v"
	         " WHERE format != 'web.config' FORMAT TabSeparated",
	         ch->db);
	wl_status st = wl_ch_http_run(&ch->ctl, sql, NULL, 0, err, errlen);
	if (st != WL_OK)
		return st;
	char *cur = (char *)ch->ctl.resp.p, *f[5];
	while (tsv_row(&cur, f, 5)) {
		/* Newer completion rows have lower ver (ver_of). */
		int64_t order = (int64_t)(VER_RETIRED - 1 - strtoull(f[4], NULL, 10));
		if ((st = wl_known_add_source(&ch->known, f[0], f[1], strtoull(f[2], NULL, 10),
		                              f[3], order)) != WL_OK)
			return st;
	}
	wl_ch_buf q = {0};
	snprintf(sql, sizeof sql,
	         "SELECT path, argMax(size, ver), argMax(mtime, ver) FROM %s WHERE ingester = ",
	         tname(ch, "inputs", true, t, sizeof t));
	if ((st = wl_ch_buf_put(&q, sql, strlen(sql))) != WL_OK ||
	    (st = put_literal(&q, ch->ingester)) != WL_OK ||
	    (st = wl_ch_buf_put(&q, " GROUP BY path FORMAT TabSeparated", 35)) != WL_OK) {
		wl_ch_buf_free(&q);
		return st;
	}
	st = wl_ch_http_run(&ch->ctl, (const char *)q.p, NULL, 0, err, errlen);
	wl_ch_buf_free(&q);
	if (st != WL_OK)
		return st;
	cur = (char *)ch->ctl.resp.p;
	while (tsv_row(&cur, f, 3))
		if ((st = wl_known_add_input(&ch->known, f[0], strtoull(f[1], NULL, 10),
		                             strtoll(f[2], NULL, 10))) != WL_OK)
			return st;
	wl_known_seal(&ch->known);
	return WL_OK;
}

/* ---- completion: which copies become visible, which are retired ---- */

/* What the server says of one key. */
typedef struct keystate {
	char key[WL_KEY_BUF], head[17];
	int state; /* 0 unknown, 1 complete, 2 retired */
	uint64_t bytes;
} keystate;

typedef struct keyset {
	keystate *v;
	size_t n, cap;
} keyset;

static keystate *ks_find(keyset *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].key, key) == 0)
			return &s->v[i];
	return NULL;
}

static keystate *ks_add(keyset *s, const char *key)
{
	keystate *k = ks_find(s, key);
	if (k)
		return k;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		keystate *v = realloc(s->v, cap * sizeof *v);
		if (!v)
			return NULL;
		s->v = v;
		s->cap = cap;
	}
	k = &s->v[s->n++];
	*k = (keystate){.state = 0};
	snprintf(k->key, sizeof k->key, "%s", key);
	return k;
}

/* The winning rows of these keys and of every key with these heads. */
static wl_status query_keys(wl_ch *ch, lane *ln, const pending *p, size_t n, bool heads_only,
                            keyset *out, char *err, size_t errlen)
{
	char t[160];
	wl_ch_buf q = {0};
	wl_status st = WL_OK;
	char head[512];
	snprintf(head, sizeof head,
	         "SELECT source_key, argMax(state, ver), argMax(bytes, ver), argMax(head_key, ver)"
	         " FROM %s WHERE source_key IN ('-'",
	         tname(ch, "sources", true, t, sizeof t));
	st = wl_ch_buf_put(&q, head, strlen(head));
	for (size_t i = 0; st == WL_OK && !heads_only && i < n; i++) {
		char k[80];
		int kn = snprintf(k, sizeof k, ",'%s'", p[i].key);
		st = wl_ch_buf_put(&q, k, (size_t)kn);
		if (st == WL_OK && p[i].supersedes[0]) {
			kn = snprintf(k, sizeof k, ",'%s'", p[i].supersedes);
			st = wl_ch_buf_put(&q, k, (size_t)kn);
		}
	}
	if (st == WL_OK)
		st = wl_ch_buf_put(&q, ") OR head_key IN ('-'", 21);
	for (size_t i = 0; st == WL_OK && i < n; i++) {
		if (!p[i].head[0])
			continue;
		char k[40];
		int kn = snprintf(k, sizeof k, ",'%s'", p[i].head);
		st = wl_ch_buf_put(&q, k, (size_t)kn);
	}
	static const char tail[] = ") GROUP BY source_key FORMAT TabSeparated";
	if (st == WL_OK)
		st = wl_ch_buf_put(&q, tail, sizeof tail);
	if (st == WL_OK)
		st = wl_ch_http_run(&ln->http, (const char *)q.p, NULL, 0, err, errlen);
	wl_ch_buf_free(&q);
	if (st != WL_OK)
		return st;
	char *cur = (char *)ln->http.resp.p, *f[4];
	while (tsv_row(&cur, f, 4)) {
		keystate *k = ks_add(out, f[0]);
		if (!k)
			return WL_E_NOMEM;
		k->state = (int)strtol(f[1], NULL, 10);
		k->bytes = strtoull(f[2], NULL, 10);
		snprintf(k->head, sizeof k->head, "%s", f[3]);
	}
	return WL_OK;
}

static wl_status put_source_row(wl_ch_buf *b, const wl_ch *ch, const char *key, uint64_t copy,
                                int state, uint64_t ver, const pending *p, const char *at)
{
	static const pending none = {.first_ts = WL_TS_NONE, .last_ts = WL_TS_NONE};
	if (!p)
		p = &none;
	const char *path = p->path ? p->path : "", *member = p->member ? p->member : "";
	const char *host = p->host ? p->host : "";
	bool server = p->fmt == WL_FMT_SDIST || p->fmt == WL_FMT_WEBCONFIG;
	const char *fmt = p->path ? wl_format_name(p->fmt) : "";
	const char *role = p->path ? wl_role_name(server ? WL_ROLE_SERVER : WL_ROLE_CLIENT) : "";
	wl_status st;
	if ((st = wl_ch_put_str(b, key, strlen(key))) != WL_OK ||
	    (st = wl_ch_put_u64(b, copy)) != WL_OK ||
	    (st = wl_ch_put_u8(b, (uint8_t)state)) != WL_OK ||
	    (st = wl_ch_put_u64(b, ver)) != WL_OK ||
	    (st = wl_ch_put_str(b, path, strlen(path))) != WL_OK ||
	    (st = wl_ch_put_str(b, member, strlen(member))) != WL_OK ||
	    (st = wl_ch_put_str(b, fmt, strlen(fmt))) != WL_OK ||
	    (st = wl_ch_put_str(b, role, strlen(role))) != WL_OK ||
	    (st = wl_ch_put_str(b, host, strlen(host))) != WL_OK ||
	    (st = wl_ch_put_u64(b, p->bytes)) != WL_OK ||
	    (st = wl_ch_put_u64(b, p->lines)) != WL_OK ||
	    (st = wl_ch_put_u64(b, p->events)) != WL_OK ||
	    (st = wl_ch_put_ni64(b, p->first_ts != WL_TS_NONE, p->first_ts)) != WL_OK ||
	    (st = wl_ch_put_ni64(b, p->last_ts != WL_TS_NONE, p->last_ts)) != WL_OK ||
	    (st = wl_ch_put_str(b, p->head, strlen(p->head))) != WL_OK ||
	    (st = wl_ch_put_str(b, at, strlen(at))) != WL_OK)
		return st;
	return wl_ch_put_str(b, ch->ingester, strlen(ch->ingester));
}

static wl_status retire(wl_ch_buf *b, const wl_ch *ch, keystate *k, int64_t now, const char *at)
{
	pending p = {.first_ts = WL_TS_NONE, .last_ts = WL_TS_NONE, .bytes = k->bytes};
	snprintf(p.head, sizeof p.head, "%s", k->head);
	k->state = 2;
	return put_source_row(b, ch, k->key, 0, 2, ver_of(now, true), &p, at);
}

/* SQLite's rules, against what the server holds (docs/CLICKHOUSE.md): a key
 * complete or retired already is a duplicate; a copy with the same start
 * that is at least as long makes this one a duplicate; shorter ones, and
 * the earlier copy this one extends, are retired. Completion and retired
 * rows go in one INSERT: one part, all or nothing. */
static wl_status complete_pending(wl_ch *ch, lane *ln, char *err, size_t errlen)
{
	keyset ks = {0};
	wl_ch_buf b = {0};
	char at[24], t[160], sql[256];
	iso_now(at);
	int64_t now = now_us();
	uint64_t dups = 0, replaced = 0;
	size_t accepted = 0;
	wl_status st = query_keys(ch, ln, ln->pend, ln->npend, false, &ks, err, errlen);
	for (size_t i = 0; st == WL_OK && i < ln->npend; i++) {
		pending *p = &ln->pend[i];
		keystate *self = ks_add(&ks, p->key);
		if (!self) {
			st = WL_E_NOMEM;
			break;
		}
		bool dup = self->state != 0;
		for (size_t j = 0; !dup && p->head[0] && j < ks.n; j++)
			dup = &ks.v[j] != self && ks.v[j].state == 1 &&
			      strcmp(ks.v[j].head, p->head) == 0 && ks.v[j].bytes >= p->bytes;
		if (dup) {
			dups++;
			continue;
		}
		self->state = 1;
		self->bytes = p->bytes;
		snprintf(self->head, sizeof self->head, "%s", p->head);
		if ((st = put_source_row(&b, ch, p->key, p->copy, 1, ver_of(now, false), p, at)) !=
		    WL_OK)
			break;
		accepted++;
		for (size_t j = 0; st == WL_OK && j < ks.n; j++) {
			keystate *k = &ks.v[j];
			if (k == self || k->state != 1)
				continue;
			bool same_start = p->head[0] && strcmp(k->head, p->head) == 0;
			bool extended = p->supersedes[0] && strcmp(k->key, p->supersedes) == 0;
			if (same_start || extended) {
				st = retire(&b, ch, k, now, at);
				replaced++;
			}
		}
	}
	if (st == WL_OK && b.n) {
		snprintf(sql, sizeof sql, "INSERT INTO %s FORMAT RowBinary",
		         tname(ch, "sources", false, t, sizeof t));
		st = wl_ch_http_run(&ln->http, sql, b.p, b.n, err, errlen);
	}
	/* Two ingesters (or lanes) that finished copies of one log at the same
	 * moment each saw neither: now both are written, so each sees the other
	 * and both retire the same one (the shorter; of equal lengths, the lower
	 * key). */
	if (st == WL_OK && accepted) {
		keyset again = {0};
		st = query_keys(ch, ln, ln->pend, ln->npend, true, &again, err, errlen);
		b.n = 0;
		for (size_t i = 0; st == WL_OK && i < again.n; i++) {
			keystate *k = &again.v[i];
			if (k->state != 1 || !k->head[0])
				continue;
			for (size_t j = 0; j < again.n; j++) {
				keystate *o = &again.v[j];
				if (o == k || o->state != 1 || strcmp(o->head, k->head) != 0)
					continue;
				if (o->bytes > k->bytes ||
				    (o->bytes == k->bytes && strcmp(o->key, k->key) > 0)) {
					st = retire(&b, ch, k, now, at);
					replaced++;
					break;
				}
			}
		}
		if (st == WL_OK && b.n) {
			snprintf(sql, sizeof sql, "INSERT INTO %s FORMAT RowBinary",
			         tname(ch, "sources", false, t, sizeof t));
			st = wl_ch_http_run(&ln->http, sql, b.p, b.n, err, errlen);
		}
		free(again.v);
	}
	wl_ch_buf_free(&b);
	free(ks.v);
	if (st == WL_OK && ch->stats) {
		atomic_fetch_add(&ch->stats->duplicates, dups);
		atomic_fetch_add(&ch->stats->replaced, replaced);
	}
	return st;
}

/* The lane's rows, then the completion rows of the inputs they finish,
 * then the inputs rows of the files those were read from: each INSERT
 * only after the one it depends on was acknowledged. */
static wl_status flush_lane(wl_ch *ch, lane *ln, char *err, size_t errlen)
{
	char sql[256], t[160];
	wl_status st = WL_OK;
	for (int i = 0; st == WL_OK && i < T_COUNT_; i++) {
		if (!ln->rows[i].n)
			continue;
		snprintf(sql, sizeof sql, "INSERT INTO %s FORMAT RowBinary",
		         tname(ch, table_name[i], false, t, sizeof t));
		st = wl_ch_http_run(&ln->http, sql, ln->rows[i].p, ln->rows[i].n, err, errlen);
		ln->rows[i].n = 0;
	}
	if (st == WL_OK && ln->npend)
		st = complete_pending(ch, ln, err, errlen);
	for (size_t i = 0; i < ln->npend; i++)
		free(ln->pend[i].path);
	ln->npend = 0;
	if (st == WL_OK && ln->inputs.n) {
		snprintf(sql, sizeof sql, "INSERT INTO %s FORMAT RowBinary",
		         tname(ch, "inputs", false, t, sizeof t));
		st = wl_ch_http_run(&ln->http, sql, ln->inputs.p, ln->inputs.n, err, errlen);
	}
	ln->inputs.n = 0;
	return st;
}

static size_t lane_bytes(const lane *ln)
{
	size_t n = 0;
	for (int i = 0; i < T_COUNT_; i++)
		n += ln->rows[i].n;
	return n;
}

/* ---- ops ---- */

static wl_ch *ch_of(wl_store *s)
{
	return (wl_ch *)s;
}

static wl_status op_begin(wl_store *s, unsigned lane_no, const wl_source_begin *b,
                          const struct wl_store_enc *enc, char *err, size_t errlen)
{
	(void)enc; /* no encode: each lane calls this store itself */
	(void)err;
	(void)errlen;
	lane *ln = &ch_of(s)->lanes[lane_no];
	uint64_t copy = 0;
	while (copy == 0)
		if (getrandom(&copy, sizeof copy, 0) != sizeof copy)
			copy = (uint64_t)now_us() * 0x9E3779B97F4A7C15ull ^ (uint64_t)lane_no;
	ln->copy = copy;
	snprintf(ln->host, sizeof ln->host, "%s", b->host ? b->host : "");
	return WL_OK;
}

static wl_status put_event(lane *ln, const wl_event *e)
{
	wl_ch_buf *b = &ln->rows[T_EVENTS];
	size_t raw = e->raw.n > WL_RAW_MAX ? WL_RAW_MAX : e->raw.n;
	wl_status st;
	if ((st = wl_ch_put_u64(b, ln->copy)) != WL_OK ||
	    (st = wl_ch_put_u64(b, e->line)) != WL_OK ||
	    (st = wl_ch_put_ni64(b, e->ts_us != WL_TS_NONE, e->ts_us)) != WL_OK ||
	    (st = wl_ch_put_u8(b, (uint8_t)e->role)) != WL_OK ||
	    (st = wl_ch_put_u8(b, (uint8_t)e->kind)) != WL_OK ||
	    (st = wl_ch_put_nstr(b, e->host.p, e->host.n)) != WL_OK ||
	    (st = wl_ch_put_nstr(b, e->server.p, e->server.n)) != WL_OK ||
	    (st = wl_ch_put_nstr(b, e->client_id.s, e->has_client_id ? 36 : 0)) != WL_OK ||
	    (st = wl_ch_put_nstr(b, e->component.p, e->component.n)) != WL_OK ||
	    (st = wl_ch_put_nu32(b, e->has_hresult, e->hresult)) != WL_OK ||
	    (st = wl_ch_put_nstr(b, e->fault_code.p, e->fault_code.n)) != WL_OK ||
	    (st = wl_ch_put_nstr(b, e->parameter.p, e->parameter.n)) != WL_OK ||
	    (st = wl_ch_put_nstr(b, e->fault_guid.s, e->has_fault_guid ? 36 : 0)) != WL_OK ||
	    (st = wl_ch_put_str(b, e->raw.p, raw)) != WL_OK)
		return st;
	/* Every GUID of the event (the SusClientId is events.client_id). */
	wl_ch_buf *g = &ln->rows[T_GUIDS];
	for (unsigned i = 0; i < e->n_other + 1u; i++) {
		const wl_guid *id = i == 0 ? &e->fault_guid : &e->other[i - 1];
		if (i == 0 && !e->has_fault_guid)
			continue;
		if ((st = wl_ch_put_str(g, id->s, 36)) != WL_OK ||
		    (st = wl_ch_put_u64(g, ln->copy)) != WL_OK ||
		    (st = wl_ch_put_u64(g, e->line)) != WL_OK ||
		    (st = wl_ch_put_u8(g, i == 0 ? WL_GUID_FAULT : WL_GUID_OTHER)) != WL_OK)
			return st;
	}
	return WL_OK;
}

static wl_status put_scan(lane *ln, const wl_event *e)
{
	wl_ch_buf *b = &ln->rows[T_SCANS];
	wl_status st;
	if ((st = wl_ch_put_u64(b, ln->copy)) != WL_OK ||
	    (st = wl_ch_put_u64(b, e->line)) != WL_OK ||
	    (st = wl_ch_put_ni64(b, e->ts_us != WL_TS_NONE, e->ts_us)) != WL_OK ||
	    (st = wl_ch_put_nstr(b, e->host.p, e->host.n)) != WL_OK ||
	    (st = wl_ch_put_nstr(b, e->server.p, e->server.n)) != WL_OK ||
	    (st = wl_ch_put_nstr(b, e->client_id.s, e->has_client_id ? 36 : 0)) != WL_OK ||
	    (st = wl_ch_put_u64(b, e->hresult)) != WL_OK ||
	    (st = wl_ch_put_ni64(b, e->round_trips >= 0, e->round_trips)) != WL_OK ||
	    (st = wl_ch_put_ni64(b, e->evaluated >= 0, e->evaluated)) != WL_OK)
		return st;
	return wl_ch_put_ni64(b, e->deployed >= 0, e->deployed);
}

static wl_status put_config(lane *ln, const wl_event *e)
{
	wl_ch_buf *b = &ln->rows[T_CONFIG];
	wl_status st;
	if ((st = wl_ch_put_u64(b, ln->copy)) != WL_OK ||
	    (st = wl_ch_put_str(b, e->server.p ? e->server.p : "", e->server.n)) != WL_OK ||
	    (st = wl_ch_put_ni64(b, e->ts_us != WL_TS_NONE, e->ts_us)) != WL_OK ||
	    (st = wl_ch_put_ni64(b, e->max_prereq >= 0, e->max_prereq)) != WL_OK)
		return st;
	return wl_ch_put_ni64(b, e->max_cached >= 0, e->max_cached);
}

static wl_status op_add_events(wl_store *s, unsigned lane_no, const wl_event *ev, size_t n,
                               const struct wl_store_enc *enc, char *err, size_t errlen)
{
	(void)enc;
	wl_ch *ch = ch_of(s);
	lane *ln = &ch->lanes[lane_no];
	for (size_t i = 0; i < n; i++) {
		wl_status st = ev[i].kind == WL_EV_SCAN     ? put_scan(ln, &ev[i])
		               : ev[i].kind == WL_EV_CONFIG ? put_config(ln, &ev[i])
		                                            : put_event(ln, &ev[i]);
		if (st != WL_OK)
			return st;
	}
	if (lane_bytes(ln) >= WL_CH_BATCH_BYTES)
		return flush_lane(ch, ln, err, errlen);
	return WL_OK;
}

static wl_status op_end(wl_store *s, unsigned lane_no, const wl_source_end *e,
                        const struct wl_store_enc *enc, wl_source_outcome *out, char *err,
                        size_t errlen)
{
	(void)enc;
	(void)err;
	(void)errlen;
	lane *ln = &ch_of(s)->lanes[lane_no];
	/* Known only at the lane's next flush: counted into stats there. */
	*out = (wl_source_outcome){.duplicate = false, .replaced = 0};
	if (ln->npend == ln->cap) {
		size_t cap = ln->cap ? 2 * ln->cap : 64;
		pending *v = realloc(ln->pend, cap * sizeof *v);
		if (!v)
			return WL_E_NOMEM;
		ln->pend = v;
		ln->cap = cap;
	}
	const char *host = ln->host[0] ? ln->host : e->host ? e->host : "";
	size_t pl = strlen(e->path) + 1, ml = strlen(e->member) + 1, hl = strlen(host) + 1;
	char *str = malloc(pl + ml + hl);
	if (!str)
		return WL_E_NOMEM;
	pending *p = &ln->pend[ln->npend++];
	*p = (pending){.copy = ln->copy,
	               .bytes = e->bytes,
	               .lines = e->lines,
	               .events = e->events,
	               .first_ts = e->first_ts,
	               .last_ts = e->last_ts,
	               .fmt = e->fmt,
	               .path = str,
	               .member = str + pl,
	               .host = str + pl + ml};
	memcpy(p->path, e->path, pl);
	memcpy(p->member, e->member, ml);
	memcpy(p->host, host, hl);
	snprintf(p->key, sizeof p->key, "%s", e->key);
	snprintf(p->head, sizeof p->head, "%s", e->fmt == WL_FMT_WEBCONFIG ? "" : e->head);
	snprintf(p->supersedes, sizeof p->supersedes, "%s", e->supersedes ? e->supersedes : "");
	ln->copy = 0;
	return WL_OK;
}

static wl_status op_input_read(wl_store *s, unsigned lane_no, const wl_input_read *in, char *err,
                               size_t errlen)
{
	(void)err;
	(void)errlen;
	wl_ch *ch = ch_of(s);
	wl_ch_buf *b = &ch->lanes[lane_no].inputs;
	char at[24];
	iso_now(at);
	wl_status st;
	if ((st = wl_ch_put_str(b, ch->ingester, strlen(ch->ingester))) != WL_OK ||
	    (st = wl_ch_put_str(b, in->path, strlen(in->path))) != WL_OK ||
	    (st = wl_ch_put_u64(b, in->size)) != WL_OK ||
	    (st = wl_ch_put_u64(b, (uint64_t)in->mtime_us)) != WL_OK ||
	    (st = wl_ch_put_str(b, at, strlen(at))) != WL_OK)
		return st;
	return wl_ch_put_u64(b, (uint64_t)now_us());
}

static wl_status flush_problems(wl_ch *ch, char *err, size_t errlen)
{
	char sql[256], t[160];
	if (!ch->problems.n)
		return WL_OK;
	snprintf(sql, sizeof sql, "INSERT INTO %s FORMAT RowBinary",
	         tname(ch, "problems", false, t, sizeof t));
	wl_status st = wl_ch_http_run(&ch->ctl, sql, ch->problems.p, ch->problems.n, err, errlen);
	ch->problems.n = 0;
	return st;
}

/* Any thread: the walk's problems come from the main thread. */
static wl_status op_problem(wl_store *s, const wl_problem *p, char *err, size_t errlen)
{
	wl_ch *ch = ch_of(s);
	char at[24];
	iso_now(at);
	const char *path = p->path ? p->path : "", *member = p->member ? p->member : "";
	const char *kind = wl_status_name(p->status);
	pthread_mutex_lock(&ch->mu);
	wl_ch_buf *b = &ch->problems;
	wl_status st;
	if ((st = wl_ch_put_str(b, path, strlen(path))) == WL_OK &&
	    (st = wl_ch_put_str(b, member, strlen(member))) == WL_OK &&
	    (st = wl_ch_put_ni64(b, p->offset != UINT64_MAX, (int64_t)p->offset)) == WL_OK &&
	    (st = wl_ch_put_ni64(b, p->line != 0, (int64_t)p->line)) == WL_OK &&
	    (st = wl_ch_put_str(b, kind, strlen(kind))) == WL_OK &&
	    (st = wl_ch_put_str(b, p->message, strlen(p->message))) == WL_OK &&
	    (st = wl_ch_put_str(b, at, strlen(at))) == WL_OK &&
	    (st = wl_ch_put_str(b, ch->ingester, strlen(ch->ingester))) == WL_OK &&
	    b->n >= WL_CH_BATCH_BYTES)
		st = flush_problems(ch, err, errlen);
	pthread_mutex_unlock(&ch->mu);
	return st;
}

static const wl_known *op_known(const wl_store *s)
{
	return &((const wl_ch *)s)->known;
}

/* Inputs an earlier killed run left half-written are never visible (no
 * completion row names their copy) and are read again like any input not
 * yet indexed: nothing to remove at open. */
static unsigned op_resumed(const wl_store *s)
{
	(void)s;
	return 0;
}

static void ch_free(wl_ch *ch)
{
	for (unsigned i = 0; ch->lanes && i < ch->nlanes; i++) {
		lane *ln = &ch->lanes[i];
		wl_ch_http_close(&ln->http);
		for (int t = 0; t < T_COUNT_; t++)
			wl_ch_buf_free(&ln->rows[t]);
		wl_ch_buf_free(&ln->inputs);
		for (size_t k = 0; k < ln->npend; k++)
			free(ln->pend[k].path);
		free(ln->pend);
	}
	free(ch->lanes);
	wl_ch_http_close(&ch->ctl);
	wl_ch_buf_free(&ch->problems);
	wl_known_free(&ch->known);
	pthread_mutex_destroy(&ch->mu);
	free(ch->url);
	free(ch);
}

/* ok: every lane's rows and completions, then the problems. Otherwise what
 * is buffered is dropped: inputs not completed stay invisible. */
static wl_status op_close(wl_store *s, bool ok, char *err, size_t errlen)
{
	wl_ch *ch = ch_of(s);
	wl_status st = WL_OK;
	for (unsigned i = 0; ok && st == WL_OK && i < ch->nlanes; i++)
		st = flush_lane(ch, &ch->lanes[i], err, errlen);
	if (ok && st == WL_OK)
		st = flush_problems(ch, err, errlen);
	ch_free(ch);
	return st;
}

static const wl_store_ops clickhouse_ops = {
    .engine = "clickhouse",
    .lane_callers = true,
    .begin_source = op_begin,
    .add_events = op_add_events,
    .end_source = op_end,
    .input_read = op_input_read,
    .problem = op_problem,
    .known = op_known,
    .resumed = op_resumed,
    .close = op_close,
};

static bool is_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* "http://host:port[/][?database=NAME&cluster=NAME]" */
static wl_status parse_url(wl_ch *ch, const char *url, char *err, size_t errlen)
{
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
		snprintf(err, errlen, "ClickHouse URL '%s': expected http://HOST:PORT", url);
		return WL_E_USAGE;
	}
	size_t base = strcspn(url, "?");
	while (base > 8 && url[base - 1] == '/')
		base--;
	if (!(ch->url = strndup(url, base)))
		return WL_E_NOMEM;
	snprintf(ch->db, sizeof ch->db, "wsuslog");
	const char *q = strchr(url, '?');
	while (q && *q) {
		q++;
		size_t n = strcspn(q, "&");
		char kv[128];
		snprintf(kv, sizeof kv, "%.*s", (int)n, q);
		char *v = strchr(kv, '=');
		if (v)
			*v++ = 0;
		if (v && strcmp(kv, "database") == 0 && is_name(v) && strlen(v) < sizeof ch->db) {
			snprintf(ch->db, sizeof ch->db, "%s", v);
		} else if (v && strcmp(kv, "cluster") == 0 && is_name(v) &&
		           strlen(v) < sizeof ch->cluster) {
			snprintf(ch->cluster, sizeof ch->cluster, "%s", v);
		} else {
			snprintf(err, errlen,
			         "ClickHouse URL '%s': unknown or bad parameter '%s' (expected"
			         " database=NAME or cluster=NAME, letters, digits and _)",
			         url, kv);
			return WL_E_USAGE;
		}
		q += n;
	}
	return WL_OK;
}

wl_status wl_store_clickhouse_open(wl_store **out, const char *url, unsigned lanes, wl_stats *stats,
                                   char *err, size_t errlen)
{
	*out = NULL;
	wl_ch *ch = calloc(1, sizeof *ch);
	if (!ch)
		return WL_E_NOMEM;
	ch->base.ops = &clickhouse_ops;
	ch->stats = stats;
	pthread_mutex_init(&ch->mu, NULL);
	if (gethostname(ch->ingester, sizeof ch->ingester - 1) != 0)
		snprintf(ch->ingester, sizeof ch->ingester, "localhost");
	wl_status st = parse_url(ch, url, err, errlen);
	if (st == WL_OK)
		st = wl_ch_global_init(err, errlen);
	if (st == WL_OK)
		st = wl_ch_http_open(&ch->ctl, ch->url, err, errlen);
	if (st == WL_OK && !(ch->lanes = calloc(lanes, sizeof *ch->lanes)))
		st = WL_E_NOMEM;
	ch->nlanes = ch->lanes ? lanes : 0;
	for (unsigned i = 0; st == WL_OK && i < lanes; i++)
		st = wl_ch_http_open(&ch->lanes[i].http, ch->url, err, errlen);
	if (st == WL_OK)
		st = create_schema(ch, err, errlen);
	if (st == WL_OK)
		st = load_known(ch, err, errlen);
	if (st != WL_OK) {
		ch_free(ch);
		return st;
	}
	*out = &ch->base;
	return WL_OK;
}
