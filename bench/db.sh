#!/usr/bin/env bash
# Databases at scale (issue #23):
#  * WHM list_databases over 1,000 accounts x 5 databases: the maps are
#    generated (var/cpanel/databases/<user>.json), no server needed, since
#    the listing reads the maps only;
#  * uapi Mysql create_database against a private MariaDB (tests/db/mariadb.sh,
#    127.0.0.1:33074), each measured run creating a new database (the one
#    before is deleted, unmeasured).
# Not part of the test suite; the figures go to bench/results.md by hand.
#   bench/db.sh [ACCOUNTS]   (default 1000)
# Environment: RUNS (default 20), WORK (scratch dir).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "hyperfine is needed"; exit 1; }
n=${1:-1000}
RUNS=${RUNS:-20} WORK=${WORK:-/tmp/whmkit-db-bench}
B=$PWD/build
source tests/db/mariadb.sh
rm -rf "$WORK" && mkdir -p "$WORK"
root=$WORK/root
trap 'mariadb_stop "$WORK/srv"' EXIT
python3 - "$root" "$n" <<'PY'
import json, os, sys
root, n = sys.argv[1], int(sys.argv[2])
d = os.path.join(root, "var/cpanel/databases")
os.makedirs(d, exist_ok=True)
for i in range(n):
    user = f"u{i:05d}"
    dbs = {f"{user}_db{j}": "localhost" for j in range(5)}
    users = {f"{user}_app": {"server": "localhost", "dbs": dict(dbs)}}
    engine = {"owner": user, "server": "localhost", "dbs": dbs, "dbusers": users, "noprefix": {}}
    empty = {"owner": user, "server": "localhost", "dbs": {}, "dbusers": {}, "noprefix": {}}
    with open(os.path.join(d, user + ".json"), "w") as f:
        json.dump({"MYSQL": engine, "PGSQL": empty, "version": 1}, f, sort_keys=True, separators=(",", ":"))
PY
hyperfine -N --warmup 3 --runs "$RUNS" "$B/whmapi1 --root=$root --output=json list_databases" \
  "$B/whmapi1 --root=$root --output=json list_database_users"
mariadb_start "$WORK/srv" 33074 'Bench-pw-1' "$root"
"$B/whmapi1" --root="$root" createacct username=bob domain=bob.example password=Pass-word1x >/dev/null
U="$B/uapi --root=$root --user=bob --output=json"
hyperfine -N --runs "$RUNS" --prepare "sh -c '$U Mysql delete_database name=bob_bench >/dev/null'" \
  "$U Mysql create_database name=bob_bench" "$U Mysql list_databases"
# Counts that a shared machine does not skew much: perf stat's task-clock
# (and instructions where the machine counts them: this VM does not) per
# create_database (each after an unmeasured delete), for
# this build and, when OLD_BIN names another build's directory, for it too
# (the owner index's before/after).
perf_creates() {  # BIN_DIR ENGINE NAME
  local bin=$1 engine=$2 name=$3 i
  for i in $(seq "$RUNS"); do
    "$bin/uapi" --root="$root" --user=bob --output=json "$engine" delete_database "name=$name" >/dev/null
    perf stat -x, -e instructions:u,task-clock "$bin/uapi" --root="$root" --user=bob --output=json \
      "$engine" create_database "name=$name" 2>&1 >/dev/null | grep -E 'instructions|task-clock'
  done | awk -F, -v what="$engine create_database ($bin)" '
    /instructions/ {if ($1 ~ /^[0-9]/) {ins += $1; ni++}} /task-clock/ {ms += $1; n++}
    END {printf "%s: %s, %.1f ms task-clock (mean of %d)\n", what,
         ni ? sprintf("%.1f M instructions", ins / ni / 1e6) : "instructions not counted", ms / n, n}'
}
perf_creates "$B" Mysql bob_perf
if [[ -n ${OLD_BIN:-} ]]; then perf_creates "$OLD_BIN" Mysql bob_perf; fi
# PostgreSQL (pgsql23): uapi Postgresql create_database against a private
# PostgreSQL 15 (tests/db/pgsql_server.sh, 127.0.0.1:33076), each measured
# run creating a new database (role, database, grant, revoke from PUBLIC)
# after an unmeasured delete; list_databases with sizes (pg_database_size)
# and without (api.columns: the map only).
source tests/db/pgsql_server.sh
chmod 755 "$WORK"
trap 'mariadb_stop "$WORK/srv"; pgsql_stop' EXIT
pgsql_start "$WORK/pg" 33076 'Bench-pw-1'
mkdir -p "$root/root"
printf '127.0.0.1:33076:*:postgres:Bench-pw-1\n' > "$root/root/.pgpass"
chmod 600 "$root/root/.pgpass"
$U Postgresql create_database name=bob_pgfill >/dev/null
hyperfine -N --runs "$RUNS" --prepare "sh -c '$U Postgresql delete_database name=bob_pgbench >/dev/null'" \
  "$U Postgresql create_database name=bob_pgbench" "$U Postgresql list_databases" \
  "$U Postgresql list_databases api.columns_1=database api.columns_2=users"
perf_creates "$B" Postgresql bob_pgperf
if [[ -n ${OLD_BIN:-} ]]; then perf_creates "$OLD_BIN" Postgresql bob_pgperf; fi
