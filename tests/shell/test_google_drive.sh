#!/usr/bin/env bash
# Google Drive destinations against a stand-in for Google's token endpoint
# and the Drive v3 API on 127.0.0.1 (google_drive_server.py; nothing leaves
# loopback): the authorization URI, the code exchange (whmkit-backup
# google-auth), the credentials file, validation, the token refresh, and
# whmkit-backup run uploading the archive byte for byte into the folder,
# recorded in the transport history.
# Usage: test_google_drive.sh BIN_DIR
set -u
bin=$1
here=$(dirname "$0")
source "$here/expect.sh"
source "$here/servers.sh"
root=$(mktemp -d /tmp/whmkit-gd-XXXXXX)
run=$(mktemp -d /tmp/whmkit-gd-run-XXXXXX)
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null
  rm -rf "$root" "$run"
}
trap cleanup EXIT

start_stand_in "$here/google_drive_server.py" "$run/port" "$run/drive"
port=$server_port
base=http://127.0.0.1:$port
export WHMKIT_ROOT=$root WHMKIT_GOOGLE_AUTH_URI=$base/auth WHMKIT_GOOGLE_TOKEN_URI=$base/token \
  WHMKIT_GOOGLE_DRIVE_API=$base TZ=UTC
w() { "$bin/whmapi1" --output=json "$@"; }

w createacct username=bob domain=bob.example password=Main-pass1 >/dev/null
echo "bob's page" > "$root/home/bob/public_html/index.html"
w backup_config_set backupenable=1 backupdays=1 >/dev/null  # 2026-11-23 is a Monday
id=$(w backup_destination_add type=GoogleDrive name=drive client_id=whmkit-test-client \
  client_secret=whmkit-test-secret folder=whmkit/server1 timeout=10 | field 'd["data"]["id"]')

expect "no credentials yet" "0" \
  "$(w backup_does_client_id_have_google_credentials client_id=whmkit-test-client | field 'd["data"]["exists"]')"
out=$(w backup_destination_validate id="$id" disableonfail=0)
expect "validation without credentials fails" "0" "$(echo "$out" | field 'd["metadata"]["result"]')"

uri=$(w backup_generate_google_oauth_uri client_id=whmkit-test-client client_secret=whmkit-test-secret \
  | field 'd["data"]["uri"]')
expect "the URI goes to the configured login endpoint" "$base/auth?client_id=whmkit-test-client" "${uri%%&*}"
state=${uri##*state=}
expect "a bad code is refused" "1" \
  "$("$bin/whmkit-backup" google-auth "$state" bad-code >/dev/null 2>&1; echo $?)"
expect "the refused code stored nothing" "0" \
  "$(w backup_does_client_id_have_google_credentials client_id=whmkit-test-client | field 'd["data"]["exists"]')"
"$bin/whmkit-backup" google-auth "$state" good-code >/dev/null
expect "the code exchange stores the credentials" "1" \
  "$(w backup_does_client_id_have_google_credentials client_id=whmkit-test-client | field 'd["data"]["exists"]')"
expect "the authorization file is gone" "" "$(ls "$root/var/cpanel/backups" | grep google_oauth_tempfile_)"
expect "credentials are root's alone" "600" "$(stat -c %a "$root/var/cpanel/backups/whmkit-test-client.yml")"

out=$(w backup_destination_validate id="$id" disableonfail=0)
expect "the destination validates" "1" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect "the token near its end was refreshed once" "1" \
  "$(curl -s "$base/stats" | field 'd["refreshed"]')"
expect "the refreshed token is stored" "access-2" \
  "$(sed -n 's/^access_token: //p' "$root/var/cpanel/backups/whmkit-test-client.yml")"
expect "the validation file is removed again" "" "$(ls "$run/drive/whmkit/server1" 2>/dev/null)"

"$bin/whmkit-backup" run --date 2026-11-23 > "$run/backup.out"
expect "whmkit-backup run succeeds" "0" "$?"
local_archive=$root/backup/2026-11-23/accounts/bob.tar.gz
expect "uploaded to the Drive folder byte for byte" "same" \
  "$(cmp -s "$local_archive" "$run/drive/whmkit/server1/2026-11-23/accounts/bob.tar.gz" && echo same)"
expect "no second refresh for a valid token" "1" "$(curl -s "$base/stats" | field 'd["refreshed"]')"
expect "the transport history has it" "{'$id': {'bob': ['2026-11-23T00:00:00.000Z']}}" \
  "$(w backup_list_transported | field 'd["data"]["remote_backups"]')"
expect "its status" "completed" \
  "$(w backup_get_transport_status transport_name=drive | field 'd["data"]["transport_status"][0]["status"]')"

echo "$passed passed, $failed failed"
((failed == 0))
