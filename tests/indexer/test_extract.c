/* Unit tests of event extraction (indexer/extract.h): the client failure and
 * SOAP-fault shapes, context carried between lines (server, SusClientId,
 * time zones, scan statistics), the server-side entries, and the exposed
 * helpers wl_url_host / wl_find_hresult / wl_banner_tz / wl_host_hint. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "chars.h"
#include "errline.h"
#include "extract.h"
#include "ingest.h"
#include "tokenize.h"
#include "wsuslog/limits.h"

/* Cases that show a known indexer bug skip (cmocka skip()) so the suite
 * stays green; build with -DWL_RUN_BUG_CASES to run them. */
#ifdef WL_RUN_BUG_CASES
#define BUG_SKIP() ((void)0)
#else
#define BUG_SKIP() skip()
#endif

/* ---- collecting events (deep copies: spans are borrowed) ---- */

typedef struct ev_rec {
	wl_event_kind kind;
	wl_role role;
	uint64_t line;
	int64_t ts;
	bool has_hr;
	uint32_t hr;
	char host[256];
	char server[256];
	char component[128];
	char fault_code[128];
	char parameter[128];
	bool has_client;
	char client[37];
	bool has_fault;
	char fault[37];
	unsigned n_other;
	char other[WL_EVENT_GUIDS_MAX][37];
	char raw[8192];
	size_t raw_n;
	char message[8192]; /* raw from msg_off on; "" when not split */
	int64_t round_trips, evaluated, deployed;
	int64_t max_prereq, max_cached;
} ev_rec;

#define EVENTS_MAX 32
#define BAD_MAX 8

typedef struct run {
	wl_extract *x;
	ev_rec ev[EVENTS_MAX];
	size_t n;
	uint64_t bad[BAD_MAX];
	size_t nbad;
} run;

static void copy_span(char *dst, size_t cap, wl_span s)
{
	if (s.n >= cap)
		fail_msg("span of %zu bytes does not fit %zu", s.n, cap);
	if (s.n)
		memcpy(dst, s.p, s.n);
	dst[s.n] = 0;
}

static void copy_guid(char dst[37], const wl_guid *g)
{
	memcpy(dst, g->s, 36);
	dst[36] = 0;
}

static void on_event(void *ctx, const wl_event *e)
{
	run *r = ctx;
	assert_true(r->n < EVENTS_MAX);
	ev_rec *o = &r->ev[r->n++];
	o->kind = e->kind;
	o->role = e->role;
	o->line = e->line;
	o->ts = e->ts_us;
	o->has_hr = e->has_hresult;
	o->hr = e->hresult;
	copy_span(o->host, sizeof o->host, e->host);
	copy_span(o->server, sizeof o->server, e->server);
	copy_span(o->component, sizeof o->component, e->component);
	copy_span(o->fault_code, sizeof o->fault_code, e->fault_code);
	copy_span(o->parameter, sizeof o->parameter, e->parameter);
	o->has_client = e->has_client_id;
	if (e->has_client_id)
		copy_guid(o->client, &e->client_id);
	o->has_fault = e->has_fault_guid;
	if (e->has_fault_guid)
		copy_guid(o->fault, &e->fault_guid);
	assert_true(e->n_other <= WL_EVENT_GUIDS_MAX);
	o->n_other = e->n_other;
	for (unsigned i = 0; i < e->n_other; i++)
		copy_guid(o->other[i], &e->other[i]);
	copy_span(o->raw, sizeof o->raw, e->raw);
	o->raw_n = e->raw.n;
	/* A split falls after the header's blanks, on the message's first
	 * byte: the writer stores raw[msg_off..] once per distinct text. */
	assert_true(e->msg_off < e->raw.n || e->msg_off == 0);
	if (e->msg_off) {
		const char *m = e->raw.p + e->msg_off;
		assert_true(m[-1] == ' ' || m[-1] == '\t');
		assert_true(m[0] != ' ' && m[0] != '\t');
	}
	copy_span(o->message, sizeof o->message,
	          (wl_span){e->raw.p + e->msg_off, e->msg_off ? e->raw.n - e->msg_off : 0});
	o->round_trips = e->round_trips;
	o->evaluated = e->evaluated;
	o->deployed = e->deployed;
	o->max_prereq = e->max_prereq;
	o->max_cached = e->max_cached;
}

static void on_bad(void *ctx, uint64_t lineno, const char *why)
{
	run *r = ctx;
	assert_non_null(why);
	assert_true(r->nbad < BAD_MAX);
	r->bad[r->nbad++] = lineno;
}

static const wl_extract_cfg no_tz = {.has_tz = false, .tz_minutes = 0};

/* Start an input; the caller feeds lines (or uses extract_all). */
static run *run_new(const wl_extract_cfg *cfg, wl_format fmt, const char *hint)
{
	run *r = calloc(1, sizeof *r);
	assert_non_null(r);
	r->x = wl_extract_new(cfg, on_event, on_bad, r);
	assert_non_null(r->x);
	wl_extract_begin(r->x, fmt, hint, strlen(hint));
	return r;
}

static void run_line(run *r, const char *line, uint64_t lineno)
{
	wl_extract_line(r->x, line, strlen(line), lineno);
}

/* Lines numbered from 1, then end of input. */
static run *extract_all(const wl_extract_cfg *cfg, wl_format fmt, const char *hint,
                        const char *const *lines, size_t n)
{
	run *r = run_new(cfg, fmt, hint);
	for (size_t i = 0; i < n; i++)
		run_line(r, lines[i], i + 1);
	wl_extract_end(r->x);
	return r;
}
#define EXTRACT(cfg, fmt, hint, arr)                                                               \
	extract_all((cfg), (fmt), (hint), (arr), sizeof(arr) / sizeof *(arr))

static void run_free(run *r)
{
	wl_extract_free(r->x);
	free(r);
}

static void assert_str(const char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		fail_msg("got \"%s\", want \"%s\"", got, want);
}

/* UTC microseconds of a local wall-clock time shifted by tz minutes. */
static int64_t at(int y, int mo, int d, int h, int mi, int s, int64_t us, int tz_minutes)
{
	return wl_civil_to_us(y, mo, d, h, mi, s, us) - (int64_t)tz_minutes * 60000000;
}

/* ---- client failures ---- */

static void etw_failed(void **state)
{
	(void)state;
	static const char *const lines[] = {
	    "2021/07/13 18:06:20.9234519 3736  3464  Agent           *FAILED* [8024043D] "
	    "GetIsInventoryRequired",
	    "2024-04-12 01:39:39.2569637 4972  12948 ProtocolTalker  *FAILED* [80244007] "
	    "SyncUpdates_WithRecovery failed",
	    "2024-04-12 01:39:39.2569637 4972  12948 ProtocolTalker  *FAILED* [8024402] seven "
	    "digits",
	    "2024-04-12 01:39:39.2569637 4972  12948 ProtocolTalker  *FAILED* [8024402FF] nine "
	    "digits",
	    /* not rule 1, but rule 3: an error word and a bracketed code */
	    "2024-04-12 01:39:39.2569637 4972  12948 ProtocolTalker  Sync failed *FAILED* "
	    "[80244007] not at the start",
	    /* wide pid and tid: the message is not at column 56 */
	    "2024-04-12 13:41:21.1422927 123456 1234567 DownloadManager *FAILED* [80D03805] DO job",
	    "2024-04-12 13:41:21.1422927 7232  1144  SoftwareDistributionX *FAILED* [80D03806] "
	    "long component",
	};
	run *r = EXTRACT(&no_tz, WL_FMT_WU_ETW, "pc005", lines);
	assert_int_equal(r->n, 5);
	assert_int_equal(r->ev[2].line, 5);
	assert_int_equal(r->ev[2].kind, WL_EV_ERROR);
	assert_int_equal(r->ev[2].hr, 0x80244007u);
	assert_int_equal(r->ev[3].line, 6);
	assert_int_equal(r->ev[3].hr, 0x80D03805u);
	assert_str(r->ev[3].component, "DownloadManager");
	assert_int_equal(r->ev[4].line, 7);
	assert_int_equal(r->ev[4].hr, 0x80D03806u);
	ev_rec *e = &r->ev[0];
	assert_int_equal(e->kind, WL_EV_FAILED);
	assert_int_equal(e->role, WL_ROLE_CLIENT);
	assert_int_equal(e->line, 1);
	assert_true(e->has_hr);
	assert_int_equal(e->hr, 0x8024043Du);
	assert_int_equal(e->ts, at(2021, 7, 13, 18, 6, 20, 923451, 0));
	assert_str(e->component, "Agent");
	assert_str(e->host, "pc005");
	assert_str(e->raw, lines[0]);
	assert_str(e->message, "*FAILED* [8024043D] GetIsInventoryRequired");
	assert_false(e->has_client);
	assert_false(e->has_fault);
	assert_str(e->server, "");
	assert_int_equal(r->ev[1].kind, WL_EV_FAILED);
	assert_int_equal(r->ev[1].line, 2);
	assert_int_equal(r->ev[1].hr, 0x80244007u);
	assert_str(r->ev[1].component, "ProtocolTalker");
	assert_int_equal(wl_extract_bad_lines(r->x), 0);
	assert_int_equal(r->nbad, 0);
	run_free(r);
}

static void etw_ws_error_soap_fault(void **state)
{
	(void)state;
	static const char *const lines[] = {
	    "2020/11/22 12:46:56.0286944 8668  1188  WebServices     WS error: The body of the "
	    "received message contained a fault.",
	    "2020/11/22 12:46:56.0287099 8668  1188  WebServices     WS Error code: Client",
	    "2020/11/22 12:46:56.0287807 8668  1188  WebServices     WS error: "
	    "<detail><ErrorCode>ConfigChanged</ErrorCode>"
	    "<Message></Message><ID>1aa87b66-9bd6-42c1-975e-b24fa422f7e5</ID><Method>http://"
	    "www.microsoft.com/"
	    "SoftwareDistribution/Server/ClientWebService/SyncUpdates\"</Method></detail>\"",
	    "2020/11/22 12:50:00.0000000 8668  1188  WebServices     WS error: "
	    "<detail><ErrorCode>InvalidParameters</ErrorCode>"
	    "<Message>parameters.InstalledNonLeafUpdateIDs</"
	    "Message><ID>8889E6F6-CC94-4B2B-9D0C-9818649A5DFC</ID>"
	    "<Method> "
	    "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates\"</"
	    "Method></detail>\"",
	};
	run *r = EXTRACT(&no_tz, WL_FMT_WU_ETW, "", lines);
	assert_int_equal(r->n, 2);
	ev_rec *a = &r->ev[0];
	assert_int_equal(a->kind, WL_EV_SOAP_FAULT);
	assert_int_equal(a->line, 3);
	assert_str(a->fault_code, "ConfigChanged");
	assert_str(a->parameter, "");
	assert_true(a->has_fault);
	assert_str(a->fault, "1aa87b66-9bd6-42c1-975e-b24fa422f7e5");
	assert_true(a->has_hr);
	assert_int_equal(a->hr, 0x80244007u);
	assert_str(a->component, "WebServices");

	ev_rec *b = &r->ev[1];
	assert_int_equal(b->kind, WL_EV_SOAP_FAULT);
	assert_int_equal(b->line, 4);
	assert_str(b->fault_code, "InvalidParameters");
	assert_str(b->parameter, "InstalledNonLeafUpdateIDs"); /* no "parameters." */
	assert_true(b->has_fault);
	assert_str(b->fault, "8889e6f6-cc94-4b2b-9d0c-9818649a5dfc"); /* lower-cased */
	assert_int_equal(b->hr, 0x80244007u);
	assert_int_equal(b->n_other, 0); /* the fault GUID is not repeated */
	assert_int_equal(b->ts, at(2020, 11, 22, 12, 50, 0, 0, 0));
	run_free(r);
}

static void win8_soap_fault_block(void **state)
{
	(void)state;
	static const char *const lines[] = {
	    "2015-10-30\t17:12:54:073\t 880\t1160\tWS\tWARNING: Nws Failure: errorCode=0x803d0013",
	    "2015-10-30\t17:12:54:073\t 880\t1160\tWS\tWARNING: The body of the received message "
	    "contained a fault.",
	    "2015-10-30\t17:12:54:073\t 880\t1160\tWS\tWARNING: Soap fault info:",
	    "2015-10-30\t17:12:54:073\t 880\t1160\tWS\tWARNING: detail: "
	    "<detail><ErrorCode>InvalidParameters</ErrorCode>"
	    "<Message>parameters.OtherCachedUpdateIDs</"
	    "Message><ID>8889e6f6-cc94-4b2b-9d0c-9818649a5dfc</ID>"
	    "<Method>\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/"
	    "SyncUpdates\"</Method></detail>",
	    "2015-10-30\t17:12:54:073\t 880\t1160\tWS\tWARNING: Soap fault detail: "
	    "errorCode='InvalidParameters', "
	    "message='parameters.OtherCachedUpdateIDs', id='8889E6F6-CC94-4B2B-9D0C-9818649A5DFC', "
	    "method='\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/"
	    "SyncUpdates\"'",
	    "2015-10-30\t17:12:54:073\t 880\t1160\tWS\tFATAL: OnCallFailure failed with "
	    "hr=0X80244007",
	    "2015-10-30\t17:12:54:073\t 880\t1160\tPT\tWARNING: PTError: 0x80244007",
	    "2015-10-30\t17:12:54:073\t 880\t1160\tPT\tWARNING: SyncUpdates_WithRecovery failed.: "
	    "0x80244007",
	    "2017-05-04\t18:00:07:854\t1676\t117c\tWS\tWARNING: detail: <detail><ErrorCode> "
	    "InternalServerError </ErrorCode>"
	    "<Message></Message><ID>9f8e13ac-3a64-41c6-a40b-cad7913fc1bb</ID><Method>\"  "
	    "http://www.microsoft.com/"
	    "SoftwareDistribution/Server/SimpleAuthWebService/GetAuthorizationCookie "
	    "\"</Method></detail>",
	};
	run *r = EXTRACT(&no_tz, WL_FMT_WU_CLASSIC, "", lines);
	assert_int_equal(r->n, 7);
	static const wl_event_kind kinds[] = {WL_EV_WARNING,   WL_EV_SOAP_FAULT, WL_EV_SOAP_FAULT,
	                                      WL_EV_FATAL,     WL_EV_WARNING,    WL_EV_WARNING,
	                                      WL_EV_SOAP_FAULT};
	static const uint64_t at_line[] = {1, 4, 5, 6, 7, 8, 9};
	static const uint32_t hrs[] = {0x803D0013u, 0x80244007u, 0x80244007u, 0x80244007u,
	                               0x80244007u, 0x80244007u, 0x80244007u};
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(r->ev[i].kind, kinds[i]);
		assert_int_equal(r->ev[i].line, at_line[i]);
		assert_true(r->ev[i].has_hr);
		assert_int_equal(r->ev[i].hr, hrs[i]);
	}
	for (size_t i = 1; i <= 2; i++) {
		assert_str(r->ev[i].fault_code, "InvalidParameters");
		assert_str(r->ev[i].parameter, "OtherCachedUpdateIDs");
		assert_true(r->ev[i].has_fault);
		assert_str(r->ev[i].fault, "8889e6f6-cc94-4b2b-9d0c-9818649a5dfc");
		assert_str(r->ev[i].component, "WS");
	}
	assert_str(r->ev[6].fault_code, "InternalServerError"); /* trimmed */
	assert_str(r->ev[6].parameter, "");
	assert_str(r->ev[6].fault, "9f8e13ac-3a64-41c6-a40b-cad7913fc1bb");
	run_free(r);
}

static void win7_soap_fault_block(void **state)
{
	(void)state;
	static const char *const lines[] = {
	    "2016-10-19\t11:24:00:000\t1532\t1f40\tPT\tWARNING: SyncUpdates failure, error = "
	    "0x80244007, soap client error = 7, soap error code = 400, HTTP status code = 200",
	    "2016-10-19\t11:24:00:000\t1532\t1f40\tPT\tWARNING: SOAP Fault: 0x000190",
	    "2016-10-19\t11:24:00:000\t1532\t1f40\tPT\tWARNING: faultstring:Fault occurred",
	    "2016-10-19\t11:24:00:000\t1532\t1f40\tPT\tWARNING: ErrorCode:InvalidParameters(7)",
	    "2016-10-19\t11:24:00:000\t1532\t1f40\tPT\tWARNING: "
	    "Message:parameters.InstalledNonLeafUpdateIDs",
	    "2016-10-19\t11:24:00:000\t1532\t1f40\tPT\tWARNING: "
	    "Method:\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/"
	    "SyncUpdates\"",
	    "2016-10-19\t11:24:00:000\t1532\t1f40\tPT\tWARNING: "
	    "ID:D2F3A1B2-1111-4222-8333-944455556666",
	    "2016-10-19\t11:24:00:000\t1532\t1f40\tPT\tWARNING: PTError: 0x80244007",
	    "2016-10-19\t11:30:00:000\t1532\t1f40\tPT\tWARNING: SyncUpdates failure, error = "
	    "0x80244007, soap client error = 7, soap error code = 500, HTTP status code = 200",
	    "2016-10-19\t11:30:00:000\t1532\t1f40\tPT\tWARNING: SOAP Fault: 0x0001f4",
	    "2016-10-19\t11:30:00:000\t1532\t1f40\tPT\tWARNING: ErrorCode:ConfigChanged(2)",
	    "2016-10-19\t11:30:00:000\t1532\t1f40\tPT\tWARNING: Message:(null)",
	    "2016-10-19\t11:30:00:000\t1532\t1f40\tPT\tWARNING: "
	    "ID:0a0b0c0d-1e2f-4a5b-8c9d-0e1f2a3b4c5d",
	};
	run *r = EXTRACT(&no_tz, WL_FMT_WU_CLASSIC, "", lines);
	assert_int_equal(r->n, 5);
	assert_int_equal(r->ev[0].kind, WL_EV_WARNING);
	assert_int_equal(r->ev[0].line, 1);
	assert_int_equal(r->ev[0].hr, 0x80244007u);

	ev_rec *s = &r->ev[1];
	assert_int_equal(s->kind, WL_EV_SOAP_FAULT);
	assert_int_equal(s->line, 7); /* one event, on the ID line */
	assert_str(s->fault_code, "InvalidParameters");
	assert_str(s->parameter, "InstalledNonLeafUpdateIDs");
	assert_true(s->has_fault);
	assert_str(s->fault, "d2f3a1b2-1111-4222-8333-944455556666");
	assert_int_equal(s->hr, 0x80244007u);

	assert_int_equal(r->ev[2].kind, WL_EV_WARNING);
	assert_int_equal(r->ev[2].line, 8);
	assert_int_equal(r->ev[3].kind, WL_EV_WARNING);
	assert_int_equal(r->ev[3].line, 9);

	ev_rec *t = &r->ev[4];
	assert_int_equal(t->kind, WL_EV_SOAP_FAULT);
	assert_int_equal(t->line, 13);
	assert_str(t->fault_code, "ConfigChanged");
	assert_str(t->parameter, ""); /* Message:(null) */
	assert_str(t->fault, "0a0b0c0d-1e2f-4a5b-8c9d-0e1f2a3b4c5d");
	run_free(r);
}

static void win7_block_per_thread(void **state)
{
	(void)state;
	/* Another thread's lines inside the block do not complete it, and an
	 * ID line without its ErrorCode line yields no fault. */
	static const char *const lines[] = {
	    "2016-10-19\t11:24:00:000\t1532\t1f40\tPT\tWARNING: ErrorCode:InvalidParameters(7)",
	    "2016-10-19\t11:24:00:000\t1532\t 2a0\tPT\tWARNING: "
	    "ID:11111111-2222-4333-8444-555555555555",
	    "2016-10-19\t11:24:00:000\t1532\t1f40\tPT\tWARNING: "
	    "Message:parameters.OtherCachedUpdateIDs",
	    "2016-10-19\t11:24:00:000\t1532\t1f40\tPT\tWARNING: "
	    "ID:66666666-7777-4888-9999-aaaaaaaaaaaa",
	};
	run *r = EXTRACT(&no_tz, WL_FMT_WU_CLASSIC, "", lines);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->ev[0].line, 4);
	assert_str(r->ev[0].parameter, "OtherCachedUpdateIDs");
	assert_str(r->ev[0].fault, "66666666-7777-4888-9999-aaaaaaaaaaaa");
	run_free(r);
}

static void classic_warning_fatal_hresults(void **state)
{
	(void)state;
	static const char *const lines[] = {
	    "2016-10-19\t11:23:58:516\t1532\t1f40\tHandler\tFATAL: UH: 0x80070057: "
	    "EvaluateApplicability failed in CCbs::EvaluateApplicability",
	    "2016-10-19\t11:23:58:547\t1532\t1f40\tAgent\tWARNING: Failed to evaluate Installed "
	    "rule, updateId = {7A967290-323C-4217-A32C-E4AA1574D7D7}.202, hr = 80070057",
	    "2021-08-28\t11:05:53:800\t 576\ta70\tAgent\t  * WARNING: Failed to synchronize, error "
	    "= 0x8024402c",
	    "2016-10-19\t14:24:02:653\t8904\t1834\tHandler\tFATAL: Completed install of CBS update "
	    "with type=0, requiresReboot=0, installerError=1, hr=0x800736b3",
	    "2016-10-19\t14:24:03:000\t8904\t1834\tAgent\tFATAL: Search failed, hr = 8024402F",
	    /* no event: */
	    "2016-10-19\t14:25:00:000\t8904\t1834\tAgent\tWARNING: Failed to find updates with "
	    "error code 1234",
	    "2016-10-19\t14:25:00:000\t8904\t1834\tAgent\tWARNING: DownloadFileInternal returned "
	    "0x00000000",
	    "2016-10-19\t14:25:00:000\t8904\t1834\tPT\tWARNING: SOAP Fault: 0x000190",
	    "2016-10-19\t14:25:00:000\t8904\t1834\tAgent\tWARNING: value 0x8024402cc is not an "
	    "HRESULT",
	    "2016-10-19\t14:25:00:000\t8904\t1834\tAgent\tWARNING:",
	    /* rule 3: no level word at the start, but an error word and a code */
	    "2016-10-19\t14:25:00:000\t8904\t1834\tAgent\tSearch failed with 0x80244007 in a plain "
	    "line",
	};
	run *r = EXTRACT(&no_tz, WL_FMT_WU_CLASSIC, "pc1", lines);
	assert_int_equal(r->n, 6);
	assert_int_equal(r->ev[5].kind, WL_EV_ERROR);
	assert_int_equal(r->ev[5].line, 11);
	assert_int_equal(r->ev[5].hr, 0x80244007u);
	static const wl_event_kind kinds[] = {WL_EV_FATAL, WL_EV_WARNING, WL_EV_WARNING,
	                                      WL_EV_FATAL, WL_EV_FATAL};
	static const uint32_t hrs[] = {0x80070057u, 0x80070057u, 0x8024402Cu, 0x800736B3u,
	                               0x8024402Fu};
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(r->ev[i].kind, kinds[i]);
		assert_int_equal(r->ev[i].line, i + 1);
		assert_true(r->ev[i].has_hr);
		assert_int_equal(r->ev[i].hr, hrs[i]);
		assert_str(r->ev[i].raw, lines[i]);
	}
	assert_str(r->ev[0].component, "Handler");
	assert_str(r->ev[0].message, "FATAL: UH: 0x80070057: "
	                             "EvaluateApplicability failed in CCbs::EvaluateApplicability");
	assert_str(r->ev[2].message, "* WARNING: Failed to synchronize, error = 0x8024402c");
	/* The update ID is indexed as an "other" GUID, lower-case. */
	assert_int_equal(r->ev[1].n_other, 1);
	assert_str(r->ev[1].other[0], "7a967290-323c-4217-a32c-e4aa1574d7d7");
	assert_int_equal(r->ev[0].ts, at(2016, 10, 19, 11, 23, 58, 516000, 0));
	run_free(r);
}

/* docs/EVENTS.md: every component's bullet and indentation, every code
 * spelling, in the classic format. */
static void classic_bullets_and_spellings(void **state)
{
	(void)state;
#define CL(comp, msg) "2013-05-30\t08:16:48:190\t 996\t1c4c\t" comp "\t" msg
	static const char *const lines[] = {
	    CL("AU", "  # WARNING: Search callback failed, result = 0x8024402C"),
	    CL("COMAPI", "  - WARNING: Exit code = 0x8024402C, Result code = 0x80240438"),
	    CL("COMAPI", "FATAL: Unable to complete asynchronous search. (hr=8024402C)"),
	    CL("AU", "  # WARNING: Failed to find updates with error code 8024402C"),
	    CL("PT", "  + WARNING: Send failed with hr = 80072efd."),
	    CL("Agent", "  * WARNING: Exit code = 0X80070002"),
	    CL("Misc", "WARNING: DownloadFileInternal failed for http://x/y.cab: error 0x80190194"),
	    CL("Setup", "\t#  -  WARNING: Install failed, error = 0xC8000710"),
	    CL("DnldMgr", "FATAL: DM: failed with 80070002"),
	    CL("Report", "REPORT EVENT: {55FD3A6B-2D4C-4B1A-8B2E-AB0A9A44C6D4}\t2013-05-30 "
	                 "08:16:48:190-0700\t1\t148\t101\t{00000000-0000-0000-0000-000000000000}"
	                 "\t0\t8024402c\tAutomaticUpdates\tFailure\tSoftware Synchronization"
	                 "\tWindows Update Client failed to detect with error 0x8024402c."),
	    /* no event: success codes, no code, a number that is not a code */
	    CL("COMAPI", "  - WARNING: Exit code = 0x00000000"),
	    CL("COMAPI", "  - WARNING: Exit code = 0x00000000, Result code = S_OK"),
	    CL("AU", "  # WARNING: Cached cookie has expired or new PID is available"),
	    CL("Agent", "  * Found 0 updates and 77 categories in search; evaluated appl. rules "
	                "of 1828 out of 3165 deployed entities"),
	    CL("DnldMgr", "  * Download failed after 87654321 bytes"),
	    CL("Agent", "  * Update {2B4C1D3E-0000-4000-8000-000000000000}.100 failed"),
	};
#undef CL
	run *r = EXTRACT(&no_tz, WL_FMT_WU_CLASSIC, "pc1", lines);
	static const wl_event_kind kinds[] = {
	    WL_EV_WARNING, WL_EV_WARNING, WL_EV_FATAL,   WL_EV_WARNING, WL_EV_WARNING,
	    WL_EV_WARNING, WL_EV_WARNING, WL_EV_WARNING, WL_EV_FATAL,   WL_EV_ERROR};
	static const uint32_t hrs[] = {0x8024402Cu, 0x8024402Cu, 0x8024402Cu, 0x8024402Cu,
	                               0x80072EFDu, 0x80070002u, 0x80190194u, 0xC8000710u,
	                               0x80070002u, 0x8024402Cu};
	assert_int_equal(r->n, 10);
	for (size_t i = 0; i < r->n; i++) {
		assert_int_equal(r->ev[i].line, i + 1);
		assert_int_equal(r->ev[i].kind, kinds[i]);
		assert_true(r->ev[i].has_hr);
		assert_int_equal(r->ev[i].hr, hrs[i]);
	}
	assert_int_equal(r->nbad, 0);
	run_free(r);
}

/* Rule 3 in the Windows 10 format: a line that says an error in words and
 * spells a failure code, wherever they stand; one event per line. */
static void etw_error_lines(void **state)
{
	(void)state;
#define ET(comp, msg) "2024-04-11 12:48:08.0083821 1980  7100  " comp msg
	static const char *const lines[] = {
	    ET("DownloadManager ", "DO job {9EEC40D2-C350-4760-81F0-B5F376423132} failed, updateId "
	                           "= 54751BC1-F1DA-4868-8662-A3A27A51045F.1, hr = 0x80190193"),
	    ET("Handler         ",
	       "ResetPendingBlocks: Directory C:\\Windows\\SoftwareDistribution"
	       "\\Download\\d1d4bb0c910695f4fcf53d8f91faafa7 failed, 0x80070002 "),
	    ET("ComApi          ", "ClientId = Update;ScanForUpdates: Exit code = 0x00000000; Call "
	                           "error code = 0x80240022"),
	    ET("Deployment      ", "{2E5A1B2C-0000-4000-8000-000000000001} deployment completed: "
	                           "Status: Error, HR: 0x80070643, Extended HR: 0x80070643"),
	    ET("Misc            ", "MapToSusHResult mapped Nws error 0x803d0013 to 0x8024401c"),
	    ET("Agent           ", "Error 0x8024401c is considered transient"),
	    ET("ProtocolTalker  ",
	       "  SyncUpdates failed, hr = 8024402C (cV = qEYuRodYLkuAjaKs.0.1)"),
	    ET("Agent           ", "*FAILED* [80244007] SyncUpdates_WithRecovery failed, hr = "
	                           "0x80072EE2"),
	    /* no event */
	    ET("DownloadManager ",
	       "DO job {BF794CF6-AAE0-49F6-8E9B-C01894E4411E} 403'd, updateId = "
	       "C820C6E2-BE6D-4BA1-9F8F-29C76F6DD714.1, hr = 0x80190193, "
	       "BG_ERROR_CONTEXT = 5"),
	    ET("Agent           ", "WU client calls back to download call "
	                           "{0B33BBAF-F2E8-4A0E-B0AD-D3C66B648EDF} with code Call complete "
	                           "and error 0x00000000"),
	    ET("Agent           ", "CPersistentTimeoutScheduler | GetTimer, returned hr = "
	                           "0x80248007"),
	    ET("Agent           ", "Update 6F3FE9DD-7BCD-4A69-844F-2CF4766E5B0B.200 failed to "
	                           "install"),
	};
#undef ET
	run *r = EXTRACT(&no_tz, WL_FMT_WU_ETW, "pc5", lines);
	static const uint32_t hrs[] = {0x80190193u, 0x80070002u, 0x80240022u, 0x80070643u,
	                               0x803D0013u, 0x8024401Cu, 0x8024402Cu, 0x80244007u};
	assert_int_equal(r->n, 8);
	for (size_t i = 0; i < r->n; i++) {
		assert_int_equal(r->ev[i].line, i + 1);
		assert_int_equal(r->ev[i].kind, i == 7 ? WL_EV_FAILED : WL_EV_ERROR);
		assert_int_equal(r->ev[i].hr, hrs[i]);
		assert_str(r->ev[i].raw, lines[i]);
	}
	assert_str(r->ev[0].component, "DownloadManager");
	/* the update id is indexed; the job id too */
	assert_int_equal(r->ev[0].n_other, 2);
	run_free(r);
}

/* ---- context carried forward ---- */

static void context_client_id_and_server(void **state)
{
	(void)state;
	static const char *const lines[] = {
	    "2021/07/13 18:06:20.9234519 3736  3464  Agent           *FAILED* [80244010] before "
	    "any context",
	    "2021/07/13 18:06:22.1126323 3736  3464  ProtocolTalker  ServiceId = "
	    "{3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}, "
	    "Server URL = https://WSUS01.Corp:8531/ClientWebService/client.asmx",
	    "2021/07/13 18:06:22.2125133 3736  3464  ProtocolTalker  Initializing simple targeting "
	    "cookie, clientId = "
	    "3081F2D7-7291-42C5-B7AE-2D05C23DB537, target group = , DNS name = "
	    "VD05W10.firm.example",
	    "2021/07/13 18:06:23.0000000 3736  3464  ProtocolTalker  *FAILED* [80244007] "
	    "SyncUpdates_WithRecovery failed",
	    "2021/07/13 18:07:00.0000000 3736  3464  Agent           Created new random "
	    "SusClientId "
	    "6d3449db-232e-4553-b646-f627d2f33e57. Old Id: 3081f2d7-7291-42c5-b7ae-2d05c23db537.",
	    "2021/07/13 18:07:01.0000000 3736  3464  Agent           WSUS server: http://x:8530 "
	    "(Changed)",
	    "2021/07/13 18:07:02.0000000 3736  3464  Agent           *FAILED* [8024401C] after the "
	    "change",
	};
	run *r = EXTRACT(&no_tz, WL_FMT_WU_ETW, "", lines);
	assert_int_equal(r->n, 3);
	assert_false(r->ev[0].has_client);
	assert_str(r->ev[0].server, "");
	assert_str(r->ev[0].host, "");

	assert_int_equal(r->ev[1].line, 4);
	assert_true(r->ev[1].has_client);
	assert_str(r->ev[1].client, "3081f2d7-7291-42c5-b7ae-2d05c23db537");
	assert_str(r->ev[1].server, "wsus01.corp");
	assert_str(r->ev[1].host, "vd05w10.firm.example"); /* learned DNS name */

	assert_int_equal(r->ev[2].line, 7);
	assert_true(r->ev[2].has_client);
	assert_str(r->ev[2].client, "6d3449db-232e-4553-b646-f627d2f33e57"); /* first GUID wins */
	assert_str(r->ev[2].server, "x");
	assert_str(wl_extract_host(r->x), "vd05w10.firm.example");
	run_free(r);
}

static void context_classic_and_hint(void **state)
{
	(void)state;
	static const char *const lines[] = {
	    "2016-10-19\t11:23:47:610\t1532\t1f40\tPT\t  + ServiceId = "
	    "{3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}, "
	    "Server URL = http://wswsus02.healthy.bewell.ca/ClientWebService/client.asmx",
	    "2016-10-19\t11:23:58:547\t1532\t1f40\tAgent\tWARNING: Failed, hr = 80070057",
	    "2016-10-19\t11:24:00:000\t1532\t1f40\tAgent\t  * WSUS server: http://x:8530",
	    "2016-10-19\t11:24:00:000\t1532\t1f40\tAgent\t  * WSUS status server: "
	    "http://status.example:8530",
	    "2016-10-19\t11:24:01:000\t1532\t1f40\tAgent\tWARNING: Failed, hr = 80070057",
	    "2017-05-04\t18:00:07:807\t1676\t117c\tPT\tInitializing simple targeting cookie, "
	    "clientId = , "
	    "target group = special-01, DNS name = byolaq.bayer.cnb",
	    "2016-10-19\t11:24:02:000\t1532\t1f40\tAgent\tWARNING: Failed, hr = 80070057",
	};
	run *r = EXTRACT(&no_tz, WL_FMT_WU_CLASSIC, "pc005", lines);
	assert_int_equal(r->n, 3);
	assert_str(r->ev[0].server, "wswsus02.healthy.bewell.ca");
	assert_str(r->ev[1].server, "x");  /* the status server is not the server */
	assert_false(r->ev[2].has_client); /* empty clientId = */
	for (size_t i = 0; i < 3; i++)
		assert_str(r->ev[i].host, "pc005"); /* the path's host wins */
	assert_str(wl_extract_host(r->x), "pc005");
	run_free(r);
}

static void context_resets_per_input(void **state)
{
	(void)state;
	run *r = run_new(&no_tz, WL_FMT_WU_ETW, "");
	run_line(
	    r,
	    "2021/07/13 18:06:22.2125133 3736  3464  ProtocolTalker  Initializing simple targeting "
	    "cookie, clientId = 3081f2d7-7291-42c5-b7ae-2d05c23db537, target group = , DNS name = "
	    "a.b",
	    1);
	run_line(
	    r, "2021/07/13 18:07:01.0000000 3736  3464  Agent           WSUS server: http://x:8530",
	    2);
	run_line(
	    r,
	    "2021/13/13 18:07:01.0000000 3736  3464  Agent           *FAILED* [80244007] bad month",
	    3);
	wl_extract_end(r->x);
	assert_int_equal(wl_extract_bad_lines(r->x), 1);
	wl_extract_begin(r->x, WL_FMT_WU_ETW, "", 0);
	assert_int_equal(wl_extract_bad_lines(r->x), 0);
	assert_int_equal(wl_extract_first_ts(r->x), WL_TS_NONE);
	run_line(r, "2021/07/13 18:07:02.0000000 3736  3464  Agent           *FAILED* [8024401C] x",
	         1);
	wl_extract_end(r->x);
	assert_int_equal(r->n, 1);
	assert_false(r->ev[0].has_client);
	assert_str(r->ev[0].server, "");
	assert_str(r->ev[0].host, "");
	run_free(r);
}

/* ---- time zones ---- */

static void classic_banner_time_zones(void **state)
{
	(void)state;
	static const char *const lines[] = {
	    "2021-08-28\t11:05:07:920\t 576\ta70\tMisc\t===========  Logging initialized (build: "
	    "7.6.7600.256, tz: +0530)  ===========",
	    "2021-08-28\t11:05:08:000\t1000\t 10\tMisc\t===========  Logging initialized (build: "
	    "7.6.7600.256, tz: -0800)  ===========",
	    "2021-08-28\t12:00:00:000\t 576\ta70\tAgent\tWARNING: x 0x8024402c",
	    "2021-08-28\t12:00:00:000\t1000\t 10\tAgent\tWARNING: x 0x8024402c",
	    "2021-08-28\t12:00:00:000\t2000\t 20\tAgent\tWARNING: x 0x8024402c",
	};
	run *r = EXTRACT(&no_tz, WL_FMT_WU_CLASSIC, "", lines);
	assert_int_equal(r->n, 3);
	assert_int_equal(r->ev[0].ts, at(2021, 8, 28, 12, 0, 0, 0, 330));  /* 06:30 UTC */
	assert_int_equal(r->ev[1].ts, at(2021, 8, 28, 12, 0, 0, 0, -480)); /* 20:00 UTC */
	assert_int_equal(r->ev[2].ts, at(2021, 8, 28, 12, 0, 0, 0, -480)); /* last banner */
	assert_int_equal(wl_extract_first_ts(r->x), at(2021, 8, 28, 11, 5, 7, 920000, 330));
	assert_int_equal(wl_extract_last_ts(r->x), at(2021, 8, 28, 12, 0, 0, 0, -480));
	run_free(r);

	/* A classic file without a banner: --tz, else the time as written. */
	static const char *const plain[] = {
	    "2021-08-28\t12:00:00:000\t 576\ta70\tAgent\tWARNING: x 0x8024402c",
	    "2021-08-28\t12:30:00:000\t 576\ta70\tMisc\t===========  Logging initialized (build: "
	    "7.6.7600.256, tz: +0100)  ===========",
	    "2021-08-28\t13:00:00:000\t 576\ta70\tAgent\tWARNING: x 0x8024402c",
	};
	const wl_extract_cfg tz2 = {.has_tz = true, .tz_minutes = 120};
	r = EXTRACT(&tz2, WL_FMT_WU_CLASSIC, "", plain);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->ev[0].ts, at(2021, 8, 28, 12, 0, 0, 0, 120));
	assert_int_equal(r->ev[1].ts, at(2021, 8, 28, 13, 0, 0, 0, 60)); /* banner beats --tz */
	run_free(r);
	r = EXTRACT(&no_tz, WL_FMT_WU_CLASSIC, "", plain);
	assert_int_equal(r->ev[0].ts, at(2021, 8, 28, 12, 0, 0, 0, 0));
	run_free(r);
}

static void etw_time_zone(void **state)
{
	(void)state;
	static const char *const lines[] = {
	    "2021/07/13 18:06:20.9234519 3736  3464  Agent           *FAILED* [8024043D] x",
	};
	run *r = EXTRACT(&no_tz, WL_FMT_WU_ETW, "", lines);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->ev[0].ts, at(2021, 7, 13, 18, 6, 20, 923451, 0)); /* UTC */
	assert_int_equal(wl_extract_first_ts(r->x), r->ev[0].ts);
	assert_int_equal(wl_extract_last_ts(r->x), r->ev[0].ts);
	run_free(r);

	const wl_extract_cfg east = {.has_tz = true, .tz_minutes = 120};
	r = EXTRACT(&east, WL_FMT_WU_ETW, "", lines);
	assert_int_equal(r->ev[0].ts, at(2021, 7, 13, 16, 6, 20, 923451, 0));
	run_free(r);

	const wl_extract_cfg west = {.has_tz = true, .tz_minutes = -300};
	r = EXTRACT(&west, WL_FMT_WU_ETW, "", lines);
	assert_int_equal(r->ev[0].ts, at(2021, 7, 13, 23, 6, 20, 923451, 0));
	run_free(r);

	/* A banner-like line in an ETW file does not set a zone. */
	static const char *const banner[] = {
	    "2021/07/13 18:00:00.0000000 3736  3464  Misc            ===  Logging initialized (tz: "
	    "+0530)  ===",
	    "2021/07/13 18:06:20.9234519 3736  3464  Agent           *FAILED* [8024043D] x",
	};
	r = EXTRACT(&no_tz, WL_FMT_WU_ETW, "", banner);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->ev[0].ts, at(2021, 7, 13, 18, 6, 20, 923451, 0));
	run_free(r);
}

/* ---- scans ---- */

static void etw_scan_end(void **state)
{
	(void)state;
	static const char *const lines[] = {
	    "2021/07/13 18:07:09.7148734 3736  3464  ProtocolTalker  SyncUpdates round trips: 106",
	    "2021/07/13 18:07:09.8000000 3736  9999  ProtocolTalker  SyncUpdates round trips: 7",
	    "2021/07/13 18:07:15.1940655 3736  3464  Agent           Found 31 updates and 118 "
	    "categories in search; "
	    "evaluated appl. rules of 1964 out of 3057 deployed entities",
	    "2021/07/13 18:07:15.2048031 3736  3464  Agent           * END * Finding updates "
	    "CallerId = CcmExec, Id = 2, "
	    "Exit code = 0x8024402F (cV = lsg8SRr0Xk+wqTGd.1.0.0.2)",
	    "2021/07/13 18:07:15.2115226 3736  3464  Agent           * END * Queueing Finding "
	    "updates [CallerId = CcmExec  Id = 3]",
	    "2021/07/13 18:08:00.0000000 3736  3464  Agent           * END * Finding updates "
	    "CallerId = CcmExec, Id = 3, Exit code = 0x00000000",
	    "2021/07/13 18:08:01.0000000 3736  9999  Agent           * END * Finding updates "
	    "CallerId = X, Id = 4, Exit code = 0x00000000",
	};
	run *r = EXTRACT(&no_tz, WL_FMT_WU_ETW, "pc005", lines);
	assert_int_equal(r->n, 3);
	ev_rec *a = &r->ev[0];
	assert_int_equal(a->kind, WL_EV_SCAN);
	assert_int_equal(a->line, 4);
	assert_true(a->has_hr);
	assert_int_equal(a->hr, 0x8024402Fu);
	assert_int_equal(a->round_trips, 106);
	assert_int_equal(a->evaluated, 1964);
	assert_int_equal(a->deployed, 3057);
	assert_int_equal(a->ts, at(2021, 7, 13, 18, 7, 15, 204803, 0));
	assert_str(a->host, "pc005");

	ev_rec *b = &r->ev[1]; /* same thread, statistics consumed */
	assert_int_equal(b->kind, WL_EV_SCAN);
	assert_int_equal(b->line, 6);
	assert_true(b->has_hr);
	assert_int_equal(b->hr, 0);
	assert_int_equal(b->round_trips, -1);
	assert_int_equal(b->evaluated, -1);
	assert_int_equal(b->deployed, -1);

	ev_rec *c = &r->ev[2]; /* the other thread kept its own */
	assert_int_equal(c->line, 7);
	assert_int_equal(c->round_trips, 7);
	assert_int_equal(c->evaluated, -1);
	run_free(r);
}

static void classic_scan_end(void **state)
{
	(void)state;
	static const char *const lines[] = {
	    "2016-10-19\t11:23:47:375\t1532\t1f40\tAgent\t** START **  Agent: Finding updates "
	    "[CallerId = AutomaticUpdates]",
	    "2016-10-19\t11:24:40:000\t1532\t1f40\tAgent\t  * Found 3 updates and 10 categories in "
	    "search; evaluated appl. rules of 500 out of 900 deployed entities",
	    "2016-10-19\t11:24:41:000\t1532\t1f40\tAgent\t  * WARNING: Exit code = 0x8024400E",
	    "2016-10-19\t11:24:41:000\t1532\t1f40\tAgent\t*********",
	    "2016-10-19\t11:24:41:000\t1532\t1f40\tAgent\t**  END  **  Agent: Finding updates "
	    "[CallerId = AutomaticUpdates]",
	    "2016-10-19\t11:30:00:000\t1532\t1f40\tAgent\t**  END  **  Agent: Finding updates "
	    "[CallerId = AutomaticUpdates]",
	};
	run *r = EXTRACT(&no_tz, WL_FMT_WU_CLASSIC, "", lines);
	assert_int_equal(r->n, 3);
	assert_int_equal(r->ev[0].kind, WL_EV_WARNING);
	assert_int_equal(r->ev[0].hr, 0x8024400Eu);
	assert_int_equal(r->ev[1].kind, WL_EV_SCAN);
	assert_int_equal(r->ev[1].line, 5);
	assert_int_equal(r->ev[1].hr, 0x8024400Eu);
	assert_int_equal(r->ev[1].evaluated, 500);
	assert_int_equal(r->ev[1].deployed, 900);
	assert_int_equal(r->ev[1].round_trips, -1);
	assert_int_equal(r->ev[2].kind, WL_EV_SCAN);
	assert_int_equal(r->ev[2].hr, 0); /* exit code consumed by the first scan */
	assert_int_equal(r->ev[2].evaluated, -1);
	run_free(r);
}

/* ---- server side ---- */

static void check_throw(const ev_rec *e, uint64_t line, const char *host)
{
	assert_int_equal(e->kind, WL_EV_THROW);
	assert_int_equal(e->role, WL_ROLE_SERVER);
	assert_int_equal(e->line, line);
	assert_int_equal(e->ts, at(2019, 6, 4, 8, 15, 30, 123000, 0)); /* UTC as written */
	assert_str(e->server, "wsus01");
	assert_str(e->host, host);
	assert_true(e->has_client);
	assert_str(e->client, "6d3449db-232e-4553-b646-f627d2f33e57");
	assert_true(e->has_fault);
	assert_str(e->fault, "5a6b7c8d-1111-2222-3333-444455556666");
	assert_str(e->fault_code, "InvalidParameters");
	assert_str(e->parameter, "InstalledNonLeafUpdateIDs");
	assert_str(e->component, "ClientImplementation.SyncUpdates");
}

static void server_throw_exception(void **state)
{
	(void)state;
	static const char tab[] =
	    "2019-06-04 08:15:30.123 UTC\tWarning\tw3wp.31\tClientImplementation.SyncUpdates\t"
	    "ThrowException: actor = http://WSUS01:8530/ClientWebService/client.asmx, "
	    "ID=5A6B7C8D-1111-2222-3333-444455556666, ErrorCode=InvalidParameters, "
	    "Message=parameters.InstalledNonLeafUpdateIDs, "
	    "Client=6d3449db-232e-4553-b646-f627d2f33e57";
	static const char spaces[] =
	    "2019-06-04 08:15:30.123 UTC Warning      w3wp.31  ClientImplementation.SyncUpdates   "
	    "ThrowException: actor = http://WSUS01:8530/ClientWebService/client.asmx, "
	    "ID=5A6B7C8D-1111-2222-3333-444455556666, ErrorCode=InvalidParameters, "
	    "Message=parameters.InstalledNonLeafUpdateIDs, "
	    "Client=6d3449db-232e-4553-b646-f627d2f33e57";
	/* --tz does not apply to the server log (its times are UTC). */
	const wl_extract_cfg tz = {.has_tz = true, .tz_minutes = 60};
	run *r = run_new(&tz, WL_FMT_SDIST, "");
	run_line(r, tab, 1);
	assert_int_equal(r->n, 0); /* waits for continuation lines */
	run_line(r, spaces, 2);
	assert_int_equal(r->n, 1);
	wl_extract_end(r->x);
	assert_int_equal(r->n, 2);
	check_throw(&r->ev[0], 1, "wsus01"); /* no hint: the actor names the host */
	assert_str(r->ev[0].raw, tab);
	check_throw(&r->ev[1], 2, "wsus01");
	assert_str(r->ev[1].raw, spaces);
	/* Tabs or runs of spaces: the same message, stored once. */
	assert_true(strncmp(r->ev[0].message, "ThrowException: actor = ", 24) == 0);
	assert_str(r->ev[0].message, r->ev[1].message);
	assert_int_equal(r->nbad, 0);
	run_free(r);

	/* With a hint from the path. */
	static const char *const one[] = {tab};
	r = EXTRACT(&no_tz, WL_FMT_SDIST, "wsus01.corp.example", one);
	assert_int_equal(r->n, 1);
	check_throw(&r->ev[0], 1, "wsus01.corp.example");
	run_free(r);
}

static void server_uss_stack_trace(void **state)
{
	(void)state;
	static const char *const lines[] = {
	    "2019-02-01 10:00:00.000 UTC Error WsusService.25 SoapUtilities.LogException USS "
	    "ThrowException: "
	    "Actor = "
	    "https://fe2.update.microsoft.com/v6/ServerSyncWebService/ServerSyncWebService.asmx, "
	    "Method = \"http://www.microsoft.com/SoftwareDistribution/GetUpdateData\", "
	    "ID=0f1e2d3c-4b5a-6978-8a9b-acbdcedfe0f1, ErrorCode=InternalServerError, Message=  ",
	    "   at Microsoft.UpdateServices.Internal.SoapUtilities.LogException(SoapException e)",
	    "   at "
	    "Microsoft.UpdateServices.ServerSync.CatalogSyncAgentCore.ExecuteSyncProtocol(Boolean "
	    "allowRedirect)",
	    "2019-02-01 10:00:01.000 UTC Info WsusService.25 "
	    "CatalogSyncAgent.SetSubscriptionStateWithRetry Firing event SyncFinish...",
	    "   at an.info.continuation()",
	};
	run *r = EXTRACT(&no_tz, WL_FMT_SDIST, "wsus02", lines);
	assert_int_equal(r->n, 1);
	ev_rec *e = &r->ev[0];
	assert_int_equal(e->kind, WL_EV_THROW);
	assert_int_equal(e->line, 1);
	assert_str(e->server, "wsus02"); /* the file's host, not microsoft.com */
	assert_str(e->host, "wsus02");
	assert_str(e->fault_code, "InternalServerError");
	assert_str(e->parameter, "");
	assert_true(e->has_fault);
	assert_str(e->fault, "0f1e2d3c-4b5a-6978-8a9b-acbdcedfe0f1");
	assert_false(e->has_client);
	assert_str(e->component, "SoapUtilities.LogException");
	char want[2048];
	int k = snprintf(want, sizeof want, "%s\n%s\n%s", lines[0], lines[1], lines[2]);
	assert_true(k > 0 && (size_t)k < sizeof want);
	assert_int_equal(e->raw_n, (size_t)k);
	assert_str(e->raw, want);
	/* The message runs on through the stack trace. */
	assert_str(e->message, want + strlen("2019-02-01 10:00:00.000 UTC Error WsusService.25 "
	                                     "SoapUtilities.LogException "));
	assert_int_equal(wl_extract_first_ts(r->x), at(2019, 2, 1, 10, 0, 0, 0, 0));
	assert_int_equal(wl_extract_last_ts(r->x), at(2019, 2, 1, 10, 0, 1, 0, 0));
	run_free(r);
}

static void server_error_and_info(void **state)
{
	(void)state;
	static const char *const lines[] = {
	    "2014-01-16 18:53:54.231 UTC Change w3wp.58 AdminDataAccess.StartSubscriptionManually  "
	    "  Synchronization manually started  ",
	    "2014-01-16 18:53:56.168 UTC  Info         WsusService.15 "
	    "EventLogEventReporter.ReportEvent  EventId=382,Type=Information",
	    "2019-02-01 11:00:00.000 UTC\tError\tWsusService.12\tCatalogSyncAgentCore.Run\tSync "
	    "failed: System.Net.WebException: The operation has timed out",
	    "   at System.Net.HttpWebRequest.GetResponse()",
	    "2019-02-01 11:00:01.000 "
	    "UTC\tWarning\tWsusService.12\tCatalogSyncAgentCore.Run\tRetrying in 5 minutes",
	};
	run *r = EXTRACT(&no_tz, WL_FMT_SDIST, "wsus03", lines);
	assert_int_equal(r->n, 1);
	ev_rec *e = &r->ev[0];
	assert_int_equal(e->kind, WL_EV_SERVER_ERROR);
	assert_int_equal(e->role, WL_ROLE_SERVER);
	assert_int_equal(e->line, 3);
	assert_str(e->server, "wsus03");
	assert_str(e->component, "CatalogSyncAgentCore.Run");
	assert_str(e->raw,
	           "2019-02-01 11:00:00.000 UTC\tError\tWsusService.12\tCatalogSyncAgentCore.Run\t"
	           "Sync failed: System.Net.WebException: The operation has timed out\n"
	           "   at System.Net.HttpWebRequest.GetResponse()");
	assert_false(e->has_fault);
	assert_int_equal(e->ts, at(2019, 2, 1, 11, 0, 0, 0, 0));
	assert_int_equal(r->nbad, 0);
	run_free(r);
}

/* ---- malformed lines ---- */

static void bad_client_line(void **state)
{
	(void)state;
	static const char *const lines[] = {
	    "2021/07/13 18:06:20.9234519 3736  3464  Agent           *FAILED* [8024043D] one",
	    "2021/13/13 18:06:20.9234519 3736  3464  Agent           *FAILED* [8024043D] bad month",
	    "",
	    "\r",
	    "2021/07/13 18:06:21.0000000 3736  3464  Agent           *FAILED* [80244007] two",
	};
	run *r = EXTRACT(&no_tz, WL_FMT_WU_ETW, "", lines);
	assert_int_equal(wl_extract_bad_lines(r->x), 1);
	assert_int_equal(r->nbad, 1);
	assert_int_equal(r->bad[0], 2);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->ev[0].line, 1);
	assert_int_equal(r->ev[1].line, 5);
	run_free(r);

	/* Classic: letters in the pid of a WARNING line. */
	static const char *const classic[] = {
	    "2021-08-28\t11:05:07:920\t 5x6\ta70\tAgent\tWARNING: x 0x8024402c",
	    "2021-08-28\t11:05:07:920\t 576\ta70\tAgent\tWARNING: x 0x8024402c",
	};
	r = EXTRACT(&no_tz, WL_FMT_WU_CLASSIC, "", classic);
	assert_int_equal(wl_extract_bad_lines(r->x), 1);
	assert_int_equal(r->bad[0], 1);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->ev[0].line, 2);
	run_free(r);

	/* A classic line in an ETW file is malformed too. */
	static const char *const mixed[] = {
	    "2021-08-28\t11:05:07:920\t 576\ta70\tAgent\tWARNING: x 0x8024402c",
	};
	r = EXTRACT(&no_tz, WL_FMT_WU_ETW, "", mixed);
	assert_int_equal(wl_extract_bad_lines(r->x), 1);
	assert_int_equal(r->n, 0);
	run_free(r);

	/* Server: a header-like line that does not parse; continuation lines
	 * are never bad. */
	static const char *const srv[] = {
	    "   at Something.Before.AnyHeader()",
	    "2019-02-01 11:00:00.000 XYZ Error WsusService.12 A.B text",
	    "2019-02-01 11:00:00.000 UTC Info WsusService.12 A.B text",
	};
	r = EXTRACT(&no_tz, WL_FMT_SDIST, "", srv);
	assert_int_equal(wl_extract_bad_lines(r->x), 1);
	assert_int_equal(r->bad[0], 2);
	assert_int_equal(r->n, 0);
	run_free(r);
}

static void bad_line_without_keyword(void **state)
{
	(void)state;
	/* Only candidate lines are tokenized (extract.h): a malformed line that
	 * cannot carry an event is skipped without a bad-line record, while a
	 * malformed line that starts like an event line is recorded. */
	static const char *const lines[] = {
	    "2021/07/13 18:06:20.9234519 3736  3464  Agent           Service is in sequential scan "
	    "list",
	    "this is not a log line",
	    "2021/07/13 18:06:2",
	    "2021/07/13 18:06:2x.9234519 3736  3464  Agent           *FAILED* [8024043D] cut "
	    "header",
	};
	run *r = EXTRACT(&no_tz, WL_FMT_WU_ETW, "", lines);
	assert_int_equal(wl_extract_bad_lines(r->x), 1);
	assert_int_equal(r->nbad, 1);
	assert_int_equal(r->bad[0], 4);
	assert_int_equal(r->n, 0);
	run_free(r);
}

static void first_last_ts_cover_all_lines(void **state)
{
	(void)state;
	/* The time range covers the first and last lines, not only the
	 * candidate lines (regression: it once spanned 11:00 .. 11:00). */
	static const char *const lines[] = {
	    "2021/07/13 10:00:00.0000000 3736  3464  Agent           Service 7971F918 is in "
	    "sequential scan list",
	    "2021/07/13 11:00:00.0000000 3736  3464  Agent           *FAILED* [8024043D] one",
	    "2021/07/13 12:00:00.0000000 3736  3464  Agent           Do not connect to Windows "
	    "Update Internet locations: No",
	};
	run *r = EXTRACT(&no_tz, WL_FMT_WU_ETW, "", lines);
	assert_int_equal(r->n, 1);
	assert_int_equal(wl_extract_first_ts(r->x), at(2021, 7, 13, 10, 0, 0, 0, 0));
	assert_int_equal(wl_extract_last_ts(r->x), at(2021, 7, 13, 12, 0, 0, 0, 0));
	run_free(r);
}

static void server_raw_is_capped(void **state)
{
	(void)state;
	char *hdr = malloc(WL_RAW_MAX + 1000);
	assert_non_null(hdr);
	static const char head[] = "2019-02-01 11:00:00.000 UTC Error WsusService.12 A.B ";
	memcpy(hdr, head, sizeof head - 1);
	memset(hdr + sizeof head - 1, 'x', WL_RAW_MAX + 1000 - sizeof head);
	hdr[WL_RAW_MAX + 999] = 0;
	run *r = run_new(&no_tz, WL_FMT_SDIST, "wsus04");
	run_line(r, hdr, 1);
	run_line(r, "   at A.B()", 2);
	wl_extract_end(r->x);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->ev[0].kind, WL_EV_SERVER_ERROR);
	assert_int_equal(r->ev[0].raw_n, WL_RAW_MAX);
	assert_memory_equal(r->ev[0].raw, hdr, WL_RAW_MAX);
	run_free(r);
	free(hdr);
}

static void bom_inside_text(void **state)
{
	(void)state;
	/* Files concatenated by hand: a BOM at the start of a later line. */
	static const char *const lines[] = {
	    "2021/07/13 18:06:20.9234519 3736  3464  Agent           *FAILED* [8024043D] one",
	    "\xEF\xBB\xBF"
	    "2021/07/13 18:06:21.0000000 3736  3464  Agent           *FAILED* [80244007] two",
	};
	run *r = EXTRACT(&no_tz, WL_FMT_WU_ETW, "", lines);
	assert_int_equal(wl_extract_bad_lines(r->x), 0);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->ev[1].line, 2);
	assert_int_equal(r->ev[1].hr, 0x80244007u);
	assert_int_equal(r->ev[1].ts, at(2021, 7, 13, 18, 6, 21, 0, 0));
	run_free(r);
}

/* ---- web.config ---- */

static void web_config_limits(void **state)
{
	(void)state;
	static const char *const lines[] = {
	    "<configuration>",
	    "  <appSettings>",
	    "    <add key=\"maxInstalledPrerequisites\" value=\"800\" />",
	    "    <add key=\"SomethingElse\" value=\"5\" />",
	    "    <add key=\"maxCachedUpdates\" value='44000'/>",
	    "  </appSettings>",
	    "</configuration>",
	};
	const int64_t mtime = at(2023, 5, 1, 12, 0, 0, 0, 0);
	run *r = run_new(&no_tz, WL_FMT_WEBCONFIG, "wsus01");
	wl_extract_set_file_time(r->x, mtime);
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
		run_line(r, lines[i], i + 1);
	assert_int_equal(r->n, 0); /* one record, at the end */
	wl_extract_end(r->x);
	assert_int_equal(r->n, 1);
	ev_rec *e = &r->ev[0];
	assert_int_equal(e->kind, WL_EV_CONFIG);
	assert_int_equal(e->role, WL_ROLE_SERVER);
	assert_int_equal(e->ts, mtime);
	assert_int_equal(e->max_prereq, 800);
	assert_int_equal(e->max_cached, 44000);
	assert_str(e->server, "wsus01");
	assert_str(e->host, "wsus01");
	assert_int_equal(wl_extract_bad_lines(r->x), 0);

	/* Keys absent: -1 (the documented defaults apply); no file time. */
	wl_extract_begin(r->x, WL_FMT_WEBCONFIG, "wsus02", 6);
	run_line(r, "<configuration><appSettings></appSettings></configuration>", 1);
	wl_extract_end(r->x);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->ev[1].kind, WL_EV_CONFIG);
	assert_int_equal(r->ev[1].max_prereq, -1);
	assert_int_equal(r->ev[1].max_cached, -1);
	assert_int_equal(r->ev[1].ts, WL_TS_NONE);
	assert_str(r->ev[1].server, "wsus02");
	run_free(r);

	/* Client events say "no config values". */
	static const char *const etw[] = {
	    "2021/07/13 18:06:20.9234519 3736  3464  Agent           *FAILED* [8024043D] x",
	};
	r = EXTRACT(&no_tz, WL_FMT_WU_ETW, "", etw);
	assert_int_equal(r->ev[0].max_prereq, -1);
	assert_int_equal(r->ev[0].max_cached, -1);
	run_free(r);
}

/* ---- helpers ---- */

static void url_host(void **state)
{
	(void)state;
	char h[64];
	static const char a[] = "https://WSUS01.Corp:8531/ClientWebService/client.asmx";
	assert_int_equal(wl_url_host(a, sizeof a - 1, h, sizeof h), 11);
	assert_str(h, "wsus01.corp");
	assert_int_equal(wl_url_host("http://x:8530", 13, h, sizeof h), 1);
	assert_str(h, "x");
	static const char b[] = " = \"http://srv.example/Selfupdate\"";
	assert_int_equal(wl_url_host(b, sizeof b - 1, h, sizeof h), 11);
	assert_str(h, "srv.example");
	static const char c[] = "https://SCCM01D.firm.saulewing.net:8531\"\"";
	assert_int_equal(wl_url_host(c, sizeof c - 1, h, sizeof h), 26);
	assert_str(h, "sccm01d.firm.saulewing.net");
	/* the span ends the host */
	assert_int_equal(wl_url_host("http://abcdef", 10, h, sizeof h), 3);
	assert_str(h, "abc");
	assert_int_equal(wl_url_host("<NULL>", 6, h, sizeof h), 0);
	assert_int_equal(wl_url_host("", 0, h, sizeof h), 0);
}

static void find_hresult(void **state)
{
	(void)state;
	uint32_t v = 0;
#define HR(s) wl_find_hresult((s), sizeof(s) - 1, &v)
	assert_true(HR("failed with 0x8024402c"));
	assert_int_equal(v, 0x8024402Cu);
	assert_true(HR("OnCallFailure failed with hr=0X80244007"));
	assert_int_equal(v, 0x80244007u);
	assert_true(HR("Failed to evaluate, hr = 80070057"));
	assert_int_equal(v, 0x80070057u);
	assert_true(HR("hr=8024402F"));
	assert_int_equal(v, 0x8024402Fu);
	assert_true(HR("installerError=1, hr=0x800736b3"));
	assert_int_equal(v, 0x800736B3u);
	assert_true(HR("UH: 0x80070057: Evaluate"));
	assert_int_equal(v, 0x80070057u);
	/* the first failure code wins */
	assert_true(HR("0x00000001 then 0x80240022 then 0x80244007"));
	assert_int_equal(v, 0x80240022u);
	/* Every spelling of docs/EVENTS.md: bare digits after a code key, a
	 * bare token with a hex letter anywhere, brackets, C/D ranges. */
	assert_true(HR("error code 80244007"));
	assert_int_equal(v, 0x80244007u);
	assert_true(HR("Exit code = 80070002, more"));
	assert_int_equal(v, 0x80070002u);
	assert_true(HR("Unable to complete asynchronous search. (hr=80070002)"));
	assert_int_equal(v, 0x80070002u);
	assert_true(HR("Search callback failed, result = 80070002."));
	assert_int_equal(v, 0x80070002u);
	assert_true(HR("Download failed with 80070005"));
	assert_int_equal(v, 0x80070005u);
	assert_true(HR("lastError: 80070005"));
	assert_int_equal(v, 0x80070005u);
	assert_true(HR("Failed to find updates with error code 8024402C"));
	assert_int_equal(v, 0x8024402Cu);
	assert_true(HR("status 8024402C"));
	assert_int_equal(v, 0x8024402Cu);
	assert_true(HR("returned 8024402c."));
	assert_int_equal(v, 0x8024402Cu);
	assert_true(HR("Service [80072EE2] stopped"));
	assert_int_equal(v, 0x80072EE2u);
	assert_true(HR("[80244007]"));
	assert_int_equal(v, 0x80244007u);
	assert_true(HR("failure 0XC8000710"));
	assert_int_equal(v, 0xC8000710u);
	assert_true(HR("DO error 0x80D02002"));
	assert_int_equal(v, 0x80D02002u);
	assert_true(HR("Exit code = 0x00000000; Call error code = 0x80240022"));
	assert_int_equal(v, 0x80240022u);

	v = 0x12345678u;
	assert_false(HR("0x800700570"));               /* 9 digits */
	assert_false(HR("hr = 800700570"));            /* 9 digits */
	assert_false(HR("returned 0x00000000"));       /* success */
	assert_false(HR("hr = 00000001"));             /* success */
	assert_false(HR("SOAP Fault: 0x000190"));      /* 6 digits */
	assert_false(HR("0x8024402"));                 /* 7 digits at the end */
	assert_false(HR("error code 1234"));           /* not 8 digits */
	assert_false(HR("Downloaded 87654321 bytes")); /* decimal digits, no code key */
	assert_false(HR("id 2b4c1d3e-0000-4000-8000-000000000000")); /* a GUID's group */
	assert_false(HR("file C:\\x\\8024402C.cab"));                /* a path's component */
	assert_false(HR("version 8.0.80244007.1"));                  /* a version's part */
	assert_false(HR("job 80244007A"));                           /* 9 hex digits */
	assert_false(HR("x0x8024402C"));                             /* 0x inside a word */
	assert_false(HR(""));
	assert_int_equal(v, 0x12345678u); /* untouched on failure */
#undef HR
}

/* The vector walk of wl_find_hresult against the byte-by-byte reference,
 * on random texts made of the bytes the grammar looks at, of lengths that
 * cross the mask's 64-byte words and pass its longest line. */
static void find_hresult_vector_equals_scalar(void **state)
{
	(void)state;
	static const char alphabet[] = "0123456789abcdefABCDEF88888xX -{}[]().=:,;\\/_ghrHR\t";
	static char text[2600];
	uint64_t seed = 0x9E3779B97F4A7C15u;
	for (int round = 0; round < 20000; round++) {
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		size_t n = (size_t)(seed >> 33) % (round % 50 == 0 ? sizeof text : 200);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 6364136223846793005u + 1442695040888963407u;
			text[i] = alphabet[(seed >> 33) % (sizeof alphabet - 1)];
		}
		uint32_t a = 1, b = 2;
		bool fa = wl_find_hresult(text, n, &a), fb = wl_find_hresult_scalar(text, n, &b);
		if (fa != fb || (fa && a != b))
			fail_msg("round %d: vector %d %08X, scalar %d %08X on \"%.*s\"", round, fa,
			         a, fb, b, (int)n, text);
	}
}

static void banner_tz(void **state)
{
	(void)state;
	int m = 9999;
#define TZ(s) wl_banner_tz((s), sizeof(s) - 1, &m)
	assert_true(
	    TZ("===========  Logging initialized (build: 7.6.7600.256, tz: +0530)  ==========="));
	assert_int_equal(m, 330);
	assert_true(TZ("Logging initialized (build: 7.6.7600.256, tz: -0800)"));
	assert_int_equal(m, -480);
	assert_true(TZ("(tz: +0000)"));
	assert_int_equal(m, 0);
	assert_true(TZ("(tz: -0930)"));
	assert_int_equal(m, -570);
	assert_true(TZ("(tz: +1245)"));
	assert_int_equal(m, 765);
	m = 9999;
	assert_false(TZ("Logging initialized (build: 7.6.7600.256)"));
	assert_false(TZ("(tz: +05)"));
	assert_false(TZ("(tz: 0530)"));
	assert_false(TZ("(tz: +05x0)"));
	assert_false(TZ("(tz: +1500)"));
	assert_false(TZ("(tz: +0560)"));
	assert_false(TZ("tz: +053")); /* cut short */
	assert_int_equal(m, 9999);
#undef TZ
}

static void host_hint(void **state)
{
	(void)state;
	char h[256];
	assert_int_equal(wl_host_hint("clients/pc005-WindowsUpdate.log", NULL, h, sizeof h), 5);
	assert_str(h, "pc005");
	assert_int_equal(wl_host_hint("servers/wsus01.corp.example/SoftwareDistribution.log.old",
	                              NULL, h, sizeof h),
	                 19);
	assert_str(h, "wsus01.corp.example");
	assert_int_equal(wl_host_hint("/data/in/PC007_WindowsUpdate.log.zst", NULL, h, sizeof h),
	                 5);
	assert_str(h, "pc007");
	assert_int_equal(
	    wl_host_hint("C:\\Logs\\WSUS03\\SoftwareDistribution.log", NULL, h, sizeof h), 6);
	assert_str(h, "wsus03");
	/* The member names the machine better than the archive's path. */
	assert_int_equal(wl_host_hint("/data/in/site-wsus09-WindowsUpdate.tar.zst",
	                              "PC010/WindowsUpdate.log", h, sizeof h),
	                 5);
	assert_str(h, "pc010");
	assert_int_equal(
	    wl_host_hint("collect.zip", "outer.tar!inner/pc011.WindowsUpdate.log", h, sizeof h), 5);
	assert_str(h, "pc011");
	/* A member that names nothing falls back to the path. */
	assert_int_equal(wl_host_hint("/data/in/pc012-WindowsUpdate.log.zip",
	                              "logs/WindowsUpdate.log", h, sizeof h),
	                 5);
	assert_str(h, "pc012");
	/* A path flattened into a file name; a web.config below generic
	 * folders. */
	assert_int_equal(
	    wl_host_hint("in/servers_wsus01_SoftwareDistribution.log.zst", NULL, h, sizeof h), 6);
	assert_str(h, "wsus01");
	assert_int_equal(wl_host_hint("wsus05/ClientWebService/web.config", NULL, h, sizeof h), 6);
	assert_str(h, "wsus05");
	/* Nothing to go by. */
	assert_int_equal(wl_host_hint("logs/random.txt", NULL, h, sizeof h), 0);
	assert_str(h, "");
	assert_int_equal(wl_host_hint("clients/WindowsUpdate.log", NULL, h, sizeof h), 0);
	assert_str(h, "");
	assert_int_equal(wl_host_hint("WindowsUpdate.log", NULL, h, sizeof h), 0);
	assert_int_equal(wl_host_hint("archive/notes.log", "misc/readme.txt", h, sizeof h), 0);
	assert_str(h, "");
}

/* wl_find against memmem on random texts over a small alphabet (so that
 * near misses, blanks and needles at either end are common). */
static void find_matches_memmem(void **state)
{
	(void)state;
	uint64_t r = 88172645463325252ULL;
	static const char abc[] = "ab  c";
	char hay[64], lit[8];
	size_t found = 0;
	for (int i = 0; i < 200000; i++) {
		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		size_t n = r % 40, ln = (r >> 8) % 7;
		for (size_t k = 0; k < n; k++)
			hay[k] = abc[((r >> (16 + k % 40)) + k * 7 + (size_t)i) % 5];
		for (size_t k = 0; k < ln; k++)
			lit[k] = abc[((r >> (20 + k)) + k) % 5];
		const char *want = ln == 0 ? hay : memmem(hay, n, lit, ln);
		const char *got = wl_find(hay, n, lit, ln);
		if (got != want)
			fail_msg("\"%.*s\" in \"%.*s\": got offset %td, want %td", (int)ln, lit,
			         (int)n, hay, got ? got - hay : -1, want ? want - hay : -1);
		found += want != NULL && ln > 0;
	}
	assert_true(found > 10000);
	/* At the very end, and a needle of blanks. */
	static const char t[] = "xx out of", u[] = "   ";
	assert_ptr_equal(wl_find(t, 9, " out of", 7), t + 2);
	assert_ptr_equal(wl_find(t, 8, " out of", 7), NULL);
	assert_ptr_equal(wl_find(u, 3, "  ", 2), u);
}

/* The "other" GUIDs of an event, against the byte-by-byte scan they were
 * first found with: random messages of GUIDs, near-GUIDs (a byte short,
 * glued to hex, braced, upper-case), dates and dashes. */
static unsigned ref_guids(const char *p, size_t n, char out[][37])
{
	unsigned k = 0;
	for (size_t i = 0; i + 36 <= n && k < WL_EVENT_GUIDS_MAX; i++) {
		bool hex_here = isxdigit((unsigned char)p[i]) != 0;
		bool hex_before = i > 0 && isxdigit((unsigned char)p[i - 1]);
		if (p[i + 8] != '-' || !hex_here || hex_before)
			continue;
		wl_guid g;
		if (wl_guid_parse(p + i, n - i, &g) == 0)
			continue;
		i += 35;
		bool dup = false;
		for (unsigned j = 0; j < k; j++)
			dup |= memcmp(out[j], g.s, 36) == 0;
		if (!dup) {
			memcpy(out[k], g.s, 36);
			out[k++][36] = 0;
		}
	}
	return k;
}

static void other_guids_match_reference(void **state)
{
	(void)state;
	static const char *const parts[] = {
	    "7a967290-323c-4217-a32c-e4aa1574d7d7",
	    "{6B5E1B4C-2F4D-4C9E-9B7E-3C2F6F6D1A2B}",
	    "7a967290-323c-4217-a32c-e4aa1574d7d",
	    "a7a967290-323c-4217-a32c-e4aa1574d7d7",
	    "0d1c2b3a-4f5e-6d7c-8b9a-0f1e2d3c4b5a",
	    "2024-04-12",
	    "-",
	    "--------",
	    "12345678-",
	    " ",
	    "x",
	    "ab",
	    "0d1c2b3a-4f5e-6d7c-8b9a-0f1e2d3c4b5ax",
	};
	char line[1024];
	uint64_t x = 0x243F6A8885A308D3u;
	for (int t = 0; t < 3000; t++) {
		int n = snprintf(line, sizeof line,
		                 "2024-04-12 01:39:41.0000000 4972  12948 ProtocolTalker  "
		                 "*FAILED* [80244007] ");
		int parts_n = (int)(x % 14);
		for (int k = 0; k < parts_n; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			const char *pt = parts[x % (sizeof parts / sizeof *parts)];
			size_t pn = strlen(pt);
			memcpy(line + n, pt, pn);
			n += (int)pn;
		}
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		line[n] = 0;
		run *r = run_new(&no_tz, WL_FMT_WU_ETW, "pc");
		run_line(r, line, 1);
		wl_extract_end(r->x);
		assert_int_equal(r->n, 1);
		char want[WL_EVENT_GUIDS_MAX][37];
		unsigned k = ref_guids(line, (size_t)n, want);
		if (r->ev[0].n_other != k)
			fail_msg("%u other GUIDs, reference %u, in \"%s\"", r->ev[0].n_other, k,
			         line);
		for (unsigned i = 0; i < k; i++)
			assert_str(r->ev[0].other[i], want[i]);
		run_free(r);
	}
}

/* Before any input, the time range is empty (WL_TS_NONE), as after an input
 * without a readable time. */
static void no_input_no_time(void **state)
{
	(void)state;
	wl_extract *x = wl_extract_new(&no_tz, on_event, on_bad, NULL);
	assert_non_null(x);
	assert_int_equal(wl_extract_first_ts(x), WL_TS_NONE);
	assert_int_equal(wl_extract_last_ts(x), WL_TS_NONE);
	assert_int_equal(wl_extract_bad_lines(x), 0);
	wl_extract_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(etw_failed),
	    cmocka_unit_test(etw_ws_error_soap_fault),
	    cmocka_unit_test(win8_soap_fault_block),
	    cmocka_unit_test(win7_soap_fault_block),
	    cmocka_unit_test(win7_block_per_thread),
	    cmocka_unit_test(classic_warning_fatal_hresults),
	    cmocka_unit_test(classic_bullets_and_spellings),
	    cmocka_unit_test(etw_error_lines),
	    cmocka_unit_test(context_client_id_and_server),
	    cmocka_unit_test(context_classic_and_hint),
	    cmocka_unit_test(context_resets_per_input),
	    cmocka_unit_test(classic_banner_time_zones),
	    cmocka_unit_test(etw_time_zone),
	    cmocka_unit_test(etw_scan_end),
	    cmocka_unit_test(classic_scan_end),
	    cmocka_unit_test(server_throw_exception),
	    cmocka_unit_test(server_uss_stack_trace),
	    cmocka_unit_test(server_error_and_info),
	    cmocka_unit_test(bad_client_line),
	    cmocka_unit_test(bad_line_without_keyword),
	    cmocka_unit_test(first_last_ts_cover_all_lines),
	    cmocka_unit_test(server_raw_is_capped),
	    cmocka_unit_test(bom_inside_text),
	    cmocka_unit_test(web_config_limits),
	    cmocka_unit_test(url_host),
	    cmocka_unit_test(find_matches_memmem),
	    cmocka_unit_test(find_hresult),
	    cmocka_unit_test(find_hresult_vector_equals_scalar),
	    cmocka_unit_test(banner_tz),
	    cmocka_unit_test(host_hint),
	    cmocka_unit_test(other_guids_match_reference),
	    cmocka_unit_test(no_input_no_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
