#!/usr/bin/env bash
# End to end: a certificate installed for the "cpanel" service with WHM API 1
# install_service_ssl_certificate is the one whmkitd serves (openssl s_client
# sees its SHA-256 fingerprint), and reset_service_ssl_certificate puts a new
# self-signed one in its place. whmkitd on 127.0.0.1, ports 21000-21099.
# Usage: test_service_ssl.sh BIN_DIR
set -u
bin=$1
here=$(dirname "$0")
source "$here/expect.sh"
source "$here/servers.sh"
command -v openssl >/dev/null || { echo "openssl is missing"; echo "0 passed, 1 failed"; exit 1; }
root=$(mktemp -d /tmp/whmkit-servicessl-XXXXXX)
whm_port=$((21000 + RANDOM % 48 * 2))
cp_port=$((whm_port + 1))
server_pid=""
stop() { [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; server_pid=""; }
cleanup() { stop; rm -rf "$root"; }
trap cleanup EXIT
export WHMKIT_ROOT=$root
mkdir -p "$root/etc"
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$root/etc/passwd"
printf 'svc.example\n' >"$root/etc/hostname"

start() {
  whmkitd_command "$bin" "$root" "$whm_port" "$cp_port"
  "${server_cmd[@]}" 2>>"$root/whmkitd.err" &
  server_pid=$!
  wait_for_port "$whm_port"
}
served_fingerprint() {
  openssl s_client -connect "127.0.0.1:$1" -servername svc.example </dev/null 2>/dev/null |
    openssl x509 -noout -fingerprint -sha256 | cut -d= -f2
}
fingerprint_of() { printf '%s\n' "$1" | openssl x509 -noout -fingerprint -sha256 | cut -d= -f2; }

# A key and a self-signed certificate from root's SSL storage (generatessl).
made=$("$bin/whmapi1" --output=json generatessl domains=svc.example countryName=US organizationName=Test)
crt=$(printf '%s' "$made" | field 'd["data"]["cert"]')
key=$(printf '%s' "$made" | field 'd["data"]["key"]')
expect "generatessl kept the key in root's store" "yes" \
  "$([[ -f $root/$(printf '%s' "$made" | field 'd["data"]["keyfile"]') ]] && echo yes)"

start
first=$(served_fingerprint "$whm_port")
expect "whmkitd serves a certificate at first" "yes" "$([[ -n $first ]] && echo yes)"
stop

out=$("$bin/whmapi1" --output=json install_service_ssl_certificate service=cpanel "crt=$crt" "key=$key")
expect "install_service_ssl_certificate succeeds" "1" "$(printf '%s' "$out" | field 'd["metadata"]["result"]')"
expect "mycpanel.pem holds key and certificate" "600" "$(stat -c %a "$root/var/cpanel/ssl/cpanel/mycpanel.pem")"
start
expect "after install, s_client sees the installed certificate" "$(fingerprint_of "$crt")" \
  "$(served_fingerprint "$whm_port")"
expect "and so does the cPanel port" "$(fingerprint_of "$crt")" "$(served_fingerprint "$cp_port")"
stop

# A key that is not the certificate's is refused and changes nothing.
other=$("$bin/whmapi1" --output=json generatessl domains=other.example skip_certificate=1 | field 'd["data"]["key"]')
before=$(md5sum "$root/var/cpanel/ssl/cpanel/mycpanel.pem")
out=$("$bin/whmapi1" --output=json install_service_ssl_certificate service=cpanel "crt=$crt" "key=$other")
expect "a mismatched key is refused" "0" "$(printf '%s' "$out" | field 'd["metadata"]["result"]')"
expect "and nothing changed" "$before" "$(md5sum "$root/var/cpanel/ssl/cpanel/mycpanel.pem")"

out=$("$bin/whmapi1" --output=json reset_service_ssl_certificate service=cpanel)
reset_crt=$(printf '%s' "$out" | field 'd["data"]["certificate"]')
expect "reset made a self-signed certificate" "1" "$(printf '%s' "$out" | field 'd["data"]["certificate_info"]["is_self_signed"]')"
start
expect "after reset, s_client sees the new self-signed certificate" "$(fingerprint_of "$reset_crt")" \
  "$(served_fingerprint "$whm_port")"
stop

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
