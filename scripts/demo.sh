#!/usr/bin/env bash
# Installs dependencies, builds, and runs a short demo against a temporary
# state root: create accounts, list them, FTP and cron through uapi/cpapi2,
# archive an account, remove it and restore it, rename it, suspend one.
# With BIN_DIR (the test suite's demo test), runs the programs built there
# and sets nothing up.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}
if [[ -z ${1:-} ]]; then
  scripts/install-deps.sh
  scripts/build.sh >/dev/null
fi
root=$(mktemp -d /tmp/whmkit-demo-XXXXXX)
trap 'rm -rf "$root"' EXIT
w() { echo "\$ whmapi1 $*"; "$bin/whmapi1" --root="$root" "$@"; echo; }
c() { local prog=$1; shift; echo "\$ $prog $*"; "$bin/$prog" --root="$root" "$@"; echo; }

echo "State root: $root (a throw-away copy of a server's /)"
echo
w --output=json createacct username=bob domain=bob.example plan=default showpass=n
w --output=json createacct username=carol domain=carol.example contactemail=carol@mail.example showpass=n
w --output=jsonpretty listaccts want=user,domain,plan,suspended
c uapi --user=carol --output=json Ftp add_ftp user=deploy pass='S3cure.pass' quota=100
c cpapi2 --user=carol --output=json Ftp listftp
c uapi --user=carol --output=jsonpretty Cron add_line minute=0 hour=3 day='*' month='*' weekday='*' command='/usr/bin/php ~/cron.php' name=nightly
c uapi --user=carol --output=json Cron list_cron
w --output=json start_background_pkgacct user=carol
w --output=json removeacct user=carol
w --output=json start_local_cpmove_restore cpmovepath=/home/cpmove-carol.tar.gz
c cpapi2 --user=carol --output=json Ftp listftp
w --output=json modifyacct user=carol newuser=carla domain=carla.example
c uapi --user=carla --output=json DomainInfo list_domains
c uapi --user=carla --output=json Cron list_cron
w suspendacct user=bob reason='Unpaid invoice'
w listsuspended
w --output=json listaccts search='^bob$' searchtype=user want=user,suspended,suspendreason
echo "--- files written under the state root:"
echo "\$ cat etc/trueuserdomains"; cat "$root/etc/trueuserdomains"
echo "\$ cat var/cpanel/suspended/bob"; cat "$root/var/cpanel/suspended/bob"; echo
echo "\$ head -12 var/cpanel/users/bob"; head -12 "$root/var/cpanel/users/bob"
echo "\$ cat etc/proftpd/carla"; cat "$root/etc/proftpd/carla"
echo "\$ cat var/spool/cron/crontabs/carla"; cat "$root/var/spool/cron/crontabs/carla"
