/* Helpers every report of wsuslog-query shares: preparing and binding the
 * statements of query_sql.c, turning result columns into output cells, and
 * streaming a statement's rows to a wl_out. */
#ifndef WSUSLOG_QUERY_QDB_H
#define WSUSLOG_QUERY_QDB_H

#include "qengine.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output.h"
#include "query.h"
#include "wsuslog/hresult.h"

/* Copy SQLite's last message for db into err; returns WL_E_DB. */
wl_status wl_qdb_error(wl_qdb *db, char *err, size_t errlen);

/* Prepare sql (one statement of query_sql.c) into *st (caller owns;
 * wl_qstmt_finalize). Returns WL_OK or WL_E_DB with the message in err. */
/* Step st: true with a row to read; false at the end (rc untouched) or on
 * an error (rc set, message in err). Loops read
 * `while (wl_qdb_next(db, st, &rc, err, errlen)) { ... }` with rc == WL_OK
 * on entry; a body that sets rc must also break. */
bool wl_qdb_next(wl_qdb *db, wl_qstmt *st, wl_status *rc, char *err, size_t errlen);

wl_status wl_qdb_prepare(wl_qdb *db, const char *sql, wl_qstmt **st, char *err, size_t errlen);

/* Index of the named parameter; asserts that the statement has it (a
 * misspelt name is a bug, not a silently unbound filter). */
int wl_qdb_param(wl_qstmt *st, const char *name);

/* Bind text (NULL v: SQL NULL; v must outlive the statement) or an
 * integer (has == 0: SQL NULL). Return the sqlite3_bind_* code. */
int wl_qdb_bind_text(wl_qstmt *st, const char *name, const char *v);
int wl_qdb_bind_int(wl_qstmt *st, const char *name, int has, int64_t v);

/* Bind every parameter of st that is one of the standard names (the
 * limit parameter names and keys, :code = 'InvalidParameters', roles,
 * :ts_max, and the filters :since, :until, :server, :hresult from f). Each
 * other parameter must be listed in own (NULL-terminated; the caller binds
 * those): an unknown name asserts. Returns SQLITE_OK or the bind error. */
int wl_qdb_bind_std(wl_qstmt *st, const wl_qfilter *f, const char *const *own);

/* Result column i as an output cell. Text and blobs are borrowed from st
 * until its next step; time and code cells live in buf. */
wl_val wl_qdb_text(wl_qstmt *st, int i);
wl_val wl_qdb_int(wl_qstmt *st, int i);
wl_val wl_qdb_time(wl_qstmt *st, int i, char *buf); /* WL_QTIME_BUF bytes */
/* An HRESULT as hex; *name gets what wl_hresult_describe() says of it (its
 * header symbol, else "FACILITY_… 0x…"), or NULL where the code is NULL.
 * name may be NULL. Both cells live in buf. */
typedef struct wl_qdb_codebuf {
	char hex[WL_QCODE_BUF];
	char name[WL_HRESULT_BUF];
} wl_qdb_codebuf;
wl_val wl_qdb_code(wl_qstmt *st, int i, wl_qdb_codebuf *buf, wl_val *name);

/* Convert the current row of st into v (ncols cells). */
typedef void (*wl_qdb_fill_fn)(wl_qstmt *st, wl_val *v, void *ctx);

/* Begin o with cols, step st to the end writing each row converted by
 * fill, end o. Returns WL_OK, WL_E_DB (message in err), WL_E_NOMEM, WL_E_IO.
 * ncols is at most WL_QDB_COLS_MAX. */
#define WL_QDB_COLS_MAX 16
wl_status wl_qdb_run(wl_qdb *db, wl_qstmt *st, wl_out *o, const char *const *cols, size_t ncols,
                     wl_qdb_fill_fn fill, void *ctx, char *err, size_t errlen);

/* Bytes wl_qnum_fixed needs for any value it prints. */
#define WL_QNUM_BUF 32

/* v with exactly `decimals` (0..6) fractional digits into buf (WL_QNUM_BUF
 * bytes), as a WL_V_NUM cell; a NULL cell when v is not finite or too large
 * to print plainly. */
wl_val wl_qnum_fixed(double v, int decimals, char *buf);

/* A growing text buffer with a cap (docs/STYLE.md, "Limits"): lists that reports join
 * into one cell (faults_by_code, servers, rates_by_value), WL_QBUF_MAX
 * bytes; or, with its own max, the names clients.c keeps. */
#define WL_QBUF_MAX (64u * 1024u)

typedef struct wl_qbuf {
	char *p; /* not NUL-terminated; caller owns, free with wl_qbuf_free */
	size_t n, cap;
	size_t max; /* 0: WL_QBUF_MAX */
} wl_qbuf;

/* Append s[0..n). Returns WL_OK, WL_E_NOMEM, or WL_E_TOO_BIG past the
 * buffer's max (b keeps what it had). */
wl_status wl_qbuf_add(wl_qbuf *b, const char *s, size_t n);
wl_status wl_qbuf_str(wl_qbuf *b, const char *s);
/* Append s[0..n), or "s:count" with with_count, to b's ';'-separated
 * list. Returns as wl_qbuf_add. */
wl_status wl_qbuf_item(wl_qbuf *b, const char *s, size_t n, int64_t count, int with_count);
/* The message of a list that reached WL_QBUF_MAX into err ("what: ...");
 * returns WL_E_TOO_BIG. */
wl_status wl_qbuf_too_big(char *err, size_t errlen, const char *what);
void wl_qbuf_free(wl_qbuf *b);

#endif
