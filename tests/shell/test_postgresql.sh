#!/usr/bin/env bash
# End to end against a private PostgreSQL 15 (tests/db/pgsql_server.sh: its
# own data directory and socket in a temporary folder, 127.0.0.1:54322,
# cPanel's "samerole" pg_hba rule). uapi Postgresql creates a database and a
# user; psql logs in as that user with that password and creates a table;
# another account's user is refused; renames keep the data; update_privileges
# opens a table to a second user; suspension locks the logins; pkgacct ->
# removeacct -> restore brings the rows back; hostile names and passwords are
# refused or stored exactly (checked in pg_database / pg_roles).
# Usage: test_postgresql.sh BIN_DIR
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/expect.sh"
source "$here/../db/pgsql_server.sh"
if [[ ! -x $pg_bin/initdb ]]; then
  echo "PostgreSQL 15 is missing (scripts/install-deps.sh installs postgresql)"
  echo "0 passed, 1 failed"; exit 1
fi
port=54322
super='Sup3r$ecret'"'"'pw'
tmp=$(mktemp -d /tmp/whmkit-pgsql.XXXXXX)
chmod 755 "$tmp"
trap 'pgsql_stop; rm -rf "$tmp"' EXIT
pgsql_start "$tmp/pg" "$port" "$super" || { echo "0 passed, 1 failed"; exit 1; }
root=$tmp/root
mkdir -p "$root/root"
# .pgpass escapes ':' and '\' (none here); the quote is kept as it is.
printf '127.0.0.1:%s:*:postgres:%s\n' "$port" "$super" > "$root/root/.pgpass"
chmod 600 "$root/root/.pgpass"
w() { "$bin/whmapi1" --root="$root" --output=json "$@"; }
u() { local user=$1; shift; "$bin/uapi" --root="$root" --output=json --user="$user" Postgresql "$@"; }
status() { field 'd["result"]["status"]'; }
errors() { field '(d["result"]["errors"] or [""])[0]'; }
# psql as USER with PASSWORD on DB: its output, or "refused".
pq() {  # USER PASSWORD DB SQL
  PGPASSWORD=$2 psql -X -q -h 127.0.0.1 -p "$port" -U "$1" -d "$3" -At -c "$4" 2>/dev/null || echo refused
}
super_sql() { pq postgres "$super" postgres "$1"; }
w createacct username=bob domain=bob.example password='Bob-pass-7q#kz' >/dev/null
w createacct username=alice domain=alice.example password='Alice-pass-7q#kz' >/dev/null

# Create, grant, log in, create a table.
expect "create_database" "1" "$(u bob create_database name=shop | status)"
expect "create_user" "1" "$(u bob create_user name=app password='App-pass-9x#Lm' | status)"
expect "grant_all_privileges" "1" "$(u bob grant_all_privileges database=bob_shop user=bob_app | status)"
expect "the user logs in and creates a table" "42" \
  "$(pq bob_app 'App-pass-9x#Lm' bob_shop 'CREATE TABLE t (x int); INSERT INTO t VALUES (42); SELECT x FROM t')"
expect "a wrong password is refused" "refused" "$(pq bob_app 'wrong' bob_shop 'SELECT 1')"
expect "list_databases" "bob_shop ['bob_app'] True" \
  "$(u bob list_databases | field 'd["result"]["data"][0]["database"]+" "+str(d["result"]["data"][0]["users"])+" "+str(d["result"]["data"][0]["disk_usage"]>0)')"
expect "cpapi2 Postgres listdbs" "bob_shop 1" \
  "$("$bin/cpapi2" --root="$root" --output=json --user=bob Postgres listdbs | field 'd["cpanelresult"]["data"][0]["db"]+" "+str(d["cpanelresult"]["data"][0]["usercount"])')"

# Another account's user: refused by the server and by whmkit.
u alice create_user name=intruder password='Intr-pass-9x#Lm' >/dev/null
expect "another account's user cannot open bob's database" "refused" \
  "$(pq alice_intruder 'Intr-pass-9x#Lm' bob_shop 'SELECT x FROM t')"
expect_contains "alice cannot grant herself bob's database" "does not control a PostgreSQL database named “bob_shop”" \
  "$(u alice grant_all_privileges database=bob_shop user=alice_intruder | errors)"
expect "alice's bob_shop is alice_bob_shop (the prefix is added)" "1" "$(u alice create_database name=bob_shop | status)"
super_sql 'CREATE ROLE alice_taken' >/dev/null
super_sql 'CREATE DATABASE alice_used' >/dev/null
expect_contains "a database named like a role on the server is refused" \
  "cannot be added because a user with the same name already exists" "$(u alice create_database name=taken | errors)"
expect_contains "a database the server already has is refused" "The database “alice_used” already exists." \
  "$(u alice create_database name=used | errors)"
expect_contains "a user named like a database is refused" "not allowed to create a user with the same name" \
  "$(u alice create_user name=used password='Used-pass-9x#Lm' | errors)"
expect_contains "alice cannot drop bob's user" "does not control" "$(u alice delete_user name=bob_app | errors)"

# update_privileges: a table made by one user opens to the database's other users.
u bob create_user name=ro password='Ro-pass-9x#Lmq' >/dev/null
u bob grant_all_privileges database=bob_shop user=bob_ro >/dev/null
pq bob_app 'App-pass-9x#Lm' bob_shop 'CREATE TABLE t2 (y int); INSERT INTO t2 VALUES (5)' >/dev/null
expect "before update_privileges the second user cannot read t2" "refused" \
  "$(pq bob_ro 'Ro-pass-9x#Lmq' bob_shop 'SELECT y FROM t2')"
expect "update_privileges" "1" "$(u bob update_privileges | status)"
expect "after update_privileges it can" "5" "$(pq bob_ro 'Ro-pass-9x#Lmq' bob_shop 'SELECT y FROM t2')"
expect "revoke_all_privileges" "1" "$(u bob revoke_all_privileges database=bob_shop user=bob_ro | status)"
expect "after the revoke it cannot log in to the database" "refused" \
  "$(pq bob_ro 'Ro-pass-9x#Lmq' bob_shop 'SELECT 1')"

# Renames keep the data; the renamed user logs in with its new password.
expect "rename_database" "1" "$(u bob rename_database oldname=bob_shop newname=bob_store | status)"
expect "rename_user" "1" \
  "$(u bob rename_user oldname=bob_app newname=bob_web password='Web-pass-9x#Lm' | status)"
expect "the renamed database keeps its rows for the renamed user" "42" \
  "$(pq bob_web 'Web-pass-9x#Lm' bob_store 'SELECT x FROM t')"
expect "WHM set_postgresql_password" "1" \
  "$(w set_postgresql_password user=bob_web password='New-pass-9x#Lmq' | field 'd["metadata"]["result"]')"
expect "the new password works" "42" "$(pq bob_web 'New-pass-9x#Lmq' bob_store 'SELECT x FROM t')"
expect "WHM rename_postgresql_database" "1" \
  "$(w rename_postgresql_database cpuser=bob oldname=bob_store newname=bob_shop | field 'd["metadata"]["result"]')"
expect "WHM rename_postgresql_user" "1" \
  "$(w rename_postgresql_user oldname=bob_web newname=bob_app password='App-pass-9x#Lm' | field 'd["metadata"]["result"]')"
expect "after the WHM renames" "42" "$(pq bob_app 'App-pass-9x#Lm' bob_shop 'SELECT x FROM t')"

# Suspension locks the logins.
w suspendacct user=bob reason=test >/dev/null
expect "a suspended account's user is refused" "refused" "$(pq bob_app 'App-pass-9x#Lm' bob_shop 'SELECT 1')"
w unsuspendacct user=bob >/dev/null
expect "unsuspended, it logs in again" "42" "$(pq bob_app 'App-pass-9x#Lm' bob_shop 'SELECT x FROM t')"

# pkgacct -> removeacct -> restore.
w start_background_pkgacct user=bob >/dev/null
for _ in $(seq 50); do [[ -f $root/home/cpmove-bob.tar.gz ]] && break; sleep 0.2; done
expect "the archive holds psql/bob_shop.tar, psql_users.sql, psql_grants.sql" "3" \
  "$(tar tzf "$root/home/cpmove-bob.tar.gz" | grep -cE 'cpmove-bob/(psql/bob_shop\.tar|psql_users\.sql|psql_grants\.sql)$')"
mv "$root/home/cpmove-bob.tar.gz" "$root/cpmove-bob.tar.gz"
w removeacct user=bob >/dev/null
expect "removeacct drops the databases and roles" "0" \
  "$(super_sql "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'bob\\_%'")"
expect "removeacct drops the database" "0" "$(super_sql "SELECT count(*) FROM pg_database WHERE datname = 'bob_shop'")"
mv "$root/cpmove-bob.tar.gz" "$root/home/cpmove-bob.tar.gz"
expect "restore" "1" \
  "$(w start_local_cpmove_restore cpmovepath=/home/cpmove-bob.tar.gz | field 'd["metadata"]["result"]')"
expect "after the restore the rows are back, same password" "42" \
  "$(pq bob_app 'App-pass-9x#Lm' bob_shop 'SELECT x FROM t')"
expect "and the user can still write" "2" \
  "$(pq bob_app 'App-pass-9x#Lm' bob_shop 'INSERT INTO t VALUES (1); SELECT count(*) FROM t')"
expect "whmkit-check finds the map and the server agree" "" \
  "$("$bin/whmkit-check" --root="$root" 2>&1 | grep -i postgresql)"

# Hostile names and passwords.
roles_before=$(super_sql "SELECT count(*) FROM pg_roles")
for name in 'x"; DROP ROLE postgres; --' "x'y" 'x`y' $'a\nb' $'a\tb' 'a/b' '../x' 'é'; do
  expect "create_database refuses $(printf %q "$name")" "0" "$(u bob create_database name="$name" | status)"
  expect "create_user refuses $(printf %q "$name")" "0" "$(u bob create_user name="$name" password='Hostile-9x#Lmq' | status)"
done
expect "a NUL is refused" "0" "$(u bob create_user name=a%00b password='Hostile-9x#Lmq' | status)"
expect "nothing was created on the server" "$roles_before" "$(super_sql "SELECT count(*) FROM pg_roles")"
expect "the superuser is still there" "1" "$(super_sql "SELECT count(*) FROM pg_roles WHERE rolname = 'postgres'")"
# Wildcards are plain characters in PostgreSQL names: stored exactly.
expect "a name with % and _" "1" "$(u bob create_database name='a%b_c' | status)"
expect "a name with a backslash" "1" "$(u bob create_database name='a\b' | status)"
expect "both are stored exactly" $'bob_a%b_c\nbob_a\\b' \
  "$(super_sql "SELECT datname FROM pg_database WHERE datname LIKE 'bob\\_a%' ORDER BY 1")"
hostile=$'Pw\'q"\\x%_;--9#Lm'
expect "a password with quotes and backslashes" "1" "$(u bob create_user name=quote password="$hostile" | status)"
u bob grant_all_privileges database='bob_a%b_c' user=bob_quote >/dev/null
expect "logs in with exactly that password" "1" "$(pq bob_quote "$hostile" 'bob_a%b_c' 'SELECT 1')"
expect "delete_user" "1" "$(u bob delete_user name=bob_quote | status)"
expect "delete_database" "1" "$(u bob delete_database name='bob_a%b_c' | status)"
expect "delete_database (backslash)" "1" "$(u bob delete_database name='bob_a\b' | status)"
expect "both are gone from the server" "0" \
  "$(super_sql "SELECT count(*) FROM pg_roles WHERE rolname IN ('bob_quote', 'bob_a%b_c')")"


# Renaming the account renames the prefix on the server and in the map; the
# renamed users need a new password (PostgreSQL cleared it), as on cPanel.
expect "modifyacct newuser" "1" "$(w modifyacct user=bob newuser=bobby | field 'd["metadata"]["result"]')"
expect "the databases carry the new prefix" "bobby_shop" \
  "$(super_sql "SELECT datname FROM pg_database WHERE datname LIKE 'bob%' ORDER BY 1" | head -1)"
expect "and the map says so" "['bobby_shop']" \
  "$(field 'sorted(d["PGSQL"]["dbs"])' < "$root/var/cpanel/databases/bobby.json")"
expect "the old map is gone" "no" "$([[ -e $root/var/cpanel/databases/bob.json ]] && echo yes || echo no)"
expect "set_password for the renamed user" "1" \
  "$(u bobby set_password user=bobby_app password='Bobby-pass-9x#Lm' | status)"
expect "the renamed user reads the rows of the renamed database" "2" \
  "$(pq bobby_app 'Bobby-pass-9x#Lm' bobby_shop 'SELECT count(*) FROM t')"

echo "$passed passed, $failed failed"
((failed == 0))
