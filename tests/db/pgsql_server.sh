# Sourced by tests/shell/test_postgresql.sh: a private PostgreSQL 15 of the
# test's own (data directory and socket in $1, owned by the "postgres"
# system user, which initdb and the server need), on 127.0.0.1:$2, with the
# superuser "postgres" whose password is $3. Its configuration comes from
# tests/db/pgsql.conf and tests/db/pgsql_hba.conf. pgsql_stop stops it.
pg_bin=/usr/lib/postgresql/15/bin
pgsql_start() {  # DIR PORT PASSWORD
  local dir=$1 port=$2 here
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  pg_dir=$dir
  mkdir -p "$dir/data" "$dir/run"
  printf '%s\n' "$3" > "$dir/pwfile"
  chown -R postgres: "$dir"
  chmod 700 "$dir/data"
  runuser -u postgres -- "$pg_bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" \
    --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; return 1; }
  rm -f "$dir/pwfile"
  cp "$here/pgsql.conf" "$dir/data/postgresql.conf"
  cp "$here/pgsql_hba.conf" "$dir/data/pg_hba.conf"
  chown postgres: "$dir/data/postgresql.conf" "$dir/data/pg_hba.conf"
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -k $dir/run" start >/dev/null || { cat "$dir/server.log"; return 1; }
}
pgsql_stop() {
  [[ -n ${pg_dir:-} && -d $pg_dir/data ]] || return 0
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1
}
