/* The ClickHouse engine of qengine.h: a statement is its dialect text
 * (query_sql_clickhouse.c) sent over HTTP with libcurl when first stepped,
 * the bound values written into it as literals (18.16, the oldest server
 * we support, has no server-side parameters), and its answer read whole as
 * TabSeparatedWithNamesAndTypes into rows of typed cells, so the reports'
 * C code reads it exactly as it reads SQLite. */
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qengine.h"
#include "qlimits.h"
#include "query_sql.h"
#include "query_sql_clickhouse.h"
#include "wsuslog/schema.h"

#define DEFAULT_DATABASE "wsuslog"

typedef struct ch_db {
	wl_qdb head;
	CURL *curl;
	char *base;     /* http://host:port/ */
	char *database; /* [A-Za-z0-9_]+ */
	char *db_dot;   /* "database." */
	int cluster;    /* ?cluster=NAME: read the *_all Distributed tables */
	char err[1024];
} ch_db;

/* One occurrence of a parameter in the text: bytes [at, at+len) are
 * replaced by the literal of parameter idx, or, around a table's name in
 * the dialect, '@' (TABLE_DB) by the database and a dot (the shards of a
 * cluster run the statement in their own default database), and '#'
 * (TABLE_SUFFIX) by "_all" on a cluster (the Distributed table over every
 * shard) and by nothing on one server. */
#define TABLE_DB (-1)
#define TABLE_SUFFIX (-2)
typedef struct ch_use {
	size_t at, len;
	int idx;
} ch_use;

typedef struct ch_cell {
	const char *p; /* NUL-terminated inside the answer; NULL for SQL NULL */
	int n;
} ch_cell;

typedef struct ch_stmt {
	wl_qstmt head;
	const char *sql; /* the dialect text (static) or the analyst's (borrowed) */
	int user;
	ch_use *use;
	size_t nuse;
	char **names; /* per parameter: ":name", or NULL for "?" */
	char **lit;   /* per parameter: its literal, NULL while unbound */
	int nparam;
	/* The answer: body (decoded in place), column names and kinds, and
	 * the cells of every row. */
	char *body;
	size_t body_n, body_cap;
	int ran, ncol;
	char **col_name;
	int *col_kind; /* SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT or SQLITE_NULL */
	ch_cell *cells;
	size_t nrows, row; /* row: 1-based index of the current row */
} ch_stmt;

static ch_db *D(wl_qdb *db)
{
	return (ch_db *)db;
}

static ch_stmt *C(wl_qstmt *st)
{
	return (ch_stmt *)st;
}

static void set_err(ch_db *d, const char *fmt, const char *arg)
{
	snprintf(d->err, sizeof d->err, fmt, arg);
}

/* ---- HTTP ---- */

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	ch_stmt *s = ctx;
	size_t k = size * n;
	if (k > WL_Q_CH_RESULT_MAX - s->body_n)
		return 0; /* curl stops with a write error */
	if (s->body_n + k + 1 > s->body_cap) {
		size_t cap = s->body_cap ? s->body_cap : 4096;
		while (cap < s->body_n + k + 1)
			cap *= 2;
		char *nb = realloc(s->body, cap);
		if (!nb)
			return 0;
		s->body = nb;
		s->body_cap = cap;
	}
	memcpy(s->body + s->body_n, p, k);
	s->body_n += k;
	s->body[s->body_n] = '\0';
	return k;
}

/* POST sql to the server; the answer lands in s->body. Returns SQLITE_OK,
 * SQLITE_ERROR (the server refused the statement: its message in err) or
 * SQLITE_IOERR (no answer: curl's message). */
static int post(ch_db *d, ch_stmt *s, const char *sql, size_t n)
{
	char url[1024];
	/* wait_end_of_query: the server answers only once the statement has
	 * finished, so an error half-way gets its HTTP status rather than a
	 * 200 with a broken body. join_use_nulls: an outer join fills a
	 * missing side with NULL, as SQL (and SQLite) does, not with 0 or ''.
	 * On a cluster, distributed_product_mode=global: an IN or JOIN whose
	 * subquery reads a Distributed table too runs that subquery once, on
	 * this server, and ships its answer to the shards (GLOBAL IN), where
	 * the default would refuse it. */
	int k = snprintf(url, sizeof url, "%s?database=%s&wait_end_of_query=1&join_use_nulls=1%s%s",
	                 d->base, d->database, s->user ? "&readonly=1" : "",
	                 d->cluster ? "&distributed_product_mode=global" : "");
	if (k <= 0 || (size_t)k >= sizeof url) {
		set_err(d, "%s", "URL too long");
		return SQLITE_IOERR;
	}
	s->body_n = 0;
	if (s->body)
		s->body[0] = '\0';
	CURL *c = d->curl;
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, sql);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)n);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, WL_Q_CH_CONNECT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, WL_Q_CH_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); /* any the server offers */
	CURLcode r = curl_easy_perform(c);
	if (r != CURLE_OK) {
		if (r == CURLE_WRITE_ERROR && s->body_n > 0)
			snprintf(d->err, sizeof d->err, "the answer exceeds %u bytes",
			         WL_Q_CH_RESULT_MAX);
		else
			snprintf(d->err, sizeof d->err, "ClickHouse at %s: %s", d->base,
			         curl_easy_strerror(r));
		return SQLITE_IOERR;
	}
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		/* "Code: 62, e.displayText() = DB::Exception: ...": the
		 * server's words, first line only. */
		const char *m = s->body ? s->body : "";
		size_t len = strcspn(m, "\n");
		if (len == 0)
			snprintf(d->err, sizeof d->err, "ClickHouse answered HTTP %ld", status);
		else
			snprintf(d->err, sizeof d->err, "ClickHouse: %.*s", (int)len, m);
		return status >= 500 || status == 400 || status == 404 ? SQLITE_ERROR
		                                                       : SQLITE_IOERR;
	}
	return SQLITE_OK;
}

/* ---- TabSeparated ---- */

/* Decode one TSV field in place (p[0..n) holds no tab or newline): the
 * escapes \t \n \\ \' \b \f \r \0 and any other \x meaning x. Returns the
 * new length. */
static size_t tsv_unescape(char *p, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];
		if (ch == '\\' && i + 1 < n) {
			char e = p[++i];
			switch (e) {
			case 't':
				ch = '\t';
				break;
			case 'n':
				ch = '\n';
				break;
			case 'r':
				ch = '\r';
				break;
			case 'b':
				ch = '\b';
				break;
			case 'f':
				ch = '\f';
				break;
			case '0':
				ch = '\0';
				break;
			default:
				ch = e;
				break;
			}
		}
		p[o++] = ch;
	}
	return o;
}

/* The kind of a ClickHouse type: Nullable(T) is T's; integers, floats and
 * Nothing (the type of a bare NULL) map to SQLite's; everything else
 * (String, Date, arrays, ...) reads as text, as the server prints it. */
static int type_kind(const char *t)
{
	while (strncmp(t, "Nullable(", 9) == 0 || strncmp(t, "LowCardinality(", 15) == 0)
		t = strchr(t, '(') + 1;
	if (strncmp(t, "Int", 3) == 0 || strncmp(t, "UInt", 4) == 0)
		return SQLITE_INTEGER;
	if (strncmp(t, "Float", 5) == 0 || strncmp(t, "Decimal", 7) == 0)
		return SQLITE_FLOAT;
	if (strncmp(t, "Nothing", 7) == 0)
		return SQLITE_NULL;
	return SQLITE_TEXT;
}

/* Split body into lines and fields, header lines first. Returns SQLITE_OK
 * or SQLITE_NOMEM / SQLITE_CORRUPT (message in err). */
static int parse_answer(ch_db *d, ch_stmt *s)
{
	char *p = s->body ? s->body : (char *)"";
	char *end = p + s->body_n;
	size_t cap = 0;
	int line = 0;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		/* fields of this line */
		int col = 0;
		char *f = p;
		for (;;) {
			char *tab = memchr(f, '\t', (size_t)(nl - f));
			char *fe = tab ? tab : nl;
			if (line == 0) {
				if (col >= s->ncol) {
					int nc = col + 1;
					char **nn = realloc(s->col_name, (size_t)nc * sizeof *nn);
					if (!nn)
						return SQLITE_NOMEM;
					s->col_name = nn;
					int *nk = realloc(s->col_kind, (size_t)nc * sizeof *nk);
					if (!nk)
						return SQLITE_NOMEM;
					s->col_kind = nk;
					s->ncol = nc;
				}
				size_t k = tsv_unescape(f, (size_t)(fe - f));
				f[k] = '\0';
				s->col_name[col] = f;
			} else if (col >= s->ncol) {
				set_err(d, "%s", "ClickHouse answered a row wider than its header");
				return SQLITE_CORRUPT;
			} else if (line == 1) {
				*fe = '\0';
				s->col_kind[col] = type_kind(f);
			} else {
				size_t r = (size_t)(line - 2);
				if ((r + 1) * (size_t)s->ncol > cap) {
					size_t nc = cap ? cap * 2 : (size_t)s->ncol * 64;
					while (nc < (r + 1) * (size_t)s->ncol)
						nc *= 2;
					ch_cell *ncells = realloc(s->cells, nc * sizeof *ncells);
					if (!ncells)
						return SQLITE_NOMEM;
					s->cells = ncells;
					cap = nc;
				}
				ch_cell *c = &s->cells[r * (size_t)s->ncol + (size_t)col];
				if (fe - f == 2 && f[0] == '\\' && f[1] == 'N') {
					c->p = NULL;
					c->n = 0;
				} else {
					size_t k = tsv_unescape(f, (size_t)(fe - f));
					f[k] = '\0';
					c->p = f;
					c->n = (int)k;
				}
			}
			col++;
			if (!tab)
				break;
			f = tab + 1;
		}
		if (line >= 1 && col != s->ncol) {
			set_err(d, "%s", "ClickHouse answered a row narrower than its header");
			return SQLITE_CORRUPT;
		}
		if (line >= 2)
			s->nrows++;
		line++;
		p = nl + 1;
	}
	if (line < 2) {
		set_err(d, "%s", "ClickHouse answered without the column header");
		return SQLITE_CORRUPT;
	}
	return SQLITE_OK;
}

/* ---- statements ---- */

static int is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Find the parameters of s->sql: ":name" and "?" outside quotes and
 * comments. A name seen again is the same parameter. */
static int scan_params(ch_stmt *s)
{
	const char *q = s->sql;
	size_t n = strlen(q);
	for (size_t i = 0; i < n; i++) {
		char c = q[i];
		if (c == '\'' || c == '"' || c == '`') {
			for (i++; i < n && q[i] != c; i++)
				if (q[i] == '\\')
					i++;
			continue;
		}
		if (c == '-' && i + 1 < n && q[i + 1] == '-') {
			while (i < n && q[i] != '\n')
				i++;
			continue;
		}
		if (c == '@' || c == '#') {
			ch_use *nu = realloc(s->use, (s->nuse + 1) * sizeof *nu);
			if (!nu)
				return SQLITE_NOMEM;
			s->use = nu;
			s->use[s->nuse++] = (ch_use){i, 1, c == '@' ? TABLE_DB : TABLE_SUFFIX};
			continue;
		}
		size_t len = 0;
		if (c == '?')
			len = 1;
		else if (c == ':' && i + 1 < n &&
		         (isalpha((unsigned char)q[i + 1]) || q[i + 1] == '_'))
			for (len = 1; i + len < n && is_name_char(q[i + len]); len++)
				;
		if (len == 0)
			continue;
		int idx = -1;
		if (c == ':')
			for (int k = 0; k < s->nparam && idx < 0; k++)
				if (s->names[k] && strlen(s->names[k]) == len &&
				    memcmp(s->names[k], q + i, len) == 0)
					idx = k;
		if (idx < 0) {
			char **nn = realloc(s->names, (size_t)(s->nparam + 1) * sizeof *nn);
			if (!nn)
				return SQLITE_NOMEM;
			s->names = nn;
			char **nl = realloc(s->lit, (size_t)(s->nparam + 1) * sizeof *nl);
			if (!nl)
				return SQLITE_NOMEM;
			s->lit = nl;
			s->lit[s->nparam] = NULL;
			s->names[s->nparam] = NULL;
			if (c == ':') {
				s->names[s->nparam] = strndup(q + i, len);
				if (!s->names[s->nparam])
					return SQLITE_NOMEM;
			}
			idx = s->nparam++;
		}
		ch_use *nu = realloc(s->use, (s->nuse + 1) * sizeof *nu);
		if (!nu)
			return SQLITE_NOMEM;
		s->use = nu;
		s->use[s->nuse++] = (ch_use){i, len, idx};
		i += len - 1;
	}
	return SQLITE_OK;
}

static void drop_answer(ch_stmt *s)
{
	free(s->col_name);
	free(s->col_kind);
	free(s->cells);
	s->col_name = NULL;
	s->col_kind = NULL;
	s->cells = NULL;
	s->ncol = 0;
	s->nrows = s->row = 0;
	s->body_n = 0;
	s->ran = 0;
}

static const char *literal(const ch_db *d, const ch_stmt *s, const ch_use *u)
{
	if (u->idx == TABLE_DB)
		return d->db_dot;
	if (u->idx == TABLE_SUFFIX)
		return d->cluster ? "_all" : "";
	return s->lit[u->idx];
}

/* The text with every parameter's literal written in, and the format. */
static int render(ch_db *d, ch_stmt *s, char **out, size_t *out_n)
{
	static const char tail[] = "\nFORMAT TabSeparatedWithNamesAndTypes";
	size_t n = strlen(s->sql) + sizeof tail;
	for (size_t k = 0; k < s->nuse; k++) {
		const char *l = literal(d, s, &s->use[k]);
		if (!l) {
			const char *name = s->names[s->use[k].idx];
			set_err(d, "parameter %s is not bound", name ? name : "?");
			return SQLITE_MISUSE;
		}
		n += strlen(l);
	}
	if (n > WL_Q_CH_SQL_MAX) {
		set_err(d, "%s", "statement too long");
		return SQLITE_TOOBIG;
	}
	char *b = malloc(n), *w = b;
	if (!b)
		return SQLITE_NOMEM;
	size_t from = 0;
	for (size_t k = 0; k < s->nuse; k++) {
		memcpy(w, s->sql + from, s->use[k].at - from);
		w += s->use[k].at - from;
		const char *l = literal(d, s, &s->use[k]);
		size_t ln = strlen(l);
		memcpy(w, l, ln);
		w += ln;
		from = s->use[k].at + s->use[k].len;
	}
	size_t rest = strlen(s->sql + from);
	memcpy(w, s->sql + from, rest);
	w += rest;
	memcpy(w, tail, sizeof tail);
	w += sizeof tail - 1;
	*out = b;
	*out_n = (size_t)(w - b);
	return SQLITE_OK;
}

static int run(ch_stmt *s)
{
	ch_db *d = D(s->head.db);
	char *sql = NULL;
	size_t n = 0;
	drop_answer(s);
	int rc = render(d, s, &sql, &n);
	if (rc == SQLITE_OK)
		rc = post(d, s, sql, n);
	free(sql);
	if (rc == SQLITE_OK)
		rc = parse_answer(d, s);
	if (rc == SQLITE_NOMEM)
		set_err(d, "%s", "out of memory");
	if (rc == SQLITE_OK)
		s->ran = 1;
	return rc;
}

static void ch_finalize(wl_qstmt *st)
{
	ch_stmt *s = C(st);
	drop_answer(s);
	free(s->body);
	for (int k = 0; k < s->nparam; k++) {
		free(s->names[k]);
		free(s->lit[k]);
	}
	free(s->names);
	free(s->lit);
	free(s->use);
	free(s);
}

static int ch_prepare(wl_qdb *db, const char *sql, int user, wl_qstmt **out)
{
	ch_db *d = D(db);
	const char *text = user ? sql : wl_sql_clickhouse(sql);
	if (!text) {
		set_err(d, "%s", "this report has no ClickHouse statement");
		return SQLITE_ERROR;
	}
	ch_stmt *s = calloc(1, sizeof *s);
	if (!s) {
		set_err(d, "%s", "out of memory");
		return SQLITE_NOMEM;
	}
	s->head.db = db;
	s->sql = text;
	s->user = user;
	/* An analyst's text is sent as given: a ':' or '?' in it is theirs. */
	int rc = user ? SQLITE_OK : scan_params(s);
	/* An analyst's statement runs now, so that a refused one is a usage
	 * error before any output, and its columns are known. */
	if (rc == SQLITE_OK && user)
		rc = run(s);
	if (rc != SQLITE_OK) {
		if (rc == SQLITE_NOMEM)
			set_err(d, "%s", "out of memory");
		ch_finalize(&s->head);
		return rc;
	}
	*out = &s->head;
	return SQLITE_OK;
}

static int ch_step(wl_qstmt *st)
{
	ch_stmt *s = C(st);
	if (!s->ran) {
		int rc = run(s);
		if (rc != SQLITE_OK)
			return rc;
	}
	if (s->row >= s->nrows)
		return SQLITE_DONE;
	s->row++;
	return SQLITE_ROW;
}

static int ch_reset(wl_qstmt *st)
{
	ch_stmt *s = C(st);
	if (!s->user)
		drop_answer(s);
	else
		s->row = 0; /* the analyst's statement is not run twice */
	return SQLITE_OK;
}

static int ch_param_count(wl_qstmt *st)
{
	return C(st)->nparam;
}

static const char *ch_param_name(wl_qstmt *st, int i)
{
	ch_stmt *s = C(st);
	return i >= 1 && i <= s->nparam ? s->names[i - 1] : NULL;
}

static int set_lit(ch_stmt *s, int i, char *lit)
{
	if (!lit)
		return SQLITE_NOMEM;
	if (i < 1 || i > s->nparam) {
		free(lit);
		return SQLITE_RANGE;
	}
	free(s->lit[i - 1]);
	s->lit[i - 1] = lit;
	return SQLITE_OK;
}

static int ch_bind_int64(wl_qstmt *st, int i, int64_t v)
{
	char b[48];
	/* Typed as SQLite's integers are: a bare 9223372036854775807 would
	 * be UInt64, which ClickHouse will not mix with Int64 columns. The
	 * quoted form also covers INT64_MIN, which has no literal. */
	snprintf(b, sizeof b, "toInt64('%" PRId64 "')", v);
	return set_lit(C(st), i, strdup(b));
}

/* A string literal: quotes around, backslash and quote escaped, control
 * bytes as \xHH so the statement stays one line of plain text. */
static int ch_bind_text(wl_qstmt *st, int i, const char *v, int n)
{
	size_t len = n < 0 ? strlen(v) : (size_t)n;
	char *b = malloc(len * 4 + 3), *w = b;
	if (!b)
		return SQLITE_NOMEM;
	*w++ = '\'';
	for (size_t k = 0; k < len; k++) {
		unsigned char c = (unsigned char)v[k];
		if (c == '\\' || c == '\'') {
			*w++ = '\\';
			*w++ = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			static const char hex[] = "0123456789ABCDEF";
			*w++ = '\\';
			*w++ = 'x';
			*w++ = hex[c >> 4];
			*w++ = hex[c & 15];
		} else {
			*w++ = (char)c;
		}
	}
	*w++ = '\'';
	*w = '\0';
	return set_lit(C(st), i, b);
}

static int ch_bind_null(wl_qstmt *st, int i)
{
	return set_lit(C(st), i, strdup("NULL"));
}

static int ch_column_count(wl_qstmt *st)
{
	return C(st)->ncol;
}

static const char *ch_column_name(wl_qstmt *st, int i)
{
	ch_stmt *s = C(st);
	return i >= 0 && i < s->ncol ? s->col_name[i] : NULL;
}

static const ch_cell *cell(wl_qstmt *st, int i)
{
	ch_stmt *s = C(st);
	if (s->row == 0 || i < 0 || i >= s->ncol)
		return NULL;
	return &s->cells[(s->row - 1) * (size_t)s->ncol + (size_t)i];
}

static int ch_column_type(wl_qstmt *st, int i)
{
	const ch_cell *c = cell(st, i);
	return !c || !c->p ? SQLITE_NULL : C(st)->col_kind[i];
}

static int64_t ch_column_int64(wl_qstmt *st, int i)
{
	const ch_cell *c = cell(st, i);
	if (!c || !c->p)
		return 0;
	/* UInt64 above INT64_MAX reads as its two's complement, as a
	 * 64-bit SQLite integer would hold it. */
	if (c->p[0] != '-')
		return (int64_t)strtoull(c->p, NULL, 10);
	return strtoll(c->p, NULL, 10);
}

static double ch_column_double(wl_qstmt *st, int i)
{
	const ch_cell *c = cell(st, i);
	return c && c->p ? strtod(c->p, NULL) : 0.0;
}

static const unsigned char *ch_column_text(wl_qstmt *st, int i)
{
	const ch_cell *c = cell(st, i);
	return c && c->p ? (const unsigned char *)c->p : NULL;
}

static int ch_column_bytes(wl_qstmt *st, int i)
{
	const ch_cell *c = cell(st, i);
	return c && c->p ? c->n : 0;
}

static const char *ch_errmsg(wl_qdb *db)
{
	return D(db)->err;
}

static void ch_close(wl_qdb *db)
{
	ch_db *d = D(db);
	curl_easy_cleanup(d->curl);
	free(d->base);
	free(d->database);
	free(d->db_dot);
	free(d);
}

static const wl_qengine clickhouse_engine = {
    .name = "clickhouse",
    .prepare = ch_prepare,
    .step = ch_step,
    .reset = ch_reset,
    .finalize = ch_finalize,
    .param_count = ch_param_count,
    .param_name = ch_param_name,
    .bind_int64 = ch_bind_int64,
    .bind_text = ch_bind_text,
    .bind_null = ch_bind_null,
    .column_count = ch_column_count,
    .column_name = ch_column_name,
    .column_type = ch_column_type,
    .column_int64 = ch_column_int64,
    .column_double = ch_column_double,
    .column_text = ch_column_text,
    .column_bytes = ch_column_bytes,
    .errmsg = ch_errmsg,
    .close = ch_close,
};

/* Split url into the server's base (scheme, host, port, "/") and its
 * parameters, as wsuslog-index --clickhouse reads them: database=NAME and
 * cluster=NAME, joined by '&'. Returns 0, or -1 with the reason in err. */
static int parse_url(const char *url, ch_db *d, char *err, size_t errlen)
{
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
		snprintf(err, errlen, "not an http:// or https:// URL");
		return -1;
	}
	const char *q = strchr(url, '?');
	size_t blen = q ? (size_t)(q - url) : strlen(url);
	const char *db = DEFAULT_DATABASE;
	size_t dlen = strlen(db);
	for (const char *kv = q ? q + 1 : NULL; kv && *kv;) {
		size_t n = strcspn(kv, "&");
		const char *eq = memchr(kv, '=', n);
		const char *v = eq ? eq + 1 : kv + n;
		size_t klen = (size_t)(v - kv) - (eq != NULL), vlen = (size_t)(kv + n - v);
		int ok = eq && vlen > 0;
		for (size_t k = 0; ok && k < vlen; k++)
			ok = is_name_char(v[k]);
		if (ok && klen == 8 && memcmp(kv, "database", 8) == 0) {
			db = v;
			dlen = vlen;
		} else if (ok && klen == 7 && memcmp(kv, "cluster", 7) == 0) {
			d->cluster = 1;
		} else {
			snprintf(
			    err, errlen,
			    "URL parameters are database=NAME and cluster=NAME (letters, digits "
			    "and _), joined by '&'");
			return -1;
		}
		kv += n + (kv[n] == '&');
	}
	int slash = blen > 0 && url[blen - 1] == '/';
	d->base = malloc(blen + 2);
	d->database = strndup(db, dlen);
	d->db_dot = malloc(dlen + 2);
	if (!d->base || !d->database || !d->db_dot) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(d->db_dot, db, dlen);
	memcpy(d->db_dot + dlen, ".", 2);
	memcpy(d->base, url, blen);
	if (!slash)
		d->base[blen++] = '/';
	d->base[blen] = '\0';
	return 0;
}

/* The index must be there, of this schema version. */
static wl_status check_schema(ch_db *d, char *err, size_t errlen)
{
	wl_qstmt *st = NULL;
	if (ch_prepare(&d->head, wl_sql_clickhouse_version, 1, &st) != SQLITE_OK) {
		snprintf(err, errlen, "%s", d->err);
		return WL_E_DB;
	}
	wl_status rc = WL_OK;
	if (ch_step(st) != SQLITE_ROW || ch_column_type(st, 0) == SQLITE_NULL) {
		snprintf(err, errlen, "database '%s' holds no wsuslog index", d->database);
		rc = WL_E_DB;
	} else if (ch_column_int64(st, 0) != WL_CH_SCHEMA_VERSION) {
		snprintf(err, errlen,
		         "database '%s' holds a wsuslog index of schema version %lld; this "
		         "program reads version %d",
		         d->database, (long long)ch_column_int64(st, 0), WL_CH_SCHEMA_VERSION);
		rc = WL_E_DB;
	}
	ch_finalize(st);
	return rc;
}

wl_status wl_qdb_open_clickhouse(const char *url, wl_qdb **db, char *err, size_t errlen)
{
	*db = NULL;
	ch_db *d = calloc(1, sizeof *d);
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return WL_E_NOMEM;
	}
	d->head.e = &clickhouse_engine;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(d->curl = curl_easy_init())) {
		snprintf(err, errlen, "cannot start libcurl");
		ch_close(&d->head);
		return WL_E_NOMEM;
	}
	if (parse_url(url, d, err, errlen) != 0) {
		ch_close(&d->head);
		return WL_E_DB;
	}
	wl_status rc = check_schema(d, err, errlen);
	if (rc != WL_OK) {
		ch_close(&d->head);
		return rc;
	}
	*db = &d->head;
	return WL_OK;
}
