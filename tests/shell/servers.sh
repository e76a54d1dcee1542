# Sourced by the shell tests that start real daemons on 127.0.0.1: the one
# place that knows each daemon's command line. A *_command function sets the
# array `server_cmd` to the daemon's argv (test_services.sh also writes it
# into whmkit's service table); start_server runs it and waits for its port.
# Every daemon here detaches itself and writes its pid file, except cron,
# which stays in the foreground.
export PATH=$PATH:/usr/sbin

# Pure-FTPd serving the PureDB file $2, its pid in $3, passive ports $4 (a-b).
pure_ftpd_command() {  # PORT PUREDB PIDFILE PASSIVE_RANGE
  server_cmd=(pure-ftpd -S "127.0.0.1,$1" -l "puredb:$2" -E -H -p "$4" -P 127.0.0.1 -g "$3" -B)
}

# OpenSSH's sshd from the configuration $1 (which names the port, host key
# and pid file), logging to $2. sshd re-executes itself: an absolute path.
sshd_command() {  # CONFIG LOG
  mkdir -p /run/sshd
  server_cmd=(/usr/sbin/sshd -f "$1" -E "$2")
}

# BIND's named from the configuration $1. It stays root: its directory is
# the test's own, which the "bind" user could not write.
named_command() {  # CONFIG
  server_cmd=("$(command -v named || echo /usr/sbin/named)" -c "$1")
}

# The options of a named.conf for a named of the test's own: listening on
# 127.0.0.1:$2 only, its files in $1, no recursion.
named_options() {  # RUN PORT
  printf 'options {\n\tdirectory "%s";\n\tlisten-on port %s { 127.0.0.1; };\n\tlisten-on-v6 { none; };\n' "$1" "$2"
  printf '\tpid-file "%s/named.pid";\n\trecursion no;\n\tdnssec-validation no;\n};\n' "$1"
}

# cron in a mount namespace of its own (tests/services/cron-namespace.sh):
# its pid file and the crontabs it reads are empty, so it meets neither the
# machine's cron nor the machine's jobs. It stays in the foreground.
cron_command() {
  server_cmd=(unshare -m sh "$(cd "$(dirname "${BASH_SOURCE[0]}")/../services" && pwd)/cron-namespace.sh")
}

# whmkit's own whmkitd: WHM on 127.0.0.1:$2 and cPanel on 127.0.0.1:$3 over
# the state root $1, in the background (it stays in the foreground; the
# caller keeps $! to stop it with SIGTERM).
whmkitd_command() {  # BIN_DIR ROOT WHM_PORT CPANEL_PORT
  server_cmd=("$1/whmkitd" --root "$2" --whm-listen "127.0.0.1:$3" --cpanel-listen "127.0.0.1:$4")
}

# Whether something answers TCP on 127.0.0.1:$1, waiting up to five seconds.
wait_for_port() {  # PORT
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  return 1
}

# Runs server_cmd (set by a *_command above) and waits for the port.
start_server() {  # PORT [ERRLOG]
  "${server_cmd[@]}" >/dev/null 2>>"${2:-/dev/null}"
  wait_for_port "$1"
}

# Stops the daemon whose pid the file holds: only what the test started.
stop_server() {  # PIDFILE
  [[ -f $1 ]] && kill "$(cat "$1")" 2>/dev/null
  return 0
}

# A stand-in HTTP(S) server of the test's own: a python3 script in
# tests/shell that binds 127.0.0.1 and writes its port to its first
# argument. Sets server_pid (for the test's cleanup) and server_port.
start_stand_in() {  # SCRIPT PORTFILE [ARGS...]
  python3 "$@" &
  server_pid=$!
  for _ in $(seq 100); do [[ -s $2 ]] && break; sleep 0.05; done
  server_port=$(cat "$2")
}

# Dovecot (IMAP and POP3) from the configuration $1, which keeps its
# base_dir (and so its pid file, master.pid) in the test's own directory.
dovecot_command() {  # CONFIG
  server_cmd=(/usr/sbin/dovecot -c "$1")
}
