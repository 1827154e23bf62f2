#!/usr/bin/env bash
# Rebuilds the seed corpora under tests/fuzz/corpus/ from a few lines of
# ../shared/real-logs and ../shared/samples (never whole files). The seeds are
# committed; run this only to change them. Needs zstd, gzip, xz, bzip2, zip,
# GNU tar, iconv.
#   tests/fuzz/make-corpus.sh [SHARED_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shared=${1:-$here/../../../shared}
logs=$shared/real-logs
samples=$shared/samples
[ -d "$logs" ] || { echo "make-corpus: no $logs" >&2; exit 1; }
out=$here/corpus
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# corpus/block holds hand-written seeds (see fuzz_block.c): kept.
rm -rf "$out/decode" "$out/extract" "$out/archive"
mkdir -p "$out/decode" "$out/extract" "$out/archive"

lines() { sed -n "$2,$3p" "$logs/$1"; }              # file first last (CRLF kept)
sample() { grep -av '^#' "$samples/$1" | sed -n "$2,$3p"; }
ctl() { printf "\\x$1"; }                           # control byte (hex)
u16le() { iconv -f UTF-8 -t UTF-16LE; }
u16be() { iconv -f UTF-8 -t UTF-16BE; }

# ---- decode: byte 0 = chunking | amplify | stop (see fuzz_decode.c) ----
d=$out/decode
{ ctl 01; lines etw-lee-7723.log 300 306; } > "$d/etw-crlf"
{ ctl 00; lines classic-win7-rkudache31.log 1 8; } > "$d/classic-crlf"
{ ctl 01; lines etw-zayrexdev.log 1 5; } > "$d/utf8-bom"
{ ctl 02; printf '\xff\xfe'; lines etw-raja-fahad.log 1 4 | u16le; } > "$d/utf16le"
{ ctl 00; printf '\xfe\xff'; lines etw-raja-fahad.log 5 7 | u16be; printf 'x'; } > "$d/utf16be-odd"
# U+1F600 as a pair, then a lone high and a lone low surrogate.
{ ctl 00; printf '\xff\xfea\x00\x3d\xd8\x00\xde\n\x00\x3d\xd8b\x00\x00\xdc\r\x00\n\x00'; } > "$d/surrogates"
{ ctl 01; lines etw-lee-7723.log 300 303 | tr -d '\n'; } > "$d/cr-only"
# Regression: 1-16 byte chunks, where the line-end rule once saw 3 bytes.
{ ctl 03; lines etw-lee-7723.log 300 303 | tr -d '\n'; } > "$d/cr-only-tiny-chunks"
{ ctl 02; printf '\xff\xfe'; lines etw-raja-fahad.log 1 4 | tr -d '\n' | u16le; } > "$d/utf16le-cr-only"
{ ctl 04; head -c 100 /dev/zero | tr '\0' x; } > "$d/long-line"
{ ctl 05; printf 'a\r\nbb\n'; head -c 300 /dev/zero | tr '\0' y; } > "$d/long-line-crlf"
{ ctl 03; printf '2020/09/20 13:21:12.9746753 16852 17212 ComApi          *FAILED* [80246007] a\0b\r\n'; } > "$d/nul-bytes"
{ ctl 31; lines etw-lee-7723.log 300 330; } > "$d/stop-early"
{ ctl 00; printf '\n\n\r\n\r'; } > "$d/blank-lines"

# ---- extract: byte 0 = --tz (see fuzz_extract.c) ----
x=$out/extract
{ ctl 00; lines etw-lee-7723.log 298 305; } > "$x/etw-failed"
{ ctl 81; lines etw-raja-fahad-new.log 3730 3736; } > "$x/etw-soap-detail"
{ ctl 00; lines etw-zayrexdev.log 168 173; } > "$x/etw-bom-failed"
{ ctl 01; lines etw-debajyati.log 1975 1980; } > "$x/etw-scan-end"
{ ctl 00; lines classic-win7-rkudache31.log 1 10; } > "$x/classic-banner"
{ ctl 00; sample windowsupdate-classic.txt 60 80; } > "$x/classic-warning-fatal"
{ ctl 00; grep -a -A12 'WS WARNING: Nws Failure' "$samples/windowsupdate-classic.txt" | head -14; } > "$x/win8-soap"
# The Windows 7 SOAP-fault block (FORMATS.md, KB 954960): no public copy.
w7() { printf '2016-10-19\t11:23:58:%03d\t1532\t1f40\tPT\tWARNING: %s\r\n' "$@"; }
{ ctl 00
  w7 500 'SyncUpdates failure, error = 0x8024400E, soap client error = 7, soap error code = 400, HTTP status code = 200'
  w7 501 'SOAP Fault: 0x000190'
  w7 502 'faultstring:Fault occurred'
  w7 503 'ErrorCode:InvalidParameters(7)'
  w7 504 'Message:parameters.InstalledNonLeafUpdateIDs'
  w7 505 'Method:"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates"'
  w7 506 'ID:8889e6f6-cc94-4b2b-9d0c-9818649a5dfc'; } > "$x/win7-soap-block"
{ ctl 00; grep -a -E 'WSUS server:|Initializing simple targeting|Created new random|round trips|Found [0-9]+ updates|END \* Finding' \
    "$samples/windowsupdate-etw.txt" | head -10; } > "$x/etw-context"
{ ctl 00; grep -a -E '^20[0-9][0-9]-' "$samples/softwaredistribution.txt" | head -6
  printf '2014-01-16 18:53:54.231 UTC\tError\tw3wp.58\tSoapUtilities.LogException\tThrowException: actor = http://Wsus01:8530/ClientWebService/client.asmx, ID=8889e6f6-cc94-4b2b-9d0c-9818649a5dfc, ErrorCode=InvalidParameters, Message=parameters.InstalledNonLeafUpdateIDs, Client=3081f2d7-7291-42c5-b7ae-2d05c23db537\r\n'
  printf '   at Microsoft.UpdateServices.Internal.SoapUtilities.LogException(SoapException e)\r\n'
  printf '2014-01-16 18:55:06.307 UTC Error WsusService.31 CatalogSyncAgent.Run failed\r\n'; } > "$x/sdist"

# ClientWebService web.config (FORMATS.md section 7): the limit values.
{ ctl 00; printf '<?xml version="1.0" encoding="utf-8"?>\r\n<configuration>\r\n  <appSettings>\r\n'
  printf '    <add key="maxInstalledPrerequisites" value="800" />\r\n    <add key="maxCachedUpdates" value="44000" />\r\n'
  printf '  </appSettings>\r\n</configuration>\r\n'; } > "$x/web.config"

# ---- archive: whole files, as the indexer meets them ----
a=$out/archive
mkdir -p "$work/t/pc001" "$work/t/wsus01"
lines etw-lee-7723.log 298 310 > "$work/t/pc001/WindowsUpdate.log"
lines classic-win7-rkudache31.log 1 12 > "$work/t/pc002-WindowsUpdate.log"
tail -c +2 "$x/sdist" > "$work/t/wsus01/SoftwareDistribution.log"
tail -c +2 "$x/web.config" > "$work/t/wsus01/web.config"
( cd "$work/t" && tar -b1 -cf "$work/logs.tar" pc001 pc002-WindowsUpdate.log )
one=$work/t/pc001/WindowsUpdate.log
zstd -q -c "$one" > "$a/log.zst"
cp "$work/logs.tar" "$a/logs.tar"
head -c $(( $(stat -c %s "$a/log.zst") * 6 / 10 )) "$a/log.zst" > "$a/truncated.zst"
{ printf '\xff\xfe'; u16le < "$one"; } > "$a/utf16.log"
gzip -n -c "$work/logs.tar" > "$a/logs.tar.gz"
head -c 700 "$a/logs.tar.gz" > "$a/truncated.tar.gz"
( cd "$work/t" && zip -q -X "$work/logs.zip" pc001/WindowsUpdate.log pc002-WindowsUpdate.log )
cp "$work/logs.zip" "$a/logs.zip"
head -c 900 "$work/logs.zip" > "$a/truncated.zip"
zstd -q -c "$work/logs.tar" > "$work/t/inner.tar.zst"
( cd "$work/t" && zip -q -X "$work/nested.zip" inner.tar.zst wsus01/SoftwareDistribution.log wsus01/web.config )
cp "$work/nested.zip" "$a/nested.zip"
# A skippable frame (magic 0x184D2A50, 4-byte payload), then two frames.
{ printf '\x50\x2a\x4d\x18\x04\x00\x00\x00abcd'; zstd -q -c "$one"; zstd -q -c "$x/etw-scan-end"; } > "$a/frames.zst"
printf "" | zstd -q -c > "$a/empty.zst"
{ cat "$a/log.zst"; printf 'trailing garbage'; } > "$a/trailing-garbage.zst"
{ head -c 20 "$a/log.zst"; printf '\xde\xad\xbe\xef'; tail -c +25 "$a/log.zst"; } > "$a/corrupt.zst"
xz -c "$one" > "$a/log.xz"
bzip2 -c "$one" > "$a/log.bz2"
gzip -n -c "$one" > "$a/log.gz"
cp "$one" "$a/plain.log"
# Unsafe members: "../evil" and a symbolic link.
mkdir -p "$work/u"
printf 'evil\n' > "$work/u/evil"
ln -s /etc/passwd "$work/u/link"
( cd "$work/u" && tar -b1 -P --transform 's,^evil$,../evil,' -cf "$a/unsafe.tar" evil link )
ls -l "$out"/*
