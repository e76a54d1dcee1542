#!/usr/bin/env bash
# End to end: the Services functions act on real daemons. The test starts
# named, cron, pure-ftpd and sshd on 127.0.0.1 (tests/shell/servers.sh) and
# lists each in the state root's service table (etc/whmkit/services/), the
# way whmkit acts on services under a state root other than "/". Then:
# servicestatus reports each running; restartservice restarts each (a new
# PID, the old process gone, the port answers again); a daemon killed behind
# whmkit's back is reported stopped, and restartservice brings it back;
# configureservice enabled=0 stops one and writes etc/<service>disable,
# enabled=1 starts it again; monitored=1 and enable_monitor_all_enabled_services
# write etc/chkserv.d/chkservd.conf.
# Usage: test_services.sh BIN_DIR   (as root: starts sshd, cron in a mount namespace)
set -u
bin=$1
here=$(dirname "$0")
source "$here/expect.sh"
source "$here/servers.sh"
for tool in named dig cron pure-ftpd pure-pw sshd ssh-keygen unshare; do
  command -v $tool >/dev/null || {
    echo "$tool is missing (scripts/install-deps.sh installs bind9, cron, pure-ftpd, openssh-server)"
    echo "0 passed, 1 failed"; exit 1
  }
done
if [[ $(id -u) != 0 ]]; then echo "must run as root (starts sshd, mounts in a namespace)"; echo "0 passed, 1 failed"; exit 1; fi

root=$(mktemp -d /tmp/whmkit-services-XXXXXX)
run=$(mktemp -d /tmp/whmkit-services-run-XXXXXX)
chmod 755 "$run"
base=$((26000 + RANDOM % 1000))
named_port=$base ftp_port=$((base + 1000)) ssh_port=$((base + 2000))
# Only what this test started, by the pids in its own files.
cleanup() {
  local f
  for f in named ftpd sshd crond; do stop_server "$run/$f.pid"; done
  rm -rf "$root" "$run"
}
trap cleanup EXIT
w() { "$bin/whmapi1" --root="$root" --output=json "$@"; }
status_of() { w servicestatus service="$1" | field 'd["data"]["service"][0]'"$2"; }
# The first bytes a TCP server on 127.0.0.1:$1 sends ("220" for FTP, "SSH" for sshd).
banner() { timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && head -c 3 <&3' _ "$1" 2>/dev/null; }
answers() {  # SERVICE: what proves the daemon serves
  case $1 in
    named) dig +short +time=1 +tries=2 @127.0.0.1 -p "$named_port" www.services-test.example A ;;
    ftpd) banner "$ftp_port" ;;
    sshd) banner "$ssh_port" ;;
    crond) cat "/proc/$(cat "$run/crond.pid")/comm" 2>/dev/null ;;
  esac
}
# "gone" once the process has ended (a zombie no one reaps counts as ended).
gone() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null); [[ -z $st || $st == Z* ]] && echo gone || echo running; }
declare -A proof=([named]=192.0.2.80 [ftpd]=220 [sshd]=SSH [crond]=cron)
# The service table entry: the daemon's argv as servers.sh has it.
table() {  # SERVICE PORT FOREGROUND
  mkdir -p "$root/etc/whmkit/services"
  printf '# %s, as tests/shell/servers.sh starts it\nstart=%s\npidfile=%s\nport=%s\nforeground=%s\n' \
    "$1" "${server_cmd[*]}" "$run/$1.pid" "$2" "$3" > "$root/etc/whmkit/services/$1.conf"
}

# named, with one zone.
cp "$here/../services/services-test.example.db" "$run/"
{ named_options "$run" "$named_port"; sed "s|@RUN@|$run|" "$here/../services/named.conf.in"; } > "$run/named.conf"
named_command "$run/named.conf"
table named "$named_port" 0
start_server "$named_port" "$run/named.err"
# pure-ftpd with an empty PureDB.
: > "$run/ftp.passwd" && pure-pw mkdb "$run/ftp.pdb" -f "$run/ftp.passwd"
pure_ftpd_command "$ftp_port" "$run/ftp.pdb" "$run/ftpd.pid" 30500:30599
table ftpd "$ftp_port" 0
start_server "$ftp_port"
# sshd, from the configuration test_ssh.sh uses.
ssh-keygen -q -t ed25519 -N '' -f "$run/hostkey"
sed -e "s|@PORT@|$ssh_port|" -e "s|@RUN@|$run|" -e "s|@USER@|nobody|" "$here/../ssh/sshd_config" > "$run/sshd_config"
sshd_command "$run/sshd_config" "$run/sshd.log"
table sshd "$ssh_port" 0
start_server "$ssh_port"
# cron stays in the foreground: whmkit starts it (configureservice enabled=1) and keeps its pid file.
cron_command
table crond "" 1
expect "configureservice enabled=1 starts cron" "Enabled crond." "$(w configureservice service=crond enabled=1 | field 'd["metadata"]["reason"]')"

for svc in named ftpd sshd crond; do
  expect "$svc: servicestatus says running" "1 1 1" "$(status_of $svc '["installed"], d["data"]["service"][0]["enabled"], d["data"]["service"][0]["running"]' | tr -d '(),')"
  expect "$svc answers" "${proof[$svc]}" "$(answers $svc)"
  old=$(cat "$run/$svc.pid")
  out=$(w restartservice service=$svc)
  expect "$svc: restartservice succeeds" "1" "$(echo "$out" | field 'd["metadata"]["result"]')"
  expect_contains "$svc: the output names the new process" "is running as" "$(echo "$out" | field 'd["data"]["output"]')"
  new=$(cat "$run/$svc.pid")
  expect "$svc: a new PID" "yes" "$([[ -n $new && $new != "$old" ]] && echo yes || echo no)"
  expect "$svc: the old process is gone" "gone" "$(gone "$old")"
  expect "$svc answers after the restart" "${proof[$svc]}" "$(answers $svc)"
  expect "$svc: servicestatus says running after the restart" "1" "$(status_of $svc '["running"]')"
done

# A daemon killed behind whmkit's back is reported stopped; restartservice starts it.
kill "$(cat "$run/sshd.pid")"
for _ in $(seq 50); do [[ -z $(banner "$ssh_port") ]] && break; sleep 0.1; done
expect "a killed sshd: running 0, still enabled and installed" "0 1 1" \
  "$(status_of sshd '["running"], d["data"]["service"][0]["enabled"], d["data"]["service"][0]["installed"]' | tr -d '(),')"
expect "restartservice starts the stopped sshd" "1" "$(w restartservice service=sshd | field 'd["metadata"]["result"]')"
expect "sshd answers again" "SSH" "$(answers sshd)"

# Disabled: stopped, the touch file, and restartservice refuses it.
ftp_pid=$(cat "$run/ftpd.pid")
expect "configureservice enabled=0" "Disabled ftpd." "$(w configureservice service=ftpd enabled=0 | field 'd["metadata"]["reason"]')"
expect "it writes etc/ftpddisable" "yes" "$([[ -f $root/etc/ftpddisable ]] && echo yes || echo no)"
expect "servicestatus: ftpd disabled and stopped" "0 0 1" \
  "$(status_of ftpd '["enabled"], d["data"]["service"][0]["running"], d["data"]["service"][0]["installed"]' | tr -d '(),')"
expect "the FTP port no longer answers" "" "$(banner "$ftp_port")"
expect "the pure-ftpd process is gone" "gone" "$(gone "$ftp_pid")"
expect_contains "restartservice refuses a disabled service" "is disabled" \
  "$(w restartservice service=ftpd | field 'd["metadata"]["reason"]')"
expect "configureservice enabled=1 starts it again" "Enabled ftpd." \
  "$(w configureservice service=ftpd enabled=1 | field 'd["metadata"]["reason"]')"
expect "etc/ftpddisable is gone" "no" "$([[ -e $root/etc/ftpddisable ]] && echo yes || echo no)"
expect "the FTP port answers again" "220" "$(answers ftpd)"

# Monitoring: chkservd.conf lines.
expect "monitored=1" "Enabled monitoring for named." \
  "$(w configureservice service=named monitored=1 | field 'd["metadata"]["reason"]')"
expect "chkservd.conf has named:1" "named:1" "$(cat "$root/etc/chkserv.d/chkservd.conf")"
expect "enable_monitor_all_enabled_services lists the four installed ones" "['crond', 'ftpd', 'named', 'sshd']" \
  "$(w enable_monitor_all_enabled_services | field '[s["service"] for s in d["data"]["services"]]')"
expect "each is monitored now" "1 1 1 1" \
  "$(w servicestatus | field '" ".join(str(s["monitored"]) for s in d["data"]["service"] if s["installed"])')"
expect "a service that is not installed is not monitored" "0 0" "$(status_of exim '["installed"], d["data"]["service"][0]["monitored"]' | tr -d '(),')"

if ((failed)); then echo "--- named.err"; cat "$run/named.err" 2>/dev/null; echo "--- sshd.log"; tail -5 "$run/sshd.log"; fi
echo "$passed passed, $failed failed"
((failed == 0))
