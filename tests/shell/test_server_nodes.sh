#!/usr/bin/env bash
# Linked server nodes against a stand-in for a node's WHM API 1 over HTTPS on
# 127.0.0.1 (whm_node_server.py, with a certificate made here; nothing leaves
# loopback): get_server_node_status with and without TLS verification, the
# token that lacks "all", update_linked_server_node storing what the node
# reported, and the service proxying of a distributed account told to its
# child node.
# Usage: test_server_nodes.sh BIN_DIR
set -u
bin=$1
here=$(dirname "$0")
source "$here/expect.sh"
source "$here/servers.sh"
for tool in openssl python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
root=$(mktemp -d /tmp/whmkit-nodes-XXXXXX)
run=$(mktemp -d /tmp/whmkit-nodes-run-XXXXXX)
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null
  rm -rf "$root" "$run"
}
trap cleanup EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$run/key.pem" -out "$run/cert.pem" 2>/dev/null
start_stand_in "$here/whm_node_server.py" "$run/port" "$run/requests.log" "$run/cert.pem" "$run/key.pem"
export WHMKIT_ROOT=$root WHMKIT_REMOTE_WHM_PORT=$server_port
w() { "$bin/whmapi1" --output=json "$@"; }
status() { w get_server_node_status hostname=127.0.0.1 username=root "$@"; }

# The node's certificate verifies against the CA the test made.
out=$(WHMKIT_REMOTE_WHM_CA_FILE=$run/cert.pem status api_token=GOODTOKEN)
expect "status: result" "1" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect "status: version" "11.110.0.5" "$(echo "$out" | field 'd["data"]["version"]')"
expect "status: verified" "1" "$(echo "$out" | field 'd["data"]["tls_verified"]')"
expect "status: enabled services" "['cpdavd', 'exim', 'imap', 'lmtp', 'pop']" \
  "$(echo "$out" | field 'd["data"]["enabled_services"]')"
expect "status: the node's spam setting" "1" \
  "$(echo "$out" | field 'd["data"]["system_settings"]["Mail"]["globalspamassassin"]')"
expect "status: linkages" "[]" "$(echo "$out" | field 'd["data"]["remote_node_linkages"]')"
last=$(tail -n 1 "$run/requests.log")
expect "one batch call" "batch" "$(echo "$last" | field 'd["function"]')"
expect "authenticated by the token" "whm root:GOODTOKEN" "$(echo "$last" | field 'd["authorization"]')"
expect "the batch's calls" \
  "['version', 'myprivs', 'servicestatus', 'list_linked_server_nodes', 'get_tweaksetting?module=Mail&key=globalspamassassin']" \
  "$(echo "$last" | field 'd["fields"]["command"]')"

# Without the CA the certificate does not verify: refused unless skipping is allowed.
out=$(status api_token=GOODTOKEN)
expect "unverified: refused" "0" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect_contains "unverified: the reason names the node" "could not query “127.0.0.1”" \
  "$(echo "$out" | field 'd["metadata"]["reason"]')"
out=$(status api_token=GOODTOKEN skip_tls_verification=1)
expect "skipping verification: answered" "1" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect "skipping verification: not verified" "0" "$(echo "$out" | field 'd["data"]["tls_verified"]')"

out=$(status api_token=WEAKTOKEN skip_tls_verification=1)
expect "a token without all" "You must specify an API token that possesses the “all” ACL." \
  "$(echo "$out" | field 'd["metadata"]["reason"]')"
out=$(status api_token=WRONG skip_tls_verification=1)
expect "a refused token" "0" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect_contains "a refused token: HTTP 403" "HTTP 403" "$(echo "$out" | field 'd["metadata"]["reason"]')"

# update_linked_server_node asks the node, then stores what it reported.
mkdir -p "$root/var/cpanel/linked_nodes"
cat > "$root/var/cpanel/linked_nodes/master.json" <<'EOF'
{"mailnode":{"api_token":"GOODTOKEN","hostname":"127.0.0.1","last_check":1,"tls_verified":0,"username":"root","version":"11.100.0.1","worker_capabilities":{"Mail":{}}}}
EOF
chmod 600 "$root/var/cpanel/linked_nodes/master.json"
out=$(w update_linked_server_node alias=mailnode api_token=NEWTOKEN)
expect "update: result" "1" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect "update: the new token was used" "whm root:NEWTOKEN" "$(tail -n 1 "$run/requests.log" | field 'd["authorization"]')"
stored=$(cat "$root/var/cpanel/linked_nodes/master.json")
expect "update: token stored" "NEWTOKEN" "$(echo "$stored" | field 'd["mailnode"]["api_token"]')"
expect "update: version refreshed" "11.110.0.5" "$(echo "$stored" | field 'd["mailnode"]["version"]')"
expect "update: still unverified" "0" "$(echo "$stored" | field 'd["mailnode"]["tls_verified"]')"
expect "update: checked now" "True" "$(echo "$stored" | field 'd["mailnode"]["last_check"] > 1000000000')"
expect "update: the index is root's alone" "600" "$(stat -c %a "$root/var/cpanel/linked_nodes/master.json")"
out=$(w update_linked_server_node alias=mailnode api_token=WEAKTOKEN)
expect "update with a weak token: refused" "0" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect "update with a weak token: nothing stored" "$stored" "$(cat "$root/var/cpanel/linked_nodes/master.json")"

# A distributed account's proxying is set on its child node too.
w createacct username=bob domain=bob.example password=Main-pass1 >/dev/null
echo "WORKER_NODE-Mail=mailnode:CHILDTOKEN" >> "$root/var/cpanel/users/bob"
out=$(w set_service_proxy_backends username=bob general=192.0.2.10)
expect "proxy: result" "1" "$(echo "$out" | field 'd["metadata"]["result"]')"
last=$(tail -n 1 "$run/requests.log")
expect "proxy: the child node was told" "set_service_proxy_backends" "$(echo "$last" | field 'd["function"]')"
expect "proxy: for bob" "['bob']" "$(echo "$last" | field 'd["fields"]["username"]')"
expect "proxy: the backend" "['192.0.2.10']" "$(echo "$last" | field 'd["fields"]["general"]')"
expect "proxy: stored" "PROXY_BACKEND=192.0.2.10" "$(grep '^PROXY_BACKEND=' "$root/var/cpanel/users/bob")"
out=$(w unset_all_service_proxy_backends username=bob)
expect "unproxy: the child node was told" "unset_all_service_proxy_backends" \
  "$(tail -n 1 "$run/requests.log" | field 'd["function"]')"
expect "unproxy: removed" "" "$(grep '^PROXY_BACKEND' "$root/var/cpanel/users/bob")"

echo "$passed passed, $failed failed"
((failed == 0))
