# Sourced by the database tests and bench/db.sh: starts a private MariaDB
# (tests/db/mariadb.cnf.in) in directory $1 on 127.0.0.1:$2, as root, with
# root's password $3, and writes <state root $4>/root/.my.cnf for it.
# mariadb_stop $1 stops only that server (its pid file).
mariadb_start() {  # DIR PORT PASSWORD ROOT
  local dir=$1 port=$2 pass=$3 root=$4 here
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  mkdir -p "$dir/data"
  sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|$port|g" "$here/mariadb.cnf.in" >"$dir/my.cnf"
  mariadb-install-db --defaults-file="$dir/my.cnf" --user=root --auth-root-authentication-method=normal \
    --skip-test-db >"$dir/install.log" 2>&1 || { cat "$dir/install.log"; return 1; }
  /usr/sbin/mariadbd --defaults-file="$dir/my.cnf" --user=root >/dev/null 2>&1 &
  local _
  for _ in $(seq 200); do [[ -S $dir/mysqld.sock ]] && break; sleep 0.05; done
  [[ -S $dir/mysqld.sock ]] || { cat "$dir/error.log"; return 1; }
  mariadb --no-defaults --socket="$dir/mysqld.sock" -uroot \
    -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('$pass')" || return 1
  mkdir -p "$root/root"
  printf '[client]\nuser=root\npassword="%s"\nhost=localhost\nsocket=%s\n' "$pass" "$dir/mysqld.sock" >"$root/root/.my.cnf"
  chmod 600 "$root/root/.my.cnf"
}

mariadb_stop() {  # DIR
  [[ -f $1/mysqld.pid ]] || return 0
  local pid _
  pid=$(cat "$1/mysqld.pid")
  kill "$pid" 2>/dev/null
  for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
}

# A query as root on the private server, tab-separated, no headers.
mariadb_query() {  # DIR PASSWORD SQL
  mariadb --no-defaults --socket="$1/mysqld.sock" -uroot -p"$2" -N -B -r -e "$3"
}
