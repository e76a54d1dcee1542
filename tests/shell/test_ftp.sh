#!/usr/bin/env bash
# End to end: a real pure-ftpd on 127.0.0.1 serves the PureDB that
# `uapi Ftp add_ftp` derived. curl logs in and uploads; the live session shows
# up in `uapi Ftp list_sessions` / `cpapi2 Ftp listftpsessions`; kill_session
# ends it; disabled, IP-restricted and read-only logins are refused.
# Usage: test_ftp.sh BIN_DIR
set -u
bin=$1
passed=0 failed=0
expect() {
  if [[ "$2" == "$3" ]]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); printf 'FAIL %s\n  expected: %q\n  actual:   %q\n' "$1" "$2" "$3"; fi
}
for tool in pure-ftpd pure-pw pure-ftpwho curl; do
  if ! command -v $tool >/dev/null && [[ ! -x /usr/sbin/$tool ]]; then
    echo "$tool is missing (scripts/install-deps.sh installs pure-ftpd and curl)"; echo "0 passed, 1 failed"; exit 1
  fi
done
export PATH=$PATH:/usr/sbin
root=$(mktemp -d /tmp/whmkit-ftp-XXXXXX)
# Homes are "/tmp/whmkit-ftphome-N/<user>" in the state root's files; a
# symlink of that path into the root lets pure-ftpd find them.
homebase=$(mktemp -u /tmp/whmkit-ftphome-XXXXXX)
port=$((21000 + RANDOM % 1000))
pidfile=$root/pure-ftpd.pid
cleanup() {
  [[ -f $pidfile ]] && kill "$(cat "$pidfile")" 2>/dev/null
  pkill -f "pure-ftpd.*127.0.0.1,$port" 2>/dev/null
  rm -f "$homebase"; rm -rf "$root"
}
trap cleanup EXIT
export WHMKIT_ROOT=$root
u() { "$bin/uapi" --output=json --user=bob "$@"; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

mkdir -p "$root/etc" && printf 'HOMEDIR %s\nADDR 127.0.0.1\n' "$homebase" > "$root/etc/wwwacct.conf"
"$bin/whmapi1" --output=json createacct username=bob domain=bob.example password=Main-pass1 >/dev/null
ln -s "$root$homebase" "$homebase"
expect "add_ftp succeeds" "1" "$(u Ftp add_ftp user=deploy pass=S3cure.pass | field 'd["result"]["status"]')"
[[ -s $root/etc/pure-ftpd/pureftpd.pdb ]] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL no PureDB"; }

pure-ftpd -S "127.0.0.1,$port" -l "puredb:$root/etc/pure-ftpd/pureftpd.pdb" -E -H -p 30100:30199 -P 127.0.0.1 \
  -g "$pidfile" -B >/dev/null 2>&1
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

url="ftp://127.0.0.1:$port"
echo "uploaded through pure-ftpd" > "$root/hello.txt"
curl -sS --max-time 10 -T "$root/hello.txt" "$url/hello.txt" --user 'deploy@bob.example:S3cure.pass'
expect "curl upload lands in the FTP root" "uploaded through pure-ftpd" "$(cat "$root$homebase/bob/deploy/hello.txt" 2>/dev/null)"
expect "the file belongs to the account" "$(stat -c %u "$root$homebase/bob")" "$(stat -c %u "$root$homebase/bob/deploy/hello.txt" 2>/dev/null)"
curl -s --max-time 10 "$url/hello.txt" --user 'deploy@bob.example:wrong' -o /dev/null
expect "a wrong password is refused (curl 67)" "67" "$?"

# A slow download keeps a session open while we look at it.
truncate -s 200M "$root$homebase/bob/deploy/big.bin"
chown --reference="$root$homebase/bob/deploy" "$root$homebase/bob/deploy/big.bin"
curl -s --max-time 90 --limit-rate 2M "$url/big.bin" --user 'deploy@bob.example:S3cure.pass' -o /dev/null &
curl_pid=$!
sessions=""
for _ in $(seq 50); do
  sessions=$(u Ftp list_sessions)
  [[ $(echo "$sessions" | field '[s["status"] for s in d["result"]["data"]]') == "['DL']" ]] && break; sleep 0.2
done
expect "list_sessions shows the login" "deploy@bob.example" "$(echo "$sessions" | field 'd["result"]["data"][0]["user"]')"
expect "its status is DL" "DL" "$(echo "$sessions" | field 'd["result"]["data"][0]["status"]')"
expect "pid is an integer (UAPI)" "int" "$(echo "$sessions" | field 'type(d["result"]["data"][0]["pid"]).__name__')"
expect "cmdline from ps" "True" "$(echo "$sessions" | field 'd["result"]["data"][0]["cmdline"].startswith("pure-ftpd (")')"
expect "file being sent" "True" "$(echo "$sessions" | field '"big.bin" in d["result"]["data"][0]["file"]')"
api2=$("$bin/cpapi2" --output=json --user=bob Ftp listftpsessions)
expect "API 2 session keys" "['cmdline', 'file', 'host', 'login', 'pid', 'status', 'user']" \
  "$(echo "$api2" | field 'sorted(d["cpanelresult"]["data"][0].keys())')"
expect "pid is a string (API 2)" "str" "$(echo "$api2" | field 'type(d["cpanelresult"]["data"][0]["pid"]).__name__')"
"$bin/whmapi1" --output=json createacct username=alice domain=alice.example password=Main-pass2 >/dev/null
expect "another account sees none of it" "0" \
  "$("$bin/uapi" --output=json --user=alice Ftp list_sessions | field 'len(d["result"]["data"])')"
session_pid=$(echo "$sessions" | field 'd["result"]["data"][0]["pid"]')
expect "kill_session ends it" "Ended 1 FTP session." "$(u Ftp kill_session login=deploy | field 'd["result"]["messages"][0]')"
# The session's process is gone at once (SIGTERM, then SIGKILL)...
gone=running
for _ in $(seq 50); do
  state=$(ps -o stat= -p "$session_pid" 2>/dev/null)
  [[ -z $state || $state == Z* ]] && { gone=gone; break; }; sleep 0.1
done
expect "the session's pure-ftpd process has ended" "gone" "$gone"
expect "list_sessions no longer shows it" "0" "$(u Ftp list_sessions | field 'len([s for s in d["result"]["data"] if s["pid"] == '"$session_pid"'])')"
# ...and the client's download is cut short once it has read what its socket
# had buffered: curl exits 18 (partial file) long before the 100 s it needs.
for _ in $(seq 200); do kill -0 $curl_pid 2>/dev/null || break; sleep 0.1; done
kill -0 $curl_pid 2>/dev/null && kill $curl_pid
wait $curl_pid 2>/dev/null
expect "the client's download was cut (curl exit 18)" "18" "$?"

u Ftp set_enabled user=deploy enabled=0 >/dev/null
curl -s --max-time 10 "$url/hello.txt" --user 'deploy@bob.example:S3cure.pass' -o /dev/null
expect "a disabled login is refused" "67" "$?"
u Ftp set_enabled user=deploy enabled=1 >/dev/null
u Ftp set_allowed_ips user=deploy allowed_ips=203.0.113.0/24 >/dev/null
curl -s --max-time 10 "$url/hello.txt" --user 'deploy@bob.example:S3cure.pass' -o /dev/null
expect "a login from an address outside allowed_ips is refused" "67" "$?"
u Ftp set_allowed_ips user=deploy allowed_ips=127.0.0.1 >/dev/null
curl -s --max-time 10 "$url/hello.txt" --user 'deploy@bob.example:S3cure.pass' -o /dev/null
expect "allowed again from 127.0.0.1" "0" "$?"
u Ftp passwd user=deploy pass=N3w.password >/dev/null
curl -s --max-time 10 "$url/hello.txt" --user 'deploy@bob.example:N3w.password' -o /dev/null
expect "the new password works" "0" "$?"
u Ftp set_read_only user=deploy read_only=1 >/dev/null
curl -s --max-time 10 -T "$root/hello.txt" "$url/second.txt" --user 'deploy@bob.example:N3w.password'
expect "a read-only login cannot upload" "no" "$([[ -s $root$homebase/bob/deploy/second.txt ]] && echo yes || echo no)"
curl -s --max-time 10 "$url/hello.txt" --user 'deploy@bob.example:N3w.password' -o /dev/null
expect "a read-only login can download" "0" "$?"

echo "$passed passed, $failed failed"
((failed == 0))
