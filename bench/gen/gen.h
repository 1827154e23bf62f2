/* wsuslog-gen internals: the site model (servers, clients, faults), the
 * deterministic PRNG, the line-template engine and the output layer. Only the
 * generator's own .c files include this; nothing here is wsuslog API. */
#ifndef WL_GEN_H
#define WL_GEN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Time is kept in ticks of 100 ns since 1970-01-01 UTC: the resolution of the
 * 7-digit ETW timestamps, so every rendered time is exact. */
#define WL_GEN_TICKS_MS 10000LL
#define WL_GEN_TICKS_SEC 10000000LL
#define WL_GEN_TICKS_MIN (60LL * WL_GEN_TICKS_SEC)
#define WL_GEN_TICKS_HOUR (3600LL * WL_GEN_TICKS_SEC)
#define WL_GEN_TICKS_DAY (86400LL * WL_GEN_TICKS_SEC)

/* Longest line a renderer may write. The longest template (an ETW criteria
 * line with eleven GUIDs) renders to about 1.1 KiB. */
#define WL_GEN_LINE_MAX 4096u

/* Render buffer per open output: big enough to amortise write/compress calls,
 * small enough that one per worker thread is nothing. */
#define WL_GEN_BUF_SIZE (1u << 20)

/* A file rendered for a .tar.zst member is first tried in memory (tar needs
 * the size before the data); bigger files are rendered twice, once to count. */
#define WL_GEN_MEM_FILE_MAX (8u << 20)

#define WL_GEN_NONE UINT32_MAX

/* ---- PRNG: xoshiro256** seeded through splitmix64 ---------------------- */

typedef struct wl_gen_rng {
	uint64_t s[4];
} wl_gen_rng;

uint64_t wl_gen_mix(uint64_t x);
/* One independent stream per (seed, a, b, c). */
void wl_gen_rng_seed(wl_gen_rng *r, uint64_t seed, uint64_t a, uint64_t b, uint64_t c);

static inline uint64_t wl_gen_next(wl_gen_rng *r)
{
	uint64_t *s = r->s;
	uint64_t x = s[1] * 5;
	uint64_t res = ((x << 7) | (x >> 57)) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = (s[3] << 45) | (s[3] >> 19);
	return res;
}

/* Uniform in [0, n), n < 2^32 (multiply-shift, bias below 2^-32). */
static inline uint32_t wl_gen_below(wl_gen_rng *r, uint32_t n)
{
	return (uint32_t)(((wl_gen_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]. */
static inline int64_t wl_gen_range(wl_gen_rng *r, int64_t lo, int64_t hi)
{
	uint64_t span = (uint64_t)(hi - lo) + 1;
	return lo + (int64_t)(wl_gen_next(r) % span);
}

/* True with probability per_mille / 1000. */
static inline int wl_gen_pm(wl_gen_rng *r, uint32_t per_mille)
{
	return wl_gen_below(r, 1000) < per_mille;
}

static inline double wl_gen_unit(wl_gen_rng *r)
{
	return (double)(wl_gen_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* ---- formatting helpers (fmt.c) ---------------------------------------- */

char *wl_gen_put_u(char *p, uint64_t v);
/* Right-aligned in `width`, padded with spaces. */
char *wl_gen_put_u_right(char *p, uint64_t v, unsigned width);
/* Left-aligned in `width` (wider when longer), padded with spaces. */
char *wl_gen_put_u_left(char *p, uint64_t v, unsigned width);
char *wl_gen_put_2d(char *p, unsigned v);
char *wl_gen_put_3d(char *p, unsigned v);
char *wl_gen_put_hex8(char *p, uint32_t v, int upper);
/* Lower-case hex, no leading zeros, right-aligned in width. */
char *wl_gen_put_hex_right(char *p, uint32_t v, unsigned width);
/* 36 characters, 8-4-4-4-12. */
char *wl_gen_put_guid(char *p, const uint8_t g[16], int upper);
char *wl_gen_put_str(char *p, const char *s);
static inline char *wl_gen_put_mem(char *p, const void *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}
/* "YYYY<sep>MM<sep>DD" (10 bytes). */
char *wl_gen_put_date(char *p, int64_t days, char sep);
/* "+0530" style offset. */
char *wl_gen_put_tz(char *p, int tz_min);
/* ISO time with microseconds: 2026-03-01T10:00:00.123456Z. */
char *wl_gen_put_iso_us(char *p, int64_t ticks);
char *wl_gen_put_iso_s(char *p, int64_t ticks);
void wl_gen_guid_new(wl_gen_rng *r, uint8_t g[16]);

/* ---- line templates (tpl.c) --------------------------------------------
 * A template is one or more lines separated by '\n'. Each line is
 *   [flags] field ['|' field ...]
 * flags: '=' same time as the previous line, '^' long pause before it,
 *        '@' at the anchor instant (the fault), '#' carries the fault GUID
 *        (a truth record), '*' written by the second process (pid2),
 *        '>' a raw continuation line without header (server stack traces),
 *        '<' stamped a little earlier than the line before (another process
 *        appending late: classic logs are not strictly in time order).
 * Inside fields, '$x' is a slot: lower-case letters and digits are computed
 * (see tpl.c), upper-case letters are string variables of the context. */

typedef struct wl_gen_seg {
	const char *lit;
	uint16_t len;
	char slot; /* 0: literal only */
} wl_gen_seg;

#define WL_GEN_TPL_FIELDS 4

enum {
	WL_GEN_LF_SAME = 1,
	WL_GEN_LF_PAUSE = 2,
	WL_GEN_LF_ANCHOR = 4,
	WL_GEN_LF_MARK = 8,
	WL_GEN_LF_PID2 = 16,
	WL_GEN_LF_RAW = 32,
	WL_GEN_LF_ERROR = 64, /* computed: *FAILED*, WARNING:, FATAL:, Error */
	WL_GEN_LF_BACK = 128,
};

typedef struct wl_gen_tline {
	uint8_t flags;
	uint8_t nfield;
	uint16_t field[WL_GEN_TPL_FIELDS]; /* index of first seg */
	uint16_t nseg[WL_GEN_TPL_FIELDS];
	uint16_t len0;  /* length of field 0 when literal (component) */
	uint16_t shape; /* registry id (wl_gen_shape_text) */
} wl_gen_tline;

typedef struct wl_gen_tpl {
	const wl_gen_seg *seg;
	const wl_gen_tline *line;
	unsigned nline;
	unsigned approx_bytes; /* rough rendered size, for pacing */
} wl_gen_tpl;

typedef struct wl_gen_span {
	const char *p;
	size_t n;
} wl_gen_span;

/* Per-render state that slots read and update. */
typedef struct wl_gen_tctx {
	wl_gen_rng *rng;
	wl_gen_span var[26];
	uint8_t gv[4][16];
	unsigned gv_valid;
	/* Update IDs recur in real logs: most $0..$7 come from this pool. */
	const uint8_t (*pool)[16];
	unsigned npool;
	uint32_t ops[16];
	unsigned nops;
	uint32_t op_next;
	uint32_t call_id;
	uint32_t thr;  /* $w: thread number, per burst */
	uint32_t bnum; /* $a: a number repeated within a burst */
	uint32_t hr;
	int tz_min;
	int64_t now; /* time of the line being written, ticks UTC */
} wl_gen_tctx;

/* Compiles a static template; aborts on a malformed template (a bug). The
 * text must outlive the result (templates are string literals). */
wl_gen_tpl wl_gen_tpl_compile(const char *text, unsigned max_fields);
/* Writes field f of line l; returns the end. Never writes more than the
 * template's literal text plus WL_GEN_LINE_MAX/2. */
char *wl_gen_tpl_field(wl_gen_tctx *c, char *p, const wl_gen_tpl *t, const wl_gen_tline *l,
                       unsigned f);
/* The template line of a shape id as written in the source ("Comp|text $h");
 * returns its length. */
size_t wl_gen_shape_text(unsigned id, char *buf, size_t cap);

/* ---- error events (events.c): the grammar of docs/EVENTS.md ------------ */

/* Kind of the client line whose message (the text after the component) is
 * m: 1 *FAILED*, 2 WARNING:, 3 FATAL:, 9 another line stating an error with
 * a failure code; 0 when it is none of these. *code gets the event's code. */
int wl_gen_event_kind(const char *m, size_t n, uint32_t *code);

typedef struct wl_gen_ev {
	uint32_t line; /* 1-based in the file */
	uint32_t code;
	uint16_t shape;
	uint8_t kind;
} wl_gen_ev;

/* The error events of one client log, in line order. */
typedef struct wl_gen_evlist {
	wl_gen_ev *v;
	size_t n, cap;
	int oom;
} wl_gen_evlist;

static inline void wl_gen_tctx_set(wl_gen_tctx *c, char var, const char *p, size_t n)
{
	c->var[var - 'A'].p = p;
	c->var[var - 'A'].n = n;
}

/* ---- output (out.c) ---------------------------------------------------- */

typedef enum wl_gen_mode {
	WL_GEN_MODE_TREE = 1,
	WL_GEN_MODE_TAR = 2,
	WL_GEN_MODE_ZDIR = 3,
	WL_GEN_MODE_BIG = 4,
} wl_gen_mode;

typedef enum wl_gen_enc {
	WL_GEN_ENC_PLAIN = 0,
	WL_GEN_ENC_BOM = 1,   /* UTF-8 with BOM */
	WL_GEN_ENC_UTF16 = 2, /* UTF-16LE with BOM */
} wl_gen_enc;

typedef struct wl_gen_dest wl_gen_dest;

typedef enum wl_gen_fkind {
	WL_GEN_F_COUNT = 0, /* count encoded bytes only */
	WL_GEN_F_FD,        /* plain file */
	WL_GEN_F_ZST,       /* one zstd stream per file */
	WL_GEN_F_TAR,       /* member of the shared archive */
	WL_GEN_F_MEM,       /* memory, up to WL_GEN_MEM_FILE_MAX */
	WL_GEN_F_BIG,       /* multi-frame zstd */
} wl_gen_fkind;

/* One output file being written. */
typedef struct wl_gen_file {
	wl_gen_fkind kind;
	wl_gen_enc enc;
	wl_gen_dest *dest;
	int fd;
	void *cctx; /* ZSTD_CCtx*, borrowed from the worker */
	char *zbuf;
	size_t zcap;
	char *mem;
	size_t mem_len, mem_cap;
	int too_big;
	int failed;        /* a write failed (reported once); later writes are no-ops */
	uint64_t frame_in; /* WL_GEN_F_BIG: input bytes in the current frame */
	uint64_t bytes;    /* encoded bytes written, BOM included */
	uint64_t declared; /* WL_GEN_F_TAR: the size in the member header */
	uint64_t lines, err_lines;
	char path[4400]; /* the member or file name, for messages */
} wl_gen_file;

/* The render buffer: renderers write whole lines into it; it flushes to the
 * current file (or discards when file is NULL: a lost rollover segment). */
typedef struct wl_gen_out {
	char *buf;
	size_t len;
	wl_gen_file *file;
	uint64_t lines, err_lines; /* of the current file */
	int err;                   /* sticky I/O error */
} wl_gen_out;

int wl_gen_out_init(wl_gen_out *o);
void wl_gen_out_free(wl_gen_out *o);
int wl_gen_out_flush(wl_gen_out *o);
/* Attach a file (after flushing the previous one); NULL discards. */
int wl_gen_out_switch(wl_gen_out *o, wl_gen_file *f);

static inline char *wl_gen_out_line(wl_gen_out *o)
{
	return o->buf + o->len;
}
static inline void wl_gen_out_commit(wl_gen_out *o, char *end, int is_err)
{
	o->len = (size_t)(end - o->buf);
	o->lines++;
	o->err_lines += (uint64_t)(is_err != 0);
	if (o->len > WL_GEN_BUF_SIZE - WL_GEN_LINE_MAX)
		wl_gen_out_flush(o);
}

struct wl_gen_dest {
	wl_gen_mode mode;
	char root[4096];
	int level;
	unsigned workers; /* zstd worker threads for the single-stream modes */
	uint64_t frame_bytes;
	void *archive; /* struct archive* */
	int64_t mtime;
	/* files written (final, not counting passes) */
	uint64_t files, bytes, log_bytes;
};

/* workers: zstd threads for --tar-zst and --big-log (at least one, so the
 * bytes do not depend on the count: zstd's multi-threaded output is the same
 * for any number of workers). */
int wl_gen_dest_open(wl_gen_dest *d, wl_gen_mode mode, const char *target, int level,
                     unsigned workers, uint64_t frame_bytes, int64_t mtime);
int wl_gen_dest_close(wl_gen_dest *d);

/* Opens path (relative, '/'-separated) for writing in the destination's
 * mode, or a counting file when kind is WL_GEN_F_COUNT / WL_GEN_F_MEM.
 * size is the exact encoded size for tar members (ignored otherwise). The
 * BOM, if any, is written here. cctx/zbuf belong to the calling worker. */
int wl_gen_file_open(wl_gen_file *f, wl_gen_dest *d, wl_gen_fkind kind, const char *path,
                     wl_gen_enc enc, uint64_t size, void *cctx);
int wl_gen_file_write(wl_gen_file *f, const char *p, size_t n);
/* Finishes the file; for WL_GEN_F_MEM nothing is written anywhere. */
int wl_gen_file_close(wl_gen_file *f);
/* Writes a whole small file (README.txt, web.config) in the dest's mode. */
int wl_gen_dest_put(wl_gen_dest *d, const char *path, const char *data, size_t n, void *cctx);
uint64_t wl_gen_enc_size(wl_gen_enc enc, const char *p, size_t n);
void wl_gen_report_io(const char *path, const char *what);

/* ---- the site model (plan.c) ------------------------------------------- */

typedef enum wl_gen_cfmt {
	WL_GEN_WIN7 = 0,  /* classic, WUA 7.6 */
	WL_GEN_WIN8 = 1,  /* classic, WUA 7.9 (8.1 / 2012 R2) */
	WL_GEN_WIN10 = 2, /* ETW */
	WL_GEN_WIN11 = 3, /* ETW with (cV = ...) suffixes */
} wl_gen_cfmt;

#define WL_GEN_IS_ETW(f) ((f) >= WL_GEN_WIN10)

typedef enum wl_gen_fkind2 {
	WL_GEN_FK_PREREQ = 0,   /* InvalidParameters / InstalledNonLeafUpdateIDs */
	WL_GEN_FK_CACHED = 1,   /* InvalidParameters / OtherCachedUpdateIDs */
	WL_GEN_FK_CONFIG = 2,   /* ConfigChanged, recovered */
	WL_GEN_FK_BADPARAM = 3, /* InvalidParameters / a non-limit parameter */
	WL_GEN_FK_USS = 4,      /* server-to-upstream sync fault */
	WL_GEN_FK_N = 5,
} wl_gen_fkind2;

typedef struct wl_gen_fault {
	uint8_t guid[16];
	int64_t t;         /* true instant, ticks UTC */
	int64_t server_ms; /* time the server writes, ms UTC */
	uint32_t client;   /* WL_GEN_NONE for USS */
	uint32_t server;
	uint8_t kind;      /* wl_gen_fkind2 */
	uint8_t param;     /* BADPARAM: index into the bad-parameter names */
	uint8_t on_server; /* the server writes a record */
	uint8_t url_style; /* scheme/port the client used */
	/* filled while rendering */
	uint8_t client_written, server_written;
	int64_t client_ticks, server_ticks; /* rendered, UTC */
} wl_gen_fault;

typedef struct wl_gen_server {
	char host[64];  /* lower-case FQDN */
	char chost[64]; /* the case the server's actor URLs use */
	int sep_spaces;
	int bom;
	int roll; /* 0 never rolled, 1 rolled once, 2 rolled and lost */
	int has_webconfig, has_readme;
	int raised;                 /* web.config shows raised limits */
	int inc_from[2], inc_to[2]; /* incident days per parameter, -1 none */
	int asmx_upper;
	int sync_minute; /* minute of day of the scheduled sync */
	unsigned w3wp_pid;
	double weight;
	uint64_t target_written; /* bytes the .log + .old should hold */
	uint64_t noise_per_day;  /* noise bytes per (average) day */
	uint64_t fixed;          /* bytes without noise (measured) */
	uint64_t roll_bytes;     /* rollover threshold; 0 = never */
	uint32_t *faults;        /* indexes into site faults, by server time */
	uint32_t nfaults;
} wl_gen_server;

typedef struct wl_gen_client {
	char host[48]; /* lower-case short name */
	wl_gen_cfmt fmt;
	int tz_min, dst_day; /* classic: offset, day it moves +60 (-1) */
	char date_sep;       /* ETW */
	wl_gen_enc enc;
	int collected;
	int flat_path; /* clients/<host>-WindowsUpdate.log */
	uint8_t susid[16];
	uint32_t server0, server1;
	int switch_day; /* -1: never */
	int url_style;  /* 0 http:8530, 1 https:8531, 2 http no port */
	int case_style; /* 0 lower, 1 upper first label, 2 title, 3 upper */
	int asmx_upper;
	int space_before_http; /* KB 4096317 "<Method> http..." shape */
	int prereq_heavy, cached_heavy;
	int nonascii; /* writes a few non-ASCII titles */
	int scans_per_day_x10;
	int failing;      /* --profile failing: logs a failure loop */
	uint32_t fail_hr; /* the code of its failure */
	double weight;
	uint64_t noise_per_day; /* source bytes of noise per average day */
	uint64_t fixed;         /* source bytes without noise (measured) */
	uint32_t fault_first, nfaults;
} wl_gen_client;

typedef enum wl_gen_profile {
	WL_GEN_PROFILE_LIGHT = 0,   /* a healthy site with incidents */
	WL_GEN_PROFILE_FAILING = 1, /* plus a share of clients in a failure loop */
} wl_gen_profile;

/* --profile failing: per mille of clients in a failure loop, and per mille
 * of their noise bursts that are a loop. */
#define WL_GEN_FAILING_PM 350
#define WL_GEN_LOOP_PM 300

typedef struct wl_gen_opts {
	uint64_t seed;
	unsigned servers, clients, days;
	int64_t start_day; /* days since epoch */
	uint64_t size;     /* target uncompressed log bytes */
	int size_given, clients_given;
	int encodings;
	unsigned threads;
	int big;
	uint64_t frame_mib;
	wl_gen_profile profile;
} wl_gen_opts;

typedef struct wl_gen_site {
	wl_gen_opts o;
	wl_gen_server *srv;
	wl_gen_client *cli;
	wl_gen_fault *faults;
	uint32_t nfaults, faults_cap;
	double dayw[4096]; /* relative noise per day (weekends lighter) */
	double dayw_sum;
} wl_gen_site;

/* A scan as the planner decides it (pure function of seed, client, day). */
typedef enum wl_gen_scan_kind {
	WL_GEN_SCAN_OK = 0,
	WL_GEN_SCAN_LIMIT = 1,    /* param in .param: 0 prereq, 1 cached */
	WL_GEN_SCAN_CONFIG = 2,   /* ConfigChanged, then recovers */
	WL_GEN_SCAN_BADPARAM = 3, /* InvalidParameters, non-limit */
	WL_GEN_SCAN_NETERR = 4,   /* no server contact */
} wl_gen_scan_kind;

#define WL_GEN_SCANS_MAX 4

typedef struct wl_gen_scan {
	int64_t t; /* the SyncUpdates instant (fault instant), ticks UTC */
	uint8_t kind, param, cookie, on_server;
	uint32_t hr; /* NETERR code */
	uint16_t delay_ms;
	uint8_t guid[16];
	uint32_t server;
	uint32_t found, cats, evaluated, deployed, trips;
} wl_gen_scan;

typedef struct wl_gen_day {
	unsigned nscan;
	wl_gen_scan scan[WL_GEN_SCANS_MAX];
	int init_block; /* the service (re)starts this day */
	int64_t init_t;
	int pid_change;
} wl_gen_day;

extern const char *const wl_gen_badparam[];
extern const unsigned wl_gen_nbadparam;
extern const char *const wl_gen_fkind_name[];

int wl_gen_site_build(wl_gen_site *s, const wl_gen_opts *o);
void wl_gen_site_free(wl_gen_site *s);
uint32_t wl_gen_client_server(const wl_gen_site *s, uint32_t c, int day);
void wl_gen_plan_day(const wl_gen_site *s, uint32_t c, int day, wl_gen_day *out);
/* Host written in URLs by client c for server sv (case style applied). */
void wl_gen_url_base(const wl_gen_site *s, uint32_t c, uint32_t sv, char *buf, size_t n);
/* Distributes the byte budget over files once fixed parts are measured. */
void wl_gen_site_budget(wl_gen_site *s);
/* Path of client c's log. */
void wl_gen_client_path(const wl_gen_site *s, uint32_t c, char *buf, size_t n);

/* ---- renderers --------------------------------------------------------- */

/* Compiles the block templates; call once before rendering. */
void wl_gen_render_init(void);

/* Renders the whole client log into o (one file). noise: 0 to measure the
 * fixed part. mark: record truth (client side). evs: when not NULL, emptied,
 * then given the file's error events (truth, events.csv). */
int wl_gen_render_client(const wl_gen_site *s, uint32_t c, wl_gen_out *o, int noise, int mark,
                         wl_gen_fault *faults, wl_gen_evlist *evs);

/* Server rendering passes. A server log rolls over to .log.old when it
 * exceeds roll_bytes; what rolled out before the .old is lost. */
typedef enum wl_gen_srv_mode {
	WL_GEN_SRV_SINGLE = 0, /* everything into the file already attached */
	WL_GEN_SRV_MEASURE,    /* count bytes and find the rollover cuts */
	WL_GEN_SRV_WRITE,      /* write the kept segments to .old / .log */
} wl_gen_srv_mode;

#define WL_GEN_CUTS_MAX 64

typedef struct wl_gen_srv_pass {
	wl_gen_srv_mode mode;
	int noise;
	int mark;
	/* WL_GEN_SRV_MEASURE: results */
	uint64_t roll_bytes;
	uint64_t cut[WL_GEN_CUTS_MAX]; /* entry ordinals that begin a segment */
	uint64_t seg_bytes[WL_GEN_CUTS_MAX + 1];
	unsigned ncut;
	/* WL_GEN_SRV_WRITE */
	wl_gen_dest *dest;
	void *cctx;
	wl_gen_fkind kind;
	wl_gen_enc enc;
	char old_path[256], log_path[256];
	wl_gen_file old_file, log_file; /* owned by the pass while open */
	int has_old;
	int rc;
} wl_gen_srv_pass;

int wl_gen_render_server(const wl_gen_site *s, uint32_t sv, wl_gen_out *o, wl_gen_srv_pass *pass,
                         wl_gen_fault *faults);

/* ---- truth (truth.c) --------------------------------------------------- */

typedef struct wl_gen_summary {
	uint64_t files, log_files;
	uint64_t bytes, log_bytes, client_bytes, server_bytes;
	uint64_t client_lines, client_err, server_lines, server_err;
} wl_gen_summary;

/* Creates dir (and parents); reports and returns -1 on failure. */
int wl_gen_mkdirs(const char *dir);
/* Writes limits.csv, faults.csv, events.csv and summary.txt into dir
 * (created). evs: per client; big_path: the --big-log file, else NULL. */
int wl_gen_truth_write(const wl_gen_site *s, const char *dir, const wl_gen_summary *sm,
                       const wl_gen_evlist *evs, const char *big_path);

/* ---- noise tables (noise.c) -------------------------------------------- */

typedef enum wl_gen_family {
	WL_GEN_FAM_ETW = 0,
	WL_GEN_FAM_WIN7 = 1,
	WL_GEN_FAM_WIN8 = 2,
	WL_GEN_FAM_SERVER = 3,
	WL_GEN_FAM_N = 4,
} wl_gen_family;

typedef struct wl_gen_burst {
	wl_gen_tpl tpl;
	uint32_t cum; /* cumulative weight */
} wl_gen_burst;

typedef struct wl_gen_noise {
	wl_gen_burst *b;
	unsigned n;
	uint32_t total;
	double avg_bytes; /* expected bytes per burst (weighted) */
} wl_gen_noise;

void wl_gen_noise_init(void);
const wl_gen_noise *wl_gen_noise_get(wl_gen_family f);
const wl_gen_noise *wl_gen_noise_errors(wl_gen_family f);
const wl_gen_burst *wl_gen_noise_pick(const wl_gen_noise *n, wl_gen_rng *r);
/* The failure loops of --profile failing (empty for the server family). */
const wl_gen_noise *wl_gen_noise_loops(wl_gen_family f);
extern const uint32_t wl_gen_fail_hr[];
extern const unsigned wl_gen_fail_nhr;
extern const uint32_t wl_gen_noise_hr[];
extern const unsigned wl_gen_noise_nhr;

#endif
