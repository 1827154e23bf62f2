#!/usr/bin/env python3
# Test fixture: copy an SQLite wsuslog index into ClickHouse in the layout of
# docs/CLICKHOUSE.md (schema version 1), so the query side is tested on its
# own against that layout. The columns and views it writes are the ones the
# reports read; wsuslog-index --from-db is the program's way to do this.
#   load-sqlite.py INDEX.db URL DATABASE
import random, sqlite3, sys, urllib.error, urllib.parse, urllib.request
dbf, url, database = sys.argv[1], sys.argv[2], sys.argv[3]
DDL = [
 "CREATE TABLE {db}.meta (key String, value String, ver UInt64) ENGINE = ReplacingMergeTree(ver) ORDER BY key",
 "CREATE TABLE {db}.sources (source_key String, copy UInt64, state UInt8, ver UInt64, path String, member String, format String, role String, host String, bytes UInt64, lines UInt64, events UInt64, first_ts Nullable(Int64), last_ts Nullable(Int64), head_key String, indexed_at String, ingester String) ENGINE = ReplacingMergeTree(ver) ORDER BY source_key",
 "CREATE TABLE {db}.events (copy UInt64, line UInt64, ts Nullable(Int64), role UInt8, kind UInt8, host Nullable(String), server Nullable(String), client_id Nullable(String), component Nullable(String), hresult Nullable(UInt32), fault_code Nullable(String), parameter Nullable(String), fault_guid Nullable(String), raw String) ENGINE = ReplacingMergeTree ORDER BY (copy, line)",
 "CREATE TABLE {db}.event_guids (guid String, copy UInt64, line UInt64, what UInt8) ENGINE = ReplacingMergeTree ORDER BY (guid, copy, line, what)",
 "CREATE TABLE {db}.scans (copy UInt64, line UInt64, ts Nullable(Int64), host Nullable(String), server Nullable(String), client_id Nullable(String), exit_code Int64, round_trips Nullable(Int64), evaluated Nullable(Int64), deployed Nullable(Int64)) ENGINE = ReplacingMergeTree ORDER BY (copy, line)",
 "CREATE TABLE {db}.server_config (copy UInt64, server String, file_ts Nullable(Int64), max_installed_prerequisites Nullable(Int64), max_cached_updates Nullable(Int64)) ENGINE = ReplacingMergeTree ORDER BY copy",
 "CREATE TABLE {db}.problems (path String, member String, offset Nullable(UInt64), line Nullable(UInt64), kind String, message String, at String, ingester String) ENGINE = MergeTree ORDER BY (path, member)",
 "CREATE VIEW {db}.sources_v AS SELECT source_key, c AS copy, p AS path, m AS member, ft AS first_ts, lt AS last_ts FROM (SELECT source_key, argMax(copy, ver) AS c, argMax(state, ver) AS st, argMax(path, ver) AS p, argMax(member, ver) AS m, argMax(first_ts, ver) AS ft, argMax(last_ts, ver) AS lt FROM {db}.sources GROUP BY source_key) WHERE st = 1",
]
def post(q, data=None):
    u = url + '/?database=default&query=' + urllib.parse.quote(q) if data is not None else url + '/'
    req = urllib.request.Request(u, data=(data if data is not None else q.encode()))
    try:
        return urllib.request.urlopen(req).read()
    except urllib.error.HTTPError as e:
        sys.exit('load-sqlite: ' + q[:200] + '\n' + e.read().decode())
post('DROP DATABASE IF EXISTS ' + database); post('CREATE DATABASE ' + database)
for s in DDL: post(s.format(db=database))
con = sqlite3.connect(dbf)
def esc(v):
    if v is None: return '\\N'
    if isinstance(v, bytes): v = v.decode('utf-8', 'surrogateescape')
    v = str(v)
    return v.replace('\\','\\\\').replace('\t','\\t').replace('\n','\\n').replace('\r','\\r').replace('\0','\\0')
def ins(table, rows):
    data = ''.join('\t'.join(esc(x) for x in r) + '\n' for r in rows).encode('utf-8','surrogateescape')
    post(f'INSERT INTO {database}.{table} FORMAT TabSeparated', data)
con.text_factory = bytes
post(f"INSERT INTO {database}.meta VALUES ('schema_version','1',1)")
copy = {}
rows=[]
for r in con.execute("SELECT source_id, source_key, path, member, format, role, coalesce(host,''), bytes, lines, events, first_ts, last_ts, coalesce(head_key,''), indexed_at, complete FROM sources"):
    c = random.getrandbits(64); copy[r[0]] = c
    rows.append((r[1], c, 1 if r[14] else 0, 1, *r[2:14], 'dev'))
ins('sources', rows)
q = """SELECT e.source_id, e.line, e.ts, e.role, e.kind, h.name, sv.name, cg.guid, co.name, e.hresult, e.fault_code, e.parameter, fg.guid, r.raw
FROM events e LEFT JOIN hosts h ON h.host_id=e.host_id LEFT JOIN hosts sv ON sv.host_id=e.server_id LEFT JOIN guids cg ON cg.guid_id=e.client_guid_id
LEFT JOIN components co ON co.component_id=e.component_id LEFT JOIN guids fg ON fg.guid_id=e.fault_guid_id LEFT JOIN event_raw r ON r.event_id=e.event_id"""
ins('events', [(copy[r[0]], *r[1:13], r[13] or b'') for r in con.execute(q)])
ins('event_guids', [(r[0], copy[r[1]], r[2], r[3]) for r in con.execute("SELECT g.guid, e.source_id, e.line, eg.what FROM event_guids eg JOIN guids g ON g.guid_id=eg.guid_id JOIN events e ON e.event_id=eg.event_id")])
ins('scans', [(copy[r[0]], *r[1:]) for r in con.execute("SELECT c.source_id, c.line, c.ts, h.name, sv.name, cg.guid, c.exit_code, c.round_trips, c.evaluated, c.deployed FROM scans c LEFT JOIN hosts h ON h.host_id=c.host_id LEFT JOIN hosts sv ON sv.host_id=c.server_id LEFT JOIN guids cg ON cg.guid_id=c.client_guid_id")])
ins('server_config', [(copy[r[0]], *r[1:]) for r in con.execute("SELECT source_id, server, file_ts, max_installed_prerequisites, max_cached_updates FROM server_config")])
ins('problems', [(*r, 'dev') for r in con.execute("SELECT path, member, offset, line, kind, message, at FROM problems ORDER BY problem_id")])
print('loaded')
