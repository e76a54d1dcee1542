#!/usr/bin/env bash
# End to end: sethostname on the real system root (--root=/) tells the kernel
# (sethostname(2)) and rewrites /etc/hostname, /etc/hosts, the HOST line of
# /etc/wwwacct.conf and /etc/localdomains; gethostname then reads the new
# name. It runs in a UTS and mount namespace of its own (unshare), where /etc
# is a private copy bind-mounted over the real one and /var an empty
# directory (the journal's place): the host's hostname and files are
# checked unchanged afterwards.
# Usage: test_hostname.sh BIN_DIR
set -u
bin=$(cd "$1" && pwd)/whmapi1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/expect.sh"
host_files() { cat /etc/hostname /etc/hosts 2>/dev/null | sha256sum; ls -a /var 2>/dev/null | sha256sum; }

if [[ -z ${WHMKIT_IN_UTSNS:-} ]]; then
  if ! command -v unshare >/dev/null || ! command -v hostname >/dev/null; then
    echo "unshare or hostname is missing (scripts/install-deps.sh installs util-linux and hostname)"
    echo "0 passed, 1 failed"
    exit 1
  fi
  host_name=$(hostname)
  host_state=$(host_files)
  as_root=()
  ((EUID == 0)) || as_root=(-r)  # an unprivileged run maps itself to root in a user namespace
  WHMKIT_IN_UTSNS=1 unshare "${as_root[@]}" --uts --mount --propagation private bash "$0" "$@"
  inner=$?
  expect "the host's kernel hostname is untouched" "$host_name" "$(hostname)"
  expect "the host's /etc/hostname, /etc/hosts and /var are untouched" "$host_state" "$(host_files)"
  echo "$passed passed, $failed failed (outside the namespace)"
  ((failed == 0 && inner == 0))
  exit
fi

# Inside the namespaces: this hostname and these mounts are ours alone.
scratch=$(mktemp -d /tmp/whmkit-hostname-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
cp -a /etc "$scratch/etc" 2>/dev/null || cp -r /etc "$scratch/etc" 2>/dev/null
mkdir -p "$scratch/var"
mount --bind "$scratch/etc" /etc || { echo "mount --bind failed"; echo "0 passed, 1 failed"; exit 1; }
mount --bind "$scratch/var" /var
hostname before.example.net
printf 'before.example.net\n' > /etc/hostname
printf '127.0.0.1 localhost\n192.0.2.10 before.example.net before\n' > /etc/hosts
printf 'ADDR 192.0.2.10\nHOST before.example.net\n' > /etc/wwwacct.conf
printf 'before.example.net\n' > /etc/localdomains
w() { "$bin" --root=/ --output=json "$@"; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

out=$(w sethostname hostname=whmkit-test.example.net)
expect "sethostname succeeds" "1" "$(field "d['metadata']['result']" <<<"$out")"
expect_contains "it reports the kernel change" "Changing hostname in kernel to whmkit-test.example.net" "$out"
expect "the kernel's hostname (uname)" "whmkit-test.example.net" "$(hostname)"
expect "the kernel's hostname (/proc)" "whmkit-test.example.net" "$(cat /proc/sys/kernel/hostname)"
expect "/etc/hostname" "whmkit-test.example.net" "$(cat /etc/hostname)"
expect "/etc/hosts maps the main IP" "192.0.2.10 whmkit-test.example.net whmkit-test" "$(tail -n 1 /etc/hosts)"
expect "/etc/hosts keeps localhost, drops the old name" "127.0.0.1 localhost" "$(head -n 1 /etc/hosts)$(grep -c before /etc/hosts | sed 's/^0$//')"
expect "/etc/wwwacct.conf HOST" "HOST whmkit-test.example.net" "$(grep '^HOST' /etc/wwwacct.conf)"
expect "/etc/localdomains" "whmkit-test.example.net" "$(cat /etc/localdomains)"
expect "gethostname reads it" "whmkit-test.example.net" "$(w gethostname | field "d['data']['hostname']")"

# A refused name changes neither the kernel nor a file.
out=$(w sethostname hostname=not-fqdn.example)
expect "a name with one dot is refused" "0" "$(field "d['metadata']['result']" <<<"$out")"
expect "the kernel keeps its name" "whmkit-test.example.net" "$(hostname)"
expect "/etc/hostname keeps it" "whmkit-test.example.net" "$(cat /etc/hostname)"

echo "$passed passed, $failed failed (inside the namespace)"
((failed == 0))
