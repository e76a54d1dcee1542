#!/usr/bin/env bash
# The notification test messages against stand-ins for a POST URL, a Slack
# webhook and Pushbullet's API on 127.0.0.1 (notification_server.py; nothing
# leaves loopback): each request arrives with the method, headers and body
# cPanel sends, the answers are reported as cPanel reports them, the
# verify_*_access functions test every configured target, and an address
# outside loopback is refused under a test root without a packet sent.
# Usage: test_notifications.sh BIN_DIR
set -u
bin=$1
here=$(dirname "$0")
source "$here/expect.sh"
source "$here/servers.sh"
command -v python3 >/dev/null || { echo "skipped: no python3"; exit 77; }
root=$(mktemp -d /tmp/whmkit-notify-XXXXXX)
run=$(mktemp -d /tmp/whmkit-notify-run-XXXXXX)
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null
  rm -rf "$root" "$run"
}
trap cleanup EXIT

start_stand_in "$here/notification_server.py" "$run/port" "$run/log"
port=$server_port
base=http://127.0.0.1:$port
export WHMKIT_ROOT=$root WHMKIT_PUSHBULLET_API=$base/pushbullet/v2
w() { "$bin/whmapi1" --output=json "$@"; }
# The Nth request the server saw (from 1), as a Python expression on it.
seen() { python3 -c "import json,sys,urllib.parse as u; r=[json.loads(l) for l in open(sys.argv[1])][int(sys.argv[2])-1]; print(eval(sys.argv[3]))" "$run/log" "$1" "$2"; }
count() { [[ -f $run/log ]] && wc -l < "$run/log" || echo 0; }

mkdir -p "$root/etc"
printf 'server.example\n' > "$root/etc/hostname"
printf 'ADDR 192.0.2.10\n' > "$root/etc/wwwacct.conf"

# send_test_posturl: the query string goes into the form, not the URL.
out=$(w send_test_posturl url="$base/posturl/ok?apikey=K1&state=Texas")
id=$(echo "$out" | field 'd["data"]["message_id"]')
expect "posturl: the call succeeds" "1" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect "posturl: a four-character ID" "4" "${#id}"
expect "posturl: the server's status is reported" "200" "$(echo "$out" | field 'd["data"]["payload"]["status"]')"
expect "posturl: and its content" "received" "$(echo "$out" | field 'd["data"]["payload"]["content"]')"
expect "posturl: and its headers" "notifications" \
  "$(echo "$out" | field 'd["data"]["payload"]["headers"]["x-test-server"]')"
expect "posturl: posted to the URL without its query" "/posturl/ok" "$(seen 1 'r["path"]')"
expect "posturl: as a form" "application/x-www-form-urlencoded; charset=UTF-8" \
  "$(seen 1 'r["headers"]["content-type"]')"
expect "posturl: with the query's fields" "K1 Texas" \
  "$(seen 1 'u.parse_qs(r["body"])["apikey"][0] + " " + u.parse_qs(r["body"])["state"][0]')"
expect "posturl: the subject carries the ID" "Test message (ID: $id)" "$(seen 1 'u.parse_qs(r["body"])["subject"][0]')"
expect_contains "posturl: the body names the server" \
  "This message confirms that “server.example” (192.0.2.10) can send a message to you via Posturl." \
  "$(seen 1 'u.parse_qs(r["body"])["body"][0]')"

out=$(w send_test_posturl url="$base/posturl/fail")
expect "posturl: a refusing server fails the call" "0" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect "posturl: with the server's reason" "Internal Server Error" "$(echo "$out" | field 'd["metadata"]["reason"]')"
expect "posturl: and its answer as the error" "broken" "$(echo "$out" | field 'd["data"]["error"]')"

# send_test_pushbullet_note: a note, the token as a bearer token.
before=$(count)
out=$(w send_test_pushbullet_note access_token=good-token)
n=$((before + 1))
expect "pushbullet: the call succeeds" "1" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect "pushbullet: to the pushes endpoint" "/pushbullet/v2/pushes" "$(seen $n 'r["path"]')"
expect "pushbullet: with the token" "Bearer good-token" "$(seen $n 'r["headers"]["authorization"]')"
expect "pushbullet: as JSON" "application/json" "$(seen $n 'r["headers"]["content-type"]')"
expect "pushbullet: a note" "note" "$(seen $n 'json.loads(r["body"])["type"]')"
id=$(echo "$out" | field 'd["data"]["message_id"]')
expect "pushbullet: the payload is the pushed note" "Test message (ID: $id)" \
  "$(echo "$out" | field 'd["data"]["payload"]["title"]')"
expect "pushbullet: as Pushbullet answered it" "ujw5ScArtjUsjAeRXXMLGS" \
  "$(echo "$out" | field 'd["data"]["payload"]["iden"]')"
out=$(w send_test_pushbullet_note access_token=wrong-token)
expect "pushbullet: a refused token fails the call" "0" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect "pushbullet: with Pushbullet's error" \
  "The system failed to send a note via Pushbullet because of an error of type “invalid_request”: Access token is missing or invalid. (401 - Unauthorized)" \
  "$(echo "$out" | field 'd["metadata"]["reason"]')"

# The verify functions test every configured target.
cat >> "$root/etc/wwwacct.conf" <<EOF
CONTACTPOSTURL $base/posturl/ok?k=1,$base/posturl/fail
CONTACTSLACK $base/slack/T000/B000/XXXX
EOF
printf 'CONTACTPUSHBULLET good-token,wrong-token\n' > "$root/etc/wwwacct.conf.shadow"
chmod 600 "$root/etc/wwwacct.conf.shadow"

out=$(w verify_posturl_access)
expect "verify posturl: the call succeeds" "1" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect "verify posturl: one result per URL" "$base/posturl/ok?k=1 $base/posturl/fail" \
  "$(echo "$out" | field '" ".join(x["url"] for x in d["data"]["results"])')"
expect "verify posturl: each with its status" "200 500" \
  "$(echo "$out" | field '" ".join(x["result"]["payload"]["status"] for x in d["data"]["results"])')"
expect "verify posturl: the failed one with its error" "broken" \
  "$(echo "$out" | field 'd["data"]["results"][1]["result"]["error"]')"

before=$(count)
out=$(w verify_slack_access)
n=$((before + 1))
expect "verify slack: the call succeeds" "1" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect "verify slack: the webhook answered" "200" "$(echo "$out" | field 'd["data"]["results"][0]["result"]["payload"]["status"]')"
id=$(echo "$out" | field 'd["data"]["results"][0]["result"]["message_id"]')
expect "verify slack: posted to the webhook" "/slack/T000/B000/XXXX" "$(seen $n 'r["path"]')"
expect "verify slack: a JSON attachment titled with the ID" "Test message (ID: $id)" \
  "$(seen $n 'json.loads(r["body"])["attachments"][0]["title"]')"
expect_contains "verify slack: its text names the server" "can send a message to you via Slack." \
  "$(seen $n 'json.loads(r["body"])["attachments"][0]["text"]')"

out=$(w verify_pushbullet_access)
expect "verify pushbullet: the call succeeds" "1" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect "verify pushbullet: one result per token" "good-token wrong-token" \
  "$(echo "$out" | field '" ".join(x["access_token"] for x in d["data"]["results"])')"
expect "verify pushbullet: the good one pushed" "note" \
  "$(echo "$out" | field 'd["data"]["results"][0]["result"]["payload"]["type"]')"
expect_contains "verify pushbullet: the wrong one carries its error" "invalid_request" \
  "$(echo "$out" | field 'd["data"]["results"][1]["result"]["error"]')"

# Under a test root nothing leaves loopback, not even a DNS query.
before=$(count)
out=$(w send_test_posturl url=http://192.0.2.1/events)
expect "outside loopback: refused" "0" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect_contains "outside loopback: says why" "sends only to this machine" "$(echo "$out" | field 'd["data"]["error"]')"
out=$(WHMKIT_PUSHBULLET_API=https://api.pushbullet.com/v2 w send_test_pushbullet_note access_token=good-token)
expect_contains "outside loopback: Pushbullet's own API too" "sends only to this machine" \
  "$(echo "$out" | field 'd["metadata"]["reason"]')"
expect "outside loopback: no request was made" "$before" "$(count)"

echo "$passed passed, $failed failed"
((failed == 0))
