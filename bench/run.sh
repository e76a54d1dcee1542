#!/usr/bin/env bash
# whmkit benchmarks at server scale. Builds, generates state roots with
# N = 1,000 / 10,000 / 100,000 accounts, runs every case, prints one table and
# writes it to bench/results.md. Not part of the test suite.
#   bench/run.sh [N ...]        (default: 1000 10000 100000)
# Environment: RUNS (repeats of single-call cases, default 10), CREATES
# (createacct calls per N, default 1000), WORK (scratch dir, default /tmp/whmkit-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
command -v hyperfine >/dev/null || { apt-get install -y -qq hyperfine time >/dev/null; }
[[ -x /usr/bin/time ]] || apt-get install -y -qq time >/dev/null
scripts/build.sh >/dev/null
sizes=("${@:-1000 10000 100000}")
[[ $# -eq 0 ]] && sizes=(1000 10000 100000)
RUNS=${RUNS:-10} CREATES=${CREATES:-1000} WORK=${WORK:-/tmp/whmkit-bench}
W=$PWD/build/whmapi1 GEN=$PWD/build/whmkit-gen-state
rm -rf "$WORK" && mkdir -p "$WORK"
rows=()
declare -A create_median

# hyperfine median/min/max in ms of one command.
stats() { hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$WORK/h.json" "$1" >/dev/null 2>&1
  python3 -c 'import json;r=json.load(open("'"$WORK"'/h.json"))["results"][0];print("%.2f %.2f %.2f"%(r["median"]*1e3,r["min"]*1e3,r["max"]*1e3))'; }
# Peak resident memory (MB) of one run.
peak() { /usr/bin/time -f "%M" bash -c "$1 >/dev/null" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f", $1/1024}'; }
# Per-call median/min/max (ms) of a list of commands run one at a time (file: one command per line).
series() { local t0 t1; : > "$WORK/times"
  while IFS= read -r cmd; do t0=$(date +%s%N); eval "$cmd" >/dev/null; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000 )) >> "$WORK/times"; done < "$1"
  sort -n "$WORK/times" | awk '{a[NR]=$1} END{printf "%.2f %.2f %.2f", a[int((NR+1)/2)]/1000, a[1]/1000, a[NR]/1000}'; }
row() { rows+=("| $1 | $2 | $3 | $4 | $5 | $6 | $7 |"); printf '%-48s %-8s %-22s %-22s %-8s %s\n' "$1" "$2" "$3" "$4" "$5" "$7"; }
fmt() { read -r med mn mx <<<"$1"; echo "$med ($mn–$mx)"; }

floor=$(stats /bin/true)
# Start-up (issue #25) in CPU time and page faults, against /bin/true in the same run.
RUNS=50 ROUNDS=5 WORK=$WORK/startup bench/startup.sh build > "$WORK/startup.md"
while IFS='|' read -r _ case tc _ faults ratio rss _; do
  read -r tc_med tc_range <<<"$tc"; faults=$(echo $faults) ratio=$(echo $ratio) rss=$(echo $rss)
  [[ $case == *version* || $case == *get_current_users_count* ]] || continue
  row "start-up, task-clock: $(echo ${case##*--output=json})" "10" "$tc_med $tc_range" \
      "$(echo $(awk -F'|' '/bin\/true/{print $3}' "$WORK/startup.md")) /bin/true" "$ratio" "≤ 3×, < 150 page faults (here $faults)" "$rss"
done < "$WORK/startup.md"
for n in "${sizes[@]}"; do
  root=$WORK/root-$n
  echo "generating $n accounts..."; "$GEN" "$root" "$n" >/dev/null
  for fn in version get_current_users_count; do
    s=$(stats "$W --root=$root --output=json $fn")
    row "one call: $fn" "$n" "$(fmt "$s")" "$(fmt "$floor") /bin/true" \
        "$(awk -v a="${s%% *}" -v b="${floor%% *}" 'BEGIN{printf "%.1f×", a/b}')" "" "$(peak "$W --root=$root --output=json $fn")"
  done
  cat_cmd="find $root/var/cpanel/users -type f -exec cat {} +"
  cat_floor=$(RUNS=5 stats "$cat_cmd")
  s=$(RUNS=5 stats "$W --root=$root --output=json listaccts")
  row "listaccts (json)" "$n" "$(fmt "$s")" "$(fmt "$cat_floor") cat cpuser files" \
      "$(awk -v a="${s%% *}" -v b="${cat_floor%% *}" 'BEGIN{printf "%.1f×", a/b}')" "" "$(peak "$W --root=$root --output=json listaccts")"
  # listaccts searches, one per searchtype: each reads its /etc lookup file and etc/passwd,
  # lists var/cpanel/users and stats each cpuser file and its users.cache twin, and reads only
  # the cpuser files of what it finds. Floor: cat of those two files plus a find that lists and
  # stats the same files (medians, mins and maxes added).
  ls_floor=$(RUNS=5 stats "find $root/var/cpanel/users $root/var/cpanel/users.cache -maxdepth 1 -printf %T@")
  for search in "domain u00009 regex etc/userdomains" "user ^u00009 regex etc/trueuserowners" \
                "owner r3 exact etc/trueuserowners" "ip 192.0.2.99 exact etc/userips" "package pro exact etc/userplans"; do
    read -r type pattern method lookup <<<"$search"
    call="$W --root=$root --output=json listaccts search=$pattern searchtype=$type searchmethod=$method"
    found=$($call | python3 -c 'import json,sys;print(len(json.load(sys.stdin)["data"]["acct"]))')
    s=$(RUNS=5 stats "$call")
    f=$(RUNS=5 stats "cat $root/$lookup $root/etc/passwd")
    f=$(awk -v a="$f" -v b="$ls_floor" 'BEGIN{split(a,x," ");split(b,y," ");printf "%.2f %.2f %.2f",x[1]+y[1],x[2]+y[2],x[3]+y[3]}')
    row "listaccts search=$pattern searchtype=$type ($method)" "$n ($found found)" "$(fmt "$s")" \
        "$(fmt "$f") cat ${lookup#etc/}+passwd, find -printf %T@ users users.cache" \
        "$(awk -v a="${s%% *}" -v b="${f%% *}" 'BEGIN{printf "%.1f×", a/b}')" "< 50 ms at 100,000" "$(peak "$call")"
  done
  : > "$WORK/creates"
  for ((i = 0; i < CREATES; i++)); do echo "$W --root=$root createacct username=new$i domain=new$i.example password=Pass-word1" >> "$WORK/creates"; done
  s=$(series "$WORK/creates")
  # createacct prints an envelope and exits 0 also when it refuses: a refused call is not a cost.
  for ((i = 0; i < CREATES; i++)); do
    [[ -f $root/var/cpanel/users/new$i ]] || { echo "createacct new$i failed at $n accounts" >&2; exit 1; }
  done
  create_median[$n]=${s%% *}
  # Growth: the ratio is to the cost at 1,000 accounts in this run (target at 100,000: at most 1.5×).
  ratio="" base=""
  if [[ -n "${create_median[1000]:-}" ]]; then
    base="${create_median[1000]} at 1,000"
    ratio=$(awk -v a="${s%% *}" -v b="${create_median[1000]}" 'BEGIN{printf "%.2f×", a/b}')
  fi
  row "createacct, $CREATES more, one call each" "$n" "$(fmt "$s")" "$base" "$ratio" "≤ 1.5× at 100,000" "$(peak "$W --root=$root createacct username=peak1 domain=peak1.example password=Pass-word1")"
done

# Zones of 10, 10,000 and 100,000 records (issue #25): dumpzone against `cat`
# of the zone file as its floor (every output format at 100,000), and single
# record edits: addzonerecord, editzonerecord, removezonerecord and the UAPI
# DNS::mass_edit_zone with one change. The zones belong to accounts (the
# UAPI call needs one); the records are appended as cPanel writes them.
U=$PWD/build/uapi
zroot=$WORK/zones
mkdir -p "$zroot"
declare -A zone_extra=([small]=0 [big]=9990 [huge]=99990)
for zone in small big huge; do
  "$W" --root="$zroot" createacct username=z$zone domain=$zone.example password=Pass-word1 >/dev/null
  for ((i = 0; i < zone_extra[$zone]; i++)); do printf 'h%d\t14400\tIN\tA\t198.51.%d.%d\n' "$i" $((i / 250 % 256)) $((i % 250 + 1)); done >> "$zroot/var/named/$zone.example.db"
done
# Lines of the records named add* (dumpzone's "Line"), last first.
add_lines() { "$W" --root="$zroot" --output=json dumpzone domain=$1 | python3 -c 'import json,sys;print(" ".join(str(r["Line"]) for r in reversed(json.load(sys.stdin)["data"]["zone"]) if r["name"].startswith("add")))'; }
zserial() { awk '/;Serial Number/{print $1; exit}' "$zroot/var/named/$1.db"; }
for zone in small big huge; do
  d=$zone.example zfile=$zroot/var/named/$zone.example.db
  records=$("$W" --root="$zroot" --output=json dumpzone domain=$d | python3 -c 'import json,sys;print(len(json.load(sys.stdin)["data"]["zone"]))')
  zcat_floor=$(stats "cat $zfile")
  fmts=(json); [[ $zone == huge ]] && fmts=(json jsonpretty yaml xml)
  for f in "${fmts[@]}"; do
    s=$(stats "$W --root=$zroot --output=$f dumpzone domain=$d")
    row "dumpzone (--output=$f)" "$records records" "$(fmt "$s")" "$(fmt "$zcat_floor") cat zone file" \
        "$(awk -v a="${s%% *}" -v b="${zcat_floor%% *}" 'BEGIN{printf "%.1f×", a/b}')" "$([[ $zone == huge ]] && echo "< 300 ms, < 60 MB")" \
        "$(peak "$W --root=$zroot --output=$f dumpzone domain=$d")"
  done
  : > "$WORK/adds"
  for ((i = 0; i < 30; i++)); do echo "$W --root=$zroot addzonerecord domain=$d name=add$i type=A address=203.0.113.$((i + 1))" >> "$WORK/adds"; done
  s=$(series "$WORK/adds")
  row "addzonerecord" "$records records" "$(fmt "$s")" "" "" "" "$(peak "$W --root=$zroot addzonerecord domain=$d name=peak type=A address=203.0.113.200")"
  line=$(add_lines $d | awk '{print $NF}')
  : > "$WORK/edits"
  for ((i = 0; i < 30; i++)); do echo "$W --root=$zroot editzonerecord domain=$d line=$line address=203.0.113.$((i % 200 + 1))" >> "$WORK/edits"; done
  s=$(series "$WORK/edits")
  row "editzonerecord" "$records records" "$(fmt "$s")" "" "" "$([[ $zone == huge ]] && echo "< 100 ms")" "$(peak "$W --root=$zroot editzonerecord domain=$d line=$line address=203.0.113.250")"
  : > "$WORK/removes"
  for l in $(add_lines $d); do echo "$W --root=$zroot removezonerecord zone=$d line=$l" >> "$WORK/removes"; done
  head -n 1 "$WORK/removes" > "$WORK/remove-peak"; sed -i 1d "$WORK/removes"
  s=$(series "$WORK/removes")
  row "removezonerecord" "$records records" "$(fmt "$s")" "" "" "" "$(peak "$(cat "$WORK/remove-peak")")"
  : > "$WORK/times"
  for ((i = 0; i < 30; i++)); do
    serial=$(zserial $d)
    t0=$(date +%s%N)
    "$U" --root="$zroot" --user=z$zone --output=json DNS mass_edit_zone zone=$d serial="$serial" \
      "add={\"dname\":\"mass$i\",\"ttl\":300,\"record_type\":\"A\",\"data\":[\"203.0.113.$((i + 1))\"]}" >/dev/null
    t1=$(date +%s%N); echo $(( (t1 - t0) / 1000 )) >> "$WORK/times"
  done
  s=$(sort -n "$WORK/times" | awk '{a[NR]=$1} END{printf "%.2f %.2f %.2f", a[int((NR+1)/2)]/1000, a[1]/1000, a[NR]/1000}')
  row "uapi DNS mass_edit_zone, one add" "$records records" "$(fmt "$s")" "" "" "" \
      "$(peak "$U --root=$zroot --user=z$zone --output=json DNS mass_edit_zone zone=$d serial=$(zserial $d) 'add={\"dname\":\"masspeak\",\"ttl\":300,\"record_type\":\"A\",\"data\":[\"203.0.113.99\"]}'")"
done

# whmkit-check at 20,000 accounts (issue #25), on every core (and on one, to
# show what the threads give), against `cat` of every file it reads (the
# state root less the homes) as its floor.
croot=$WORK/check-20000
"$GEN" "$croot" 20000 >/dev/null
C=$PWD/build/whmkit-check
check_floor=$(RUNS=5 stats "find $croot -path $croot/home -prune -o -type f -exec cat {} +")
for threads in "$(nproc)" 1; do
  cmd="env WHMKIT_CHECK_THREADS=$threads $C --root=$croot --quiet"
  s=$(RUNS=5 stats "$cmd")
  row "whmkit-check ($threads thread(s))" "20000" "$(fmt "$s")" "$(fmt "$check_floor") cat its files" \
      "$(awk -v a="${s%% *}" -v b="${check_floor%% *}" 'BEGIN{printf "%.1f×", a/b}')" "$([[ $threads != 1 ]] && echo "< 2 s, < 60 MB")" "$(peak "$cmd")"
done

# cpapi2/uapi calls and backups, on one account with 2,000 files (8 MB) in its home.
broot=$WORK/backup
"$W" --root="$broot" createacct username=bob domain=bob.example password=Pass-word1 >/dev/null
mkdir -p "$broot/home/bob/public_html/files"
for ((i = 0; i < 2000; i++)); do head -c 4096 /dev/urandom > "$broot/home/bob/public_html/files/f$i.bin"; done
s=$(stats "$U --root=$broot --user=bob --output=json Ftp list_ftp")
row "uapi Ftp list_ftp" "1 account" "$(fmt "$s")" "$(fmt "$floor") /bin/true" "" "" "$(peak "$U --root=$broot --user=bob --output=json Ftp list_ftp")"
: > "$WORK/ftp"; : > "$WORK/cron"
for ((i = 0; i < 30; i++)); do
  echo "$U --root=$broot --user=bob Ftp add_ftp user=f$i pass=Pass-word1" >> "$WORK/ftp"
  echo "$U --root=$broot --user=bob Cron add_line minute=$i command=job$i" >> "$WORK/cron"
done
row "uapi Ftp add_ftp (incl. pure-pw mkdb), 30 calls" "1 account" "$(fmt "$(series "$WORK/ftp")")" "" "" "" ""
row "uapi Cron add_line, 30 calls" "1 account" "$(fmt "$(series "$WORK/cron")")" "" "" "" ""
s=$(RUNS=5 stats "$W --root=$broot start_background_pkgacct user=bob")
row "start_background_pkgacct (tar.gz)" "2000 files" "$(fmt "$s")" "" "" "" "$(peak "$W --root=$broot start_background_pkgacct user=bob")"
: > "$WORK/times"
for ((i = 0; i < 5; i++)); do
  "$W" --root="$broot" removeacct user=bob >/dev/null
  t0=$(date +%s%N); "$W" --root="$broot" start_local_cpmove_restore cpmovepath=/home/cpmove-bob.tar.gz >/dev/null; t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000 )) >> "$WORK/times"
done
s=$(sort -n "$WORK/times" | awk '{a[NR]=$1} END{printf "%.2f %.2f %.2f", a[int((NR+1)/2)]/1000, a[1]/1000, a[NR]/1000}')
row "start_local_cpmove_restore" "2000 files" "$(fmt "$s")" "" "" "" ""

# The table replaces the top of bench/results.md (up to its first "## "
# section); the sections written by hand below it stay.
{
  echo "# whmkit benchmarks"
  echo
  echo "Run on $(date -u +%Y-%m-%d) on $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; commit $(git rev-parse --short HEAD)."
  echo "Times in ms: median (min–max) of $RUNS runs for single calls, of every call for series. Peak memory is the maximum RSS of one run."
  echo "Start-up rows: CPU time (perf stat task-clock) per call, median (min–max) of 5 rounds of 50 calls, from bench/startup.sh."
  echo
  echo "| case | N | whmkit | floor | ratio | target | peak MB |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  if [[ -n "${create_median[1000]:-}" && -n "${create_median[10000]:-}" ]]; then
    echo
    echo "createacct cost at 10,000 accounts / at 1,000: $(awk -v a="${create_median[10000]}" -v b="${create_median[1000]}" 'BEGIN{printf "%.2f", a/b}')"
    if [[ -n "${create_median[100000]:-}" ]]; then
      echo "createacct cost at 100,000 accounts / at 1,000: $(awk -v a="${create_median[100000]}" -v b="${create_median[1000]}" 'BEGIN{printf "%.2f", a/b}') (target: at most 1.5)"
    fi
  fi
} > "$WORK/table.md"
python3 - "$WORK/table.md" bench/results.md <<'PY'
import sys
table, results = open(sys.argv[1]).read(), open(sys.argv[2]).read()
rest = results[results.find("\n## ") + 1:] if "\n## " in results else ""
open(sys.argv[2], "w").write(table + "\n" + rest)
PY
echo; cat "$WORK/table.md"
