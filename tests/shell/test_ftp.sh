#!/usr/bin/env bash
# End to end: a real pure-ftpd on 127.0.0.1 serves the PureDB that
# `uapi Ftp add_ftp` derived. curl logs in and uploads; the live session shows
# up in `uapi Ftp list_sessions` / `cpapi2 Ftp listftpsessions`; kill_session
# ends it; disabled, IP-restricted and read-only logins are refused; an idle
# session's listftpsessions item matches the real server's recording. Then a
# second pure-ftpd, started from the state root's etc/pure-ftpd.conf with the
# "ftp" system user and the 127.0.0.1 virtual host of a cPanel server (in a
# private mount namespace, so the machine's /etc is left alone), proves the
# anonymous FTP functions: login, uploads to incoming, the welcome message,
# and the port, server name and daemon info the Ftp module reports.
# Usage: test_ftp.sh BIN_DIR
set -u
bin=$1
source "$(dirname "$0")/expect.sh"
source "$(dirname "$0")/servers.sh"
for tool in pure-ftpd pure-pw pure-ftpwho curl unshare; do
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
anon_port=$((port + 1000))
pidfile=$root/pure-ftpd.pid
anon_pidfile=$root/pure-ftpd-anonymous.pid
# Only the servers this test started, by their pid.
cleanup() {
  local f
  for f in "$pidfile" "$anon_pidfile"; do [[ -f $f ]] && kill "$(cat "$f")" 2>/dev/null; done
  rm -f "$homebase"; rm -rf "$root"
}
trap cleanup EXIT
export WHMKIT_ROOT=$root
u() { "$bin/uapi" --output=json --user=bob "$@"; }

mkdir -p "$root/etc" && printf 'HOMEDIR %s\nADDR 127.0.0.1\n' "$homebase" > "$root/etc/wwwacct.conf"
"$bin/whmapi1" --output=json createacct username=bob domain=bob.example password=Main-pass1 >/dev/null
ln -s "$root$homebase" "$homebase"
expect "add_ftp succeeds" "1" "$(u Ftp add_ftp user=deploy pass=S3cure.pass | field 'd["result"]["status"]')"
[[ -s $root/etc/pure-ftpd/pureftpd.pdb ]] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL no PureDB"; }

pure_ftpd_command "$port" "$root/etc/pure-ftpd/pureftpd.pdb" "$pidfile" 30100:30199
start_server "$port"

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

# ---- an idle session against the real server's recording ----------------------
# The recording's state: the login moo@blah.com of the account musannif (domain blah.com).
recording=$(dirname "$0")/../recordings/api2-ftp/listftpsessions.json
"$bin/whmapi1" --output=json createacct username=musannif domain=blah.com password=Main-pass3 >/dev/null
"$bin/uapi" --output=json --user=musannif Ftp add_ftp user=moo pass=M00.Session-pw >/dev/null
exec 4<>"/dev/tcp/127.0.0.1/$port"
printf 'USER moo@blah.com\r\nPASS M00.Session-pw\r\n' >&4
idle=""
for _ in $(seq 50); do
  idle=$("$bin/cpapi2" --output=json --user=musannif Ftp listftpsessions)
  [[ $(echo "$idle" | field 'len(d["cpanelresult"]["data"])') == 1 ]] && break; sleep 0.1
done
# pid (the process), login (when the session began), host (the client's
# address) depend on the machine; cmdline is compared without the blanks the
# recorded daemon's process title was padded with.
expect "listftpsessions matches the recording field by field" "[]" "$(echo "$idle" | python3 -c '
import json, sys
ours = json.load(sys.stdin)["cpanelresult"]["data"]
recorded = json.load(open(sys.argv[1]))["interactions"][0]["response"]["cpanelresult"]["data"]
machine = {"pid", "login", "host"}
diff = []
if len(ours) != len(recorded): diff.append("items: %d vs %d" % (len(ours), len(recorded)))
for r, o in zip(recorded, ours):
    if sorted(r) != sorted(o): diff.append("keys %s vs %s" % (sorted(r), sorted(o)))
    for k in r:
        if k not in o: continue
        if type(r[k]) is not type(o[k]): diff.append("%s: type %s vs %s" % (k, type(r[k]).__name__, type(o[k]).__name__))
        elif k == "cmdline": diff += [] if r[k].rstrip() == o[k].rstrip() else ["cmdline %r vs %r" % (r[k], o[k])]
        elif k not in machine and r[k] != o[k]: diff.append("%s: %r vs %r" % (k, r[k], o[k]))
print(diff)' "$recording")"
exec 4>&-

# ---- anonymous FTP on a second pure-ftpd, configured from the state root ------
printf 'ftpserver=pure-ftpd\n' >> "$root/var/cpanel/cpanel.config"
cat > "$root/etc/pure-ftpd.conf" <<CONF
# Pure-FTPd, as whmkit reads it for get_port (and pure-ftpd itself does).
Bind 127.0.0.1,$anon_port
PassivePortRange 30200 30299
ForcePassiveIP 127.0.0.1
PIDFile $anon_pidfile
Daemonize yes
DontResolve yes
NoAnonymous no
CONF
# The mount namespace's /etc: an "ftp" system user (the anonymous clients'
# identity, "other" to the account) and /etc/pure-ftpd/pure-ftpd/127.0.0.1,
# Debian's virtual-host directory, linked to bob's public_ftp as cPanel links
# /etc/pure-ftpd/<ip> for an account's dedicated address.
ns=$root/namespace
mkdir -p "$ns/pure-ftpd"
cp /etc/passwd "$ns/passwd" && echo "ftp:x:64999:64999::/nonexistent:/usr/sbin/nologin" >> "$ns/passwd"
cp /etc/group "$ns/group" && echo "ftp:x:64999:" >> "$ns/group"
ln -s "$homebase/bob/public_ftp" "$ns/pure-ftpd/127.0.0.1"
chmod 711 "$root"
unshare -m bash -c 'mount --bind "$1/passwd" /etc/passwd && mount --bind "$1/group" /etc/group &&
  mount --bind "$1" /etc/pure-ftpd && exec pure-ftpd "$2"' _ "$ns" "$root/etc/pure-ftpd.conf" >/dev/null 2>&1
wait_for_port "$anon_port"
anon="ftp://127.0.0.1:$anon_port"

greeting=$(curl -sS -v --max-time 10 "$anon/" --user anonymous:guest -o /dev/null 2>&1 | grep '^< 220-')
expect "server_name is the running daemon" "pure-ftpd" "$(u Ftp server_name | field 'd["result"]["data"]')"
expect "get_port is the port the daemon listens on" "$anon_port" "$(u Ftp get_port | field 'd["result"]["data"]["port"]')"
expect "the daemon's greeting names the same port" "yes" \
  "$([[ $greeting == *"Server port: $(u Ftp get_port | field 'd["result"]["data"]["port"]')."* ]] && echo yes || echo no)"
expect "get_ftp_daemon_info" "{'enabled': 1, 'name': 'pure-ftpd', 'supports': {'login_without_domain': 0, 'quota': 1}}" \
  "$(u Ftp get_ftp_daemon_info | field 'd["result"]["data"]')"

echo "for anonymous readers" > "$root$homebase/bob/public_ftp/readme.txt"
chmod 644 "$root$homebase/bob/public_ftp/readme.txt"
u Ftp set_anonymous_ftp set=0 >/dev/null
expect "allows_anonymous_ftp after set=0" "0" "$(u Ftp allows_anonymous_ftp | field 'd["result"]["data"]["allows"]')"
expect "anonymous FTP refused: no download" "" "$(curl -s --max-time 10 "$anon/readme.txt" --user anonymous:guest)"
u Ftp set_anonymous_ftp set=1 >/dev/null
expect "allows_anonymous_ftp after set=1" "1" "$(u Ftp allows_anonymous_ftp | field 'd["result"]["data"]["allows"]')"
expect "anonymous FTP allowed: the download works" "for anonymous readers" \
  "$(curl -s --max-time 10 "$anon/readme.txt" --user anonymous:guest)"

u Ftp set_anonymous_ftp_incoming set=0 >/dev/null
curl -s --max-time 10 -T "$root/hello.txt" "$anon/incoming/refused.txt" --user anonymous:guest
expect "anonymous upload refused with incoming closed" "no" \
  "$([[ -e $root$homebase/bob/public_ftp/incoming/refused.txt ]] && echo yes || echo no)"
u Ftp set_anonymous_ftp_incoming set=1 >/dev/null
expect "allows_anonymous_ftp_incoming after set=1" "1" \
  "$(u Ftp allows_anonymous_ftp_incoming | field 'd["result"]["data"]["allows"]')"
curl -s --max-time 10 -T "$root/hello.txt" "$anon/incoming/upload.txt" --user anonymous:guest
expect "anonymous upload lands in incoming" "uploaded through pure-ftpd" \
  "$(cat "$root$homebase/bob/public_ftp/incoming/upload.txt" 2>/dev/null)"

u Ftp set_welcome_message "message=Greetings, Professor Falken." >/dev/null
expect "get_welcome_message" "Greetings, Professor Falken." "$(u Ftp get_welcome_message | field 'd["result"]["data"]')"
expect "the welcome message is shown at an anonymous login" "< 230-Greetings, Professor Falken." \
  "$(curl -sS -v --max-time 10 "$anon/" --user anonymous:guest -o /dev/null 2>&1 | grep '^< 230-' | tr -d '\r')"

echo "$passed passed, $failed failed"
((failed == 0))
