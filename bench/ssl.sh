#!/usr/bin/env bash
# SSL installation at scale: N accounts (bench/gen_state.cpp), one
# certificate installed with installssl on each account's main domain (N SSL
# vhosts), then hyperfine on fetch_ssl_vhosts and on installssl itself
# (replacing one vhost's certificate: datastores, index, userdata,
# httpd.conf and nginx file, mail SNI files). Not part of the test suite;
# the figures go to bench/results.md by hand.
#   bench/ssl.sh [VHOSTS]   (default 1000)
# Environment: RUNS (default 20), WORK (scratch dir).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
RUNS=${RUNS:-20} WORK=${WORK:-/tmp/whmkit-ssl-bench}
B=$PWD/build
rm -rf "$WORK" && mkdir -p "$WORK/certs"
root=$WORK/root
"$B/whmkit-gen-state" "$root" "$n" >/dev/null
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(open(sys.argv[1]).read(), safe=""))' "$1"; }
cert() {  # DOMAIN -> $WORK/certs/DOMAIN.{key,pem}
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$1" -days 30 \
    -addext "subjectAltName=DNS:$1,DNS:www.$1" -keyout "$WORK/certs/$1.key" -out "$WORK/certs/$1.pem" 2>/dev/null
}
echo "installing $n certificates..."
start=$(date +%s%N)
while read -r domain _; do
  domain=${domain%:}
  cert "$domain"
  # The PEM text as it is: the command line decodes only %XX escapes.
  "$B/whmapi1" --root="$root" --output=json installssl domain="$domain" "crt=$(<"$WORK/certs/$domain.pem")" \
    "key=$(<"$WORK/certs/$domain.key")" | grep -q '"result":1' || { echo "installssl $domain failed"; exit 1; }
done < "$root/etc/trueuserdomains"
echo "installed in $(( ($(date +%s%N) - start) / 1000000 )) ms (with openssl making each certificate)"
count=$("$B/whmapi1" --root="$root" --output=json fetch_ssl_vhosts | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]["vhosts"]))')
echo "fetch_ssl_vhosts lists $count vhosts"
first=$(head -1 "$root/etc/trueuserdomains" | cut -d: -f1)
crt=$(enc "$WORK/certs/$first.pem") key=$(enc "$WORK/certs/$first.key")
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 3 --runs "$RUNS" "$B/whmapi1 --root=$root --output=json fetch_ssl_vhosts" \
    "$B/whmapi1 --root=$root --output=json installssl domain=$first crt=$crt key=$key"
else
  for cmd in fetch_ssl_vhosts "installssl domain=$first crt=$crt key=$key"; do
    start=$(date +%s%N)
    for _ in $(seq "$RUNS"); do "$B/whmapi1" --root="$root" --output=json $cmd >/dev/null; done
    echo "${cmd%% *}: $(( ($(date +%s%N) - start) / RUNS / 1000000 )) ms per call"
  done
fi
