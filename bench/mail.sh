#!/usr/bin/env bash
# Email at scale: one account with N mailboxes in one domain (made by
# bench/gen_mailboxes.py in add_pop's files), then hyperfine on uapi Email
# list_pops, count_pops, list_pops_with_disk and add_pop (each add_pop run
# adds a mailbox). Not part of the test suite; the figures go to
# bench/results.md by hand.
#   bench/mail.sh [MAILBOXES]   (default 10000)
# Environment: RUNS (default 20), WORK (scratch dir).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
n=${1:-10000}
RUNS=${RUNS:-20} WORK=${WORK:-/tmp/whmkit-mail-bench}
B=$PWD/build
rm -rf "$WORK" && mkdir -p "$WORK"
root=$WORK/root
"$B/whmapi1" --root="$root" createacct username=bob domain=bob.example password=Pass-word1x maxpop=unlimited >/dev/null
echo "adding $n mailboxes..."
python3 bench/gen_mailboxes.py "$root" bob bob.example "$n"
U="$B/uapi --root=$root --user=bob --output=json"
hyperfine -N --warmup 3 --runs "$RUNS" "$B/whmapi1 --root=$root version" "$U Email count_pops" "$U Email list_pops" \
  "$U Email list_pops_with_disk"
# Each run adds the same new mailbox: the one before is deleted (unmeasured) first,
# so every measured call really adds one (10,001st) mailbox.
hyperfine -N --runs "$RUNS" --prepare "sh -c '$U Email delete_pop email=bench >/dev/null'" \
  "$U Email add_pop email=bench password=Pass-word1x-xyz"
# CPU and page faults of add_pop (less sensitive to the machine's load than
# wall time), median (min–max) of RUNS calls, each adding the mailbox anew.
: > "$WORK/addpop"
for ((i = 0; i < RUNS; i++)); do
  $U Email delete_pop email=bench >/dev/null
  perf stat -x, -e task-clock,page-faults $U Email add_pop email=bench password=Pass-word1x-xyz 2>"$WORK/stat" >/dev/null
  echo "$(awk -F, '$3=="task-clock"{print $1}' "$WORK/stat") $(awk -F, '$3=="page-faults"{print $1}' "$WORK/stat")" >>"$WORK/addpop"
done
for k in 1 2; do sort -g -k$k "$WORK/addpop" | awk -v k=$k -v what="$([[ $k == 1 ]] && echo "task-clock ms" || echo "page faults")" \
  '{a[NR]=$k} END{printf "add_pop %s: %s (%s–%s)\n", what, a[int((NR+1)/2)], a[1], a[NR]}'; done
