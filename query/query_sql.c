/* All SQL text of wsuslog-query. Nothing here is assembled at run time:
 * filters are bound values (NULL meaning "no filter"), and where a report
 * has variants (errors --by) each variant is its own statement, picked from
 * a fixed list. Every statement reads only events of sources indexed
 * completely (sources.complete = 1): a half-ingested file must not count.
 * docs/QUERY.md states the same semantics for users. */
#include "query_sql.h"

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
/* The name of a host id (limits.c names each group's server). */
const char wl_sql_host_name[] = "SELECT name FROM hosts WHERE host_id = ?";

const char wl_sql_limit_records[] =
    "WITH lim AS ("
    "  SELECT e.event_id, e.fault_guid_id AS fg, e.ts, e.role, e.server_id,"
    "         e.client_guid_id AS cid, e.parameter, e.source_id, e.line"
    "  FROM events e JOIN sources s ON s.source_id = e.source_id"
    "  WHERE e.parameter IS NOT NULL AND e.parameter IN (:prereq, :cached)"
    "    AND e.fault_code = :code AND s.complete = 1"
    ")"
    " SELECT e.fault_guid_id, e.event_id, e.ts, e.role, e.server_id, e.client_guid_id,"
    "   CASE e.parameter WHEN :prereq THEN 0 WHEN :cached THEN 1 END, e.source_id, e.line"
    " FROM events e JOIN sources s ON s.source_id = e.source_id"
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
 * event_guids_by_guid and events_by_client. Columns: role, ts, host,
 * server, client_id, hresult, fault_code, parameter, source (path!member),
 * line, raw (from event_raw). Unknown times sort last. */
const char wl_sql_guid[] = "SELECT e.role, e.ts, h.name, sv.name, cg.guid, e.hresult, e.fault_code,"
                           "  e.parameter,"
                           "  s.path || CASE WHEN s.member <> '' THEN '!' || s.member ELSE '' END,"
                           "  e.line, r.raw"
                           " FROM events e"
                           " JOIN sources s ON s.source_id = e.source_id"
                           " LEFT JOIN event_raw r ON r.event_id = e.event_id"
                           " LEFT JOIN hosts h ON h.host_id = e.host_id"
                           " LEFT JOIN hosts sv ON sv.host_id = e.server_id"
                           " LEFT JOIN guids cg ON cg.guid_id = e.client_guid_id"
                           " WHERE e.event_id IN (SELECT eg.event_id FROM event_guids eg"
                           "     JOIN guids g ON g.guid_id = eg.guid_id WHERE g.guid = :guid"
                           "   UNION SELECT c.event_id FROM events c"
                           "     JOIN guids g ON g.guid_id = c.client_guid_id WHERE g.guid = :guid)"
                           "   AND s.complete = 1"
                           " ORDER BY e.ts IS NULL, e.ts, e.role, s.path, s.member, e.line,"
                           "   e.event_id";

/* ---- faults: the shared definition behind servers, clients, timeline,
 * capacity and report ----
 *
 * The same rules as `limits`, for every fault, not only limit faults:
 * fr    the fault records of complete sources: events with a fault GUID,
 *       and events with a fault code but no GUID (a fault of their own,
 *       keyed by event id). Keys (fg, fe) as in `limits`. This reads all
 *       events once: there is no index on fault_code (SCHEMA.md), and
 *       GUID-less fault records can only be found by a scan.
 * frec  each record tagged with its fault's time (fts: earliest), server
 *       (fsrv: a server-side record's, else the earliest client record
 *       naming one; the same window order as `limits`), fault code (fcode:
 *       that first record's, else any) and limit parameter (fpar: NULL
 *       unless some record is an InvalidParameters fault on one of the two
 *       limit parameters; then the parameter seen first, as `limits`).
 * Parameters: :code, :prereq, :cached, :server_role, :ts_max. */
#define FAULTS_CTE                                                                                 \
	"fr AS ("                                                                                  \
	"  SELECT e.fault_guid_id AS fg,"                                                          \
	"    CASE WHEN e.fault_guid_id IS NULL THEN e.event_id END AS fe,"                         \
	"    e.event_id, e.ts, e.role, e.server_id, e.client_guid_id AS cid,"                      \
	"    e.fault_code, e.parameter, e.hresult, e.source_id, e.line,"                           \
	"    coalesce(e.fault_code = :code AND e.parameter IN (:prereq, :cached), 0) AS islim"     \
	"  FROM events e JOIN sources s ON s.source_id = e.source_id"                              \
	"  WHERE s.complete = 1"                                                                   \
	"    AND (e.fault_guid_id IS NOT NULL OR e.fault_code IS NOT NULL)"                        \
	"), fw AS ("                                                                               \
	"  SELECT fg, fe, event_id, cid, hresult,"                                                 \
	"    MIN(ts) OVER w AS fts,"                                                               \
	"    FIRST_VALUE(server_id) OVER w AS fsrv,"                                               \
	"    coalesce(FIRST_VALUE(fault_code) OVER w, MAX(fault_code) OVER w) AS fcode,"           \
	"    MAX(islim) OVER w AS flim,"                                                           \
	"    MIN(CASE WHEN parameter = :prereq THEN coalesce(ts, :ts_max) END) OVER w AS tp,"      \
	"    MIN(CASE WHEN parameter = :cached THEN coalesce(ts, :ts_max) END) OVER w AS tc"       \
	"  FROM fr"                                                                                \
	"  WINDOW w AS (PARTITION BY fg, fe ORDER BY"                                              \
	"    server_id IS NULL, role <> :server_role, ts IS NULL, ts,"                             \
	"    source_id, line, event_id"                                                            \
	"    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"                            \
	"), frec AS ("                                                                             \
	"  SELECT fg, fe, event_id, cid, hresult, fts, fsrv, fcode,"                               \
	"    CASE WHEN flim THEN CASE WHEN tp IS NULL OR tc < tp"                                  \
	"      THEN :cached ELSE :prereq END END AS fpar"                                          \
	"  FROM fw"                                                                                \
	")"

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
	"  SELECT e.server_id AS sid, e.client_guid_id AS cid, e.ts AS ts, 0 AS scan"              \
	"  FROM events e JOIN sources s ON s.source_id = e.source_id"                              \
	"  WHERE s.complete = 1 AND e.server_id IS NOT NULL AND " IN_WINDOW(                       \
	    "e.ts") "  UNION ALL"                                                                  \
	            "  SELECT c.server_id, c.client_guid_id, c.ts, 1"                              \
	            "  FROM scans c JOIN sources s ON s.source_id = c.source_id"                   \
	            "  WHERE s.complete = 1 AND c.server_id IS NOT NULL AND " IN_WINDOW(           \
	                "c.ts") "  UNION ALL"                                                      \
	                        "  SELECT fsrv, cid, fts, 0 FROM frec WHERE " IN_WINDOW("fts") ")"

/* servers: one row per (server, fault code) so the caller can build
 * faults_by_code in a fixed order; the per-server columns repeat.
 * Columns: sid, server, clients, scans, faults, limit_hits, first, last,
 * fcode, n (fcode/n NULL for a server without faults). Ordered by server,
 * then n descending, then code. */
const char wl_sql_servers[] =
    "WITH " FAULTS_CTE ", fault AS ("
    "  SELECT DISTINCT fg, fe, fsrv, fcode, fpar FROM frec WHERE " IN_WINDOW(
        "fts") "), " ACTIVITY_CTE ", per AS ("
               "  SELECT sid, COUNT(DISTINCT cid) AS clients, SUM(scan) AS scans,"
               "    MIN(ts) AS t0, MAX(ts) AS t1 FROM act GROUP BY sid"
               "), fc AS ("
               "  SELECT fsrv, fcode, COUNT(*) AS n, SUM(fpar IS NOT NULL) AS lim"
               "  FROM fault GROUP BY fsrv, fcode"
               "), ft AS ("
               "  SELECT fsrv, SUM(n) AS faults, SUM(lim) AS hits FROM fc GROUP BY fsrv"
               ")"
               " SELECT p.sid, h.name, p.clients, p.scans, coalesce(ft.faults, 0),"
               "   coalesce(ft.hits, 0), p.t0, p.t1, fc.fcode, fc.n"
               " FROM per p LEFT JOIN hosts h ON h.host_id = p.sid"
               " LEFT JOIN ft ON ft.fsrv IS p.sid"
               " LEFT JOIN fc ON fc.fsrv IS p.sid"
               " ORDER BY h.name IS NULL, h.name, p.sid, fc.n DESC, fc.fcode IS NULL, fc.fcode";

/* clients: per SusClientId, as several rows so lists come out in a fixed
 * order: kind 0 the client's own columns (client_id, host, failures,
 * limit_hits, last_scan, last_ok; NULL on the other kinds), kind 1 one per
 * server name (item, sorted), kind 2 one per HRESULT (code, n: the top
 * codes by deduplicated count, rank rk). Columns: cid, client_id, host,
 * failures, limit_hits, last_scan, last_ok, kind, item, code, n. Ordered by
 * the client's limit_hits and failures descending, then client id, kind 0
 * first: the sort keys are spread over a client's rows with a window, as a
 * join back to st ran as a nested loop (3 s for 3000 clients).
 *
 * cev/csc: the client's events and scans in the window. failures: events
 * with an HRESULT, one per fault GUID (as `errors`). limit_hits: limit
 * faults (in the window by their time) with a record carrying the id.
 * host: the lowest host name of its client-side events and scans.
 * --server keeps clients with an event, scan or fault attributed to it. */
const char wl_sql_clients[] =
    "WITH " FAULTS_CTE ", cev AS ("
    "  SELECT e.client_guid_id AS cid, e.role, h.name AS hname, e.server_id,"
    "    e.hresult, e.fault_guid_id AS fg"
    "  FROM events e JOIN sources s ON s.source_id = e.source_id"
    "  LEFT JOIN hosts h ON h.host_id = e.host_id"
    "  WHERE s.complete = 1 AND e.client_guid_id IS NOT NULL AND " IN_WINDOW(
        "e.ts") "), csc AS ("
                "  SELECT c.client_guid_id AS cid, h.name AS hname, c.server_id, c.ts, c.exit_code"
                "  FROM scans c JOIN sources s ON s.source_id = c.source_id"
                "  LEFT JOIN hosts h ON h.host_id = c.host_id"
                "  WHERE s.complete = 1 AND c.client_guid_id IS NOT NULL AND " IN_WINDOW(
                    "c.ts") "), fsel AS ("
                            "  SELECT cid, fsrv, coalesce(fg, -fe) AS fk, fpar FROM frec"
                            "  WHERE cid IS NOT NULL AND " IN_WINDOW(
                                "fts") "), sel AS ("
                                       "  SELECT cid FROM cev WHERE :server IS NULL OR server_id "
                                       "= " SERVER_ID "  UNION SELECT cid FROM csc WHERE :server "
                                       "IS NULL OR server_id = " SERVER_ID
                                       "  UNION SELECT cid FROM fsel WHERE :server IS NULL OR fsrv "
                                       "= " SERVER_ID "), ea AS ("
                                       "  SELECT cid, MIN(CASE WHEN role = :client_role THEN hname "
                                       "END) AS host,"
                                       "    SUM(hresult IS NOT NULL AND fg IS NULL)"
                                       "      + COUNT(DISTINCT CASE WHEN hresult IS NOT NULL THEN "
                                       "fg END) AS failures"
                                       "  FROM cev GROUP BY cid"
                                       "), sa AS ("
                                       "  SELECT cid, MIN(hname) AS host, MAX(ts) AS last_scan,"
                                       "    MAX(CASE WHEN exit_code = 0 THEN ts END) AS last_ok"
                                       "  FROM csc GROUP BY cid"
                                       "), la AS ("
                                       "  SELECT cid, COUNT(DISTINCT fk) AS hits FROM fsel WHERE "
                                       "fpar IS NOT NULL GROUP BY cid"
                                       "), st AS ("
                                       "  SELECT sel.cid, g.guid,"
                                       "    CASE WHEN ea.host IS NULL THEN sa.host WHEN sa.host IS "
                                       "NULL THEN ea.host"
                                       "      ELSE min(ea.host, sa.host) END AS host,"
                                       "    coalesce(ea.failures, 0) AS failures, "
                                       "coalesce(la.hits, 0) AS hits,"
                                       "    sa.last_scan, sa.last_ok"
                                       "  FROM sel JOIN guids g ON g.guid_id = sel.cid"
                                       "  LEFT JOIN ea ON ea.cid = sel.cid LEFT JOIN sa ON sa.cid "
                                       "= sel.cid"
                                       "  LEFT JOIN la ON la.cid = sel.cid"
                                       "), sv AS ("
                                       "  SELECT cid, server_id FROM cev WHERE server_id IS NOT "
                                       "NULL"
                                       "  UNION SELECT cid, server_id FROM csc WHERE server_id IS "
                                       "NOT NULL"
                                       "), cc AS ("
                                       "  SELECT cid, hresult, SUM(fg IS NULL) + COUNT(DISTINCT "
                                       "fg) AS n"
                                       "  FROM cev WHERE hresult IS NOT NULL GROUP BY cid, hresult"
                                       "), ccr AS ("
                                       "  SELECT cid, hresult, n, rk FROM ("
                                       "    SELECT cid, hresult, n,"
                                       "      ROW_NUMBER() OVER (PARTITION BY cid ORDER BY n DESC, "
                                       "hresult) AS rk FROM cc"
                                       "  ) WHERE rk <= :top"
                                       "), out_rows AS ("
                                       "  SELECT cid, 0 AS kind, guid, host, failures, hits, "
                                       "last_scan, last_ok,"
                                       "    NULL AS item, NULL AS code, NULL AS n, 0 AS rk FROM st"
                                       "  UNION ALL"
                                       "  SELECT sv.cid, 1, NULL, NULL, NULL, NULL, NULL, NULL, "
                                       "h.name, NULL, NULL, 0"
                                       "  FROM sv JOIN hosts h ON h.host_id = sv.server_id"
                                       "  WHERE sv.cid IN (SELECT cid FROM sel)"
                                       "  UNION ALL"
                                       "  SELECT cid, 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                                       "hresult, n, rk FROM ccr"
                                       "  WHERE cid IN (SELECT cid FROM sel)"
                                       "), keyed AS ("
                                       "  SELECT *, MAX(hits) OVER c AS khits, MAX(failures) OVER "
                                       "c AS kfail,"
                                       "    MAX(guid) OVER c AS kguid"
                                       "  FROM out_rows WINDOW c AS (PARTITION BY cid)"
                                       ")"
                                       " SELECT cid, guid, host, failures, hits, last_scan, "
                                       "last_ok, kind, item, code, n"
                                       " FROM keyed ORDER BY khits DESC, kfail DESC, kguid, cid, "
                                       "kind, item, rk";

/* timeline: counts per bucket of :width microseconds starting at :origin
 * (mod :width), only buckets with something in them, in time order.
 * events: events with a time (in the window; --server: naming it; --code:
 * with that HRESULT). faults, limit_hits: faults by their time (--server:
 * attributed to it; --code: with a record carrying that HRESULT). Columns:
 * bucket (UTC us), events, faults, limit_hits. Floor division so times
 * before 1970 fall in the right bucket. */
#define BUCKET(x)                                                                                  \
	"((" x " - :origin) / :width - ((" x " - :origin) % :width < 0)) * :width + :origin"
const char wl_sql_timeline[] =
    "WITH " FAULTS_CTE ", ev AS ("
    "  SELECT e.ts FROM events e JOIN sources s ON s.source_id = e.source_id"
    "  WHERE s.complete = 1 AND e.ts IS NOT NULL AND " IN_WINDOW(
        "e.ts") "    AND (:server IS NULL OR e.server_id = " SERVER_ID ")"
                "    AND (:hresult IS NULL OR e.hresult = :hresult)"
                "), fa AS ("
                "  SELECT MIN(fts) AS ts, MAX(fpar IS NOT NULL) AS lim FROM frec"
                "  WHERE fts IS NOT NULL AND " IN_WINDOW(
                    "fts") "    AND (:server IS NULL OR fsrv = " SERVER_ID ")"
                           "  GROUP BY fg, fe"
                           "  HAVING :hresult IS NULL OR MAX(hresult = :hresult) = 1"
                           "), b AS ("
                           "  SELECT " BUCKET("ts") " AS b, 1 AS ev, 0 AS f, 0 AS l FROM ev"
                                                    "  UNION ALL SELECT " BUCKET(
                                                        "ts") ", 0, 1, lim FROM fa"
                                                              ")"
                                                              " SELECT b, SUM(ev), SUM(f), SUM(l) "
                                                              "FROM b GROUP BY b ORDER BY b";

/* problems: the table as recorded, in the order recorded. */
const char wl_sql_problems[] = "SELECT path, member, offset, line, kind, message, at"
                               " FROM problems ORDER BY problem_id";

/* incident: three statements with the same 19 columns:
 *   scan (0 event, 1 scan), id, source_id, line, role, ts, host, server,
 *   client_id, code (HRESULT / scan exit code), fault_code, parameter,
 *   source (path!member), message (event_raw), cid (guid id), fault guid
 *   id, round_trips, evaluated, deployed. */
#define INCIDENT_EVENT_COLS                                                                        \
	" 0, e.event_id, e.source_id, e.line, e.role, e.ts, h.name, sv.name, cg.guid,"             \
	" e.hresult, e.fault_code, e.parameter,"                                                   \
	" s.path || CASE WHEN s.member <> '' THEN '!' || s.member ELSE '' END,"                    \
	" r.raw, e.client_guid_id, e.fault_guid_id, NULL, NULL, NULL"                              \
	" FROM events e JOIN sources s ON s.source_id = e.source_id"                               \
	" LEFT JOIN event_raw r ON r.event_id = e.event_id"                                        \
	" LEFT JOIN hosts h ON h.host_id = e.host_id"                                              \
	" LEFT JOIN hosts sv ON sv.host_id = e.server_id"                                          \
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
const char wl_sql_incident_context[] =
    "SELECT" INCIDENT_EVENT_COLS
    " WHERE e.source_id = :source_id AND e.line BETWEEN :lo AND :hi AND s.complete = 1"
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

/* capacity: per server with scans or limit faults (in the window) and per
 * limit parameter. Columns: sid, server, parameter, limit key,
 * clients_scanned (distinct clients of the server's activity, as
 * `servers`), clients_hit (distinct client ids over the records of its
 * limit faults of that parameter, as `limits`), hits (those faults), t0,
 * t1 (the span of its activity). Faults without a known server have no
 * row. */
const char wl_sql_capacity[] =
    "WITH " FAULTS_CTE ", " ACTIVITY_CTE ", per AS ("
    "  SELECT sid, COUNT(DISTINCT cid) AS scanned, MIN(ts) AS t0, MAX(ts) AS t1"
    "  FROM act WHERE sid IS NOT NULL GROUP BY sid"
    "), lf AS ("
    "  SELECT fsrv, fpar, cid, fg, fe FROM frec"
    "  WHERE fpar IS NOT NULL AND fsrv IS NOT NULL AND " IN_WINDOW(
        "fts") "), hit AS ("
               "  SELECT fsrv, fpar, COUNT(DISTINCT cid) AS clients_hit,"
               "    COUNT(DISTINCT fg) + COUNT(DISTINCT fe) AS hits FROM lf GROUP BY fsrv, fpar"
               "), cand AS ("
               "  SELECT c.server_id AS sid FROM scans c JOIN sources s ON s.source_id = "
               "c.source_id"
               "  WHERE s.complete = 1 AND c.server_id IS NOT NULL AND " IN_WINDOW(
                   "c.ts") "  UNION SELECT fsrv FROM lf"
                           "), par AS ("
                           "  SELECT :prereq AS p, :prereq_limit AS k, 1 AS o UNION ALL SELECT "
                           ":cached, :cached_limit, 2"
                           ")"
                           " SELECT cand.sid, h.name, par.p, par.k, coalesce(per.scanned, 0),"
                           "   coalesce(hit.clients_hit, 0), coalesce(hit.hits, 0), per.t0, per.t1"
                           " FROM cand JOIN hosts h ON h.host_id = cand.sid CROSS JOIN par"
                           " LEFT JOIN per ON per.sid = cand.sid"
                           " LEFT JOIN hit ON hit.fsrv = cand.sid AND hit.fpar = par.p"
                           " ORDER BY h.name, par.o";

/* capacity rates_by_value: for one server (:sid) and parameter (:param),
 * clients_scanned and clients_hit within [:since, :until) as in
 * wl_sql_capacity. */
const char wl_sql_capacity_rate[] =
    "WITH " FAULTS_CTE ", " ACTIVITY_CTE
    " SELECT (SELECT COUNT(DISTINCT cid) FROM act WHERE sid = :sid),"
    "   (SELECT COUNT(DISTINCT cid) FROM frec WHERE fsrv = :sid AND fpar = :param"
    "      AND " IN_WINDOW("fts") ")";

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
const char wl_sql_proxies[] =
    "WITH " FAULTS_CTE ", hitc AS ("
    "  SELECT DISTINCT fsrv AS sid, cid FROM frec"
    "  WHERE fpar IS NOT NULL AND fsrv IS NOT NULL AND cid IS NOT NULL AND " IN_WINDOW(
        "fts") "), per AS ("
               "  SELECT c.server_id AS sid, c.client_guid_id AS cid, MAX(c.evaluated) AS ev,"
               "    MAX(c.deployed) AS dep, MAX(c.round_trips) AS rt"
               "  FROM scans c JOIN sources s ON s.source_id = c.source_id"
               "  WHERE s.complete = 1 AND c.server_id IS NOT NULL AND c.client_guid_id IS NOT NULL"
               "    AND " IN_WINDOW(
                   "c.ts") "  GROUP BY c.server_id, c.client_guid_id"
                           "), tag AS ("
                           "  SELECT per.*, EXISTS (SELECT 1 FROM hitc"
                           "    WHERE hitc.sid = per.sid AND hitc.cid = per.cid) AS hit FROM per"
                           "), long AS ("
                           "  SELECT sid, hit, 1 AS pk, ev AS v FROM tag WHERE ev IS NOT NULL"
                           "  UNION ALL SELECT sid, hit, 2, dep FROM tag WHERE dep IS NOT NULL"
                           "  UNION ALL SELECT sid, hit, 3, rt FROM tag WHERE rt IS NOT NULL"
                           "), rk AS ("
                           "  SELECT sid, hit, pk, v,"
                           "    ROW_NUMBER() OVER (PARTITION BY sid, hit, pk ORDER BY v) AS rn,"
                           "    COUNT(*) OVER (PARTITION BY sid, hit, pk) AS n FROM long"
                           ")"
                           " SELECT h.name, pk, hit, MAX(n), MIN(v),"
                           "   MIN(CASE WHEN rn * 100 >= n * 50 THEN v END),"
                           "   MIN(CASE WHEN rn * 100 >= n * 90 THEN v END), MAX(v)"
                           " FROM rk JOIN hosts h ON h.host_id = rk.sid"
                           " GROUP BY rk.sid, pk, hit ORDER BY h.name, pk, hit DESC";

/* report --html: limit faults per server and UTC day (in the window).
 * Columns: server, day (days since 1970), InstalledNonLeafUpdateIDs hits,
 * OtherCachedUpdateIDs hits. */
const char wl_sql_daily_hits[] =
    "WITH " FAULTS_CTE ", lf AS ("
    "  SELECT DISTINCT fg, fe, fts, fsrv, fpar FROM frec"
    "  WHERE fpar IS NOT NULL AND fts IS NOT NULL AND " IN_WINDOW(
        "fts") ")"
               " SELECT h.name, fts / :day - (fts % :day < 0) AS d,"
               "   SUM(fpar = :prereq), SUM(fpar = :cached)"
               " FROM lf LEFT JOIN hosts h ON h.host_id = lf.fsrv"
               " GROUP BY lf.fsrv, d ORDER BY h.name IS NULL, h.name, d";

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
