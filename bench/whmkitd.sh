#!/usr/bin/env bash
# whmkitd under load: wrk over TLS keep-alive on 127.0.0.1, 32 connections,
# against a state root of 1,000 accounts (bench/gen_state.cpp), with an API
# token (Authorization: whm root:TOKEN). Prints requests/s and p50/p99 for
# `version` and `listaccts`, and whmkitd's resident memory after 1,000 and
# after 100,000 requests (a leak would make the second larger). Not part of
# the test suite; the figures go to bench/results.md by hand.
#   bench/whmkitd.sh [ACCOUNTS]   (default 1000)
# Environment: DURATION (seconds per wrk run, default 15), WORK (scratch dir).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
n=${1:-1000}
DURATION=${DURATION:-15} WORK=${WORK:-/tmp/whmkitd-bench}
B=$PWD/build
rm -rf "$WORK" && mkdir -p "$WORK"
root=$WORK/root
echo "generating $n accounts..."
"$B/whmkit-gen-state" "$root" "$n" >/dev/null
token=$("$B/whmapi1" --root="$root" --output=json api_token_create token_name=bench |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["token"])')
port=$((30000 + RANDOM % 2000))
"$B/whmkitd" --root="$root" --whm-listen=127.0.0.1:$port --cpanel-listen=127.0.0.1:$((port + 1)) 2>"$WORK/whmkitd.log" &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
rss() { awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/$pid/status; }
url=https://127.0.0.1:$port/json-api
auth="Authorization: whm root:$token"

served() { grep -c . "$root/usr/local/cpanel/logs/access_log"; }
# Warm-up with every connection (so every worker has run): about 1,000
# requests, then the first memory reading; then `version` up to 100,000
# requests and the second. The listaccts runs come after both readings (their
# 0.8 MB answers make the allocator keep more pages for a while).
wrk -t2 -c32 -d1s -H "$auth" "$url/version?api.version=1" >/dev/null
rss_1k=$(rss) served_1k=$(served)
while [[ $(served) -lt 100000 ]]; do
  wrk -t2 -c32 -d5s -H "$auth" "$url/version?api.version=1" >/dev/null
done
rss_100k=$(rss) served_100k=$(served)
run() {  # NAME URL
  wrk -t2 -c32 -d"${DURATION}s" --latency -H "$auth" "$2" >"$WORK/$1.txt"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/$1.txt")
  p50=$(awk '$1=="50%" {print $2}' "$WORK/$1.txt")
  p99=$(awk '$1=="99%" {print $2}' "$WORK/$1.txt")
  printf '| %s | %s | 32 | %s | %s | %s |\n' "$1" "$n" "$rps" "$p50" "$p99"
}
echo "| call | accounts | connections | requests/s | p50 | p99 |"
echo "|---|---|---|---|---|---|"
run version "$url/version?api.version=1"
run listaccts "$url/listaccts?api.version=1"
run "listaccts want=user,domain" "$url/listaccts?api.version=1&want=user,domain"
echo
echo "RSS after $served_1k requests: ${rss_1k} MB; after $served_100k requests: ${rss_100k} MB"
