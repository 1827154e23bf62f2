/* All SQL text of wsuslog-query. Nothing here is assembled at run time:
 * filters are bound values (NULL meaning "no filter"), and where a report
 * has variants (errors --by) each variant is its own statement, picked from
 * a fixed list. Every statement reads only events of sources indexed
 * completely (sources.complete = 1): a half-ingested file must not count.
 * docs/QUERY.md states the same semantics for users. */
#include "query_sql.h"

#include <stdlib.h>
#include <string.h>

#include "wsuslog/schema.h"

/* The statements sharing the fault definition (FAULTS_CTE) are longer than
 * the 4095 bytes C99 obliges a compiler to accept in one literal; GCC and
 * Clang take any length, and SQLite reads them whole. */
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Woverlength-strings"
#endif

/* limits (query/limits.c): the records of every limit fault.
 *
 * Parameters: :prereq, :cached (the two parameter names), :code
 * ('InvalidParameters').
 * Columns: fault_guid_id, event_id, ts, role, server_id, client_guid_id,
 * par (0: :prereq, 1: :cached, NULL: neither), source_id, line.
 *
 * lim   the limit records: InvalidParameters faults naming one of the two
 *       parameters. Found through events_by_param (two seeks), so the cost
 *       follows the number of limit records, not of events.
 * rows  every record of those faults: all events sharing a limit record's
 *       fault GUID (through events_by_fault; both sides of the fault, the
 *       Windows 8 double line), plus each limit record without a fault GUID
 *       (a fault of its own, keyed by its event id).
 * Only events of complete inputs. limits.c picks each fault's time, server
 * and parameter by the FAULTS_CTE's rules and groups them. */
/* The name of a host id (limits.c names each group's server; clients.c
 * its clients' hosts and servers), and the text of a GUID id (clients.c). */
const char wl_sql_host_name[] = "SELECT name FROM hosts WHERE host_id = ?";
/* Names `events`, so that SQLite connects the virtual table (adhoc.c). */
const char wl_sql_connect_events[] = "SELECT 1 FROM events LIMIT 0";

const char wl_sql_guid_text[] = "SELECT guid FROM guids WHERE guid_id = ?";

const char wl_sql_limit_records[] =
    "WITH lim AS ("
    "  SELECT e.event_id, e.fault_guid_id AS fg, e.ts, e.role, e.server_id,"
    "         e.client_guid_id AS cid, e.parameter, e.source_id, e.line"
    "  FROM event_notes e JOIN sources s ON s.source_id = e.source_id"
    "  WHERE e.parameter IS NOT NULL AND e.parameter IN (:prereq, :cached)"
    "    AND e.fault_code = :code AND s.complete = 1"
    ")"
    " SELECT e.fault_guid_id, e.event_id, e.ts, e.role, e.server_id, e.client_guid_id,"
    "   CASE e.parameter WHEN :prereq THEN 0 WHEN :cached THEN 1 END, e.source_id, e.line"
    " FROM event_notes e JOIN sources s ON s.source_id = e.source_id"
    " WHERE e.fault_guid_id IS NOT NULL"
    "   AND e.fault_guid_id IN (SELECT fg FROM lim WHERE fg IS NOT NULL)"
    "   AND s.complete = 1"
    " UNION ALL"
    " SELECT NULL, event_id, ts, role, server_id, cid,"
    "   CASE parameter WHEN :prereq THEN 0 WHEN :cached THEN 1 END, source_id, line"
    " FROM lim WHERE fg IS NULL";

/* errors: events carrying an HRESULT, grouped by code (and server or client
 * id). Parameters: :since, :until (on the event's ts), and for --by client
 * :client_role. "events" counts records of one fault (same fault GUID) once.
 * Columns: [server | client_id, host,] code, events, clients, servers.
 * The host of a client id is the lowest host name among its client-side
 * events (server-side events carry the WSUS server as host; cloned machines
 * may share one SusClientId). */
#define ERRORS_COUNTS                                                                              \
	"SUM(e.fault_guid_id IS NULL) + COUNT(DISTINCT e.fault_guid_id) AS n,"                     \
	" COUNT(DISTINCT e.client_guid_id), COUNT(DISTINCT e.server_id)"
#define ERRORS_WHERE                                                                               \
	" WHERE e.hresult IS NOT NULL AND s.complete = 1"                                          \
	"   AND (:since IS NULL OR e.ts >= :since)"                                                \
	"   AND (:until IS NULL OR e.ts < :until)"

const char wl_sql_errors_by_code[] =
    "SELECT e.hresult AS code, " ERRORS_COUNTS
    " FROM events e JOIN sources s ON s.source_id = e.source_id" ERRORS_WHERE " GROUP BY e.hresult"
    " ORDER BY n DESC, code";

const char wl_sql_errors_by_server[] =
    "SELECT h.name AS server, e.hresult AS code, " ERRORS_COUNTS
    " FROM events e JOIN sources s ON s.source_id = e.source_id"
    " LEFT JOIN hosts h ON h.host_id = e.server_id" ERRORS_WHERE " GROUP BY e.server_id, e.hresult"
    " ORDER BY n DESC, code, h.name IS NULL, h.name";

const char wl_sql_errors_by_client[] =
    "SELECT g.guid AS client, MIN(CASE WHEN e.role = :client_role"
    "   THEN h.name END), e.hresult AS code, " ERRORS_COUNTS
    " FROM events e JOIN sources s ON s.source_id = e.source_id"
    " LEFT JOIN guids g ON g.guid_id = e.client_guid_id"
    " LEFT JOIN hosts h ON h.host_id = e.host_id" ERRORS_WHERE
    " GROUP BY e.client_guid_id, e.hresult"
    " ORDER BY n DESC, code, g.guid IS NULL, g.guid";

/* guid: every event listing :guid (canonical form) in event_guids, or
 * carrying it as its SusClientId (events.client_guid_id: client ids are not
 * repeated in event_guids), in any role, once even if the line names the
 * GUID twice (event_guids has no unique key). Found through
 * event_guids_by_guid. Columns: role, ts, host, server, client_id, hresult,
 * fault_code, parameter, source (path!member), line, raw (WL_SQL_RAW).
 * Unknown times sort last. CLIENT_EVENTS: the ids of the events carrying
 * it as their SusClientId. */
/* clang-format off */
#define GUID_SQL(CLIENT_EVENTS)                                                                    \
	"SELECT e.role, e.ts, h.name, sv.name, cg.guid, e.hresult, e.fault_code,"                  \
	"  e.parameter,"                                                                           \
	"  s.path || CASE WHEN s.member <> '' THEN '!' || s.member ELSE '' END,"                   \
	"  e.line, " WL_SQL_RAW("e.")                                                              \
	" FROM events e"                                                                           \
	" JOIN sources s ON s.source_id = e.source_id"                                             \
	" LEFT JOIN hosts h ON h.host_id = e.host_id"                                              \
	" LEFT JOIN hosts sv ON sv.host_id = e.server_id"                                          \
	" LEFT JOIN guids cg ON cg.guid_id = e.client_guid_id"                                     \
	" WHERE e.event_id IN (SELECT eg.event_id FROM event_guids eg"                             \
	"     JOIN guids g ON g.guid_id = eg.guid_id WHERE g.guid = :guid"                         \
	"   UNION " CLIENT_EVENTS ")"                                                              \
	"   AND s.complete = 1"                                                                    \
	" ORDER BY e.ts IS NULL, e.ts, e.role, s.path, s.member, e.line,"                          \
	"   e.event_id"
/* clang-format on */
/* Raw: every event is a candidate (no index holds every client's events). */
const char wl_sql_guid[] = GUID_SQL("SELECT c.event_id FROM guids g"
                                    " JOIN events c ON c.client_guid_id = g.guid_id"
                                    " WHERE g.guid = :guid");
/* Summaries: only the events of the sources that have the client
 * (sum_activity_total: a few rows per complete source), each read through
 * its range of event ids. */
/* clang-format off */
const char wl_sql_guid_sum[] =
    GUID_SQL("SELECT c.event_id FROM guids g"
             " JOIN sources cs ON cs.source_id IN (SELECT a.source_id"
             "   FROM sum_activity_total a WHERE a.client_guid_id = g.guid_id)"
             " JOIN events c ON " WL_SQL_IN_RANGE("c.", "cs.first_event", "cs.last_event")
             "   AND c.source_id = cs.source_id AND c.client_guid_id = g.guid_id"
             " WHERE g.guid = :guid");
/* clang-format on */

/* ---- faults: the shared definition behind servers, clients, timeline,
 * capacity and report ----
 *
 * The same rules as `limits`, for every fault, not only limit faults
 * (WL_SQL_FAULT_RULES in wsuslog/schema.h, shared with the writer, which
 * keeps their result in faults and fault_members). This reads all events
 * once: there is no index on fault_code (SCHEMA.md), and GUID-less fault
 * records can only be found by a scan. Columns of frec: fg, fe, event_id,
 * cid, hresult, fts, fsrv, fcode, fpar. */
#define FAULTS_CTE WL_SQL_FAULT_RULES("1")

/* x within --since/--until (NULL bounds: no filter; a NULL x passes only
 * when there is no bound). */
#define IN_WINDOW(x) "(:since IS NULL OR " x " >= :since) AND (:until IS NULL OR " x " < :until)"

/* The host id of --server (NULL when none names it: no row matches). */
#define SERVER_ID "(SELECT host_id FROM hosts WHERE name = lower(:server))"

/* Activity per server: every event and scan (of complete sources, in the
 * window) that names the server, plus every record of a fault attributed
 * to it (a client record may name another server; a fault with no known
 * server has sid NULL). Columns: sid, cid, ts, scan (1 for a scan). */
#define ACTIVITY_CTE                                                                               \
	"act AS ("                                                                                 \
	"  SELECT e.server_id AS sid, e.client_guid_id AS cid, e.ts AS t0, e.ts AS t1, 0 AS scan"  \
	"  FROM events e JOIN sources s ON s.source_id = e.source_id"                              \
	"  WHERE s.complete = 1 AND e.server_id IS NOT NULL AND " IN_WINDOW(                       \
	    "e.ts") "  UNION ALL"                                                                  \
	            "  SELECT c.server_id, c.client_guid_id, c.ts, c.ts, 1"                        \
	            "  FROM scans c JOIN sources s ON s.source_id = c.source_id"                   \
	            "  WHERE s.complete = 1 AND c.server_id IS NOT NULL AND " IN_WINDOW(           \
	                "c.ts") "  UNION ALL"                                                      \
	                        "  SELECT fsrv, cid, fts, fts, 0 FROM frec WHERE " IN_WINDOW(      \
	                            "fts") ")"

/* ---- the same from the summaries (docs/SCHEMA.md, "Summaries") ----
 * A window is answered at two grains: its whole UTC days from the daily
 * tables, the whole hours of the days a bound cuts from the hourly ones,
 * and only the partial hours at the bounds from events and scans, found
 * through sum_spans; a source's day too sparse for hourly rows
 * (WL_SUM_DENSE_DAY) is read raw when a bound cuts it. The answers are
 * those of the statements over raw events, for any bounds, and no part
 * reads more than two days of hourly rows, two hours of a dense day's
 * events, or two sparse days' events. UNIT_LO/UNIT_HI: the first whole
 * unit u of the window and the unit after the last; WHOLE: a unit number k
 * in them (rows without a time only when there are no bounds); IN_WHOLE: a
 * time in them; CUT_HOUR: hour h is whole but its day is not (at most 2 x
 * 24 hours, found by range on sum_spans_by_hour). Laid out by hand:
 * clang-format cuts the SQL into fragments. */
/* clang-format off */
#define DAY_OF(x) WL_SQL_FLOOR_DIV(x, WL_SQL_DAY_US)
#define HOUR_OF(x) WL_SQL_FLOOR_DIV(x, WL_SQL_HOUR_US)
#define UNIT_LO(u) "(" WL_SQL_FLOOR_DIV(":since", u) " + (:since % " u " <> 0))"
#define UNIT_HI(u) WL_SQL_FLOOR_DIV(":until", u)
#define WHOLE(k, u)                                                                                \
	"((:since IS NULL OR " k " >= " UNIT_LO(u) ") AND (:until IS NULL OR " k " < " UNIT_HI(u)  \
	") AND (" k " IS NOT NULL OR (:since IS NULL AND :until IS NULL)))"
#define IN_WHOLE(x, u)                                                                             \
	"((:since IS NULL OR " x " >= " UNIT_LO(u) " * " u ") AND (:until IS NULL OR " x           \
	" < " UNIT_HI(u) " * " u "))"
#define HOURS_OF_DAY_OF(x, h)                                                                      \
	h " BETWEEN " DAY_OF(x) " * 24 AND " DAY_OF(x) " * 24 + 23"
#define CUT_HOUR(h)                                                                                \
	"(" HOURS_OF_DAY_OF(":since", h) " OR " HOURS_OF_DAY_OF(":until", h) ")"                   \
	" AND " WHOLE(h, WL_SQL_HOUR_US)                                                           \
	" AND NOT " WHOLE(WL_SQL_FLOOR_DIV(h, "24"), WL_SQL_DAY_US)
/* edge, edge_scans (CROSS JOIN: sum_spans first, whatever the planner
 * guesses): the events and scans of complete sources in the window that
 * no summary row holds: those in the partial hours at the bounds (spans of
 * one hour), and in a sparse day (a span of 24 hours, no hourly rows) those
 * not in the window's whole units u (DAY; HOUR for timeline, whose whole
 * hours are in sum_hours). */
#define SPAN_AT_BOUNDS                                                                             \
	"m.hour IN (" HOUR_OF(":since") ", " HOUR_OF(":until") ", " DAY_OF(":since") " * 24, "     \
	DAY_OF(":until") " * 24)"
#define EDGE_OF(x, u)                                                                              \
	"(m.hours = 1 AND m.hour IN (" HOUR_OF(":since") ", " HOUR_OF(":until") ")"                \
	" AND NOT " IN_WHOLE(x, WL_SQL_HOUR_US) " OR m.hours = 24 AND NOT " IN_WHOLE(x, u) ")"     \
	" AND " IN_WINDOW(x)
/* edge: the events of the hours a bound cuts, their numbers only: a
 * statement that reads no text of `events` leaves the blocks' texts
 * compressed (SQLite materialises a CTE read twice, with every column it
 * names): the windowed `capacity` at 10.5 M events, 0.97 -> 0.67 s. */
#define EDGE_CTE(u)                                                                                \
	"edge AS ("                                                                                \
	"  SELECT e.event_id, e.source_id, e.line, e.ts, e.role, e.kind, e.host_id, e.server_id,"  \
	"    e.client_guid_id, e.component_id, e.hresult, e.fault_guid_id"                         \
	"  FROM sum_spans m CROSS JOIN events e"                                                   \
	"    ON e.event_id BETWEEN m.e0 AND m.e1 AND +e.source_id = m.source_id"                   \
	"  WHERE " SPAN_AT_BOUNDS " AND " EDGE_OF("e.ts", u) ")"
#define EDGE_SCANS_CTE(u)                                                                          \
	"edge_scans AS ("                                                                          \
	"  SELECT c.* FROM sum_spans m CROSS JOIN scans c"                                         \
	"    ON c.scan_id BETWEEN m.c0 AND m.c1 AND +c.source_id = m.source_id"                    \
	"  WHERE " SPAN_AT_BOUNDS " AND " EDGE_OF("c.ts", u) ")"
/* serr, sact: without bounds, the rows of sum_errors_total and
 * sum_activity_total (a few per source); with bounds, those of sum_errors
 * and sum_activity for the window's whole days and of their hourly twins
 * for the whole hours of cut days (the hourly rows of a source's hour
 * found through sum_spans, taken source by source: a source's rows were
 * written together, so its hours share pages; in sum_spans' hour order
 * each row cost a page read, 3 times the time at 100 M events). SQLite
 * tests the bounds once, not per row. */
#define SERR_COLS "role, host_id, server_id, client_guid_id, hresult, fg, n"
#define SACT_COLS                                                                                  \
	"role, host_id, server_id, client_guid_id, events, scans, t0, t1, scan_t1, ok_t1,"         \
	" max_evaluated, max_deployed, max_round_trips"
#define SUM_GRAINS(name, cols, total, daily, hourly)                                               \
	name " AS ("                                                                               \
	"  SELECT " cols " FROM " total " WHERE :since IS NULL AND :until IS NULL"                 \
	"  UNION ALL SELECT " cols " FROM " daily                                                  \
	"  WHERE (:since IS NOT NULL OR :until IS NOT NULL) AND " WHOLE("day", WL_SQL_DAY_US)      \
	"  UNION ALL SELECT " cols " FROM ("                                                       \
	"    SELECT r.* FROM cut m CROSS JOIN " hourly " r"                                        \
	"    ON r.source_id = m.source_id AND r.hour = m.hour))"
/* cut: the hours of dense days that a bound cuts, source by source.
 * SQLite drops the ORDER BY of a subquery or CTE without a LIMIT (order
 * does not change a set), and flattens a subquery: MATERIALIZED and LIMIT
 * -1 (none) keep both. */
#define CUT_CTE                                                                                    \
	"cut AS MATERIALIZED ("                                                                    \
	"  SELECT source_id, hour FROM sum_spans WHERE hours = 1 AND " CUT_HOUR("hour")            \
	"  ORDER BY source_id, hour LIMIT -1)"
/* serr and sact read cut: a statement lists CUT_CTE once before them. */
#define SERR_CTE                                                                                   \
	SUM_GRAINS("serr", SERR_COLS, "sum_errors_total", "sum_errors", "sum_errors_hourly")
#define SACT_CTE                                                                                   \
	SUM_GRAINS("sact", SACT_COLS, "sum_activity_total", "sum_activity", "sum_activity_hourly")
/* frec from faults and fault_members: one row per distinct (client id,
 * HRESULT) of a fault's records instead of one per record; every reader
 * of frec counts distinct values or takes extremes. */
#define FAULTS_SUM_CTE                                                                             \
	"frec AS ("                                                                                \
	"  SELECT CASE WHEN f.fk > 0 THEN f.fk END AS fg, CASE WHEN f.fk < 0 THEN -f.fk END AS fe,"\
	"    NULL AS event_id, m.cid, m.hresult, f.fts, f.fsrv, f.fcode, f.fpar"                   \
	"  FROM faults f JOIN fault_members m ON m.fk = f.fk)"
#define ACTIVITY_SUM_CTE                                                                           \
	EDGE_CTE(WL_SQL_DAY_US) ", " EDGE_SCANS_CTE(WL_SQL_DAY_US) ", " CUT_CTE ", " SACT_CTE      \
	", act AS ("                                                                               \
	"  SELECT server_id AS sid, client_guid_id AS cid, t0, t1, scans AS scan FROM sact"        \
	"  WHERE server_id IS NOT NULL"                                                            \
	"  UNION ALL SELECT server_id, client_guid_id, ts, ts, 0 FROM edge"                        \
	"  WHERE server_id IS NOT NULL"                                                            \
	"  UNION ALL SELECT server_id, client_guid_id, ts, ts, 1 FROM edge_scans"                  \
	"  WHERE server_id IS NOT NULL"                                                            \
	"  UNION ALL SELECT fsrv, cid, fts, fts, 0 FROM frec WHERE " IN_WINDOW("fts") ")"

/* The same from the summaries (serr) and the events at the window's edges:
 * rows (role, host_id, server_id, client_guid_id, hresult, fg, n). */
#define ERRORS_SUM_ROWS                                                                            \
	"WITH " EDGE_CTE(WL_SQL_DAY_US) ", " CUT_CTE ", " SERR_CTE ", u AS ("                      \
	"  SELECT " SERR_COLS " FROM serr"                                                         \
	"  UNION ALL SELECT role, host_id, server_id, client_guid_id, hresult, fault_guid_id, 1"   \
	"  FROM edge WHERE hresult IS NOT NULL)"
/* clang-format on */
#define ERRORS_SUM_COUNTS                                                                          \
	"SUM(CASE WHEN e.fg IS NULL THEN e.n ELSE 0 END) + COUNT(DISTINCT e.fg) AS n,"             \
	" COUNT(DISTINCT e.client_guid_id) AS nc, COUNT(DISTINCT e.server_id) AS ns"
const char wl_sql_errors_by_code_sum[] =
    ERRORS_SUM_ROWS " SELECT e.hresult AS code, " ERRORS_SUM_COUNTS " FROM u e GROUP BY e.hresult"
                    " ORDER BY n DESC, code";
/* Names joined after grouping, once per group, not once per summary row
 * (2.4 M rows for a 59-day window at 104 M events): the server's here, the
 * client's GUID text below. */
const char wl_sql_errors_by_server_sum[] =
    ERRORS_SUM_ROWS " SELECT h.name AS server, x.code, x.n, x.nc, x.ns FROM ("
                    "  SELECT e.server_id AS sid, e.hresult AS code, " ERRORS_SUM_COUNTS
                    "  FROM u e GROUP BY e.server_id, e.hresult) x"
                    " LEFT JOIN hosts h ON h.host_id = x.sid"
                    " ORDER BY x.n DESC, x.code, h.name IS NULL, h.name";
const char wl_sql_errors_by_client_sum[] =
    ERRORS_SUM_ROWS " SELECT g.guid AS client, x.host, x.code, x.n, x.nc, x.ns FROM ("
                    "  SELECT e.client_guid_id AS cid, MIN(CASE WHEN e.role = :client_role"
                    "    THEN h.name END) AS host, e.hresult AS code, " ERRORS_SUM_COUNTS
                    "  FROM u e LEFT JOIN hosts h ON h.host_id = e.host_id"
                    "  GROUP BY e.client_guid_id, e.hresult) x"
                    " LEFT JOIN guids g ON g.guid_id = x.cid"
                    " ORDER BY x.n DESC, x.code, g.guid IS NULL, g.guid";

/* servers: one row per (server, fault code) so the caller can build
 * faults_by_code in a fixed order; the per-server columns repeat.
 * Columns: sid, server, clients, scans, faults, limit_hits, first, last,
 * fcode, n (fcode/n NULL for a server without faults). Ordered by server,
 * then n descending, then code. */
#define SERVERS_SQL(faults, activity)                                                              \
	"WITH " faults ", fault AS ("                                                              \
	"  SELECT DISTINCT fg, fe, fsrv, fcode, fpar FROM frec WHERE " IN_WINDOW(                  \
	    "fts") "), " activity ", per AS ("                                                     \
	           "  SELECT sid, COUNT(DISTINCT cid) AS clients, SUM(scan) AS scans,"             \
	           "    MIN(t0) AS t0, MAX(t1) AS t1 FROM act GROUP BY sid"                        \
	           "), fc AS ("                                                                    \
	           "  SELECT fsrv, fcode, COUNT(*) AS n, SUM(fpar IS NOT NULL) AS lim"             \
	           "  FROM fault GROUP BY fsrv, fcode"                                             \
	           "), ft AS ("                                                                    \
	           "  SELECT fsrv, SUM(n) AS faults, SUM(lim) AS hits FROM fc GROUP BY fsrv"       \
	           ")"                                                                             \
	           " SELECT p.sid, h.name, p.clients, p.scans, coalesce(ft.faults, 0),"            \
	           "   coalesce(ft.hits, 0), p.t0, p.t1, fc.fcode, fc.n"                           \
	           " FROM per p LEFT JOIN hosts h ON h.host_id = p.sid"                            \
	           " LEFT JOIN ft ON ft.fsrv IS p.sid"                                             \
	           " LEFT JOIN fc ON fc.fsrv IS p.sid"                                             \
	           " ORDER BY h.name IS NULL, h.name, p.sid, fc.n DESC, fc.fcode IS NULL, "        \
	           "fc.fcode"
const char wl_sql_servers[] = SERVERS_SQL(FAULTS_CTE, ACTIVITY_CTE);
const char wl_sql_servers_sum[] = SERVERS_SQL(FAULTS_SUM_CTE, ACTIVITY_SUM_CTE);

/* clients: the evidence about each SusClientId in the window, one row per
 * piece; clients.c folds it per client (hash maps in C group these rows
 * faster than SQLite's sorter: the report over a 2.5-day window of 10 M
 * events, 550,000 rows, took 1.19 s grouped here and takes 0.66 s,
 * bench/RESULTS.md).
 * Columns: src, cid, role, host_id, server_id, hresult, fg, n, ts, ok_ts,
 * at_server (server_id is --server's host: 1; NULL without --server),
 * guid, host, server (the texts of cid, host_id, server_id: NULL here,
 * clients.c looks them up by id; the ClickHouse twin fills them).
 * - src 0, events (cev): n events of (role, host_id, server_id, hresult,
 *   fg); n 0 only says the client had events there.
 * - src 1, scans (csc): host_id, server_id, ts the last scan's time and
 *   ok_ts the last successful one's.
 * - src 2, fault records in the window by their fault's time (frec):
 *   server_id the fault's server, fg its key (fk), n 1 for a limit fault.
 * `rows` (CLIENTS_ROWS or CLIENTS_SUM_ROWS) defines cev and csc. */
#define CLIENTS_SQL(faults, rows)                                                                  \
	"WITH " faults ", " rows " SELECT 0 AS src, cid, role, host_id, server_id, hresult, fg,"   \
	" n, NULL AS ts, NULL AS ok_ts, server_id = " SERVER_ID " AS at_server, NULL AS guid,"     \
	" NULL AS host, NULL AS server FROM cev"                                                   \
	" UNION ALL SELECT 1, cid, NULL, host_id, server_id, NULL, NULL, NULL, ts, ok_ts,"         \
	" server_id = " SERVER_ID ", NULL, NULL, NULL FROM csc"                                    \
	" UNION ALL SELECT 2, cid, NULL, NULL, fsrv, NULL, coalesce(fg, -fe), fpar IS NOT NULL,"   \
	" NULL, NULL, fsrv = " SERVER_ID ", NULL, NULL, NULL FROM frec"                            \
	" WHERE cid IS NOT NULL AND " IN_WINDOW("fts")
/* cev and csc over raw events and scans, one row per event or scan.
 * Laid out by hand: clang-format splits strings after a macro argument
 * into fragments. */
/* clang-format off */
#define CLIENTS_ROWS                                                                               \
	"cev AS ("                                                                                 \
	"  SELECT e.client_guid_id AS cid, e.role, e.host_id, e.server_id, e.hresult,"            \
	"    e.fault_guid_id AS fg, 1 AS n"                                                        \
	"  FROM events e JOIN sources s ON s.source_id = e.source_id"                              \
	"  WHERE s.complete = 1 AND e.client_guid_id IS NOT NULL"                                  \
	"    AND " IN_WINDOW("e.ts")                                                               \
	"), csc AS ("                                                                              \
	"  SELECT c.client_guid_id AS cid, c.host_id, c.server_id, c.ts,"                          \
	"    CASE WHEN c.exit_code = 0 THEN c.ts END AS ok_ts"                                     \
	"  FROM scans c JOIN sources s ON s.source_id = c.source_id"                               \
	"  WHERE s.complete = 1 AND c.client_guid_id IS NOT NULL"                                  \
	"    AND " IN_WINDOW("c.ts") ")"
/* The same from sum_activity (who had events or scans where, last scans),
 * sum_errors (the HRESULTs) and the window's edges. */
#define CLIENTS_SUM_ROWS                                                                           \
	EDGE_CTE(WL_SQL_DAY_US) ", " EDGE_SCANS_CTE(WL_SQL_DAY_US) ", " CUT_CTE ", " SERR_CTE      \
	", " SACT_CTE                                                                              \
	", cev AS ("                                                                               \
	"  SELECT client_guid_id AS cid, role, host_id, server_id, NULL AS hresult, NULL AS fg,"   \
	"    0 AS n FROM sact WHERE client_guid_id IS NOT NULL AND events > 0"                     \
	"  UNION ALL SELECT client_guid_id, role, host_id, server_id, hresult, fg, n FROM serr"    \
	"  WHERE client_guid_id IS NOT NULL"                                                       \
	"  UNION ALL SELECT client_guid_id, role, host_id, server_id, hresult, fault_guid_id, 1"   \
	"  FROM edge WHERE client_guid_id IS NOT NULL"                                             \
	"), csc AS ("                                                                              \
	"  SELECT client_guid_id AS cid, host_id, server_id, scan_t1 AS ts, ok_t1 AS ok_ts"        \
	"  FROM sact WHERE client_guid_id IS NOT NULL AND scans > 0"                               \
	"  UNION ALL SELECT client_guid_id, host_id, server_id, ts,"                               \
	"    CASE WHEN exit_code = 0 THEN ts END FROM edge_scans WHERE client_guid_id IS NOT NULL)"
/* clang-format on */
const char wl_sql_clients[] = CLIENTS_SQL(FAULTS_CTE, CLIENTS_ROWS);
const char wl_sql_clients_sum[] = CLIENTS_SQL(FAULTS_SUM_CTE, CLIENTS_SUM_ROWS);

/* timeline: counts per bucket of :width microseconds starting at :origin
 * (mod :width), only buckets with something in them, in time order.
 * events: events with a time (in the window; --server: naming it; --code:
 * with that HRESULT). faults, limit_hits: faults by their time (--server:
 * attributed to it; --code: with a record carrying that HRESULT). Columns:
 * bucket (UTC us), events, faults, limit_hits. Floor division so times
 * before 1970 fall in the right bucket. */
#define BUCKET(x)                                                                                  \
	"((" x " - :origin) / :width - ((" x " - :origin) % :width < 0)) * :width + :origin"
#define TIMELINE_SQL(faults, ev)                                                                   \
	"WITH " faults ", " ev ", fa AS ("                                                         \
	"  SELECT MIN(fts) AS ts, MAX(fpar IS NOT NULL) AS lim FROM frec"                          \
	"  WHERE fts IS NOT NULL AND " IN_WINDOW(                                                  \
	    "fts") "    AND (:server IS NULL OR fsrv = " SERVER_ID ")"                             \
	           "  GROUP BY fg, fe"                                                             \
	           "  HAVING :hresult IS NULL OR MAX(hresult = :hresult) = 1"                      \
	           "), b AS ("                                                                     \
	           "  SELECT " BUCKET("ts") " AS b, n AS ev, 0 AS f, 0 AS l FROM ev"               \
	                                    "  UNION ALL SELECT " BUCKET(                          \
	                                        "ts") ", 0, 1, lim FROM fa"                        \
	                                              ")"                                          \
	                                              " SELECT b, SUM(ev), SUM(f), SUM(l) FROM b " \
	                                              "GROUP BY b ORDER BY b"
#define TIMELINE_EVENTS                                                                            \
	"ev AS ("                                                                                  \
	"  SELECT e.ts, 1 AS n FROM events e JOIN sources s ON s.source_id = e.source_id"          \
	"  WHERE s.complete = 1 AND e.ts IS NOT NULL AND " IN_WINDOW(                              \
	    "e.ts") "    AND (:server IS NULL OR e.server_id = " SERVER_ID ")"                     \
	            "    AND (:hresult IS NULL OR e.hresult = :hresult))"
/* Whole hours from sum_hours (server 0, hresult -1: none), the rest from
 * the events at the edges. */
#define TIMELINE_SUM_EVENTS                                                                        \
	EDGE_CTE(WL_SQL_HOUR_US)                                                                   \
	", ev AS ("                                                                                \
	"  SELECT hour * " WL_SQL_HOUR_US " AS ts, n FROM sum_hours"                               \
	"  WHERE n <> 0 AND " WHOLE(                                                               \
	    "hour", WL_SQL_HOUR_US) "    AND (:server IS NULL OR server_id = " SERVER_ID ")"       \
	                            "    AND (:hresult IS NULL OR hresult = :hresult)"             \
	                            "  UNION ALL SELECT ts, 1 FROM edge WHERE ts IS NOT NULL"      \
	                            "    AND (:server IS NULL OR server_id = " SERVER_ID ")"       \
	                            "    AND (:hresult IS NULL OR hresult = :hresult))"
const char wl_sql_timeline[] = TIMELINE_SQL(FAULTS_CTE, TIMELINE_EVENTS);
const char wl_sql_timeline_sum[] = TIMELINE_SQL(FAULTS_SUM_CTE, TIMELINE_SUM_EVENTS);

/* problems: the table as recorded, in the order recorded. */
const char wl_sql_problems[] = "SELECT path, member, offset, line, kind, message, at"
                               " FROM problems ORDER BY problem_id";

/* incident: three statements with the same 19 columns:
 *   scan (0 event, 1 scan), id, source_id, line, role, ts, host, server,
 *   client_id, code (HRESULT / scan exit code), fault_code, parameter,
 *   source (path!member), message (WL_SQL_RAW), cid (guid id), fault guid
 *   id, round_trips, evaluated, deployed. */
#define INCIDENT_EVENT_COLS                                                                        \
	" 0, e.event_id, e.source_id, e.line, e.role, e.ts, h.name, sv.name, cg.guid,"             \
	" e.hresult, e.fault_code, e.parameter,"                                                   \
	" s.path || CASE WHEN s.member <> '' THEN '!' || s.member ELSE '' END,"                    \
	" " WL_SQL_RAW("e.") ", e.client_guid_id, e.fault_guid_id, NULL, NULL, NULL"               \
	                     " FROM events e JOIN sources s ON s.source_id = e.source_id"          \
	                     " LEFT JOIN hosts h ON h.host_id = e.host_id"                         \
	                     " LEFT JOIN hosts sv ON sv.host_id = e.server_id"                     \
	                     " LEFT JOIN guids cg ON cg.guid_id = e.client_guid_id"

/* The fault's records: events listing :guid as a fault ID (what = 1). */
const char wl_sql_incident_records[] =
    "SELECT" INCIDENT_EVENT_COLS " WHERE e.event_id IN (SELECT eg.event_id FROM event_guids eg"
    "     JOIN guids g ON g.guid_id = eg.guid_id WHERE g.guid = :guid AND eg.what = 1)"
    "   AND s.complete = 1";

/* The client+time fallback: fault records of the other side (:role) with
 * the same SusClientId (:cid) between :t0 and :t1 (inclusive), the same
 * fault code when both are known, that are themselves one-sided: no
 * record of their own fault GUID is on this side. Through
 * events_by_client. */
const char wl_sql_incident_fallback[] =
    "SELECT" INCIDENT_EVENT_COLS
    " WHERE e.client_guid_id = :cid AND e.role = :role AND s.complete = 1"
    "   AND e.ts >= :t0 AND e.ts <= :t1 AND e.fault_code IS NOT NULL"
    "   AND (:fcode IS NULL OR e.fault_code = :fcode)"
    "   AND (e.fault_guid_id IS NULL OR NOT EXISTS ("
    "     SELECT 1 FROM events x JOIN sources xs ON xs.source_id = x.source_id"
    "     WHERE x.fault_guid_id = e.fault_guid_id AND x.role <> :role"
    "       AND xs.complete = 1))";

/* Context: the events and scans of :source_id between lines :lo and :hi. */
/* clang-format off */
const char wl_sql_incident_context[] =
    "SELECT" INCIDENT_EVENT_COLS
    " WHERE " WL_SQL_SOURCE_EVENTS("e.", ":source_id") " AND e.line BETWEEN :lo AND :hi"
    "   AND s.complete = 1"
    " UNION ALL"
    " SELECT 1, c.scan_id, c.source_id, c.line, :client_role, c.ts, h.name, sv.name,"
    "   cg.guid, c.exit_code, NULL, NULL,"
    "   s.path || CASE WHEN s.member <> '' THEN '!' || s.member ELSE '' END,"
    "   NULL, c.client_guid_id, NULL, c.round_trips, c.evaluated, c.deployed"
    " FROM scans c JOIN sources s ON s.source_id = c.source_id"
    " LEFT JOIN hosts h ON h.host_id = c.host_id"
    " LEFT JOIN hosts sv ON sv.host_id = c.server_id"
    " LEFT JOIN guids cg ON cg.guid_id = c.client_guid_id"
    " WHERE c.source_id = :source_id AND c.line BETWEEN :lo AND :hi AND s.complete = 1";
/* clang-format on */

/* capacity: per server with scans or limit faults (in the window) and per
 * limit parameter. Columns: sid, server, parameter, limit key,
 * clients_scanned (distinct clients of the server's activity, as
 * `servers`), clients_hit (distinct client ids over the records of its
 * limit faults of that parameter, as `limits`), hits (those faults), t0,
 * t1 (the span of its activity). Faults without a known server have no
 * row. */
#define CAPACITY_SQL(faults, activity)                                                             \
	"WITH " faults ", " activity ", per AS ("                                                  \
	"  SELECT sid, COUNT(DISTINCT cid) AS scanned, MIN(t0) AS t0, MAX(t1) AS t1"               \
	"  FROM act WHERE sid IS NOT NULL GROUP BY sid"                                            \
	"), lf AS ("                                                                               \
	"  SELECT fsrv, fpar, cid, fg, fe FROM frec"                                               \
	"  WHERE fpar IS NOT NULL AND fsrv IS NOT NULL AND " IN_WINDOW(                            \
	    "fts") "), hit AS ("                                                                   \
	           "  SELECT fsrv, fpar, COUNT(DISTINCT cid) AS clients_hit,"                      \
	           "    COUNT(DISTINCT fg) + COUNT(DISTINCT fe) AS hits FROM lf GROUP BY fsrv, "   \
	           "fpar"                                                                          \
	           "), cand AS ("                                                                  \
	           "  SELECT sid FROM act WHERE scan > 0 AND sid IS NOT NULL"                      \
	           "  UNION SELECT fsrv FROM lf"                                                   \
	           "), par AS ("                                                                   \
	           "  SELECT :prereq AS p, :prereq_limit AS k, 1 AS o UNION ALL SELECT"            \
	           "  :cached, :cached_limit, 2"                                                   \
	           ")"                                                                             \
	           " SELECT cand.sid, h.name, par.p, par.k, coalesce(per.scanned, 0),"             \
	           "   coalesce(hit.clients_hit, 0), coalesce(hit.hits, 0), per.t0, per.t1"        \
	           " FROM cand JOIN hosts h ON h.host_id = cand.sid CROSS JOIN par"                \
	           " LEFT JOIN per ON per.sid = cand.sid"                                          \
	           " LEFT JOIN hit ON hit.fsrv = cand.sid AND hit.fpar = par.p"                    \
	           " ORDER BY h.name, par.o"
const char wl_sql_capacity[] = CAPACITY_SQL(FAULTS_CTE, ACTIVITY_CTE);
const char wl_sql_capacity_sum[] = CAPACITY_SQL(FAULTS_SUM_CTE, ACTIVITY_SUM_CTE);

/* capacity rates_by_value: for one server (:sid) and parameter (:param),
 * clients_scanned and clients_hit within [:since, :until) as in
 * wl_sql_capacity. */
#define CAPACITY_RATE_SQL(faults, activity)                                                        \
	"WITH " faults ", " activity                                                               \
	" SELECT (SELECT COUNT(DISTINCT cid) FROM act WHERE sid = :sid),"                          \
	"   (SELECT COUNT(DISTINCT cid) FROM frec WHERE fsrv = :sid AND fpar = :param"             \
	"      AND " IN_WINDOW("fts") ")"
const char wl_sql_capacity_rate[] = CAPACITY_RATE_SQL(FAULTS_CTE, ACTIVITY_CTE);
const char wl_sql_capacity_rate_sum[] = CAPACITY_RATE_SQL(FAULTS_SUM_CTE, ACTIVITY_SUM_CTE);

/* Every web.config of a complete source: server (lower-case), file_ts,
 * max_installed_prerequisites, max_cached_updates; oldest first (unknown
 * file times first), then in ingest order. */
const char wl_sql_configs[] =
    "SELECT lower(c.server), c.file_ts, c.max_installed_prerequisites, c.max_cached_updates"
    " FROM server_config c JOIN sources s ON s.source_id = c.source_id"
    " WHERE s.complete = 1"
    " ORDER BY c.file_ts IS NOT NULL, c.file_ts, c.config_id";

/* capacity --proxies: per server, proxy and group (hit / not hit), the
 * distribution over clients of each client's largest value in its scans
 * naming the server (in the window). A client is in `hit` when it has a
 * limit fault (either parameter, by fault time in the window) attributed to
 * that server. Percentiles by nearest rank: the smallest value whose rank
 * r satisfies 100 r >= P n. Columns: server, proxy (1 evaluated, 2
 * deployed, 3 round_trips), hit, clients, min, p50, p90, max. */
#define PROXIES_SQL(faults, scans)                                                                 \
	"WITH " faults ", hitc AS ("                                                               \
	"  SELECT DISTINCT fsrv AS sid, cid FROM frec"                                             \
	"  WHERE fpar IS NOT NULL AND fsrv IS NOT NULL AND cid IS NOT NULL AND " IN_WINDOW(        \
	    "fts") "), " scans ", tag AS ("                                                        \
	           "  SELECT per.*, EXISTS (SELECT 1 FROM hitc"                                    \
	           "    WHERE hitc.sid = per.sid AND hitc.cid = per.cid) AS hit FROM per"          \
	           "), long AS ("                                                                  \
	           "  SELECT sid, hit, 1 AS pk, ev AS v FROM tag WHERE ev IS NOT NULL"             \
	           "  UNION ALL SELECT sid, hit, 2, dep FROM tag WHERE dep IS NOT NULL"            \
	           "  UNION ALL SELECT sid, hit, 3, rt FROM tag WHERE rt IS NOT NULL"              \
	           "), rk AS ("                                                                    \
	           "  SELECT sid, hit, pk, v,"                                                     \
	           "    ROW_NUMBER() OVER (PARTITION BY sid, hit, pk ORDER BY v) AS rn,"           \
	           "    COUNT(*) OVER (PARTITION BY sid, hit, pk) AS n FROM long"                  \
	           ")"                                                                             \
	           " SELECT h.name, pk, hit, MAX(n), MIN(v),"                                      \
	           "   MIN(CASE WHEN rn * 100 >= n * 50 THEN v END),"                              \
	           "   MIN(CASE WHEN rn * 100 >= n * 90 THEN v END), MAX(v)"                       \
	           " FROM rk JOIN hosts h ON h.host_id = rk.sid"                                   \
	           " GROUP BY rk.sid, pk, hit ORDER BY h.name, pk, hit DESC"
#define PROXIES_SCANS                                                                              \
	"per AS ("                                                                                 \
	"  SELECT c.server_id AS sid, c.client_guid_id AS cid, MAX(c.evaluated) AS ev,"            \
	"    MAX(c.deployed) AS dep, MAX(c.round_trips) AS rt"                                     \
	"  FROM scans c JOIN sources s ON s.source_id = c.source_id"                               \
	"  WHERE s.complete = 1 AND c.server_id IS NOT NULL AND c.client_guid_id IS NOT NULL"      \
	"    AND " IN_WINDOW("c.ts") "  GROUP BY c.server_id, c.client_guid_id)"
/* clang-format off */
#define PROXIES_SUM_SCANS                                                                          \
	EDGE_SCANS_CTE(WL_SQL_DAY_US) ", " CUT_CTE ", " SACT_CTE ", per AS ("                      \
	"  SELECT sid, cid, MAX(ev) AS ev, MAX(dep) AS dep, MAX(rt) AS rt FROM ("                  \
	"    SELECT server_id AS sid, client_guid_id AS cid, max_evaluated AS ev,"                 \
	"      max_deployed AS dep, max_round_trips AS rt FROM sact WHERE scans > 0"               \
	"    UNION ALL SELECT server_id, client_guid_id, evaluated, deployed, round_trips"         \
	"    FROM edge_scans)"                                                                     \
	"  WHERE sid IS NOT NULL AND cid IS NOT NULL GROUP BY sid, cid)"
/* clang-format on */
const char wl_sql_proxies[] = PROXIES_SQL(FAULTS_CTE, PROXIES_SCANS);
const char wl_sql_proxies_sum[] = PROXIES_SQL(FAULTS_SUM_CTE, PROXIES_SUM_SCANS);

/* report --html: limit faults per server and UTC day (in the window).
 * Columns: server, day (days since 1970), InstalledNonLeafUpdateIDs hits,
 * OtherCachedUpdateIDs hits. */
#define DAILY_HITS_SQL(faults)                                                                     \
	"WITH " faults ", lf AS ("                                                                 \
	"  SELECT DISTINCT fg, fe, fts, fsrv, fpar FROM frec"                                      \
	"  WHERE fpar IS NOT NULL AND fts IS NOT NULL AND " IN_WINDOW(                             \
	    "fts") ")"                                                                             \
	           " SELECT h.name, fts / :day - (fts % :day < 0) AS d,"                           \
	           "   SUM(fpar = :prereq), SUM(fpar = :cached)"                                   \
	           " FROM lf LEFT JOIN hosts h ON h.host_id = lf.fsrv"                             \
	           " GROUP BY lf.fsrv, d ORDER BY h.name IS NULL, h.name, d"
const char wl_sql_daily_hits[] = DAILY_HITS_SQL(FAULTS_CTE);
const char wl_sql_daily_hits_sum[] = DAILY_HITS_SQL(FAULTS_SUM_CTE);

/* report --html: what the index holds. Columns: complete sources, events,
 * scans, problems, earliest and latest line time. */
const char wl_sql_overview[] =
    "SELECT (SELECT COUNT(*) FROM sources WHERE complete = 1),"
    "  (SELECT COUNT(*) FROM events e JOIN sources s ON s.source_id = e.source_id"
    "     WHERE s.complete = 1),"
    "  (SELECT COUNT(*) FROM scans c JOIN sources s ON s.source_id = c.source_id"
    "     WHERE s.complete = 1),"
    "  (SELECT COUNT(*) FROM problems),"
    "  (SELECT MIN(first_ts) FROM sources WHERE complete = 1),"
    "  (SELECT MAX(last_ts) FROM sources WHERE complete = 1)";

/* The same counts from sum_activity_total (every event and scan of a
 * complete source is in one of its rows). */
const char wl_sql_overview_sum[] = "SELECT (SELECT COUNT(*) FROM sources WHERE complete = 1),"
                                   "  (SELECT coalesce(SUM(events), 0) FROM sum_activity_total),"
                                   "  (SELECT coalesce(SUM(scans), 0) FROM sum_activity_total),"
                                   "  (SELECT COUNT(*) FROM problems),"
                                   "  (SELECT MIN(first_ts) FROM sources WHERE complete = 1),"
                                   "  (SELECT MAX(last_ts) FROM sources WHERE complete = 1)";

/* Each statement over raw events and its twin over the summaries: the
 * same parameters, the same rows. */
static const struct {
	const char *raw, *sum;
} twins[] = {
    {wl_sql_errors_by_code, wl_sql_errors_by_code_sum},
    {wl_sql_errors_by_server, wl_sql_errors_by_server_sum},
    {wl_sql_errors_by_client, wl_sql_errors_by_client_sum},
    {wl_sql_servers, wl_sql_servers_sum},
    {wl_sql_clients, wl_sql_clients_sum},
    {wl_sql_timeline, wl_sql_timeline_sum},
    {wl_sql_capacity, wl_sql_capacity_sum},
    {wl_sql_capacity_rate, wl_sql_capacity_rate_sum},
    {wl_sql_proxies, wl_sql_proxies_sum},
    {wl_sql_daily_hits, wl_sql_daily_hits_sum},
    {wl_sql_overview, wl_sql_overview_sum},
    {wl_sql_guid, wl_sql_guid_sum},
};

const char *wl_sql_pick(const char *raw)
{
	const char *e = getenv(WL_QUERY_RAW_ENV);
	if (e && *e && strcmp(e, "0") != 0)
		return raw;
	for (size_t i = 0; i < sizeof twins / sizeof *twins; i++)
		if (twins[i].raw == raw)
			return twins[i].sum;
	return raw;
}
