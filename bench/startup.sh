#!/usr/bin/env bash
# Start-up cost (#25): `whmapi1 version` and `get_current_users_count` on a
# small root against /bin/true, measured in the same run. perf stat -r RUNS,
# ROUNDS times; prints per case the median (min–max) over the rounds of
# task-clock (CPU ms per call), wall ms per call, page faults per call, the
# task-clock ratio to /bin/true, and the peak RSS of one call. Task-clock and
# page faults move little with the machine's load; wall time does.
#   bench/startup.sh [BUILD_DIR]     (default: build)
# Environment: RUNS (default 50), ROUNDS (default 5), WORK (scratch dir).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
RUNS=${RUNS:-50} ROUNDS=${ROUNDS:-5} WORK=${WORK:-/tmp/whmkit-startup-bench}
rm -rf "$WORK" && mkdir -p "$WORK"
"$B/whmkit-gen-state" "$WORK/root" 10 >/dev/null
W="$B/whmapi1 --root=$WORK/root --output=json"
declare -A cmds=([true]="/bin/true" [version]="$W version" [count]="$W get_current_users_count")
# One perf stat of a case: "task-clock-ms wall-ms faults" per call.
measure() {
  perf stat -x, -e task-clock,page-faults -r "$RUNS" $1 2>"$WORK/stat" >/dev/null
  local tc pf
  tc=$(awk -F, '$3=="task-clock"{print $1}' "$WORK/stat")
  pf=$(awk -F, '$3=="page-faults"{print $1}' "$WORK/stat")
  local t0 t1
  t0=$(date +%s%N); for ((i = 0; i < RUNS; i++)); do $1 >/dev/null; done; t1=$(date +%s%N)
  echo "$tc $(awk -v d=$((t1 - t0)) -v n="$RUNS" 'BEGIN{printf "%.3f", d/n/1e6}') $pf"
}
for ((r = 0; r < ROUNDS; r++)); do
  for c in true version count; do measure "${cmds[$c]}" >> "$WORK/$c"; done
done
# median (min–max) of column $2 of file $1
stat3() { sort -g -k"$2" "$1" | awk -v k="$2" '{a[NR]=$k} END{printf "%.2f (%.2f–%.2f)", a[int((NR+1)/2)], a[1], a[NR]}'; }
median() { sort -g -k"$2" "$1" | awk -v k="$2" '{a[NR]=$k} END{print a[int((NR+1)/2)]}'; }
floor=$(median "$WORK/true" 1)
printf '| case | task-clock ms | wall ms | page faults | task-clock / true | peak RSS MB |\n|---|---|---|---|---|---|\n'
for c in true version count; do
  rss=$(/usr/bin/time -f "%M" ${cmds[$c]} 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f", $1/1024}')
  printf '| %s | %s | %s | %s | %.1f× | %s |\n' "${cmds[$c]/$WORK\/root/ROOT}" "$(stat3 "$WORK/$c" 1)" "$(stat3 "$WORK/$c" 2)" \
    "$(median "$WORK/$c" 3)" "$(awk -v a="$(median "$WORK/$c" 1)" -v b="$floor" 'BEGIN{print a/b}')" "$rss"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
