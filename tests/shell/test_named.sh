#!/usr/bin/env bash
# End to end: a real named on 127.0.0.1 (port 5399) serves the zones and
# named.conf stanzas whmkit writes; dig sees a record added with
# addzonerecord (a TXT over 255 bytes as several strings), and the new
# answer after editzonerecord and removezonerecord, each given the Line
# dumpzone lists the record on (after the comments, blank lines and the
# seven-line SOA that dumpzone lists too). The account's own calls are served
# too: a TXT record added with uapi DNS mass_edit_zone (given the serial
# parse_zone reads), an A record added with cpapi2 ZoneEdit add_zone_record,
# and what cpapi2 SubDomain, Park and AddonDomain add (a subdomain's A
# record, a parked and an addon domain's own zones; no answer once the
# subdomain is deleted), and a zone moved by uapi DNS swap_ip_in_zones.
# Usage: test_named.sh BIN_DIR
set -u
bin=$1/whmapi1
bin_dir=$1
source "$(dirname "$0")/expect.sh"
source "$(dirname "$0")/servers.sh"
named_bin=$(command -v named || echo /usr/sbin/named)
if [[ ! -x $named_bin ]] || ! command -v dig >/dev/null; then
  echo "named or dig is missing (scripts/install-deps.sh installs bind9 and bind9-dnsutils)"
  echo "0 passed, 1 failed"
  exit 1
fi
root=$(mktemp -d /tmp/whmkit-named-XXXXXX)
run=$(mktemp -d /tmp/whmkit-named-run-XXXXXX)
chmod 755 "$root" "$run"
cleanup() { [[ -f $run/named.pid ]] && kill "$(cat "$run/named.pid")" 2>/dev/null; rm -rf "$root" "$run"; }
trap cleanup EXIT
port=5399
w() { "$bin" --root="$root" --output=json "$@"; }
c() { "$(dirname "$bin")/cpapi2" --root="$root" --output=json --user=dnsuser "$@"; }

mkdir -p "$root/etc" && printf 'ADDR 192.0.2.10\n' > "$root/etc/wwwacct.conf"
w createacct username=dnsuser domain=dns-test.example password=Pass-word1 >/dev/null
w addzonerecord domain=dns-test.example name=api type=A address=198.51.100.7 ttl=60 >/dev/null
w addzonerecord domain=dns-test.example name=gone type=A address=198.51.100.8 ttl=60 >/dev/null
w addzonerecord domain=dns-test.example name=dns-test.example. type=TXT txtdata='hello "world"' >/dev/null
w addzonerecord domain=dns-test.example name=@ type=CAA flag=0 tag=issue value=letsencrypt.org >/dev/null
# Over 255 bytes: several character strings on the wire; 4000 bytes need TCP.
dkim="v=DKIM1; k=rsa; p=\"$(printf 'K%.0s' {1..300})\\$(printf 'q%.0s' {1..280})"
w addzonerecord domain=dns-test.example name=sel._domainkey type=TXT txtdata="$dkim" >/dev/null
big=$(printf 'b%.0s' {1..4000})
w addzonerecord domain=dns-test.example name=big type=TXT txtdata="$big" >/dev/null
w modifyacct user=dnsuser MAXSUB=unlimited MAXPARK=unlimited MAXADDON=unlimited >/dev/null
c SubDomain addsubdomain domain=shop rootdomain=dns-test.example >/dev/null
c Park park domain=dns-alias.example >/dev/null
c AddonDomain addaddondomain newdomain=dns-addon.example subdomain=store >/dev/null

# named.conf: our options, then the stanzas whmkit wrote, their paths pointing into the state root.
chmod -R a+rX "$root/var"
{
  named_options "$run" "$port"
  sed "s|file \"/var/named/|file \"$root/var/named/|" "$root/etc/named.conf"
} > "$run/named.conf"
named_command "$run/named.conf"
start_server "$port" "$run/named.err"
for _ in $(seq 50); do dig +short +time=1 +tries=1 @127.0.0.1 -p $port dns-test.example SOA >/dev/null 2>&1 && break; sleep 0.2; done

q() { dig +short +time=2 +tries=2 @127.0.0.1 -p $port "$@"; }
expect "A record added with addzonerecord" "198.51.100.7" "$(q api.dns-test.example A)"
expect "the account's main A record" "192.0.2.10" "$(q dns-test.example A)"
expect "TXT with an escaped quote" '"hello \"world\""' "$(q dns-test.example TXT)"
expect "CAA written as TYPE257" '0 issue "letsencrypt.org"' "$(q dns-test.example CAA)"
expect "www CNAME" "dns-test.example." "$(q www.dns-test.example CNAME)"
# dig prints each character string quoted: their lengths, and the value they join to.
txt_strings() { python3 -c '
import re, sys
strings = [re.sub(r"\\(.)", r"\1", s) for s in re.findall(r"\"((?:[^\"\\]|\\.)*)\"", sys.stdin.read())]
print(" ".join(str(len(s)) for s in strings))
print("".join(strings))'; }
expect "600-byte TXT: strings of 255, 255, 90" "255 255 90" "$(q sel._domainkey.dns-test.example TXT | txt_strings | sed -n 1p)"
expect "600-byte TXT: the value joined back" "$dkim" "$(q sel._domainkey.dns-test.example TXT | txt_strings | tail -1)"
expect "4000-byte TXT over TCP: the value joined back" "$big" "$(q +tcp big.dns-test.example TXT | txt_strings | tail -1)"
expect "dumpzone gives the long TXT as one value" "$dkim" "$(w dumpzone domain=dns-test.example | python3 -c 'import json,sys; print([r["txtdata"] for r in json.load(sys.stdin)["data"]["zone"] if r["name"].startswith("sel.")][0])')"

expect "the record to remove is served" "198.51.100.8" "$(q gone.dns-test.example A)"
line_of() { w dumpzone domain=dns-test.example | python3 -c 'import json,sys; print([r["Line"] for r in json.load(sys.stdin)["data"]["zone"] if r["name"]==sys.argv[1]][0])' "$1"; }
expect "dumpzone lists the header comment as :RAW on line 1" ":RAW" "$(w getzonerecord domain=dns-test.example line=1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["record"][0]["type"])')"
w editzonerecord domain=dns-test.example line="$(line_of api.dns-test.example.)" address=203.0.113.9 >/dev/null
w removezonerecord zone=dns-test.example line="$(line_of gone.dns-test.example.)" >/dev/null
# The account's own calls: uapi with the serial parse_zone gives, then cpapi2.
uapi() { "$bin_dir/uapi" --root="$root" --output=json --user=dnsuser "$@"; }
cpapi2() { "$bin_dir/cpapi2" --root="$root" --output=json --user=dnsuser "$@"; }
soa_serial=$(uapi DNS parse_zone zone=dns-test.example | python3 -c '
import base64, json, sys
print([base64.b64decode(r["data_b64"][2]).decode() for r in json.load(sys.stdin)["result"]["data"] if r.get("record_type") == "SOA"][0])')
expect "uapi DNS mass_edit_zone with parse_zone's serial" 1 "$(uapi DNS mass_edit_zone zone=dns-test.example serial="$soa_serial" 'add={"dname":"_acme-challenge","ttl":60,"record_type":"TXT","data":["uapi-token"]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["status"])')"
expect "the same serial again is refused" 0 "$(uapi DNS mass_edit_zone zone=dns-test.example serial="$soa_serial" 'add={"dname":"lost","ttl":60,"record_type":"A","data":["198.51.100.99"]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["status"])')"
expect "cpapi2 ZoneEdit add_zone_record" 1 "$(cpapi2 ZoneEdit add_zone_record domain=dns-test.example name=api2 type=A address=198.51.100.22 ttl=60 | python3 -c 'import json,sys; print(json.load(sys.stdin)["cpanelresult"]["data"][0]["result"]["status"])')"
kill -HUP "$(cat "$run/named.pid")"  # what "rndc reload" does for a server whmkit does not control here
for _ in $(seq 50); do [[ "$(q api.dns-test.example A)" == 203.0.113.9 ]] && break; sleep 0.2; done
expect "changed answer after editzonerecord" "203.0.113.9" "$(q api.dns-test.example A)"
expect "no answer after removezonerecord" "" "$(q gone.dns-test.example A)"
expect "TXT added with uapi DNS mass_edit_zone is served" '"uapi-token"' "$(q _acme-challenge.dns-test.example TXT)"
expect "A added with cpapi2 ZoneEdit add_zone_record is served" "198.51.100.22" "$(q api2.dns-test.example A)"
expect "the refused stale edit is not served" "" "$(q lost.dns-test.example A)"
expect "subdomain added with cpapi2 SubDomain::addsubdomain" "192.0.2.10" "$(q shop.dns-test.example A)"
expect "its www" "shop.dns-test.example." "$(q www.shop.dns-test.example CNAME)"
expect "parked domain's zone (cpapi2 Park::park)" "192.0.2.10" "$(q dns-alias.example A)"
expect "addon domain's zone (cpapi2 AddonDomain::addaddondomain)" "192.0.2.10" "$(q dns-addon.example A)"
expect "the addon domain's subdomain" "192.0.2.10" "$(q store.dns-test.example A)"
c SubDomain delsubdomain domain=shop.dns-test.example >/dev/null
kill -HUP "$(cat "$run/named.pid")"
for _ in $(seq 50); do [[ -z "$(q shop.dns-test.example A)" ]] && break; sleep 0.2; done
expect "no answer after SubDomain::delsubdomain" "" "$(q shop.dns-test.example A)"
# uapi DNS swap_ip_in_zones: the parked domain's zone moves to another address.
expect "uapi DNS swap_ip_in_zones" 1 "$(uapi DNS swap_ip_in_zones domain=dns-alias.example dest_ip=192.0.2.44 | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["status"])')"
kill -HUP "$(cat "$run/named.pid")"
for _ in $(seq 50); do [[ "$(q dns-alias.example A)" == 192.0.2.44 ]] && break; sleep 0.2; done
expect "the A record moved by swap_ip_in_zones is served" "192.0.2.44" "$(q dns-alias.example A)"
expect "the other zones keep their address" "192.0.2.10" "$(q dns-test.example A)"
serial=$(q dns-test.example SOA | awk '{print $3}')
expect "serial served is the file's" "$serial" "$(awk '/;Serial Number/{print $1}' "$root/var/named/dns-test.example.db")"

if ((failed)); then echo "--- named.err"; cat "$run/named.err"; fi
echo "$passed passed, $failed failed"
((failed == 0))
