#!/usr/bin/env bash
# End to end: addips brings an address up on the main interface and delip
# takes it down, as on a real server: whmapi1 runs with the state root "/"
# inside namespaces of its own (unshare: user, network and mount), where
# eth0 is a dummy interface (a veth where the kernel has no dummy driver)
# and /etc and /var are bind-mounted copies, so neither the host's
# interfaces nor its files are touched. An address the interface refuses
# leaves /etc/ips as it was.
# Usage: test_ips.sh BIN_DIR
set -u
bin=$(cd "$1" && pwd)/whmapi1
here=$(cd "$(dirname "$0")" && pwd)
if [[ -z ${WHMKIT_IN_NETNS:-} ]]; then
  if ! command -v unshare >/dev/null || ! command -v ip >/dev/null; then
    echo "unshare or ip is missing (scripts/install-deps.sh installs util-linux and iproute2)"
    echo "0 passed, 1 failed"
    exit 1
  fi
  WHMKIT_IN_NETNS=1 exec unshare -rnm bash "$0" "$@"
fi
source "$here/expect.sh"
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# The files whmapi1 writes on "/" go to copies (mounts private to this namespace).
state=$(mktemp -d /tmp/whmkit-ips-XXXXXX)
trap 'rm -rf "$state"' EXIT
cp -a /etc "$state/etc" 2>/dev/null
mkdir -p "$state/var/cpanel"
rm -f "$state/etc/ips" "$state/etc/ipaddrpool" "$state/etc/domainips" "$state/etc/wwwacct.conf"
mount --bind "$state/etc" /etc || { echo "cannot bind-mount /etc"; echo "0 passed, 1 failed"; exit 1; }
mount --bind "$state/var" /var
printf 'ADDR 192.0.2.10\nETHDEV eth0\n' > /etc/wwwacct.conf
printf '192.0.2.10\n' > /var/cpanel/mainip

ip link set lo up
# A dummy interface; where the kernel has no dummy driver, one end of a veth pair.
if ! ip link add eth0 type dummy 2>/dev/null && ! ip link add eth0 type veth peer name eth0peer 2>/dev/null; then
  echo "this kernel gives neither dummy nor veth interfaces"
  echo "0 passed, 1 failed"
  exit 1
fi
ip link set eth0peer up 2>/dev/null
ip link set eth0 up
ip addr add 192.0.2.10/24 dev eth0
w() { "$bin" --root=/ --output=json "$@"; }

out=$(w addips ips=192.0.2.20 netmask=255.255.255.0)
expect "addips succeeds" "1" "$(field 'd["metadata"]["result"]' <<<"$out")"
expect "its message names the alias" "eth0:cp1 is now up. 192.0.2.20/255.255.255.0 broadcast 192.0.2.255 has been added." \
  "$(field 'd["metadata"]["output"]["messages"][0]' <<<"$out")"
up=$(ip -4 addr show dev eth0 | grep 'inet 192.0.2.20/')
expect_contains "the address is up on eth0" "inet 192.0.2.20/24 brd 192.0.2.255 scope global" "$up"
expect_contains "with the alias label" "eth0:cp1" "$up"
expect "/etc/ips" "192.0.2.20:255.255.255.0:192.0.2.255" "$(cat /etc/ips)"
expect "/etc/ipaddrpool" "192.0.2.20" "$(cat /etc/ipaddrpool)"
list=$(w listips)
expect "listips: active" "1" "$(field '[i for i in d["data"]["ip"] if i["ip"]=="192.0.2.20"][0]["active"]' <<<"$list")"
expect "listips: interface" "eth0:cp1" "$(field '[i for i in d["data"]["ip"] if i["ip"]=="192.0.2.20"][0]["if"]' <<<"$list")"
expect "listips: the main address" "1" "$(field '[i for i in d["data"]["ip"] if i["ip"]=="192.0.2.10"][0]["mainaddr"]' <<<"$list")"

out=$(w delip ip=192.0.2.20)
expect "delip's reason" "eth0:cp1 is now down, 192.0.2.20 has been removed" "$(field 'd["metadata"]["reason"]' <<<"$out")"
expect "the address is gone from eth0" "" "$(ip -4 addr show dev eth0 | grep 192.0.2.20)"
expect "/etc/ips is empty" "" "$(cat /etc/ips)"

# An interface that does not exist: refused, nothing written.
printf 'ADDR 192.0.2.10\nETHDEV nosuch0\n' > /etc/wwwacct.conf
out=$(w addips ips=192.0.2.21 netmask=255.255.255.0)
expect "addips on a missing interface fails" "0" "$(field 'd["metadata"]["result"]' <<<"$out")"
expect_contains "with the reason" "could not bring up 192.0.2.21/24" "$(field 'd["metadata"]["reason"]' <<<"$out")"
expect "/etc/ips unchanged" "" "$(cat /etc/ips)"

echo "$passed passed, $failed failed"
((failed == 0))
