#!/usr/bin/env bash
# End to end: the functions that ask DNS, against a real named answering on
# 127.0.0.1:53 inside a network namespace of their own (unshare), named in
# the state root's etc/resolv.conf. update_reverse_dns_cache writes the PTR
# names of the server's addresses (one of them behind 1:1 NAT) and keeps
# them when named is gone; set_up_dns_resolver_workarounds finds that the
# resolver works without a workaround (cPanel's probe, a TXT record over 512
# bytes), and fails, clearing the flags, once named is gone.
# Usage: test_resolver.sh BIN_DIR
set -u
bin=$(cd "$1" && pwd)/whmapi1
here=$(cd "$(dirname "$0")" && pwd)
if [[ -z ${WHMKIT_IN_NETNS:-} ]]; then
  named_bin=$(command -v named || echo /usr/sbin/named)
  if [[ ! -x $named_bin ]] || ! command -v unshare >/dev/null || ! command -v ip >/dev/null; then
    echo "named, unshare or ip is missing (scripts/install-deps.sh installs bind9 and iproute2)"
    echo "0 passed, 1 failed"
    exit 1
  fi
  # A network namespace where port 53 on the loopback is ours.
  WHMKIT_IN_NETNS=1 exec unshare -rn bash "$0" "$@"
fi
source "$here/expect.sh"
named_bin=$(command -v named || echo /usr/sbin/named)
ip link set lo up
root=$(mktemp -d /tmp/whmkit-resolver-XXXXXX)
run=$(mktemp -d /tmp/whmkit-resolver-run-XXXXXX)
chmod 755 "$root" "$run"
stop_named() { [[ -f $run/named.pid ]] && kill "$(cat "$run/named.pid")" 2>/dev/null && sleep 0.5; rm -f "$run/named.pid"; }
cleanup() { stop_named; rm -rf "$root" "$run"; }
trap cleanup EXIT
w() { "$bin" --root="$root" --output=json "$@"; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

mkdir -p "$root/etc" "$root/var/cpanel"
printf 'ADDR 192.0.2.10\n' > "$root/etc/wwwacct.conf"
printf '192.0.2.11:255.255.255.0:192.0.2.255\n192.0.2.20:255.255.255.0:192.0.2.255\n' > "$root/etc/ips"
printf '192.0.2.11 198.51.100.11\n' > "$root/var/cpanel/cpnat"
printf 'nameserver 127.0.0.1\n' > "$root/etc/resolv.conf"

soa='@ 300 IN SOA ns.test. admin.test. 1 300 300 3000 300
@ 300 IN NS ns.test.'
printf '%s\n10 IN PTR mail.example.net.\n' "$soa" > "$run/reverse-192.db"
printf '%s\n11 IN PTR nat.example.net.\n' "$soa" > "$run/reverse-198.db"
# cPanel's probe: a TXT answer over 512 bytes.
long=$(printf 'x%.0s' {1..200})
printf '%s\n_dns_over_512 IN TXT "%s" "%s" "%s"\n' "$soa" "$long" "$long" "$long" > "$run/cpanel.db"
cat > "$run/named.conf" <<EOF
options {
	directory "$run";
	listen-on port 53 { 127.0.0.1; };
	listen-on-v6 { none; };
	pid-file "$run/named.pid";
	recursion no;
	dnssec-validation no;
};
zone "2.0.192.in-addr.arpa" { type primary; file "$run/reverse-192.db"; };
zone "100.51.198.in-addr.arpa" { type primary; file "$run/reverse-198.db"; };
zone "cpanel.net" { type primary; file "$run/cpanel.db"; };
EOF
"$named_bin" -c "$run/named.conf" 2>"$run/named.err"
for _ in $(seq 50); do [[ -f $run/named.pid ]] && dig +short +time=1 +tries=1 @127.0.0.1 cpanel.net SOA >/dev/null 2>&1 && break; sleep 0.2; done

w update_reverse_dns_cache > "$run/out.json"
expect "update_reverse_dns_cache succeeds" "1" "$(field 'd["metadata"]["result"]' < "$run/out.json")"
expect "the cache: the PTR names, keyed by local address (one behind NAT), none for an address without one" \
  $'192.0.2.10: mail.example.net\n192.0.2.11: nat.example.net' "$(cat "$root/var/cpanel/ip_rdns_cache")"
expect "the persistent cache holds the same" \
  "{'192.0.2.10': 'mail.example.net', '192.0.2.11': 'nat.example.net'}" \
  "$(field 'd["ip_to_ptr_map"]' < "$root/var/cpanel/ip_rdns_cache.json")"

w set_up_dns_resolver_workarounds > "$run/out.json"
expect "the resolver works without a workaround" "1 {}" \
  "$(field 'd["metadata"]["result"], json.dumps({k: v for k, v in d["data"]["flags"].items() if k != "do-ip6"})' < "$run/out.json")"
expect "no workaround flag file" "" "$(ls "$root/var/cpanel/dns_flags" 2>/dev/null | grep -v has_broken_ipv6)"

stop_named
w update_reverse_dns_cache > "$run/out.json"
expect "without named the lookups fail with a warning" "True" \
  "$(field '"could not look up" in json.dumps(d["metadata"]["output"]["warnings"])' < "$run/out.json")"
expect "and the cache keeps the names found before" \
  $'192.0.2.10: mail.example.net\n192.0.2.11: nat.example.net' "$(cat "$root/var/cpanel/ip_rdns_cache")"
mkdir -p "$root/var/cpanel/dns_flags" && touch "$root/var/cpanel/dns_flags/has_udp_dns_blocked"
w set_up_dns_resolver_workarounds > "$run/out.json"
expect "without named no configuration works" "0" "$(field 'd["metadata"]["result"]' < "$run/out.json")"
expect "and the flags are cleared" "" "$(ls "$root/var/cpanel/dns_flags" 2>/dev/null)"

if ((failed)); then echo "--- named.err"; cat "$run/named.err"; fi
echo "$passed passed, $failed failed"
((failed == 0))
