#!/usr/bin/env bash
# End to end: DNSSEC keys made with BIND's tools, the zone signed by
# dnssec-signzone and served by a real named on 127.0.0.1 (port 5397).
# delv, given the DS (or the DNSKEY) that fetch_ds_records_for_domains (or
# export_zone_dnskey) reports as its only trust anchor, validates answers;
# they no longer validate once that key is deactivated or removed, and do
# again once it is activated. A record added afterwards is served signed,
# set_nsec3_for_domains's parameters are served, and disabling DNSSEC serves
# the zone unsigned.
# Usage: test_dnssec.sh BIN_DIR
set -u
bin=$1/whmapi1
source "$(dirname "$0")/expect.sh"
named_bin=$(command -v named || echo /usr/sbin/named)
for tool in dig delv dnssec-keygen dnssec-signzone; do
  if [[ ! -x $named_bin ]] || ! command -v $tool >/dev/null; then
    echo "named or $tool is missing (scripts/install-deps.sh installs bind9, bind9-utils and bind9-dnsutils)"
    echo "0 passed, 1 failed"
    exit 1
  fi
done
root=$(mktemp -d /tmp/whmkit-dnssec-XXXXXX)
run=$(mktemp -d /tmp/whmkit-dnssec-run-XXXXXX)
chmod 755 "$root" "$run"
cleanup() { [[ -f $run/named.pid ]] && kill "$(cat "$run/named.pid")" 2>/dev/null; rm -rf "$root" "$run"; }
trap cleanup EXIT
port=5397
zone=sec-test.example
w() { "$bin" --root="$root" --output=json "$@"; }
jq_py() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

mkdir -p "$root/etc" && printf 'ADDR 192.0.2.20\n' > "$root/etc/wwwacct.conf"
w createacct username=secuser domain=$zone password=Pass-word1 >/dev/null
w addzonerecord domain=$zone name=api type=A address=198.51.100.7 ttl=60 >/dev/null
out=$(w enable_dnssec_for_domains domain=$zone algo_num=13 nsec3_salt=abcd nsec3_iterations=1)
expect "enable_dnssec_for_domains reports the zone enabled" "1 NSEC3" \
  "$(jq_py '"%s %s" % (d["data"]["domains"][0]["enabled"], d["data"]["domains"][0]["nsec_version"])' <<<"$out")"

# named.conf: our options, then the stanzas whmkit wrote, their paths pointing into the state root.
start_named() {
  chmod -R a+rX "$root/var/named"
  {
    printf 'options {\n\tdirectory "%s";\n\tlisten-on port %s { 127.0.0.1; };\n\tlisten-on-v6 { none; };\n' "$run" "$port"
    printf '\tpid-file "%s/named.pid";\n\trecursion no;\n\tdnssec-validation no;\n};\n' "$run"
    sed "s|file \"/var/named/|file \"$root/var/named/|" "$root/etc/named.conf"
  } > "$run/named.conf"
  "$named_bin" -c "$run/named.conf" -u bind 2>>"$run/named.err" || "$named_bin" -c "$run/named.conf" 2>>"$run/named.err"
  for _ in $(seq 50); do dig +short +time=1 +tries=1 @127.0.0.1 -p $port $zone SOA >/dev/null 2>&1 && break; sleep 0.2; done
}
# What "rndc reconfig" and "rndc reload" do on a server whmkit controls: the
# stanza may now name the signed file or the plain one. Waits for the new serial.
reload_named() {
  chmod -R a+rX "$root/var/named"
  sed "s|file \"/var/named/|file \"$root/var/named/|" "$root/etc/named.conf" > "$run/zones.conf"
  { sed '/^zone /,$d' "$run/named.conf"; cat "$run/zones.conf"; } > "$run/named.conf.new" && mv "$run/named.conf.new" "$run/named.conf"
  kill -HUP "$(cat "$run/named.pid")"
  local serial
  serial=$(awk '/;Serial Number/{print $1}' "$root/var/named/$zone.db")
  for _ in $(seq 50); do
    [[ "$(dig +short +time=1 +tries=1 @127.0.0.1 -p $port $zone SOA | awk '{print $3}')" == "$serial" ]] && break
    sleep 0.2
  done
  sleep 0.3
}
start_named

ds=$(w fetch_ds_records_for_domains domain=$zone | jq_py '
" ".join("%s %s 2 \"%s\"" % (k["key_tag"], k["algo_num"], [x["digest"] for x in k["digests"] if x["algo_num"] == 2][0])
         for k in d["data"]["domains"][0]["ds_records"]["keys"].values() if k["key_type"] == "KSK")')
ksk_id=$(w fetch_ds_records_for_domains domain=$zone | jq_py '[k["key_id"] for k in d["data"]["domains"][0]["ds_records"]["keys"].values() if k["key_type"] == "KSK"][0]')
printf 'trust-anchors {\n\t%s. static-ds %s;\n};\n' "$zone" "$ds" > "$run/ds.anchor"
dnskey=$(w export_zone_dnskey domain=$zone key_id="$ksk_id" | jq_py 'd["data"]["dnskey"]')
printf 'trust-anchors {\n\t%s. static-key 257 3 13 "%s";\n};\n' "$zone" "$dnskey" > "$run/dnskey.anchor"

validate() {  # anchor-file name type: delv's verdict ("; fully validated"), else why it failed
  local out
  out=$(delv -a "$run/$1" +root=$zone @127.0.0.1 -p $port "$2" "$3" 2>&1)
  grep -m1 -E '^; (fully validated|negative response|unsigned answer)' <<<"$out" || grep -m1 '^;; resolution failed' <<<"$out"
}
expect "served signed: RRSIG beside the A record" "A" \
  "$(dig +dnssec +short @127.0.0.1 -p $port api.$zone A | awk '$1=="A"{print $1}')"
expect "delv validates with the DS we report" "; fully validated" "$(validate ds.anchor api.$zone A)"
expect "delv validates with the DNSKEY we export" "; fully validated" "$(validate dnskey.anchor api.$zone A)"
expect "NSEC3 parameters served" "1 0 1 ABCD" "$(dig +short @127.0.0.1 -p $port $zone NSEC3PARAM)"
expect "an NXDOMAIN proof validates too" "; negative response, fully validated" "$(validate ds.anchor nothing-here.$zone A)"

w addzonerecord domain=$zone name=late type=A address=198.51.100.9 ttl=60 >/dev/null
reload_named
expect "a record added afterwards is served signed" "; fully validated" "$(validate ds.anchor late.$zone A)"

w deactivate_zone_key domain=$zone key_id="$ksk_id" >/dev/null
reload_named
expect "the KSK deactivated: the answer no longer validates" ";; resolution failed: broken trust chain" \
  "$(validate ds.anchor api.$zone A)"

w activate_zone_key domain=$zone key_id="$ksk_id" >/dev/null
reload_named
expect "the KSK activated again: validated" "; fully validated" "$(validate ds.anchor api.$zone A)"

w set_nsec3_for_domains domain=$zone nsec3_iterations=3 nsec3_narrow=0 nsec3_opt_out=0 nsec3_salt=beef >/dev/null
reload_named
expect "set_nsec3_for_domains's parameters served" "1 0 3 BEEF" "$(dig +short @127.0.0.1 -p $port $zone NSEC3PARAM)"
w unset_nsec3_for_domains domain=$zone >/dev/null
reload_named
expect "unset_nsec3_for_domains: NSEC, no NSEC3PARAM" "" "$(dig +short @127.0.0.1 -p $port $zone NSEC3PARAM)"
expect "NSEC denial validates" "; negative response, fully validated" "$(validate ds.anchor nothing-here.$zone A)"

w remove_zone_key domain=$zone key_id="$ksk_id" >/dev/null
reload_named
expect "the KSK removed: the answer no longer validates" ";; resolution failed: broken trust chain" \
  "$(validate ds.anchor api.$zone A)"

w disable_dnssec_for_domains domain=$zone >/dev/null
reload_named
expect "DNSSEC disabled: no RRSIG served" "" \
  "$(dig +dnssec +short @127.0.0.1 -p $port api.$zone A | awk '$1=="A"{print $1}')"
expect "DNSSEC disabled: the record is still served" "198.51.100.7" "$(dig +short @127.0.0.1 -p $port api.$zone A)"

if ((failed)); then echo "--- named.err"; cat "$run/named.err"; fi
echo "$passed passed, $failed failed"
((failed == 0))
