#!/usr/bin/env bash
# The API Development Tools that reach other servers, against stand-ins on
# 127.0.0.1 (api_dev_tools_server.py; nothing leaves loopback):
# cors_proxy_get fetching a page (with WHM's Origin), following a redirect,
# reporting a 404; execute_remote_whmapi1_with_password calling WHM API 1
# over HTTPS with Basic authentication, with and without TLS verification,
# passing parameters and the remote's warnings and failures on.
# Usage: test_api_dev_tools.sh BIN_DIR
set -u
bin=$1
here=$(dirname "$0")
source "$here/expect.sh"
source "$here/servers.sh"
for tool in openssl python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
root=$(mktemp -d /tmp/whmkit-apidev-XXXXXX)
run=$(mktemp -d /tmp/whmkit-apidev-run-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  rm -rf "$root" "$run"
}
trap cleanup EXIT
mkdir -p "$root/etc" && echo host.example.com > "$root/etc/hostname"
export WHMKIT_ROOT=$root
w() { "$bin/whmapi1" --output=json "$@"; }

# ---- cors_proxy_get against a plain HTTP stand-in
start_stand_in "$here/api_dev_tools_server.py" "$run/web.port" "$run/web.log"
pids+=("$server_pid")
web=http://127.0.0.1:$server_port
out=$(w cors_proxy_get url="$web/page")
expect "cors: result" "1" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect "cors: status" "200" "$(echo "$out" | field 'd["data"]["status"]')"
expect "cors: success" "1" "$(echo "$out" | field 'd["data"]["success"]')"
expect "cors: content" "<!doctype html><title>stand-in</title>" "$(echo "$out" | field 'd["data"]["content"].strip()')"
expect "cors: headers in lower case" "text/html; charset=UTF-8" "$(echo "$out" | field 'd["data"]["headers"]["content-type"]')"
expect "cors: WHM's origin was sent" "http://host.example.com:2086" "$(echo "$out" | field 'd["data"]["headers"]["x-seen-origin"]')"
expect "cors: protocol" "HTTP/1.1" "$(echo "$out" | field 'd["data"]["protocol"]')"
out=$(w cors_proxy_get url="$web/moved")
expect "cors redirect: final page" "200" "$(echo "$out" | field 'd["data"]["status"]')"
expect "cors redirect: final url" "$web/page" "$(echo "$out" | field 'd["data"]["url"]')"
expect "cors redirect: the redirect" "302" "$(echo "$out" | field 'd["data"]["_cp_redirects"][0]["status"]')"
out=$(w cors_proxy_get url="$web/missing")
expect "cors 404: call succeeds" "1" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect "cors 404: reported" "404 0" "$(echo "$out" | field 'd["data"]["status"] + " " + str(d["data"]["success"])')"

# ---- execute_remote_whmapi1_with_password against an HTTPS stand-in
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$run/key.pem" -out "$run/cert.pem" 2>/dev/null
start_stand_in "$here/api_dev_tools_server.py" "$run/whm.port" "$run/whm.log" "$run/cert.pem" "$run/key.pem"
pids+=("$server_pid")
export WHMKIT_REMOTE_WHM_PORT=$server_port
remote() { w execute_remote_whmapi1_with_password host=127.0.0.1 username=root "$@"; }
out=$(WHMKIT_REMOTE_WHM_CA_FILE=$run/cert.pem remote password=luggage12345 function=version)
expect "remote: result" "1" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect "remote: the remote's data" "11.110.0.5" "$(echo "$out" | field 'd["data"]["version"]')"
last=$(tail -n 1 "$run/whm.log")
expect "remote: Basic authentication" "Basic cm9vdDpsdWdnYWdlMTIzNDU=" "$(echo "$last" | field 'd["authorization"]')"
expect "remote: WHM API 1" "['1']" "$(echo "$last" | field 'd["fields"]["api.version"]')"
out=$(remote password=luggage12345 function=version)
expect "unverified certificate: refused" "0" "$(echo "$out" | field 'd["metadata"]["result"]')"
out=$(remote password=luggage12345 function=echo tls_verification=off \
  parameter_name-0=user parameter_value-0=bob parameter_name-1=domain parameter_value-1=a.example \
  parameter_name-2=domain parameter_value-2=b.example)
expect "parameters: sent" "{'domain': ['a.example', 'b.example'], 'user': ['bob']}" "$(echo "$out" | field 'd["data"]')"
expect "parameters: the remote's warning" "['echoed']" "$(echo "$out" | field 'd["metadata"]["output"]["warnings"]')"
out=$(remote password=luggage12345 function=nosuch tls_verification=off)
expect "a remote failure: result" "0" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect "a remote failure: its reason" "Unknown function “nosuch”." "$(echo "$out" | field 'd["metadata"]["reason"]')"
out=$(remote password=wrong function=version tls_verification=off)
expect "a wrong password: refused" "0" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect_contains "a wrong password: HTTP 403" "HTTP 403" "$(echo "$out" | field 'd["metadata"]["reason"]')"
expect "a wrong password: not echoed" "" "$(echo "$out" | grep -o wrong)"

echo "$passed passed, $failed failed"
((failed == 0))
