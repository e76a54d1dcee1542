#!/usr/bin/env bash
# End to end: certificates installed by whmkit served by a real Apache and a
# real nginx on 127.0.0.1 (tests/ssl/*.conf.in, which include the
# configuration whmkit writes into the state root). An account made with
# whmapi1 has its document root served over HTTP by both; a certificate made
# here with openssl and installed with whmapi1 installssl is then served for
# its domain over HTTPS by both (same SHA-256 fingerprint; curl verifies it
# against the certificate itself), one installed with uapi SSL install_ssl
# replaces it, and after delete_ssl_vhost neither serves it. The servers are
# reloaded by whmkit itself (the service table's reload signals).
# Usage: test_ssl_webservers.sh BIN_DIR
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/expect.sh"
source "$here/servers.sh"
for tool in /usr/sbin/apache2 /usr/sbin/nginx /usr/bin/openssl /usr/bin/curl; do
  if [[ ! -x $tool ]]; then
    echo "$tool is missing (scripts/install-deps.sh installs apache2, nginx, openssl and curl)"; echo "0 passed, 1 failed"; exit 1
  fi
done
root=$(mktemp -d /tmp/whmkit-ssl-web-XXXXXX)
run=$root/run
base=$((22000 + (RANDOM % 24) * 4))
a_http=$base a_https=$((base + 1)) n_http=$((base + 2)) n_https=$((base + 3))
apache_pid= nginx_pid=
trap 'stop_web_server "$apache_pid"; stop_web_server "$nginx_pid"; [[ -n ${KEEP:-} ]] || rm -rf "$root"' EXIT
export WHMKIT_ROOT=$root
w() { "$bin/whmapi1" --output=json "$@"; }
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(open(sys.argv[1]).read(), safe=""))' "$1"; }
# The SHA-256 fingerprint (lowercase hex) of the certificate the server on port $1 presents for bob.example.
served() {  # PORT
  openssl s_client -connect "127.0.0.1:$1" -servername bob.example </dev/null 2>/dev/null |
    openssl x509 -noout -fingerprint -sha256 2>/dev/null | sed 's/.*=//' | tr -d : | tr 'A-F' 'a-f'
}
fingerprint() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//' | tr -d : | tr 'A-F' 'a-f'; }
# Until both servers present the fingerprint $1 ("" = none) after a reload.
settle() {  # FINGERPRINT
  for _ in $(seq 50); do
    [[ $(served "$a_https") == "$1" && $(served "$n_https") == "$1" ]] && return 0
    sleep 0.1
  done
}
new_certificate() {  # NAME
  openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=bob.example" -days 2 \
    -addext "subjectAltName=DNS:bob.example,DNS:www.bob.example" -keyout "$run/$1.key" -out "$run/$1.pem" 2>/dev/null
}

mkdir -p "$run"
web_server_ports "$root" "$a_http" "$a_https" "$n_http" "$n_https"
w createacct username=bob domain=bob.example password=Main-pass1 >/dev/null
docroot=$root/home/bob/public_html
echo "hello from bob" > "$docroot/index.html"
# Apache's workers (www-data) walk to the document root.
chmod 711 "$root" "$root/home" "$root/home/bob"
chmod -R o+rX "$docroot"

if ! start_apache "$root" "$run/apache" "$a_http"; then
  echo "FAIL apache did not start"; cat "$run/apache/start.err" "$run/apache/apache-error.log" 2>/dev/null
  echo "$passed passed, $((failed + 1)) failed"; exit 1
fi
if ! start_nginx "$root" "$run/nginx" "$n_http"; then
  echo "FAIL nginx did not start"; cat "$run/nginx/start.err" "$run/nginx/nginx-error.log" 2>/dev/null
  echo "$passed passed, $((failed + 1)) failed"; exit 1
fi
http() { curl -s --max-time 5 --resolve "bob.example:$1:127.0.0.1" "http://bob.example:$1/"; }
expect "apache serves the document root over HTTP" "hello from bob" "$(http "$a_http")"
expect "nginx serves the document root over HTTP" "hello from bob" "$(http "$n_http")"
expect "no certificate before the installation (apache)" "" "$(served "$a_https")"

new_certificate first
out=$(w installssl domain=bob.example "crt=$(enc "$run/first.pem")" "key=$(enc "$run/first.key")")
expect "installssl" "1 bob.example" "$(field 'd["metadata"]["result"], d["data"]["servername"]' <<<"$out" | tr -d "(),'")"
first=$(fingerprint "$run/first.pem")
settle "$first"
expect "apache presents the installed certificate" "$first" "$(served "$a_https")"
expect "nginx presents the installed certificate" "$first" "$(served "$n_https")"
https() { curl -s --max-time 5 --cacert "$run/$2.pem" --resolve "bob.example:$1:127.0.0.1" "https://bob.example:$1/"; }
expect "curl verifies apache's certificate and gets the page" "hello from bob" "$(https "$a_https" first)"
expect "curl verifies nginx's certificate and gets the page" "hello from bob" "$(https "$n_https" first)"
expect "apache still runs after the graceful reload" "yes" "$(kill -0 "$apache_pid" 2>/dev/null && echo yes)"

new_certificate second
out=$("$bin/uapi" --output=json --user=bob SSL install_ssl domain=bob.example \
  "cert=$(enc "$run/second.pem")" "key=$(enc "$run/second.key")")
expect "uapi SSL install_ssl" "1" "$(field 'd["result"]["status"]' <<<"$out")"
second=$(fingerprint "$run/second.pem")
settle "$second"
expect "apache presents the replacement" "$second" "$(served "$a_https")"
expect "nginx presents the replacement" "$second" "$(served "$n_https")"
expect "curl verifies it on nginx" "hello from bob" "$(https "$n_https" second)"

out=$(w delete_ssl_vhost host=bob.example)
expect "delete_ssl_vhost" "1" "$(field 'd["metadata"]["result"]' <<<"$out")"
settle ""
expect "apache no longer presents it" "" "$(served "$a_https")"
expect "nginx no longer presents it" "" "$(served "$n_https")"
expect "apache still serves HTTP" "hello from bob" "$(http "$a_http")"
expect "nginx still serves HTTP" "hello from bob" "$(http "$n_http")"

echo "$passed passed, $failed failed"
((failed == 0))
