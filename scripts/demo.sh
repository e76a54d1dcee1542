#!/usr/bin/env bash
# Installs dependencies, builds, and runs a short demo against a temporary
# state root: create accounts, list them, suspend one.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh >/dev/null
root=$(mktemp -d /tmp/whmkit-demo-XXXXXX)
trap 'rm -rf "$root"' EXIT
w() { echo "\$ whmapi1 $*"; build/whmapi1 --root="$root" "$@"; echo; }

echo "State root: $root (a throw-away copy of a server's /)"
echo
w --output=json createacct username=bob domain=bob.example plan=default showpass=n
w --output=json createacct username=carol domain=carol.example contactemail=carol@mail.example showpass=n
w --output=jsonpretty listaccts want=user,domain,plan,suspended
w suspendacct user=bob reason='Unpaid invoice'
w listsuspended
w --output=json listaccts search='^bob$' searchtype=user want=user,suspended,suspendreason
echo "--- files written under the state root:"
echo "\$ cat etc/trueuserdomains"; cat "$root/etc/trueuserdomains"
echo "\$ cat var/cpanel/suspended/bob"; cat "$root/var/cpanel/suspended/bob"; echo
echo "\$ head -12 var/cpanel/users/bob"; head -12 "$root/var/cpanel/users/bob"
