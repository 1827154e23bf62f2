#!/usr/bin/env bash
# report --html in a real browser: generate a site, index it, write the
# report, then have headless Chromium load it (DOM dump and screenshot).
# The page must load without console errors or network requests, hold the
# limits table with the truth's rows, and render to a non-trivial PNG.
# Without chromium: installed here only as root with CI=true or
# WL_HTML_TEST=1, else the test is skipped (exit 77). WL_CHROMIUM names
# another browser binary.
set -euo pipefail
gen=$1 idx=$2 qry=$3 tmp=$4
rm -rf "$tmp"; mkdir -p "$tmp"
fail() { echo "test_report_html: FAIL: $*" >&2; exit 1; }

# WL_CHROMIUM: the browser to use ('' pretends there is none).
browser=${WL_CHROMIUM-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$browser" ]; then
  if [ "$(id -u)" = 0 ] && { [ "${CI:-}" = true ] || [ "${WL_HTML_TEST:-}" = 1 ]; }; then
    echo "test_report_html: installing chromium (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null ||
      fail "apt-get install chromium failed"
    browser=$(command -v chromium || true)
    [ -n "$browser" ] || fail "chromium not found after installing it"
  else
    echo "test_report_html: SKIP: chromium is not installed (as root, set CI=true or" \
      "WL_HTML_TEST=1 to install it with apt-get)"
    exit 77
  fi
fi

"$gen" --seed 11 --servers 3 --clients 90 --days 14 --out "$tmp/site" --truth "$tmp/truth" >/dev/null
"$idx" --db "$tmp/site.db" -q "$tmp/site" || fail "wsuslog-index failed"
SOURCE_DATE_EPOCH=1775000000 "$qry" --db "$tmp/site.db" report --html "$tmp/report.html" ||
  fail "report --html failed"
html=$tmp/report.html
[ -s "$html" ] || fail "empty report"

# Self-contained and script-free, before any browser sees it.
if grep -Eiq '<script|<link|<iframe|<img|<object|<embed|src=|@import|url\(' "$html"; then
  fail "the report references external resources or scripts"
fi
grep -q 'generated 2026-03-31T23:33:20Z' "$html" || fail "no generation time (SOURCE_DATE_EPOCH)"
grep -q "<code>$tmp/site.db</code>" "$html" || fail "no index path"
grep -q 'Logs never record how many update IDs a client sent' "$html" || fail "no proxy disclaimer"
grep -q 'WU_E_PT_SOAPCLIENT_SOAPFAULT' "$html" || fail "no WU_E_* names"
[ "$(grep -c '<svg' "$html")" -ge 1 ] || fail "no chart"

run_browser() { # log, args...
  local log=$1; shift
  timeout 90 "$browser" --headless --disable-gpu --no-sandbox --enable-logging=stderr --v=0 \
    --user-data-dir="$tmp/profile" --no-first-run --disable-extensions "$@" 2>"$log"
}
run_browser "$tmp/dom.log" --dump-dom "file://$html" > "$tmp/dom.html" || fail "chromium --dump-dom failed"
run_browser "$tmp/shot.log" --screenshot="$tmp/report.png" --window-size=1280,2000 "file://$html" \
  >/dev/null || fail "chromium --screenshot failed"

for log in "$tmp/dom.log" "$tmp/shot.log"; do
  if grep -E 'CONSOLE.*(ERROR|[Ee]rror)|Uncaught|net::ERR_|Refused to load|Failed to load resource' "$log"; then
    fail "console errors or network requests while loading the report ($log)"
  fi
done

# The limits table as the browser parsed it: one row per truth row.
rows=0
while IFS=, read -r server parameter limit hits clients first last; do
  [ "$server" = server ] && continue
  want="<tr><td>$server</td><td>$parameter</td><td>$limit</td><td class=\"n\">$hits</td><td class=\"n\">$clients</td><td>$first</td><td>$last</td></tr>"
  grep -qF "$want" "$tmp/dom.html" || fail "DOM lacks the limits row: $want"
  rows=$((rows + 1))
done < "$tmp/truth/limits.csv"
[ "$rows" -ge 2 ] || fail "truth has fewer than 2 limit rows"
grep -q '<section id="limits">' "$tmp/dom.html" || fail "DOM lacks the limits section"
[ "$(grep -o '<svg' "$tmp/dom.html" | wc -l)" -ge "$(cut -d, -f1 "$tmp/truth/limits.csv" | sed 1d | sort -u | wc -l)" ] ||
  fail "DOM has fewer charts than servers with limit hits"

[ -s "$tmp/report.png" ] || fail "no screenshot"
[ "$(head -c 8 "$tmp/report.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "screenshot is not a PNG"
size=$(wc -c < "$tmp/report.png")
[ "$size" -gt 40000 ] || fail "screenshot is only $size bytes (blank page?)"
echo "test_report_html: ok ($rows limit rows in the DOM, screenshot $size bytes: $tmp/report.png)"
