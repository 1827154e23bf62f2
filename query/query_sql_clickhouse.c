/* The ClickHouse dialect of every statement of query_sql.c, for servers
 * from 18.16 on (docs/CLICKHOUSE.md, "Reading"). Each statement answers the
 * same columns, with the same NULLs and the same order, as its SQLite
 * twin, so the reports' C code cannot tell the engines apart. 18.16 has
 * no WITH-subqueries, no window functions, one JOIN per SELECT and only
 * UNION ALL: shared parts are macros of nested subqueries, ranks come from
 * arrays. Parameters are written in as literals by qengine_clickhouse.c,
 * and so are the marks around each table's name: '@' the database, '#'
 * "_all" on a cluster (its Distributed table), nothing on one server.
 * sources_v needs no '#': the writer made it over the Distributed table
 * on a cluster. */
#include "query_sql_clickhouse.h"

#include <stddef.h>

#include "query_sql.h"

#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Woverlength-strings"
#endif

const char wl_sql_clickhouse_version[] =
    "SELECT toInt64OrNull(argMax(value, ver)) FROM meta WHERE key = 'schema_version'";

/* The tables carry names, not ids (docs/CLICKHOUSE.md); the reports' C
 * code groups and joins on integer ids, so ids are made from what they
 * stand for: a host or GUID id is a hash of its text, a source's of its
 * copy, an event's of (copy, line). Shifted to stay positive, as rowids
 * are (limits.c keys a GUID-less fault by its negated event id). NULL in,
 * NULL out. */
#define ID(x) "bitShiftRight(sipHash64(" x "), 2)"
#define EID ID("copy, line")
#define SID ID("copy")

/* Rows of sources that are visible: complete, and the copy chosen. */
#define VIS "copy IN (SELECT copy FROM @sources_v)"

/* path!member of a source, as SQLite's statements spell it. */
#define SOURCE_NAME "concat(path, if(member != '', concat('!', member), ''))"

/* COUNT(DISTINCT x): 0, not NULL, where every x is NULL. */
#define COUNT_DISTINCT(x) "ifNull(uniqExact(" x "), 0)"

#define IN_WINDOW(x) "(:since IS NULL OR " x " >= :since) AND (:until IS NULL OR " x " < :until)"

static const char ch_host_name[] =
    "SELECT server FROM @events# WHERE server IS NOT NULL AND " ID("server") " = ? LIMIT 1";

#define LIMIT_RECORD "ifNull(fault_code = :code AND parameter IN (:prereq, :cached), 0)"

static const char ch_limit_records[] =
    "SELECT " ID("fault_guid") ", " EID ", ts, role, " ID("server") ", " ID(
        "client_id") ","
                     " multiIf(parameter = :prereq, 0, parameter = :cached, 1, NULL), " SID ", line"
                     " FROM @events# WHERE " VIS " AND ((fault_guid IS NOT NULL AND fault_guid IN"
                     "   (SELECT fault_guid FROM @events# WHERE " LIMIT_RECORD
                     " AND fault_guid IS NOT NULL"
                     "    AND " VIS "))"
                     "  OR (fault_guid IS NULL AND " LIMIT_RECORD "))";

#define ERRORS_COUNTS                                                                              \
	"sum(isNull(fault_guid)) + " COUNT_DISTINCT("fault_guid") " AS n, " COUNT_DISTINCT(        \
	    "client_id") ", " COUNT_DISTINCT("server")
#define ERRORS_WHERE " WHERE hresult IS NOT NULL AND " VIS " AND " IN_WINDOW("ts")

static const char ch_errors_by_code[] =
    "SELECT hresult AS code, " ERRORS_COUNTS " FROM @events#" ERRORS_WHERE " GROUP BY hresult"
    " ORDER BY n DESC, code";

static const char ch_errors_by_server[] =
    "SELECT server, hresult AS code, " ERRORS_COUNTS " FROM @events#" ERRORS_WHERE
    " GROUP BY server, hresult ORDER BY n DESC, code, isNull(server), server";

static const char ch_errors_by_client[] =
    "SELECT client_id, min(if(role = :client_role, host, NULL)), hresult AS code, " ERRORS_COUNTS
    " FROM @events#" ERRORS_WHERE " GROUP BY client_id, hresult"
    " ORDER BY n DESC, code, isNull(client_id), client_id";

static const char ch_guid[] =
    "SELECT role, ts, host, server, client_id, hresult, fault_code, parameter, " SOURCE_NAME ","
    "  line, raw FROM ("
    "  SELECT copy, line, role, ts, host, server, client_id, hresult, fault_code, parameter, raw"
    "  FROM @events# WHERE " VIS " AND (client_id = :guid OR (copy, line) IN"
    "    (SELECT copy, line FROM @event_guids# WHERE guid = :guid))"
    ") ANY INNER JOIN (SELECT copy, path, member FROM @sources_v) USING copy"
    " ORDER BY isNull(ts), ts, role, path, member, line";

/* ---- faults: FAULTS_CTE of query_sql.c, as nested subqueries ----
 * FR the fault records (fk: the fault's key, its GUID's id or the event's
 * for a GUID-less one); FAGG per fault: its time, server (id and name: the
 * first in the window order of query_sql.c, argMin over the same key,
 * skipping NULL servers as FIRST_VALUE's order puts them last), code and
 * limit parameter; FREC each record with its fault's columns. */
#define FR                                                                                         \
	"SELECT " ID(                                                                              \
	    "fault_guid") " AS fg, if(isNull(fault_guid), " EID ", NULL) AS fe,"                   \
	                  " assumeNotNull(ifNull(fg, fe)) AS fk, " EID                             \
	                  " AS event_id, ts, role, server,"                                        \
	                  " " ID("server") " AS server_id, " ID(                                   \
	                      "client_id") " AS cid, client_id AS cname, fault_code, parameter,"   \
	                                   " hresult, " SID " AS source_id, line, " LIMIT_RECORD   \
	                                   " AS islim"                                             \
	                                   " FROM @events# WHERE " VIS                             \
	                                   " AND (fault_guid IS NOT NULL OR fault_code "           \
	                                   "IS NOT NULL)"
#define FKEY                                                                                       \
	"(isNull(server_id), role != :server_role, isNull(ts), ifNull(ts, 0), source_id, line,"    \
	" event_id)"
#define FAGG                                                                                       \
	"SELECT fk, fts, fsrv, fsrvn, fcode,"                                                      \
	" if(flim = 1, if(isNull(tp) OR ifNull(tc < tp, 0), :cached, :prereq), NULL) AS fpar"      \
	" FROM (SELECT fk, min(ts) AS fts, argMin(server_id, " FKEY ") AS fsrv,"                   \
	"  argMin(server, " FKEY ") AS fsrvn,"                                                     \
	"  ifNull(nullIf(argMin(ifNull(fault_code, ''), " FKEY                                     \
	"), ''), max(fault_code)) AS fcode,"                                                       \
	"  max(islim) AS flim,"                                                                    \
	"  min(if(ifNull(parameter = :prereq, 0), ifNull(ts, :ts_max), NULL)) AS tp,"              \
	"  min(if(ifNull(parameter = :cached, 0), ifNull(ts, :ts_max), NULL)) AS tc"               \
	"  FROM (" FR ") GROUP BY fk)"
#define FREC                                                                                       \
	"SELECT fg, fe, fk, event_id, cid, cname, hresult, fts, fsrv, fsrvn, fcode, fpar FROM "    \
	"(" FR ")"                                                                                 \
	" ANY INNER JOIN (" FAGG ") USING fk"

/* The host id of --server: its name's. */
#define SERVER_ID ID("lower(:server)")

#define BUCKET(x)                                                                                  \
	"(intDiv(" x " - :origin, :width) - ((" x " - :origin) % :width < 0)) * :width + :origin"

static const char ch_timeline[] =
    "SELECT b, sum(ev), sum(f), sum(l) FROM ("
    "  SELECT " BUCKET(
        "assumeNotNull(ts)") " AS b, 1 AS ev, 0 AS f, 0 AS l FROM @events#"
                             "  WHERE " VIS " AND ts IS NOT NULL AND " IN_WINDOW(
                                 "t"
                                 "s") "    AND (:server IS NULL OR " ID("server") " = " SERVER_ID
                                                                                  ")"
                                                                                  "    AND "
                                                                                  "(:hresult IS "
                                                                                  "NULL OR hresult "
                                                                                  "= "
                                                                                  ":hresult)"
                                                                                  "  UNION ALL"
                                                                                  "  "
                                                                                  "SELECT " BUCKET(
                                                                                      "assumeNotNul"
                                                                                      "l(t)") ", "
                                                                                              "0, "
                                                                                              "1, "
                                                                                              "lim "
                                                                                              "FROM"
                                                                                              " ("
                                                                                              "    "
                                                                                              "SELE"
                                                                                              "CT "
                                                                                              "min("
                                                                                              "fts)"
                                                                                              " AS "
                                                                                              "t, "
                                                                                              "toUI"
                                                                                              "nt8("
                                                                                              "max("
                                                                                              "isNo"
                                                                                              "tNul"
                                                                                              "l("
                                                                                              "fpar"
                                                                                              "))"
                                                                                              ") "
                                                                                              "AS "
                                                                                              "lim "
                                                                                              "FROM"
                                                                                              " "
                                                                                              "(" FREC
                                                                                              ")"
                                                                                              "    "
                                                                                              "WHER"
                                                                                              "E "
                                                                                              "fts "
                                                                                              "IS "
                                                                                              "NOT "
                                                                                              "NULL"
                                                                                              " "
                                                                                              "AND"
                                                                                              " " IN_WINDOW(
                                                                                                  "fts") "     "
                                                                                                         " AND "
                                                                                                         "(:"
                                                                                                         "serve"
                                                                                                         "r IS "
                                                                                                         "NULL "
                                                                                                         "OR "
                                                                                                         "fsrv "
                                                                                                         "="
                                                                                                         " " SERVER_ID
                                                                                                         ")"
                                                                                                         "    "
                                                                                                         "GROUP"
                                                                                                         " BY "
                                                                                                         "fk"
                                                                                                         "    "
                                                                                                         "HAVIN"
                                                                                                         "G "
                                                                                                         ":hres"
                                                                                                         "ult "
                                                                                                         "IS "
                                                                                                         "NULL "
                                                                                                         "OR "
                                                                                                         "max("
                                                                                                         "ifNul"
                                                                                                         "l("
                                                                                                         "hresu"
                                                                                                         "lt = "
                                                                                                         ":hres"
                                                                                                         "ult, "
                                                                                                         "0)) "
                                                                                                         "= 1)"
                                                                                                         ") "
                                                                                                         "GROUP"
                                                                                                         " BY "
                                                                                                         "b "
                                                                                                         "ORDER"
                                                                                                         " BY "
                                                                                                         "b";

/* No problem_id: rows in the order of their time, path and line. */
static const char ch_problems[] =
    "SELECT path, member, offset, line, kind, message, at FROM @problems#"
    " ORDER BY at, path, member, line, offset";

static const char ch_configs[] =
    "SELECT lower(server), file_ts, max_installed_prerequisites, max_cached_updates"
    " FROM @server_config# WHERE " VIS " ORDER BY isNotNull(file_ts), file_ts, copy";

static const char ch_overview[] =
    "SELECT (SELECT count() FROM @sources_v), (SELECT count() FROM @events# WHERE " VIS "),"
    "  (SELECT count() FROM @scans# WHERE " VIS "), (SELECT count() FROM @problems#),"
    "  (SELECT min(first_ts) FROM @sources_v), (SELECT max(last_ts) FROM @sources_v)";

/* Activity per server (ACTIVITY_CTE): sid, sname, cid, ts, scan. */
#define ACT                                                                                        \
	"SELECT " ID("server") " AS a_sid, server AS a_sname, " ID(                                \
	    "client_id") " AS a_cid,"                                                              \
	                 " ts AS a_ts, toUInt8(0) AS a_scan FROM @events# WHERE " VIS              \
	                 " AND server IS NOT NULL AND " IN_WINDOW("ts") " UNION ALL SELECT " ID(   \
	                     "server") ", server, " ID("client_id") ", ts,"                        \
	                                                            " toUInt8(1) FROM @scans# "    \
	                                                            "WHERE " VIS                   \
	                                                            " AND server IS NOT NULL "     \
	                                                            "AND " IN_WINDOW(              \
	                                                                "ts") " UNION ALL SELECT " \
	                                                                      "fsrv, fsrvn, cid, " \
	                                                                      "fts, toUInt8(0) "   \
	                                                                      "FROM (" FREC ") "   \
	                                                                      "WHERE " IN_WINDOW(  \
	                                                                          "fts")

#define SERVERS_FC                                                                                 \
	"SELECT ifNull(fsrv, 0) AS sk, fcode, count() AS n, sum(isNotNull(fpar)) AS lim FROM ("    \
	"  SELECT DISTINCT fg, fe, fsrv, fcode, fpar FROM (" FREC                                  \
	") WHERE " IN_WINDOW("fts") ")"                                                            \
	                            " GROUP BY sk, fcode"

static const char ch_servers[] =
    "SELECT sid, sname, clients, scans, ifNull(faults, 0), ifNull(hits, 0), t0, t1, fcode, n"
    " FROM (SELECT sk, sid, sname, clients, scans, t0, t1, faults, hits FROM ("
    "   SELECT ifNull(a_sid, 0) AS sk, any(a_sid) AS sid, any(a_sname) AS sname,"
    "     " COUNT_DISTINCT(
        "a_cid") " AS clients, sum(a_scan) AS scans, min(a_ts) AS t0,"
                 "     max(a_ts) AS t1 FROM (" ACT ") GROUP BY sk"
                 " ) ANY LEFT JOIN (SELECT sk, sum(n) AS faults, sum(lim) AS hits FROM (" SERVERS_FC
                 ")"
                 "   GROUP BY sk) USING sk"
                 ") ALL LEFT JOIN (" SERVERS_FC ") USING sk"
                 " ORDER BY isNull(sname), sname, sid, n DESC, isNull(fcode), fcode";

/* report --html: limit faults per server and UTC day. */
static const char ch_daily_hits[] =
    "SELECT fsrvn, intDiv(fts, :day) - (fts % :day < 0) AS d,"
    "  sum(fpar = :prereq), sum(fpar = :cached) FROM ("
    "  SELECT DISTINCT fg, fe, fts, fsrv, fsrvn, fpar FROM (" FREC ")"
    "  WHERE fpar IS NOT NULL AND fts IS NOT NULL AND " IN_WINDOW(
        "fts") ")"
               " GROUP BY fsrv, fsrvn, d ORDER BY isNull(fsrvn), fsrvn, d";

/* capacity: limit faults with a server, in the window (lf of query_sql.c). */
#define CAP_LF                                                                                     \
	"SELECT assumeNotNull(fsrv) AS sid, fsrvn, assumeNotNull(fpar) AS p, cid, fg, fe"          \
	" FROM (" FREC ") WHERE fpar IS NOT NULL AND fsrv IS NOT NULL AND " IN_WINDOW("fts")

static const char ch_capacity[] =
    "SELECT sid, sname, p, k, ifNull(scanned, 0), ifNull(clients_hit, 0), ifNull(hits, 0),"
    "  t0, t1 FROM ("
    "  SELECT sid, sname, p, k, o, scanned, t0, t1 FROM ("
    "    SELECT sid, sname, p, k, o FROM ("
    "      SELECT sid, any(sname) AS sname FROM ("
    "        SELECT assumeNotNull(" ID(
        "server") ") AS sid, server AS sname FROM @scans#"
                  "        WHERE " VIS " AND server IS NOT NULL AND " IN_WINDOW(
                      "ts") "        UNION ALL SELECT sid, fsrvn FROM (" CAP_LF ")"
                            "      ) GROUP BY sid"
                            "    ) CROSS JOIN ("
                            "      SELECT :prereq AS p, :prereq_limit AS k, 1 AS o"
                            "      UNION ALL SELECT :cached, :cached_limit, 2)"
                            "  ) ANY LEFT JOIN ("
                            "    SELECT assumeNotNull(a_sid) AS sid, " COUNT_DISTINCT(
                                "a_cid") " AS scanned,"
                                         "      min(a_ts) AS t0, max(a_ts) AS t1 FROM (" ACT
                                         ") WHERE a_sid IS NOT NULL GROUP BY sid"
                                         "  ) USING sid"
                                         ") ANY LEFT JOIN ("
                                         "  SELECT sid, p, " COUNT_DISTINCT(
                                             "cid") " AS clients_hit,"
                                                    "    " COUNT_DISTINCT(
                                                        "fg") " + " COUNT_DISTINCT("fe") " AS hits"
                                                                                         "  FROM "
                                                                                         "(" CAP_LF
                                                                                         ") GROUP "
                                                                                         "BY sid, p"
                                                                                         ") USING "
                                                                                         "(sid, p)"
                                                                                         " ORDER "
                                                                                         "BY "
                                                                                         "sname, o";

static const char ch_capacity_rate[] = "SELECT (SELECT " COUNT_DISTINCT(
    "a_cid") " FROM (" ACT ") WHERE a_sid = :sid),"
             "  (SELECT " COUNT_DISTINCT("cid") " FROM (" FREC
                                                ") WHERE fsrv = :sid AND fpar = :param"
                                                "     AND " IN_WINDOW("fts") ")";

/* capacity --proxies: ranks by sorting each group's values into an array
 * (no window functions); nearest rank r = ceil(P n / 100). */
#define PROXY_PER                                                                                                               \
	"SELECT sid, sname, cid, ev, dep, rt, materialize((sid, cid) IN (SELECT fsrv, cid FROM "                                \
	"(" FREC ")"                                                                                                            \
	"  WHERE fpar IS NOT NULL AND fsrv IS NOT NULL AND cid IS NOT NULL AND " IN_WINDOW("fts") ")) AS hit FROM (SELECT " ID( \
	    "server") " AS sid, any(server) AS sname, " ID("client_id") " AS cid, max(evaluated) "                              \
	                                                                "AS ev, max(deployed) AS "                              \
	                                                                "dep, max(round_trips) "                                \
	                                                                "AS rt FROM @scans#"                                    \
	                                                                " WHERE " VIS                                           \
	                                                                " AND server IS NOT NULL "                              \
	                                                                "AND client_id IS NOT "                                 \
	                                                                "NULL AND " IN_WINDOW(                                  \
	                                                                    "ts") " GROUP BY "                                  \
	                                                                          "sid, cid)"

static const char ch_proxies[] =
    "SELECT sname, pk, hit, n, vs[1], vs[intDiv(n * 50 + 99, 100)],"
    "  vs[intDiv(n * 90 + 99, 100)], vs[n] FROM ("
    "  SELECT sid, any(sname) AS sname, pk, hit, count() AS n, arraySort(groupArray(v)) AS vs"
    "  FROM ("
    "    SELECT sid, sname, hit, toUInt8(1) AS pk, assumeNotNull(ev) AS v FROM (" PROXY_PER ")"
    "      WHERE ev IS NOT NULL"
    "    UNION ALL SELECT sid, sname, hit, toUInt8(2), assumeNotNull(dep) FROM (" PROXY_PER ")"
    "      WHERE dep IS NOT NULL"
    "    UNION ALL SELECT sid, sname, hit, toUInt8(3), assumeNotNull(rt) FROM (" PROXY_PER ")"
    "      WHERE rt IS NOT NULL"
    "  ) GROUP BY sid, pk, hit"
    ") ORDER BY sname, pk, hit DESC";

/* clients (CLIENTS_SQL of query_sql.c): the evidence, grouped here so few
 * rows cross the wire, with each id's text (clients.c then looks nothing
 * up). Aliases are u_*: an alias that is also a column's name replaces the
 * column everywhere in the SELECT (max(ts) AS ts would put an aggregate
 * in WHERE). Every branch of a UNION ALL casts every column to the same type:
 * 18.16 finds no supertype for UInt64 and Int64, or String and
 * Nullable(String). */
#define CI(x) "CAST(" x " AS Nullable(Int64))"
#define CT(x) "CAST(" x " AS Nullable(String))"
/* clang-format off */
static const char ch_clients[] =
    "SELECT " CI("0") " AS u_src, " CI(ID("client_id")) " AS u_cid, " CI("role") " AS u_role,"
    "  " CI(ID("host")) " AS u_host_id, " CI(ID("server")) " AS u_server_id,"
    "  " CI("hresult") " AS u_hr, " CI(ID("fault_guid")) " AS u_fg, " CI("count()") " AS u_n,"
    "  " CI("NULL") " AS u_ts, " CI("NULL") " AS u_ok_ts,"
    "  " CI("toUInt8(" ID("server") " = " SERVER_ID ")") " AS u_at_server,"
    "  " CT("client_id") " AS u_guid, " CT("host") " AS u_hname, " CT("server") " AS u_sname"
    " FROM @events# WHERE " VIS " AND client_id IS NOT NULL AND " IN_WINDOW("ts")
    " GROUP BY client_id, role, host, server, hresult, fault_guid"
    " UNION ALL SELECT " CI("1") " AS u_src, " CI(ID("client_id")) " AS u_cid, " CI("NULL") " AS u_role,"
    "  " CI(ID("host")) " AS u_host_id, " CI(ID("server")) " AS u_server_id, " CI("NULL") " AS u_hr,"
    "  " CI("NULL") " AS u_fg, " CI("count()") " AS u_n, " CI("max(ts)") " AS u_ts,"
    "  " CI("max(if(exit_code = 0, ts, NULL))") " AS u_ok_ts,"
    "  " CI("toUInt8(" ID("server") " = " SERVER_ID ")") " AS u_at_server,"
    "  " CT("client_id") " AS u_guid, " CT("host") " AS u_hname, " CT("server") " AS u_sname"
    " FROM @scans# WHERE " VIS " AND client_id IS NOT NULL AND " IN_WINDOW("ts")
    " GROUP BY client_id, host, server"
    " UNION ALL SELECT " CI("2") " AS u_src, " CI("cid") " AS u_cid, " CI("NULL") " AS u_role,"
    "  " CI("NULL") " AS u_host_id, " CI("fsrv") " AS u_server_id, " CI("NULL") " AS u_hr,"
    "  " CI("fk") " AS u_fg, " CI("max(toUInt8(isNotNull(fpar)))") " AS u_n, " CI("NULL") " AS u_ts,"
    "  " CI("NULL") " AS u_ok_ts, " CI("toUInt8(fsrv = " SERVER_ID ")") " AS u_at_server,"
    "  " CT("cname") " AS u_guid, " CT("NULL") " AS u_hname, " CT("NULL") " AS u_sname"
    " FROM (" FREC ") WHERE cname IS NOT NULL AND " IN_WINDOW("fts")
    " GROUP BY cid, cname, fsrv, fk";
/* clang-format on */

/* incident: the 19 columns of query_sql.c's three statements; the join
 * with sources_v names the source and keeps only visible ones. */
#define INC_SOURCE " ANY INNER JOIN (SELECT copy, path, member FROM @sources_v) USING copy"
#define INC_EVENTS(where)                                                                          \
	"SELECT toUInt8(0) AS scan, " EID " AS id, " SID " AS source_id, line, role, ts, host,"    \
	" server, client_id, CAST(hresult AS Nullable(Int64)) AS code, fault_code, parameter,"     \
	" " SOURCE_NAME " AS source, toNullable(raw) AS message, " ID(                             \
	    "client_id") " AS cid,"                                                                \
	                 " " ID("fault_guid") " AS fg, CAST(NULL AS Nullable(Int64)) AS rt,"       \
	                                      " CAST(NULL AS Nullable(Int64)) AS ev, CAST(NULL "   \
	                                      "AS Nullable(Int64)) AS dep FROM ("                  \
	                                      "  SELECT copy, line, role, ts, host, server, "      \
	                                      "client_id, hresult, fault_code, parameter,"         \
	                                      "  raw, fault_guid FROM @events# WHERE " where       \
	                                      ")" INC_SOURCE

static const char ch_incident_records[] = INC_EVENTS(
    "(copy, line) IN (SELECT copy, line FROM @event_guids# WHERE guid = :guid AND what = 1)");

static const char ch_incident_fallback[] = INC_EVENTS(ID(
    "client_id") " = :cid AND role = :role AND ts >= :t0 AND ts <= :t1"
                 " AND fault_code IS NOT NULL AND (:fcode IS NULL OR fault_code = :fcode)"
                 " AND (fault_guid IS NULL OR fault_guid NOT IN (SELECT assumeNotNull(fault_guid)"
                 "  FROM @events# WHERE " VIS " AND role != :role AND fault_guid IS NOT NULL))");

static const char ch_incident_context[] = "SELECT * FROM (" INC_EVENTS(
    SID
    " = :source_id AND line BETWEEN :lo AND :hi") " UNION ALL"
                                                  " SELECT toUInt8(1) AS scan, " EID " AS id, " SID
                                                  " AS source_id, line,"
                                                  " toUInt8(:client_role) AS role, ts, host, "
                                                  "server, client_id, toNullable(exit_code) AS "
                                                  "code,"
                                                  " CAST(NULL AS Nullable(String)) AS fault_code, "
                                                  "CAST(NULL AS Nullable(String)) AS parameter,"
                                                  " " SOURCE_NAME " AS source, CAST(NULL AS "
                                                  "Nullable(String)) AS message,"
                                                  " " ID(
                                                      "client_id") " AS cid, CAST(NULL AS "
                                                                   "Nullable(UInt64)) AS fg, "
                                                                   "round_trips AS rt,"
                                                                   " evaluated AS ev, deployed AS "
                                                                   "dep FROM ("
                                                                   "  SELECT copy, line, ts, host, "
                                                                   "server, client_id, exit_code, "
                                                                   "round_trips, evaluated,"
                                                                   "  deployed FROM @scans# "
                                                                   "WHERE " SID
                                                                   " = :source_id AND line BETWEEN "
                                                                   ":lo AND :hi)" INC_SOURCE ")";

static const struct {
	const char *sqlite, *clickhouse;
} dialect[] = {
    {wl_sql_host_name, ch_host_name},
    {wl_sql_limit_records, ch_limit_records},
    {wl_sql_errors_by_code, ch_errors_by_code},
    {wl_sql_errors_by_server, ch_errors_by_server},
    {wl_sql_errors_by_client, ch_errors_by_client},
    {wl_sql_guid, ch_guid},
    {wl_sql_timeline, ch_timeline},
    {wl_sql_problems, ch_problems},
    {wl_sql_configs, ch_configs},
    {wl_sql_overview, ch_overview},
    {wl_sql_servers, ch_servers},
    {wl_sql_clients, ch_clients},
    {wl_sql_incident_records, ch_incident_records},
    {wl_sql_incident_fallback, ch_incident_fallback},
    {wl_sql_incident_context, ch_incident_context},
    {wl_sql_daily_hits, ch_daily_hits},
    {wl_sql_capacity, ch_capacity},
    {wl_sql_capacity_rate, ch_capacity_rate},
    {wl_sql_proxies, ch_proxies},
};

const char *wl_sql_clickhouse(const char *sqlite_text)
{
	for (size_t i = 0; i < sizeof dialect / sizeof dialect[0]; i++)
		if (dialect[i].sqlite == sqlite_text)
			return dialect[i].clickhouse;
	return NULL;
}
