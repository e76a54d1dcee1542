#!/usr/bin/env bash
# End to end against a private MariaDB (tests/db/mariadb.sh: own data
# directory and socket in a temporary folder, 127.0.0.1 only): a database and
# user made with uapi Mysql accept a login and a CREATE TABLE with that
# password and refuse another account's user; renames keep the data;
# suspension locks the users; pkgacct -> removeacct -> restore brings the
# rows back; an account rename moves the prefix; injection attempts in names
# and passwords are refused or escaped, checked in the server's grant tables.
# Usage: test_mysql.sh BIN_DIR
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/expect.sh"
source "$here/../db/mariadb.sh"
for tool in mariadbd mariadb-install-db mariadb mariadb-dump; do
  if ! command -v $tool >/dev/null && [[ ! -x /usr/sbin/$tool ]]; then
    echo "$tool is missing (scripts/install-deps.sh installs mariadb-server)"; echo "0 passed, 1 failed"; exit 1
  fi
done
work=$(mktemp -d /tmp/whmkit-mysql-XXXXXX)
root=$work/root
srv=$work/srv
pass='r00t-Pw!'
srv2=$work/srv2
cleanup() { mariadb_stop "$srv"; mariadb_stop "$srv2"; rm -rf "$work"; }
trap cleanup EXIT
mariadb_start "$srv" 33070 "$pass" "$root" || { echo "0 passed, 1 failed"; exit 1; }
export WHMKIT_ROOT=$root
w() { "$bin/whmapi1" --output=json "$@"; }
u() { local user=$1; shift; "$bin/uapi" --output=json --user="$user" "$@"; }
status() { field 'd["result"]["status"]'; }
errors() { field 'd["result"]["errors"]'; }
sql() { mariadb_query "$srv" "$pass" "$1"; }
# A login as USER with PASSWORD running SQL on DB; prints the output (or the error).
as() { mariadb --no-defaults --socket="$srv/mysqld.sock" -u"$1" -p"$2" -N -B "$3" -e "$4" 2>&1; }

w createacct username=bob domain=bob.example password='Main-pass-1x' >/dev/null
w createacct username=eve domain=eve.example password='Main-pass-1x' >/dev/null

# Create, grant, log in, CREATE TABLE.
expect "create_database" 1 "$(u bob Mysql create_database name=bob_shop | status)"
expect "create_user" 1 "$(u bob Mysql create_user name=bob_app 'password=App-pw-1%27%22%5C' | status)"
expect "set_privileges" 1 "$(u bob Mysql set_privileges_on_database user=bob_app database=bob_shop privileges=ALL%20PRIVILEGES | status)"
app_pw="App-pw-1'\"\\"
expect "login + CREATE TABLE" "" "$(as bob_app "$app_pw" bob_shop "CREATE TABLE t (id INT, v VARCHAR(20)); INSERT INTO t VALUES (1,'hello'),(2,'world')")"
expect "rows" $'1\thello\n2\tworld' "$(as bob_app "$app_pw" bob_shop "SELECT * FROM t ORDER BY id")"
expect "wrong password refused" "ERROR 1045" "$(as bob_app 'nope' bob_shop 'SELECT 1' | cut -c1-10)"
expect "get_privileges" "['ALL PRIVILEGES']" "$(u bob Mysql get_privileges_on_database user=bob_app database=bob_shop | field 'd["result"]["data"]')"
expect "list_databases size from the server" 1 "$(u bob Mysql list_databases | field 'int(d["result"]["data"][0]["disk_usage"] > 0)')"
expect "grant pattern escapes _" 'bob\_shop' "$(sql "SELECT Db FROM mysql.db WHERE User='bob_app'")"

# Another account's user: refused by the server and by whmkit.
u eve Mysql create_user name=eve_x 'password=Eve-pw-1x' >/dev/null
expect_contains "eve's user refused" "ERROR 1044" "$(as eve_x 'Eve-pw-1x' bob_shop 'SELECT * FROM t')"
expect_contains "eve cannot grant on bob's db" "does not control a MySQL database" "$(u eve Mysql set_privileges_on_database user=eve_x database=bob_shop privileges=ALL | errors)"
expect "eve cannot take bob's name" 0 "$(u eve Mysql create_database name=bob_shop | status)"
expect "no grant for eve on bob's db" "" "$(sql "SELECT Db FROM mysql.db WHERE User='eve_x'")"

# Injection attempts: refused before the server, or escaped.
for name in "bob_x%27%3B%20DROP%20DATABASE%20mysql%3B--" "bob_x%60y" "bob_x%5Cy" "bob_x%00y" "bob_x%0Ay" "bob_x%2Fy"; do
  expect "db name refused: $name" 0 "$(u bob Mysql create_database "name=$name" | status)"
done
for name in "bob_u%27x" "bob_u%25" "bob_u%40localhost" "bob_u%0A" "bob_u%00"; do
  expect "user name refused: $name" 0 "$(u bob Mysql create_user "name=$name" password=Pw-1xyzab | status)"
done
# Wildcards in a database name are data: the grant is on the literal name only.
expect "db with % and _" 1 "$(u bob Mysql create_database name=bob_a%25_b | status)"
u bob Mysql set_privileges_on_database user=bob_app database=bob_a%25_b privileges=SELECT >/dev/null
expect "grant pattern escapes % and _" 'bob\_a\%\_b' "$(sql "SELECT Db FROM mysql.db WHERE User='bob_app' AND Db LIKE '%a%'")"
sql "CREATE DATABASE bob_aXYb" && expect "the wildcard grants nothing else" "ERROR 1044" "$(as bob_app "$app_pw" bob_aXYb 'SELECT 1' | cut -c1-10)"
sql "DROP DATABASE bob_aXYb"
expect "privilege injection refused" 0 "$(u bob Mysql set_privileges_on_database user=bob_app database=bob_shop 'privileges=SELECT%20ON%20*.*%20TO%20eve_x%3B%20GRANT%20ALL' | status)"
expect "no global privilege slipped in" "N" "$(sql "SELECT Select_priv FROM mysql.user WHERE User='bob_app'")"
# A password with quotes, backslashes and wildcards is a password; a newline is refused.
expect "password with a newline refused" 0 "$(u bob Mysql set_password user=bob_app 'password=a%0Ab' | status)"
expect "odd password set" 1 "$(u bob Mysql set_password user=bob_app 'password=a%27b%22c%5Cd%60e%25_' | status)"
expect "odd password logs in" "1" "$(as bob_app "a'b\"c\\d\`e%_" bob_shop 'SELECT 1')"
u bob Mysql set_password user=bob_app "password=App-pw-2" >/dev/null

# Remote access hosts: every user gets user@host with the same hash and grants.
expect "add_host" 1 "$(u bob Mysql add_host host=10.1.2.%25 | status)"
expect "add_host CIDR" 1 "$(u bob Mysql add_host host=192.168.0.0/16 | status)"
expect "owner rows record the hosts" $'10.1.2.%\n192.168.0.0/255.255.0.0' "$(sql "SELECT Host FROM mysql.user WHERE User='bob' ORDER BY Host")"
expect "user copy at each host" $'10.1.2.%\n192.168.0.0/255.255.0.0\nlocalhost' "$(sql "SELECT Host FROM mysql.user WHERE User='bob_app' ORDER BY Host")"
expect "same hash" 1 "$(sql "SELECT COUNT(DISTINCT authentication_string) FROM mysql.user WHERE User='bob_app'")"
expect "same grants" "Y" "$(sql "SELECT Select_priv FROM mysql.db WHERE User='bob_app' AND Host='10.1.2.%' AND Db='bob\\_shop'")"
expect "a user created later gets the hosts" 1 "$(u bob Mysql create_user name=bob_late password=Late-pw-1x | status)"
expect "late user copies" 3 "$(sql "SELECT COUNT(*) FROM mysql.user WHERE User='bob_late'")"
expect "add_host_note" 1 "$(u bob Mysql add_host_note host=10.1.2.%25 'note=office%20LAN' | status)"
expect "note for an unknown host refused" "That host is not authorized for remote access." "$(u bob Mysql add_host_note host=10.9.9.9 note=x | field 'd["result"]["errors"][0]')"
expect "get_host_notes" "{'10.1.2.%': 'office LAN'}" "$(u bob Mysql get_host_notes | field 'd["result"]["data"]')"
expect "eve sees no notes" "{}" "$(u eve Mysql get_host_notes | field 'd["result"]["data"]')"
for host in "10.0.0.1%27%29%3B%20DROP%20USER%20root--" "a%60b" "x%0Ay" "10.0.0.1/33" "300.1.1.1" "a_b.example" "%2F"; do
  expect "host refused: $host" 0 "$(u bob Mysql add_host "host=$host" | status)"
done
expect "no stray owner rows" 2 "$(sql "SELECT COUNT(*) FROM mysql.user WHERE User='bob'")"
expect "localhost kept" "You cannot remove the entry for “localhost”." "$(u bob Mysql delete_host host=localhost | field 'd["result"]["errors"][0]')"
expect "delete_host" 1 "$(u bob Mysql delete_host host=192.168.0.0/16 | status)"
expect "copies gone" $'10.1.2.%\nlocalhost' "$(sql "SELECT Host FROM mysql.user WHERE User='bob_app' ORDER BY Host")"
u bob Mysql delete_user name=bob_late >/dev/null
expect "delete_user drops every host" "" "$(sql "SELECT Host FROM mysql.user WHERE User='bob_late'")"

# Renames keep the data.
expect "rename_database" 1 "$(u bob Mysql rename_database oldname=bob_shop newname=bob_store | status)"
expect "rows after rename" $'1\thello\n2\tworld' "$(as bob_app App-pw-2 bob_store "SELECT * FROM t ORDER BY id")"
expect "rename_user" 1 "$(u bob Mysql rename_user oldname=bob_app newname=bob_web | status)"
expect "renamed user logs in" "2" "$(as bob_web App-pw-2 bob_store "SELECT COUNT(*) FROM t")"
expect "WHM rename_mysql_database" 1 "$(w rename_mysql_database oldname=bob_store newname=bob_shop2 | field 'd["metadata"]["result"]')"
expect "WHM set_mysql_password" 1 "$(w set_mysql_password user=bob_web password=App-pw-3 | field 'd["metadata"]["result"]')"
expect "rows after WHM rename" "2" "$(as bob_web App-pw-3 bob_shop2 "SELECT COUNT(*) FROM t")"
expect "current_mysql_version" "mariadb" "$(w current_mysql_version | field 'd["data"]["server"]')"
expect "dump_database_schema" 1 "$(u bob Mysql dump_database_schema dbname=bob_shop2 | field 'int("CREATE TABLE `t`" in d["result"]["data"])')"
expect "check_database" "OK" "$(u bob Mysql check_database name=bob_shop2 | field 'd["result"]["data"][0]["msg_text"]')"
expect "cpapi2 MysqlFE listdbs" "bob_a%_b bob_shop2" "$("$bin/cpapi2" --output=json --user=bob MysqlFE listdbs | field '" ".join(x["db"] for x in d["cpanelresult"]["data"])')"

# Suspension locks the users.
w suspendacct user=bob reason=test >/dev/null
expect_contains "suspended login refused" "ERROR" "$(as bob_web App-pw-3 bob_shop2 'SELECT 1')"
w unsuspendacct user=bob >/dev/null
expect "unsuspended login" "1" "$(as bob_web App-pw-3 bob_shop2 'SELECT 1')"

# pkgacct -> removeacct -> restore.
w start_background_pkgacct user=bob >/dev/null
expect "archive has the dump" 1 "$(tar tzf "$root/home/cpmove-bob.tar.gz" | grep -c 'mysql/bob_shop2.sql$')"
w removeacct user=bob >/dev/null
expect "removeacct dropped the database" "" "$(sql "SHOW DATABASES LIKE 'bob%'")"
expect "removeacct dropped the user" "" "$(sql "SELECT User FROM mysql.user WHERE User LIKE 'bob%'")"
expect "removeacct removed the notes" "no" "$([[ -e $root/var/cpanel/mysql/notes/bob.json ]] && echo yes || echo no)"
w start_local_cpmove_restore cpmovepath=/home/cpmove-bob.tar.gz >/dev/null
expect "restored rows, same password" $'1\thello\n2\tworld' "$(as bob_web App-pw-3 bob_shop2 "SELECT * FROM t ORDER BY id")"
expect "restored hosts" $'10.1.2.%\nlocalhost' "$(sql "SELECT Host FROM mysql.user WHERE User='bob_web' ORDER BY Host")"
expect "restored host list" "10.1.2.%" "$(sql "SELECT Host FROM mysql.user WHERE User='bob'")"
expect "restored notes" "{'10.1.2.%': 'office LAN'}" "$(u bob Mysql get_host_notes | field 'd["result"]["data"]')"
expect "restored map" "['bob_a%_b', 'bob_shop2']" "$(u bob Mysql list_databases | field '[x["database"] for x in d["result"]["data"]]')"

# An account rename moves the prefix on the server and in the map.
w modifyacct user=bob newuser=rob >/dev/null
expect "renamed prefix" "rob_shop2" "$(sql "SHOW DATABASES LIKE 'rob_shop2'")"
expect "renamed user" "2" "$(as rob_web App-pw-3 rob_shop2 "SELECT COUNT(*) FROM t")"
expect "renamed owner rows" "10.1.2.%" "$(sql "SELECT Host FROM mysql.user WHERE User='rob'")"
expect "notes moved" "{'10.1.2.%': 'office LAN'}" "$(u rob Mysql get_host_notes | field 'd["result"]["data"]')"
expect "map moved" "['rob_a%_b', 'rob_shop2']" "$(u rob Mysql list_databases | field '[x["database"] for x in d["result"]["data"]]')"
# Root's password: changed on the server and in /root/.my.cnf; later calls still connect.
expect "set_local_mysql_root_password" 1 "$(w set_local_mysql_root_password 'password=New-r00t%22pw' | field 'd["data"]["password_reset"]')"
expect "root logs in with the new password" "1" "$(mariadb_query "$srv" 'New-r00t"pw' 'SELECT 1')"
pass='New-r00t"pw'
expect "the old password is gone" "ERROR 1045" "$(mariadb_query "$srv" 'r00t-Pw!' 'SELECT 1' 2>&1 | cut -c1-10)"
expect "calls use the new .my.cnf" "['rob_web']" "$(u rob Mysql list_users | field '[x["user"] for x in d["result"]["data"]]')"
expect "list_mysql_databases_and_users" "['rob_web']" "$(w list_mysql_databases_and_users user=rob | field 'd["data"]["mysql_databases"]["rob_shop2"]')"
expect "whmkit-check clean" "" "$("$bin/whmkit-check" --root="$root" 2>&1 | grep -i mysql)"

# Remote MySQL profiles: a second private MariaDB on another loopback port.
mkdir -p "$work/root2"
mariadb_start "$srv2" 33072 'Two-pw-1' "$work/root2" || { echo "second server failed"; exit 1; }
mariadb_query "$srv2" 'Two-pw-1' "CREATE USER 'admin'@'127.0.0.1' IDENTIFIED BY 'Adm-pw-1'; GRANT ALL PRIVILEGES ON *.* TO 'admin'@'127.0.0.1' WITH GRANT OPTION; CREATE USER 'weak'@'127.0.0.1' IDENTIFIED BY 'Weak-pw-1'; GRANT SELECT ON *.* TO 'weak'@'127.0.0.1'"
mk() { w remote_mysql_create_profile "name=$1" mysql_host=127.0.0.1 "mysql_user=$2" "mysql_pass=$3" mysql_port=33072; }
expect "create_profile" "second" "$(mk second admin Adm-pw-1 | field 'd["data"]["profile_saved"]')"
expect "profiles file mode" "600" "$(stat -c %a "$root/var/cpanel/mysql/remote_profiles/profiles.json")"
expect "bad host refused" 0 "$(w remote_mysql_create_profile name=bad 'mysql_host=a;b' mysql_user=x mysql_pass=y mysql_port=1 | field 'd["metadata"]["result"]')"
mk wrongpw admin nope >/dev/null
mk weakuser weak Weak-pw-1 >/dev/null
expect "validate" "second" "$(w remote_mysql_validate_profile name=second | field 'd["data"]["profile_validated"]')"
expect_contains "wrong password" "Unable to connect" "$(w remote_mysql_validate_profile name=wrongpw | field 'd["metadata"]["reason"]')"
expect_contains "not a superuser" "proper PRIVILEGES" "$(w remote_mysql_validate_profile name=weakuser | field 'd["metadata"]["reason"]')"
expect "read_profiles" "1 1" "$(w remote_mysql_read_profiles | field '"%d %d" % (d["data"]["second"]["is_localhost_profile"], d["data"]["second"]["mysql_version_is_supported"])')"
expect "activation" 1 "$(w remote_mysql_initiate_profile_activation name=second | field 'd["metadata"]["result"]')"
expect "monitor" "DONE" "$(w remote_mysql_monitor_profile_activation | field 'd["data"]["last_job_details"]["status"]')"
expect "active profile kept" 0 "$(w remote_mysql_delete_profile name=second | field 'd["metadata"]["result"]')"
expect "failed activation changes nothing" 0 "$(w remote_mysql_initiate_profile_activation name=weakuser | field 'd["metadata"]["result"]')"
expect "new databases go to the active profile's server" 1 "$(u rob Mysql create_database name=rob_remote | status)"
expect "on the second server" "rob_remote" "$(mariadb_query "$srv2" 'Two-pw-1' "SHOW DATABASES LIKE 'rob_remote'")"
expect "not on the first" "" "$(sql "SHOW DATABASES LIKE 'rob_remote'")"

# remote_mysql_create_profile_via_ssh: a real sshd on 127.0.0.1:33078
# (tests/ssh/sshd_mysql_remote.conf) whose sessions' mysql client reaches the
# second MariaDB; whmkit logs in as root with a key in <root>/root/.ssh.
if [[ $(id -u) == 0 ]] && command -v ssh >/dev/null && [[ -x /usr/sbin/sshd ]]; then
  source "$here/servers.sh"
  sshrun=$work/sshd
  mkdir -p "$sshrun/client" "$root/root/.ssh"
  ssh-keygen -q -t ed25519 -N '' -f "$sshrun/hostkey"
  ssh-keygen -q -t ed25519 -N '' -f "$root/root/.ssh/remote_key"
  cp "$root/root/.ssh/remote_key.pub" "$sshrun/authorized_keys"
  printf '[client]\nuser=root\npassword=Two-pw-1\nsocket=%s\n' "$srv2/mysqld.sock" >"$sshrun/client/my.cnf"
  sed -e "s|@PORT@|33078|g" -e "s|@RUN@|$sshrun|g" "$here/../ssh/sshd_mysql_remote.conf" >"$sshrun/sshd_config"
  sshd_command "$sshrun/sshd_config" "$sshrun/sshd.log"
  start_server 33078
  via() { w remote_mysql_create_profile_via_ssh "name=$1" host=127.0.0.1 port=33078 user=root "${@:2}"; }
  expect "via_ssh" "viassh" "$(via viassh sshkey_name=remote_key | field 'd["data"]["profile_saved"] if d["metadata"]["result"] else d["metadata"]["reason"]')"
  expect "via_ssh profile" "127.0.0.1 33072 Created via SSH" "$(w remote_mysql_read_profile name=viassh | field '"%s %s %s" % (d["data"]["profile_details"]["mysql_host"], d["data"]["profile_details"]["mysql_port"], d["data"]["profile_details"]["setup_via"])')"
  vuser=$(w remote_mysql_read_profile name=viassh | field 'd["data"]["profile_details"]["mysql_user"]')
  expect "the superuser on the second server" "1" "$(mariadb_query "$srv2" 'Two-pw-1' "SELECT COUNT(*) FROM mysql.user WHERE User='$vuser' AND Host='127.0.0.1' AND Grant_priv='Y'")"
  expect "validate the via_ssh profile" "viassh" "$(w remote_mysql_validate_profile name=viassh | field 'd["data"]["profile_validated"]')"
  expect "unknown key refused" 0 "$(via nokey sshkey_name=nope | field 'd["metadata"]["result"]')"
  expect "key name with a path refused" 0 "$(via badkey sshkey_name=../../etc/passwd | field 'd["metadata"]["result"]')"
  expect "password login refused" 0 "$(via pw password=x | field 'd["metadata"]["result"]')"
  expect "wrong user refused by sshd" 0 "$(via wronguser sshkey_name=remote_key user=nobody root_escalation_method=sudo | field 'd["metadata"]["result"]')"
  expect "no profile for the failures" "['second', 'viassh', 'weakuser', 'wrongpw']" "$(w remote_mysql_read_profiles | field 'sorted(d["data"])')"
  stop_server "$sshrun/sshd.pid"
else
  echo "skipped remote_mysql_create_profile_via_ssh: needs root, ssh and sshd"
fi

# update_sql_config: /etc/my.cnf under the root, the server restarted through
# the root's service table (the same private server, now started by whmkit).
cp "$srv/my.cnf" "$root/etc/my.cnf"
mkdir -p "$root/etc/whmkit/services"
printf 'start=/usr/sbin/mariadbd --defaults-file=%s --user=root\npidfile=%s\nport=33070\nforeground=1\n' \
  "$root/etc/my.cnf" "$srv/mysqld.pid" >"$root/etc/whmkit/services/mysql.conf"
expect "max_connections before" "151" "$(sql "SELECT @@max_connections")"
expect "update_sql_config" 1 "$(w update_sql_config name=max_connections value=77 section=mysqld | field 'd["metadata"]["result"]')"
expect "written to my.cnf" "max_connections=77" "$(grep '^max_connections' "$root/etc/my.cnf")"
for _ in $(seq 100); do [[ -S $srv/mysqld.sock ]] && break; sleep 0.05; done
expect "in effect after the restart" "77" "$(sql "SELECT @@max_connections")"
expect "bad option name refused" 0 "$(w update_sql_config 'name=a%3Bb' value=1 | field 'd["metadata"]["result"]')"
expect "bad value refused" 0 "$(w update_sql_config name=max_connections 'value=1%0A[client]' | field 'd["metadata"]["result"]')"
expect "my.cnf unchanged by the refusals" 1 "$(grep -c '^max_connections' "$root/etc/my.cnf")"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
