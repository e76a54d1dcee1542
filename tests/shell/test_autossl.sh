#!/usr/bin/env bash
# End to end: AutoSSL obtains a certificate from a real ACME server and
# installs it. In a network namespace of its own (unshare -n; only loopback
# exists there): named on 127.0.0.1:53 serves the account's zones (A records
# 127.0.0.1, the state root's etc/resolv.conf names it), Apache from the
# configuration whmkit writes (servers.sh start_apache) serves the account's
# document root on 127.0.0.1:23012 and HTTPS on 23014, and pebble (the ACME
# test server) listens on 127.0.0.1:23010 with a TLS certificate the test
# makes, validating HTTP-01 on Apache's port and resolving through named.
# The provider configuration names pebble's directory, its CA and the HTTP
# port (x_directory_url, x_ca_file, x_http_port).
#
# start_autossl_check_for_one_user installs a certificate issued by pebble's
# CA for the account's domains, which Apache then serves; the excluded
# domain is left out; a parked
# domain whose A record points at 127.0.0.2 (nothing listens there) fails
# DCV and is reported by get_autossl_problems_for_user and in the log; the
# challenge files are gone afterwards; a second check orders nothing; a
# .well-known the account turned into a symlink is never written through.
# Usage: test_autossl.sh BIN_DIR
set -u
bin=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
if [[ -z ${WHMKIT_IN_NETNS:-} ]]; then
  for tool in pebble apache2 named unshare ip openssl curl; do
    if ! command -v $tool >/dev/null && [[ ! -x /usr/sbin/$tool ]]; then
      echo "$tool is missing (scripts/install-deps.sh installs it)"; echo "0 passed, 1 failed"; exit 1
    fi
  done
  WHMKIT_IN_NETNS=1 exec unshare -n bash "$0" "$@"
fi
source "$here/expect.sh"
source "$here/servers.sh"
ip link set lo up

acme_port=23010 management_port=23011 http_port=23012 tls_port=23013 https_port=23014
root=$(mktemp -d /tmp/whmkit-autossl-XXXXXX)
run=$(mktemp -d /tmp/whmkit-autossl-run-XXXXXX)
chmod 755 "$root" "$run"
pebble_pid= apache_pid=
cleanup() {
  [[ -n $pebble_pid ]] && kill "$pebble_pid" 2>/dev/null
  stop_web_server "$apache_pid"
  stop_server "$run/named.pid"
  sleep 0.3
  [[ -n ${KEEP:-} ]] || rm -rf "$root" "$run"
}
trap cleanup EXIT
w() { "$bin/whmapi1" --root="$root" --output=json "$@"; }
fail_setup() { echo "$1"; cat "$run"/*.err "$run"/*.log 2>/dev/null | tail -20; echo "$passed passed, $((failed + 1)) failed"; exit 1; }

# ---- the account: bob.example and a parked bad.example whose A records point where nothing listens
mkdir -p "$root/etc"
printf 'ADDR 127.0.0.1\n' > "$root/etc/wwwacct.conf"
printf 'nameserver 127.0.0.1\n' > "$root/etc/resolv.conf"
web_server_ports "$root" $http_port $https_port
w createacct username=bob domain=bob.example password=Main-pass1 maxpark=unlimited > "$run/out.json"
expect "createacct succeeds" 1 "$(field 'd["metadata"]["result"]' < "$run/out.json")"
w create_parked_domain_for_user username=bob domain=bad.example web_vhost_domain=bob.example > "$run/out.json"
expect "the parked domain is added" 1 "$(field 'd["metadata"]["result"]' < "$run/out.json")"
sed -i 's/127\.0\.0\.1/127.0.0.2/g' "$root/var/named/bad.example.db"

# ---- named on 127.0.0.1:53
chmod -R a+rX "$root/var/named"
{
  named_options "$run" 53
  sed "s|file \"/var/named/|file \"$root/var/named/|" "$root/etc/named.conf"
} > "$run/named.conf"
named_command "$run/named.conf"
start_server 53 "$run/named.err" || fail_setup "named did not start"
for _ in $(seq 50); do dig +short +time=1 +tries=1 @127.0.0.1 bob.example A 2>/dev/null | grep -q . && break; sleep 0.2; done
expect "named answers for bob.example" 127.0.0.1 "$(dig +short +time=1 @127.0.0.1 bob.example A)"

# ---- Apache from the configuration whmkit wrote (servers.sh), serving the account's document root
docroot=$(python3 -c 'import sys,yaml; print(yaml.safe_load(open(sys.argv[1]))["documentroot"])' \
  "$root/var/cpanel/userdata/bob/bob.example")
aliases=$(python3 -c 'import sys,yaml; print(yaml.safe_load(open(sys.argv[1]))["serveralias"])' \
  "$root/var/cpanel/userdata/bob/bob.example")
# cPanel gives public_html (0750) to the web server's group, nobody; this Apache runs as www-data.
chgrp www-data "$root$docroot"
start_apache "$root" "$run/apache" $http_port || fail_setup "Apache did not start"

# ---- pebble, with a TLS certificate of the test's own
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$run/pebble-key.pem" -out "$run/pebble-cert.pem" \
  2>/dev/null
sed -e "s|@ACME_PORT@|$acme_port|" -e "s|@MANAGEMENT_PORT@|$management_port|" -e "s|@RUN@|$run|g" \
  -e "s|@HTTP_PORT@|$http_port|" -e "s|@TLS_PORT@|$tls_port|" "$here/../ssl/pebble-config.json.in" \
  > "$run/pebble-config.json"
PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 pebble -config "$run/pebble-config.json" -dnsserver 127.0.0.1:53 \
  > "$run/pebble.log" 2>&1 &
pebble_pid=$!
wait_for_port $acme_port || fail_setup "pebble did not start"

# ---- AutoSSL's provider: pebble
w set_autossl_provider provider=LetsEncrypt "x_directory_url=https://127.0.0.1:$acme_port/dir" \
  "x_ca_file=$run/pebble-cert.pem" "x_http_port=$http_port" > "$run/out.json"
expect "set_autossl_provider succeeds" 1 "$(field 'd["metadata"]["result"]' < "$run/out.json")"
excluded=mail.bob.example
[[ " $aliases " == *" $excluded "* ]] || excluded=$(awk '{ print $NF }' <<< "$aliases")
w add_autossl_user_excluded_domains username=bob "domain=$excluded" > "$run/out.json"
expect "add_autossl_user_excluded_domains succeeds" 1 "$(field 'd["metadata"]["result"]' < "$run/out.json")"

# ---- the first check: a certificate
w start_autossl_check_for_one_user username=bob > "$run/check1.json"
expect "start_autossl_check_for_one_user succeeds" 1 "$(field 'd["metadata"]["result"]' < "$run/check1.json")"
certs=$root/var/cpanel/ssl/apache_tls/bob.example/certificates
if [[ ! -f $certs ]]; then
  echo "no certificate was installed; the log:"
  start=$(w get_autossl_logs_catalog | field 'd["data"]["payload"][-1]["start_time"]')
  w get_autossl_log "start_time=$start" | field '"\n".join(e["contents"] for e in d["data"]["payload"])'
  tail -20 "$run/pebble.log"
fi
openssl x509 -in "$certs" -noout -issuer > "$run/issuer" 2>/dev/null
expect_contains "the certificate is issued by pebble's CA" "Pebble Intermediate CA" "$(cat "$run/issuer")"
sans=$(openssl x509 -in "$certs" -noout -ext subjectAltName 2>/dev/null | tail -n +2 | tr -d ' ' | tr ',' '\n' |
  sed 's/^DNS://' | sort | tr '\n' ' ')
expect_contains "it covers bob.example" " bob.example " " $sans"
expect_contains "it covers www.bob.example" " www.bob.example " " $sans"
expect "it leaves out the excluded domain" "" "$(grep -ow "$excluded" <<< "$sans")"
expect "it leaves out the domain that failed DCV" "" "$(grep -ow "bad.example" <<< "$sans")"
curl -sk "https://127.0.0.1:$management_port/roots/0" > "$run/pebble-root.pem"
curl -sk "https://127.0.0.1:$management_port/intermediates/0" > "$run/pebble-intermediate.pem"
awk '/BEGIN CERT/{n++} n==1' "$certs" > "$run/leaf.pem"
expect "the chain verifies against pebble's root" "$run/leaf.pem: OK" \
  "$(openssl verify -CAfile "$run/pebble-root.pem" -untrusted "$run/pebble-intermediate.pem" "$run/leaf.pem" 2>&1)"
expect "the key matches the certificate" \
  "$(openssl x509 -in "$run/leaf.pem" -noout -pubkey | openssl sha256)" \
  "$(openssl pkey -in "$root/var/cpanel/ssl/apache_tls/bob.example/combined" -pubout 2>/dev/null | openssl sha256)"
for _ in $(seq 30); do
  served=$(openssl s_client -connect 127.0.0.1:$https_port -servername bob.example </dev/null 2>/dev/null |
    openssl x509 -noout -fingerprint -sha256 2>/dev/null)
  [[ $served == "$(openssl x509 -in "$run/leaf.pem" -noout -fingerprint -sha256)" ]] && break
  sleep 0.2
done
expect "Apache serves the new certificate for bob.example" \
  "$(openssl x509 -in "$run/leaf.pem" -noout -fingerprint -sha256)" "$served"
expect "the challenge files are gone" "" \
  "$(ls -A "$root$docroot/.well-known/acme-challenge" 2>/dev/null)"

w get_autossl_problems_for_user username=bob > "$run/problems.json"
expect "get_autossl_problems_for_user reports bad.example" "bad.example" \
  "$(field '" ".join(sorted(set(p["domain"] for p in d["data"]["problems_by_domain"] if p["domain"].endswith("bad.example")))).split(" ")[0]' < "$run/problems.json")"
expect_contains "its problem is the failed local DCV" "Local HTTP DCV error (bad.example)" \
  "$(cat "$run/problems.json")"
start=$(w get_autossl_logs_catalog | field 'd["data"]["payload"][-1]["start_time"]')
w get_autossl_log "start_time=$start" > "$run/log1.json"
log1=$(field '"\n".join(e["contents"] for e in d["data"]["payload"])' < "$run/log1.json")
expect_contains "the log names the failing domain" "Local HTTP DCV error (bad.example)" "$log1"
expect_contains "the log names the excluded domain" "“$excluded” is excluded" "$log1"
expect_contains "the log shows the installation" "Installed a new certificate for “bob.example”" "$log1"

# ---- a second check: the certificate is fresh, nothing is ordered
before=$(sha256sum < "$certs")
sleep 1
w start_autossl_check_for_one_user username=bob > "$run/check2.json"
expect "the second check succeeds" 1 "$(field 'd["metadata"]["result"]' < "$run/check2.json")"
expect "the certificate is unchanged" "$before" "$(sha256sum < "$certs")"
start2=$(w get_autossl_logs_catalog | field 'd["data"]["payload"][-1]["start_time"]')
expect "the second check has a log of its own" "yes" "$([[ $start2 != "$start" ]] && echo yes || echo no)"
log2=$(w get_autossl_log "start_time=$start2" | field '"\n".join(e["contents"] for e in d["data"]["payload"])')
expect "the second check orders nothing" "" "$(grep 'Created the order' <<< "$log2")"
sleep 1
w start_autossl_check_for_all_users > "$run/check3.json"
expect "start_autossl_check_for_all_users succeeds" 1 "$(field 'd["metadata"]["result"]' < "$run/check3.json")"
expect "its log is for all users" "*" "$(w get_autossl_logs_catalog | field 'd["data"]["payload"][-1]["username"]')"
expect "it leaves the fresh certificate alone" "$before" "$(sha256sum < "$certs")"
# The account swaps .well-known for a symlink to a directory of root's: the
# check refuses to write through it and reports the domain.
mkdir -p "$run/elsewhere"
rm -rf "$root$docroot/.well-known"
ln -s "$run/elsewhere" "$root$docroot/.well-known"
sleep 1
w start_autossl_check_for_one_user username=bob > "$run/check4.json"
expect "a check with a planted symlink succeeds" 1 "$(field 'd["metadata"]["result"]' < "$run/check4.json")"
expect "nothing was written through the symlink" "" "$(ls -A "$run/elsewhere")"
expect_contains "the domain's problem names the symlink" "“/home/bob/public_html/.well-known”: it is a symbolic link" \
  "$(w get_autossl_problems_for_domain domain=bob.example | field 'd["data"]["problems_by_domain"][0]["problem"]')"
expect "get_autossl_logs_catalog: no check in progress" "0 0 0 0" \
  "$(w get_autossl_logs_catalog | field '" ".join(str(e["in_progress"]) for e in d["data"]["payload"])')"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
