/* All SQL text of wsuslog-query. Nothing here is assembled at run time:
 * filters are bound values (NULL meaning "no filter"), and where a report
 * has variants (errors --by) each variant is its own statement, picked from
 * a fixed list. Every statement reads only events of sources indexed
 * completely (sources.complete = 1): a half-ingested file must not count.
 * docs/QUERY.md states the same semantics for users. */
#include "query_sql.h"

/* limits: one row per (server, parameter) whose limit was hit.
 *
 * Parameters: :prereq, :cached (the two parameter names), :code
 * ('InvalidParameters'), :prereq_limit, :cached_limit (their web.config
 * keys), :server_role, :ts_max (INT64_MAX), :since, :until (UTC us or
 * NULL), :server (host or NULL).
 * Columns: server, parameter, limit, hits, clients, first_seen, last_seen.
 *
 * lim   the limit records: InvalidParameters faults naming one of the two
 *       parameters. Found through events_by_param (two seeks), so the cost
 *       follows the number of limit records, not of events.
 * rec   every record of those faults: all events sharing a limit record's
 *       fault GUID (through events_by_fault; both sides of the fault, the
 *       Windows 8 double line), plus each limit record without a fault GUID
 *       as a fault of its own. A fault is keyed (fg, fe): its GUID id, or
 *       for a GUID-less record its event id.
 * fault each record tagged with its fault's time (earliest ts), server (a
 *       server-side record's, else the earliest client record naming one;
 *       ties in time go by source and line so the answer never depends on
 *       the plan) and the earliest time of each parameter among its records
 *       (unknown times count as latest). One window, one sort: with a
 *       window per pick, each sorting rec its own way, this step took
 *       0.95 s of CPU instead of 0.45 s on 8.7*10^4 records.
 * named the fault's parameter: the one seen first (InstalledNonLeafUpdateIDs
 *       on a tie, which a single fault never shows in practice).
 * The outer query filters on the fault's time and server, then counts
 * faults (distinct GUIDs + GUID-less records) and distinct client ids over
 * all records of the counted faults. */
const char wl_sql_limits[] =
    "WITH lim AS ("
    "  SELECT e.event_id, e.fault_guid_id AS fg, e.ts, e.role, e.server_id,"
    "         e.client_guid_id AS cid, e.parameter, e.source_id, e.line"
    "  FROM events e JOIN sources s ON s.source_id = e.source_id"
    "  WHERE e.parameter IS NOT NULL AND e.parameter IN (:prereq, :cached)"
    "    AND e.fault_code = :code AND s.complete = 1"
    "), rec AS ("
    "  SELECT e.fault_guid_id AS fg, NULL AS fe, e.event_id, e.ts, e.role,"
    "         e.server_id, e.client_guid_id AS cid, e.parameter,"
    "         e.source_id, e.line"
    "  FROM events e JOIN sources s ON s.source_id = e.source_id"
    "  WHERE e.fault_guid_id IS NOT NULL"
    "    AND e.fault_guid_id IN (SELECT fg FROM lim WHERE fg IS NOT NULL)"
    "    AND s.complete = 1"
    "  UNION ALL"
    "  SELECT NULL, event_id, event_id, ts, role, server_id, cid, parameter,"
    "         source_id, line"
    "  FROM lim WHERE fg IS NULL"
    "), fault AS ("
    "  SELECT fg, fe, cid,"
    "    MIN(ts) OVER w AS fts,"
    "    FIRST_VALUE(server_id) OVER w AS fsrv,"
    "    MIN(CASE WHEN parameter = :prereq THEN coalesce(ts, :ts_max) END)"
    "      OVER w AS tp,"
    "    MIN(CASE WHEN parameter = :cached THEN coalesce(ts, :ts_max) END)"
    "      OVER w AS tc"
    "  FROM rec"
    "  WINDOW w AS (PARTITION BY fg, fe ORDER BY"
    "    server_id IS NULL, role <> :server_role, ts IS NULL, ts,"
    "    source_id, line, event_id"
    "    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
    "), named AS ("
    "  SELECT fg, fe, cid, fts, fsrv,"
    "    CASE WHEN tp IS NULL OR tc < tp THEN :cached ELSE :prereq END AS fpar"
    "  FROM fault"
    ")"
    " SELECT h.name, f.fpar,"
    "   CASE f.fpar WHEN :prereq THEN :prereq_limit ELSE :cached_limit END,"
    "   COUNT(DISTINCT f.fg) + COUNT(DISTINCT f.fe),"
    "   COUNT(DISTINCT f.cid), MIN(f.fts), MAX(f.fts)"
    " FROM named f LEFT JOIN hosts h ON h.host_id = f.fsrv"
    " WHERE (:since IS NULL OR f.fts >= :since)"
    "   AND (:until IS NULL OR f.fts < :until)"
    "   AND (:server IS NULL OR h.name = lower(:server))"
    " GROUP BY f.fsrv, f.fpar"
    " ORDER BY h.name IS NULL, h.name, f.fpar";

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

/* guid: every event listing :guid (canonical form) in event_guids, in any
 * role, once even if the line names the GUID twice (event_guids has no
 * unique key). Found through event_guids_by_guid. Columns: role, ts, host,
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
                           "     JOIN guids g ON g.guid_id = eg.guid_id WHERE g.guid = :guid)"
                           "   AND s.complete = 1"
                           " ORDER BY e.ts IS NULL, e.ts, e.role, s.path, s.member, e.line,"
                           "   e.event_id";
