/* The table `events` over event blocks (include/wsuslog/event_block.h): an
 * SQLite virtual table, module "wl_events", created in the schema as
 * `CREATE VIRTUAL TABLE events USING wl_events`.
 *
 * Reading. xBestIndex picks one of four plans from the constraints SQLite
 * offers; SQLite checks every constraint again on the rows we return
 * (omit stays 0), so a plan only has to return a superset:
 *   NOTES   a constraint that only events with a fault GUID, a fault code
 *           or a parameter can meet (fault_guid_id = ?, parameter IS NOT
 *           NULL, ...): the rows come from event_notes, a plain table with
 *           the same columns and indexes on them, with every usable
 *           constraint passed on as SQL;
 *   ROWID   event_id = ? (IN lists come one value at a time) or a range:
 *           the blocks of the chunks in the range;
 *   SOURCE  source_id = ?, with a range of ids if there is one (what
 *           WL_SQL_SOURCE_EVENTS gives): that source's blocks;
 *   SCAN    every block, in block order.
 * A cursor decodes one block at a time and keeps it: the values of an IN
 * list that fall in the same block decode it once.
 *
 * Writing through SQL (tests build their fixtures this way, and `sql`
 * refuses writes): an INSERT adds a block of its own row (a chunk holds
 * several blocks then); DELETE and UPDATE rewrite the block that holds the
 * row. event_notes follows. wsuslog-index writes whole blocks itself
 * (indexer/store_sqlite_rows.c) and never goes through here. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wsuslog/event_block.h"

/* Column order: schema 5's events table, which the reports name. */
enum {
	C_EVENT_ID,
	C_SOURCE_ID,
	C_LINE,
	C_TS,
	C_ROLE,
	C_KIND,
	C_HOST_ID,
	C_SERVER_ID,
	C_CLIENT_GUID_ID,
	C_COMPONENT_ID,
	C_HRESULT,
	C_FAULT_CODE,
	C_PARAMETER,
	C_FAULT_GUID_ID,
	C_PREFIX,
	C_MESSAGE_ID,
	C_COUNT_
};

static const char *const col_names[C_COUNT_] = {
    "event_id",  "source_id",     "line",           "ts",           "role",    "kind",
    "host_id",   "server_id",     "client_guid_id", "component_id", "hresult", "fault_code",
    "parameter", "fault_guid_id", "prefix",         "message_id"};

#define NOTES_COLS                                                                                 \
	"event_id, source_id, line, ts, role, kind, host_id, server_id, client_guid_id,"           \
	" component_id, hresult, fault_code, parameter, fault_guid_id, prefix, message_id"

enum { PLAN_SCAN, PLAN_ROWID, PLAN_SOURCE, PLAN_NOTES };

/* idxNum bits beside the plan: which bounds came as arguments. */
#define HAS_LO 0x10
#define HAS_HI 0x20
#define HAS_EQ 0x40
/* The statement reads a text column (fault_code, parameter, prefix): the
 * blocks' texts are decompressed (most reads want numbers only, a fifth of
 * a block's bytes). A text read without it still works: the block is
 * decoded again with its texts. */
#define NEED_TEXT 0x80

typedef struct ev_vtab {
	sqlite3_vtab base;
	sqlite3 *db;
} ev_vtab;

typedef struct ev_cursor {
	sqlite3_vtab_cursor base;
	int plan;
	sqlite3_stmt *st; /* blocks (block_id, data), or event_notes rows */
	int st_plan;      /* idxNum st was prepared for (-1: none) */
	char *st_sql;     /* and its idxStr (PLAN_NOTES) */
	wl_block_dec dec;
	int64_t dec_block; /* block_id decoded in dec, 0 for none */
	bool texts;        /* the plan reads texts (NEED_TEXT) */
	size_t i;          /* row of dec */
	int64_t lo, hi;    /* ids wanted */
	int64_t src;       /* source wanted, 0 for any */
	bool eof;
} ev_cursor;

static int set_error(sqlite3_vtab *v, const char *fmt, const char *what)
{
	sqlite3_free(v->zErrMsg);
	v->zErrMsg = sqlite3_mprintf(fmt, what);
	return SQLITE_ERROR;
}

static int ev_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out,
                      char **err)
{
	(void)aux, (void)argc, (void)argv;
	int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(event_id INTEGER, source_id INTEGER,"
	                                  " line INTEGER, ts INTEGER, role INTEGER, kind INTEGER,"
	                                  " host_id INTEGER, server_id INTEGER,"
	                                  " client_guid_id INTEGER, component_id INTEGER,"
	                                  " hresult INTEGER, fault_code TEXT, parameter TEXT,"
	                                  " fault_guid_id INTEGER, prefix TEXT,"
	                                  " message_id INTEGER)");
	if (rc != SQLITE_OK) {
		*err = sqlite3_mprintf("%s", sqlite3_errmsg(db));
		return rc;
	}
	/* Reading it has no side effects, so views (events_v) may read it
	 * under trusted_schema = OFF, as `sql` runs. */
	sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
	ev_vtab *v = sqlite3_malloc(sizeof *v);
	if (!v)
		return SQLITE_NOMEM;
	memset(v, 0, sizeof *v);
	v->db = db;
	*out = &v->base;
	return SQLITE_OK;
}

static int ev_disconnect(sqlite3_vtab *base)
{
	sqlite3_free(base);
	return SQLITE_OK;
}

/* ---- planning ---- */

static bool is_rowid(int col)
{
	return col < 0 || col == C_EVENT_ID;
}

/* Operators a plain table's WHERE can take as they are. */
static const char *sql_op(unsigned char op)
{
	switch (op) {
	case SQLITE_INDEX_CONSTRAINT_EQ:
		return "=";
	case SQLITE_INDEX_CONSTRAINT_GT:
		return ">";
	case SQLITE_INDEX_CONSTRAINT_GE:
		return ">=";
	case SQLITE_INDEX_CONSTRAINT_LT:
		return "<";
	case SQLITE_INDEX_CONSTRAINT_LE:
		return "<=";
	case SQLITE_INDEX_CONSTRAINT_ISNOTNULL:
		return "IS NOT NULL";
	case SQLITE_INDEX_CONSTRAINT_ISNULL:
		return "IS NULL";
	default:
		return NULL;
	}
}

static bool unary(unsigned char op)
{
	return op == SQLITE_INDEX_CONSTRAINT_ISNOTNULL || op == SQLITE_INDEX_CONSTRAINT_ISNULL;
}

/* A constraint only a row of event_notes can meet. */
static bool notable(int col, unsigned char op)
{
	if (col != C_FAULT_CODE && col != C_PARAMETER && col != C_FAULT_GUID_ID)
		return false;
	return op != SQLITE_INDEX_CONSTRAINT_ISNULL && sql_op(op) != NULL;
}

static int plan_notes(sqlite3_index_info *ix)
{
	char *where = sqlite3_mprintf("");
	int arg = 0;
	for (int i = 0; i < ix->nConstraint && where; i++) {
		const struct sqlite3_index_constraint *c = &ix->aConstraint[i];
		const char *op = sql_op(c->op);
		if (!c->usable || !op)
			continue;
		const char *col = col_names[c->iColumn < 0 ? C_EVENT_ID : c->iColumn];
		char *w;
		if (unary(c->op)) {
			w = sqlite3_mprintf("%s%s%s %s", where, *where ? " AND " : "", col, op);
		} else {
			ix->aConstraintUsage[i].argvIndex = ++arg;
			w = sqlite3_mprintf("%s%s%s %s ?%d", where, *where ? " AND " : "", col, op,
			                    arg);
		}
		sqlite3_free(where);
		where = w;
	}
	if (!where)
		return SQLITE_NOMEM;
	ix->idxStr = sqlite3_mprintf("SELECT " NOTES_COLS " FROM event_notes WHERE %s", where);
	sqlite3_free(where);
	if (!ix->idxStr)
		return SQLITE_NOMEM;
	ix->needToFreeIdxStr = 1;
	ix->idxNum = PLAN_NOTES;
	ix->estimatedCost = 100;
	ix->estimatedRows = 100;
	return SQLITE_OK;
}

static int ev_best_index(sqlite3_vtab *base, sqlite3_index_info *ix)
{
	(void)base;
	int eq = -1, lo = -1, hi = -1, src = -1;
	bool notes = false;
	for (int i = 0; i < ix->nConstraint; i++) {
		const struct sqlite3_index_constraint *c = &ix->aConstraint[i];
		if (!c->usable)
			continue;
		if (notable(c->iColumn, c->op))
			notes = true;
		if (is_rowid(c->iColumn)) {
			if (c->op == SQLITE_INDEX_CONSTRAINT_EQ)
				eq = i;
			else if (c->op == SQLITE_INDEX_CONSTRAINT_GE ||
			         c->op == SQLITE_INDEX_CONSTRAINT_GT)
				lo = i;
			else if (c->op == SQLITE_INDEX_CONSTRAINT_LE ||
			         c->op == SQLITE_INDEX_CONSTRAINT_LT)
				hi = i;
		} else if (c->iColumn == C_SOURCE_ID && c->op == SQLITE_INDEX_CONSTRAINT_EQ) {
			src = i;
		}
	}
	int texts = ix->colUsed & ((sqlite3_uint64)1 << C_FAULT_CODE |
	                           (sqlite3_uint64)1 << C_PARAMETER | (sqlite3_uint64)1 << C_PREFIX)
	                ? NEED_TEXT
	                : 0;
	if (eq >= 0) {
		ix->aConstraintUsage[eq].argvIndex = 1;
		ix->idxNum = PLAN_ROWID | HAS_EQ | texts;
		ix->estimatedCost = 20;
		ix->estimatedRows = 1;
		ix->idxFlags = SQLITE_INDEX_SCAN_UNIQUE;
		return SQLITE_OK;
	}
	if (notes)
		return plan_notes(ix);
	int arg = 0, flags = 0;
	if (src >= 0)
		ix->aConstraintUsage[src].argvIndex = ++arg;
	if (lo >= 0) {
		ix->aConstraintUsage[lo].argvIndex = ++arg;
		flags |= HAS_LO;
	}
	if (hi >= 0) {
		ix->aConstraintUsage[hi].argvIndex = ++arg;
		flags |= HAS_HI;
	}
	flags |= texts;
	if (src >= 0) {
		ix->idxNum = PLAN_SOURCE | flags;
		ix->estimatedCost = 5000;
		ix->estimatedRows = 5000;
	} else if (flags & (HAS_LO | HAS_HI)) {
		ix->idxNum = PLAN_ROWID | flags;
		bool both = (flags & (HAS_LO | HAS_HI)) == (HAS_LO | HAS_HI);
		ix->estimatedCost = both ? 2000 : 500000;
		ix->estimatedRows = both ? 2000 : 500000;
	} else {
		ix->idxNum = PLAN_SCAN | texts;
		ix->estimatedCost = 1e7;
		ix->estimatedRows = 1000000;
	}
	return SQLITE_OK;
}

/* ---- cursors ---- */

static int ev_open(sqlite3_vtab *base, sqlite3_vtab_cursor **out)
{
	ev_cursor *c = sqlite3_malloc(sizeof *c);
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof *c);
	c->st_plan = -1;
	(void)base;
	*out = &c->base;
	return SQLITE_OK;
}

static int ev_close(sqlite3_vtab_cursor *cur)
{
	ev_cursor *c = (ev_cursor *)cur;
	sqlite3_finalize(c->st);
	sqlite3_free(c->st_sql);
	wl_block_dec_free(&c->dec);
	sqlite3_free(c);
	return SQLITE_OK;
}

static sqlite3 *cursor_db(ev_cursor *c)
{
	return ((ev_vtab *)c->base.pVtab)->db;
}

static int db_error(ev_cursor *c)
{
	return set_error(c->base.pVtab, "events: %s", sqlite3_errmsg(cursor_db(c)));
}

/* Decode the block the statement is on, up to id upto, with its texts if
 * texts. */
static int decode_block(ev_cursor *c, int64_t upto, bool texts)
{
	int64_t id = sqlite3_column_int64(c->st, 0);
	c->dec_block = 0;
	char err[256];
	wl_status st =
	    wl_block_decode(&c->dec, sqlite3_column_blob(c->st, 1),
	                    (size_t)sqlite3_column_bytes(c->st, 1), upto, texts, err, sizeof err);
	if (st == WL_E_NOMEM)
		return SQLITE_NOMEM;
	if (st != WL_OK) {
		char *m = sqlite3_mprintf("%s (event_blocks row %lld)", err, (long long)id);
		int rc = set_error(c->base.pVtab, "%s", m);
		sqlite3_free(m);
		return rc == SQLITE_ERROR ? SQLITE_CORRUPT : rc;
	}
	c->dec_block = id;
	return SQLITE_OK;
}

/* Decode the block the statement is on (unless it is decoded already). */
static int load_block(ev_cursor *c)
{
	int64_t id = sqlite3_column_int64(c->st, 0);
	c->i = 0;
	if (id == c->dec_block && id != 0 && c->hi <= c->dec.upto && (c->dec.texts || !c->texts))
		return SQLITE_OK;
	/* The first time only up to the ids wanted; a block asked for again
	 * (the next values of an IN list come in order) whole, once. */
	return decode_block(c, id == c->dec_block ? INT64_MAX : c->hi, c->texts);
}

static bool wanted(const ev_cursor *c, const wl_bevent *e)
{
	return e->id >= c->lo && e->id <= c->hi && (c->src == 0 || e->source == c->src);
}

/* Move to the next wanted row from the current position (c->i included). */
static int seek(ev_cursor *c)
{
	for (;;) {
		while (c->dec_block && c->i < c->dec.n) {
			if (wanted(c, &c->dec.rows[c->i]))
				return SQLITE_OK;
			c->i++;
		}
		int rc = sqlite3_step(c->st);
		if (rc == SQLITE_DONE) {
			c->eof = true;
			return SQLITE_OK;
		}
		if (rc != SQLITE_ROW)
			return db_error(c);
		if ((rc = load_block(c)) != SQLITE_OK)
			return rc;
	}
}

static int ev_next(sqlite3_vtab_cursor *cur);

static int ev_filter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr, int argc,
                     sqlite3_value **argv)
{
	ev_cursor *c = (ev_cursor *)cur;
	sqlite3 *db = cursor_db(c);
	c->eof = false;
	c->plan = idxNum & 0xf;
	c->texts = (idxNum & NEED_TEXT) != 0;
	c->lo = INT64_MIN;
	c->hi = INT64_MAX;
	c->src = 0;
	const char *sql = NULL;
	switch (c->plan) {
	case PLAN_NOTES:
		sql = idxStr;
		break;
	case PLAN_SCAN:
		sql = "SELECT block_id, data FROM event_blocks ORDER BY block_id";
		break;
	case PLAN_ROWID:
		sql = "SELECT block_id, data FROM event_blocks WHERE chunk BETWEEN ?1 AND ?2"
		      " AND first_event <= ?4 AND last_event >= ?3 ORDER BY chunk, block_id";
		break;
	case PLAN_SOURCE:
		sql = "SELECT block_id, data FROM event_blocks WHERE source_id = ?5"
		      " AND first_event <= ?4 AND last_event >= ?3 ORDER BY block_id";
		break;
	default:
		return set_error(cur->pVtab, "events: bad plan%s", "");
	}
	/* An IN list or a join calls us once per value: the statement of the
	 * previous call is reset, not prepared again (that was a tenth of a
	 * windowed report's time). */
	bool same = c->st && c->st_plan == (idxNum & 0xf) &&
	            (c->plan != PLAN_NOTES || (c->st_sql && strcmp(c->st_sql, sql) == 0));
	if (same) {
		sqlite3_reset(c->st);
		sqlite3_clear_bindings(c->st);
	} else {
		sqlite3_finalize(c->st);
		sqlite3_free(c->st_sql);
		c->st = NULL;
		c->st_sql = NULL;
		c->st_plan = -1;
		if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &c->st, NULL) !=
		    SQLITE_OK)
			return db_error(c);
		c->st_plan = idxNum & 0xf;
		if (c->plan == PLAN_NOTES && !(c->st_sql = sqlite3_mprintf("%s", sql)))
			return SQLITE_NOMEM;
	}
	if (c->plan == PLAN_NOTES) {
		for (int i = 0; i < argc; i++)
			sqlite3_bind_value(c->st, i + 1, argv[i]);
		return ev_next(cur);
	}
	int a = 0;
	if (c->plan == PLAN_SOURCE) {
		if (sqlite3_value_numeric_type(argv[a]) != SQLITE_INTEGER) {
			c->eof = true; /* source_id = 'x' or NULL matches nothing */
			return SQLITE_OK;
		}
		c->src = sqlite3_value_int64(argv[a++]);
	}
	/* Bounds: a non-integer bound is widened to the next integer, which SQLite
	 * then checks exactly. */
	if (idxNum & HAS_EQ) {
		if (sqlite3_value_numeric_type(argv[a]) == SQLITE_NULL) {
			c->eof = true;
			return SQLITE_OK;
		}
		double d = sqlite3_value_double(argv[a]);
		int64_t v = sqlite3_value_int64(argv[a]);
		if ((double)v != d) {
			c->eof = true;
			return SQLITE_OK;
		}
		c->lo = c->hi = v;
		a++;
	}
	if (idxNum & HAS_LO) {
		if (sqlite3_value_type(argv[a]) == SQLITE_NULL) {
			c->eof = true;
			return SQLITE_OK;
		}
		double d = sqlite3_value_double(argv[a]);
		c->lo = d <= -9.2e18 ? INT64_MIN : d >= 9.2e18 ? INT64_MAX : (int64_t)d - 1;
		a++;
	}
	if (idxNum & HAS_HI) {
		if (sqlite3_value_type(argv[a]) == SQLITE_NULL) {
			c->eof = true;
			return SQLITE_OK;
		}
		double d = sqlite3_value_double(argv[a]);
		c->hi = d <= -9.2e18 ? INT64_MIN : d >= 9.2e18 ? INT64_MAX : (int64_t)d + 1;
		a++;
	}
	if (c->lo > c->hi) {
		c->eof = true;
		return SQLITE_OK;
	}
	sqlite3_bind_int64(c->st, 1, c->lo >> WL_BLOCK_SHIFT);
	sqlite3_bind_int64(c->st, 2, c->hi >> WL_BLOCK_SHIFT);
	sqlite3_bind_int64(c->st, 3, c->lo);
	sqlite3_bind_int64(c->st, 4, c->hi);
	sqlite3_bind_int64(c->st, 5, c->src);
	/* The block decoded for the previous value of an IN list may hold this
	 * one too. */
	if (c->dec_block && c->hi <= c->dec.upto) {
		for (c->i = 0; c->i < c->dec.n; c->i++)
			if (wanted(c, &c->dec.rows[c->i]))
				return SQLITE_OK;
	}
	c->i = c->dec.n; /* the statement's blocks next (the decoded one may be among them) */
	return seek(c);
}

static int ev_next(sqlite3_vtab_cursor *cur)
{
	ev_cursor *c = (ev_cursor *)cur;
	if (c->plan == PLAN_NOTES) {
		int rc = sqlite3_step(c->st);
		if (rc == SQLITE_DONE)
			c->eof = true;
		else if (rc != SQLITE_ROW)
			return db_error(c);
		return SQLITE_OK;
	}
	c->i++;
	if (c->lo == c->hi && c->dec_block) {
		/* One id: found at most once. */
		c->eof = true;
		return SQLITE_OK;
	}
	return seek(c);
}

static int ev_eof(sqlite3_vtab_cursor *cur)
{
	return ((ev_cursor *)cur)->eof;
}

static void result_text(sqlite3_context *ctx, wl_btext t)
{
	if (t.n < 0)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_text(ctx, t.p, t.n, SQLITE_TRANSIENT);
}

static void result_id(sqlite3_context *ctx, int64_t id)
{
	if (id)
		sqlite3_result_int64(ctx, id);
	else
		sqlite3_result_null(ctx);
}

static int ev_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	ev_cursor *c = (ev_cursor *)cur;
	if (c->plan == PLAN_NOTES) {
		sqlite3_result_value(ctx, sqlite3_column_value(c->st, col));
		return SQLITE_OK;
	}
	if (!c->dec.texts && (col == C_FAULT_CODE || col == C_PARAMETER || col == C_PREFIX)) {
		/* A text the plan did not say it reads: the block again, with
		 * its texts (the same rows, in the same order). */
		int rc = decode_block(c, c->dec.upto, true);
		if (rc != SQLITE_OK)
			return rc;
	}
	const wl_bevent *e = &c->dec.rows[c->i];
	switch (col) {
	case C_EVENT_ID:
		sqlite3_result_int64(ctx, e->id);
		break;
	case C_SOURCE_ID:
		sqlite3_result_int64(ctx, e->source);
		break;
	case C_LINE:
		sqlite3_result_int64(ctx, e->line);
		break;
	case C_TS:
		if (e->has_ts)
			sqlite3_result_int64(ctx, e->ts);
		else
			sqlite3_result_null(ctx);
		break;
	case C_ROLE:
		sqlite3_result_int64(ctx, e->role);
		break;
	case C_KIND:
		sqlite3_result_int64(ctx, e->kind);
		break;
	case C_HOST_ID:
		result_id(ctx, e->host);
		break;
	case C_SERVER_ID:
		result_id(ctx, e->server);
		break;
	case C_CLIENT_GUID_ID:
		result_id(ctx, e->client);
		break;
	case C_COMPONENT_ID:
		result_id(ctx, e->comp);
		break;
	case C_HRESULT:
		if (e->has_hr)
			sqlite3_result_int64(ctx, e->hresult);
		else
			sqlite3_result_null(ctx);
		break;
	case C_FAULT_CODE:
		result_text(ctx, e->fault_code);
		break;
	case C_PARAMETER:
		result_text(ctx, e->parameter);
		break;
	case C_FAULT_GUID_ID:
		result_id(ctx, e->fault);
		break;
	case C_PREFIX:
		result_text(ctx, e->prefix);
		break;
	case C_MESSAGE_ID:
		result_id(ctx, e->msg);
		break;
	default:
		sqlite3_result_null(ctx);
	}
	return SQLITE_OK;
}

static int ev_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *out)
{
	ev_cursor *c = (ev_cursor *)cur;
	*out = c->plan == PLAN_NOTES ? sqlite3_column_int64(c->st, 0) : c->dec.rows[c->i].id;
	return SQLITE_OK;
}

/* ---- writing through SQL ---- */

/* Run sql (its ?1, if it has one, is a) to its end; *out: the first row's first
 * column. */
static int exec_bound(ev_vtab *v, const char *sql, int64_t a, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(v->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		if (sqlite3_bind_parameter_count(st) > 0)
			sqlite3_bind_int64(st, 1, a);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW && out)
			*out = sqlite3_column_int64(st, 0);
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	if (rc != SQLITE_OK)
		set_error(&v->base, "events: %s", sqlite3_errmsg(v->db));
	sqlite3_finalize(st);
	return rc;
}

/* Write rows as one new block (a chunk may hold several). */
static int put_block(ev_vtab *v, const wl_bevent *rows, size_t n)
{
	if (n == 0)
		return SQLITE_OK;
	wl_block_enc b = {0};
	const void *data = NULL;
	size_t size = 0;
	wl_status st = WL_OK;
	for (size_t i = 0; i < n && st == WL_OK; i++)
		st = wl_block_add(&b, &rows[i]);
	int64_t first = b.first, last = b.last, source = b.source;
	if (st == WL_OK)
		st = wl_block_seal(&b, &data, &size);
	int rc = st == WL_OK ? SQLITE_OK : st == WL_E_NOMEM ? SQLITE_NOMEM : SQLITE_TOOBIG;
	sqlite3_stmt *ins = NULL;
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(v->db,
		                        "INSERT INTO event_blocks(chunk, source_id, n, first_event,"
		                        " last_event, data) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
		                        -1, &ins, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(ins, 1, first >> WL_BLOCK_SHIFT);
		sqlite3_bind_int64(ins, 2, source);
		sqlite3_bind_int64(ins, 3, (int64_t)n);
		sqlite3_bind_int64(ins, 4, first);
		sqlite3_bind_int64(ins, 5, last);
		sqlite3_bind_blob(ins, 6, data, (int)size, SQLITE_STATIC);
		rc = sqlite3_step(ins) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
		if (rc != SQLITE_OK)
			set_error(&v->base, "events: %s", sqlite3_errmsg(v->db));
	} else if (rc == SQLITE_TOOBIG) {
		set_error(&v->base, "events: a text is longer than %s bytes", "65536");
		rc = SQLITE_TOOBIG;
	}
	sqlite3_finalize(ins);
	wl_block_enc_free(&b);
	return rc;
}

/* Find event id's block: its block_id in *block and its rows decoded in
 * dec (at index *at), or *block 0 when there is none. */
static int find_event(ev_vtab *v, int64_t id, wl_block_dec *dec, int64_t *block, size_t *at)
{
	*block = 0;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(v->db,
	                            "SELECT block_id, data FROM event_blocks WHERE chunk = ?1"
	                            " AND first_event <= ?2 AND last_event >= ?2",
	                            -1, &st, NULL);
	if (rc != SQLITE_OK)
		return set_error(&v->base, "events: %s", sqlite3_errmsg(v->db));
	sqlite3_bind_int64(st, 1, id >> WL_BLOCK_SHIFT);
	sqlite3_bind_int64(st, 2, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char err[200];
		wl_status s = wl_block_decode(dec, sqlite3_column_blob(st, 1),
		                              (size_t)sqlite3_column_bytes(st, 1), INT64_MAX, true,
		                              err, sizeof err);
		if (s != WL_OK) {
			sqlite3_finalize(st);
			if (s == WL_E_NOMEM)
				return SQLITE_NOMEM;
			set_error(&v->base, "events: %s", err);
			return SQLITE_CORRUPT;
		}
		for (size_t i = 0; i < dec->n; i++)
			if (dec->rows[i].id == id) {
				*block = sqlite3_column_int64(st, 0);
				*at = i;
				sqlite3_finalize(st);
				return SQLITE_OK;
			}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return set_error(&v->base, "events: %s", sqlite3_errmsg(v->db));
	return SQLITE_OK;
}

/* Remove event id (which is in block, at index at of dec). */
static int remove_event(ev_vtab *v, int64_t id, wl_block_dec *dec, int64_t block, size_t at)
{
	int rc = exec_bound(v, "DELETE FROM event_blocks WHERE block_id = ?1", block, NULL);
	if (rc == SQLITE_OK) {
		memmove(&dec->rows[at], &dec->rows[at + 1],
		        (dec->n - at - 1) * sizeof dec->rows[0]);
		rc = put_block(v, dec->rows, dec->n - 1);
	}
	if (rc == SQLITE_OK)
		rc = exec_bound(v, "DELETE FROM event_notes WHERE event_id = ?1", id, NULL);
	return rc;
}

static int put_note(ev_vtab *v, const wl_bevent *e)
{
	if (!wl_bevent_notable(e))
		return SQLITE_OK;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(v->db,
	                            "INSERT INTO event_notes(" NOTES_COLS ") VALUES(?1, ?2, ?3,"
	                            " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
	                            -1, &st, NULL);
	if (rc == SQLITE_OK) {
		const int64_t ints[] = {e->id, e->source, e->line};
		for (int i = 0; i < 3; i++)
			sqlite3_bind_int64(st, i + 1, ints[i]);
		if (e->has_ts)
			sqlite3_bind_int64(st, 4, e->ts);
		sqlite3_bind_int64(st, 5, e->role);
		sqlite3_bind_int64(st, 6, e->kind);
		const int64_t ids[] = {e->host, e->server, e->client, e->comp};
		for (int i = 0; i < 4; i++)
			if (ids[i])
				sqlite3_bind_int64(st, 7 + i, ids[i]);
		if (e->has_hr)
			sqlite3_bind_int64(st, 11, e->hresult);
		if (e->fault_code.n >= 0)
			sqlite3_bind_text(st, 12, e->fault_code.p, e->fault_code.n, SQLITE_STATIC);
		if (e->parameter.n >= 0)
			sqlite3_bind_text(st, 13, e->parameter.p, e->parameter.n, SQLITE_STATIC);
		if (e->fault)
			sqlite3_bind_int64(st, 14, e->fault);
		sqlite3_bind_text(st, 15, e->prefix.p, e->prefix.n, SQLITE_STATIC);
		if (e->msg)
			sqlite3_bind_int64(st, 16, e->msg);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
	}
	if (rc != SQLITE_OK)
		set_error(&v->base, "events: %s", sqlite3_errmsg(v->db));
	sqlite3_finalize(st);
	return rc;
}

/* An integer column's value: NULL (false), an integer, or a real with an
 * integer value; anything else is refused. */
static int int_value(ev_vtab *v, sqlite3_value *x, int col, int64_t *out, bool *has)
{
	*has = false;
	*out = 0;
	int t = sqlite3_value_numeric_type(x);
	if (t == SQLITE_NULL)
		return SQLITE_OK;
	if (t == SQLITE_FLOAT) {
		/* In range before the cast: converting a larger double is undefined. */
		double d = sqlite3_value_double(x);
		if (!(d > -9.2e18 && d < 9.2e18) || d != (double)(int64_t)d)
			t = SQLITE_TEXT;
	}
	if (t != SQLITE_INTEGER && t != SQLITE_FLOAT) {
		set_error(&v->base, "events.%s must be an integer", col_names[col]);
		return SQLITE_MISMATCH;
	}
	*out = sqlite3_value_int64(x);
	*has = true;
	return SQLITE_OK;
}

static wl_btext text_value(sqlite3_value *x)
{
	if (sqlite3_value_type(x) == SQLITE_NULL)
		return (wl_btext){"", -1};
	const char *p = (const char *)sqlite3_value_text(x);
	return (wl_btext){p ? p : "", p ? sqlite3_value_bytes(x) : 0};
}

/* argv[0..C_COUNT_) as an event with id `id`. */
static int event_from(ev_vtab *v, sqlite3_value **col, int64_t id, wl_bevent *e)
{
	memset(e, 0, sizeof *e);
	e->id = id;
	static const int must[] = {C_SOURCE_ID, C_LINE, C_ROLE, C_KIND};
	int64_t *const ints[C_COUNT_] = {[C_SOURCE_ID] = &e->source,
	                                 [C_LINE] = &e->line,
	                                 [C_TS] = &e->ts,
	                                 [C_ROLE] = &e->role,
	                                 [C_KIND] = &e->kind,
	                                 [C_HOST_ID] = &e->host,
	                                 [C_SERVER_ID] = &e->server,
	                                 [C_CLIENT_GUID_ID] = &e->client,
	                                 [C_COMPONENT_ID] = &e->comp,
	                                 [C_HRESULT] = &e->hresult,
	                                 [C_FAULT_GUID_ID] = &e->fault,
	                                 [C_MESSAGE_ID] = &e->msg};
	for (int k = 0; k < C_COUNT_; k++) {
		if (!ints[k])
			continue;
		bool has;
		int rc = int_value(v, col[k], k, ints[k], &has);
		if (rc != SQLITE_OK)
			return rc;
		if (k == C_TS)
			e->has_ts = has;
		if (k == C_HRESULT)
			e->has_hr = has;
		if (has && *ints[k] == 0 && k >= C_HOST_ID && k != C_HRESULT)
			return set_error(&v->base, "events.%s: ids start at 1", col_names[k]);
	}
	for (size_t k = 0; k < sizeof must / sizeof must[0]; k++)
		if (sqlite3_value_type(col[must[k]]) == SQLITE_NULL) {
			set_error(&v->base, "NOT NULL constraint failed: events.%s",
			          col_names[must[k]]);
			return SQLITE_CONSTRAINT;
		}
	e->fault_code = text_value(col[C_FAULT_CODE]);
	e->parameter = text_value(col[C_PARAMETER]);
	e->prefix = text_value(col[C_PREFIX]);
	if (e->prefix.n < 0)
		e->prefix = (wl_btext){"", 0};
	return SQLITE_OK;
}

static int next_id(ev_vtab *v, int64_t *id)
{
	int64_t max = 0;
	int rc = exec_bound(v,
	                    "SELECT coalesce(max(last_event), 0) FROM event_blocks"
	                    " WHERE chunk = (SELECT max(chunk) FROM event_blocks)",
	                    0, &max);
	*id = max + 1;
	return rc;
}

static int ev_update(sqlite3_vtab *base, int argc, sqlite3_value **argv, sqlite3_int64 *rowid)
{
	ev_vtab *v = (ev_vtab *)base;
	wl_block_dec dec = {0};
	int64_t block = 0;
	size_t at = 0;
	int rc = SQLITE_OK;
	bool insert = sqlite3_value_type(argv[0]) == SQLITE_NULL;
	if (!insert) {
		/* DELETE, or the first half of an UPDATE. */
		int64_t old = sqlite3_value_int64(argv[0]);
		rc = find_event(v, old, &dec, &block, &at);
		if (rc == SQLITE_OK && block)
			rc = remove_event(v, old, &dec, block, at);
	}
	if (rc == SQLITE_OK && argc > 1) {
		/* The new row's id: the rowid, else the event_id column, else the
		 * next after the largest. */
		sqlite3_value *idv =
		    sqlite3_value_type(argv[1]) != SQLITE_NULL ? argv[1] : argv[2 + C_EVENT_ID];
		int64_t id = 0;
		bool has = false;
		rc = int_value(v, idv, C_EVENT_ID, &id, &has);
		if (rc == SQLITE_OK && !has)
			rc = next_id(v, &id);
		int64_t other = 0;
		if (rc == SQLITE_OK && has) {
			rc = find_event(v, id, &dec, &other, &at);
			if (rc == SQLITE_OK && other) {
				set_error(base, "UNIQUE constraint failed: events.%s", "event_id");
				rc = SQLITE_CONSTRAINT;
			}
		}
		wl_bevent e;
		if (rc == SQLITE_OK)
			rc = event_from(v, argv + 2, id, &e);
		if (rc == SQLITE_OK)
			rc = put_block(v, &e, 1);
		if (rc == SQLITE_OK)
			rc = put_note(v, &e);
		if (rc == SQLITE_OK)
			*rowid = id;
	}
	wl_block_dec_free(&dec);
	return rc;
}

static const sqlite3_module events_module = {
    .iVersion = 1,
    .xCreate = ev_connect,
    .xConnect = ev_connect,
    .xBestIndex = ev_best_index,
    .xDisconnect = ev_disconnect,
    .xDestroy = ev_disconnect,
    .xOpen = ev_open,
    .xClose = ev_close,
    .xFilter = ev_filter,
    .xNext = ev_next,
    .xEof = ev_eof,
    .xColumn = ev_column,
    .xRowid = ev_rowid,
    .xUpdate = ev_update,
};

int wl_events_vtab_register(sqlite3 *db)
{
	return sqlite3_create_module_v2(db, "wl_events", &events_module, NULL, NULL);
}

int wl_events_vtab_entry(sqlite3 *db, char **err, const void *api)
{
	(void)api;
	int rc = wl_events_vtab_register(db);
	if (rc != SQLITE_OK && err)
		*err = sqlite3_mprintf("wsuslog: %s", sqlite3_errmsg(db));
	return rc;
}
