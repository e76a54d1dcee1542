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

# Exim: the configuration made from tests/mail/exim.conf.in for the state
# root $1 (its run files — spool, logs, pid — in $2), listening on
# 127.0.0.1:$3 as the host named $4. Exim's user and the host's "mail" group
# (the group the files Exim reads at SMTP time belong to) are this machine's.
exim_config() {  # ROOT RUN PORT HOSTNAME > CONFIG
  local template user gid
  template="$(cd "$(dirname "${BASH_SOURCE[0]}")/../mail" && pwd)/exim.conf.in"
  user=$(exim4 -C /dev/null -bP exim_user 2>/dev/null | sed 's/^exim_user = //')
  gid=$(getent group mail | cut -d: -f3)
  sed -e "s|@STATE_ROOT@|$1|" -e "s|@RUN_DIR@|$2|" -e "s|@PORT@|$3|" -e "s|@HOSTNAME@|$4|" \
    -e "s|@EXIM_USER@|$user|" -e "s|@MAIL_GID@|$gid|" "$template"
}

# Exim's daemon from the configuration $1 (made by exim_config, its run
# directory $2). Exim keeps root for a -C configuration only when the file
# is listed in /etc/exim4/trusted_configs (Debian's TRUSTED_CONFIG_LIST):
# without it the delivery that Exim re-executes itself for after receiving
# a message runs unprivileged and cannot deliver as the account. The list
# is made in $2/etc-exim4 and bound over /etc/exim4 in a mount namespace of
# the daemon's own (unshare), so the host's /etc/exim4 is never touched and
# the daemon and every process it starts see only our list. -q1m retries
# deferred messages; -bd detaches after writing $2/exim.pid.
start_exim() {  # CONFIG RUN PORT
  local user
  user=$(exim4 -C /dev/null -bP exim_user 2>/dev/null | sed 's/^exim_user = //')
  mkdir -p "$2/etc-exim4" "$2/spool" "$2/log"
  echo "$1" > "$2/etc-exim4/trusted_configs"
  chown root:root "$1" && chmod 644 "$1"
  chmod 711 "$2" && chown "$user" "$2/spool" "$2/log"
  unshare --mount sh -c 'mount --bind "$1" /etc/exim4 && exec exim4 -C "$2" -bd -q1m' _ "$2/etc-exim4" "$1" \
    >/dev/null 2>>"$2/start.err"
  wait_for_port "$3"
}

# Runs the exim4 command line "$@" as the daemon of start_exim sees it (same
# trusted configuration list): queue listings, queue runs, address tests.
exim_in_namespace() {  # RUN exim4-args...
  local run=$1
  shift
  unshare --mount sh -c 'mount --bind "$1" /etc/exim4 && shift && exec exim4 "$@"' _ "$run/etc-exim4" "$@"
}

stop_exim() {  # RUN
  stop_server "$1/exim.pid"
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

# exim_config, with mail for other domains sent (DKIM-signed) to an SMTP
# server of the test's own on 127.0.0.1:$5 instead of refused.
exim_config_with_smarthost() {  # ROOT RUN PORT HOSTNAME SMARTHOST_PORT > CONFIG
  exim_config "$1" "$2" "$3" "$4" | sed "s|^SMARTHOST_PORT = 0\$|SMARTHOST_PORT = $5|"
}

# The start of a test against the test Exim: refuses to go on without exim4,
# swaks and unshare; sets root (the state root, also WHMKIT_ROOT) and run
# (Exim's spool and logs) in /tmp/whmkit-NAME-*, and port (PORT_BASE plus up
# to 999); stops Exim and removes both on exit (KEEP=1 keeps them).
exim_test_setup() {  # NAME PORT_BASE
  local tool
  for tool in exim4 swaks unshare; do
    if ! command -v $tool >/dev/null; then
      echo "$tool is missing (scripts/install-deps.sh installs exim4-daemon-heavy and swaks)"; echo "0 passed, 1 failed"; exit 1
    fi
  done
  root=$(mktemp -d "/tmp/whmkit-$1-XXXXXX")
  run=$(mktemp -d "/tmp/whmkit-$1-run-XXXXXX")
  port=$(($2 + RANDOM % 1000))
  trap 'stop_exim "$run"; [[ -n ${KEEP:-} ]] || rm -rf "$root" "$run"' EXIT
  export WHMKIT_ROOT=$root
}

# The start of a test against the test Dovecot (after its own check that
# Dovecot is installed): sets root (the state root, also WHMKIT_ROOT),
# homebase (a path the homes are given; a symlink of it into the root lets
# Dovecot find them), run (Dovecot's base directory), imap_port (PORT_BASE
# plus up to 999) and pop3_port; stops that Dovecot, by its pid, and removes
# both on exit. Also u (a uapi call as bob) and field (a Python expression on
# the JSON of standard input, as d).
dovecot_test_setup() {  # NAME PORT_BASE
  root=$(mktemp -d "/tmp/whmkit-$1-XXXXXX")
  homebase=$(mktemp -u /tmp/whmkit-mailhome-XXXXXX)
  run=$root/run
  imap_port=$(($2 + RANDOM % 1000))
  pop3_port=$((imap_port + 1000))
  trap 'stop_server "$run/base/master.pid"
        for _ in $(seq 50); do [[ -e $run/base/master.pid ]] || break; sleep 0.1; done
        rm -f "$homebase"; rm -rf "$root"' EXIT
  export WHMKIT_ROOT=$root
  u() { "$bin/uapi" --output=json --user=bob "$@"; }
}

# The home directory of the account $1, as the state root's etc/passwd names it ("/home/bob").
home_of() { awk -F: -v u="$1" '$1 == u { print $6 }' "$root/etc/passwd"; }

# For the tests that reach a started Exim's queue as whmkit does on a server:
# $run/exim runs this daemon's Exim with its configuration (exported as
# WHMKIT_EXIM), and the helpers they share. `port` is the daemon's; wait_for
# uses the test's own maildir() (MAILBOX -> its new/ directory).
exim_queue_helpers() {
  cat > "$run/exim" <<EOF
#!/bin/sh
exec unshare --mount sh -c 'mount --bind "\$0" /etc/exim4 && exec exim4 -C "\$@"' "$run/etc-exim4" "$run/exim.conf" "\$@"
EOF
  chmod 755 "$run/exim"
  export WHMKIT_EXIM=$run/exim
}
# Waits until every message in the queue is a frozen one (the others are being delivered).
settle() {
  local queue
  for _ in $(seq 100); do
    queue=$("$run/exim" -bp 2>/dev/null)
    [[ $(grep -c '<' <<<"$queue") == $(grep -c 'frozen' <<<"$queue") ]] && return 0
    sleep 0.1
  done
}
# As the logged-in email account LOGIN (password Box-pass-1): prints Exim's reply to RCPT TO.
send_as() {  # LOGIN TO SUBJECT
  swaks --server "127.0.0.1:$port" --helo client.test --from "$1" --to "$2" --header "Subject: $3" \
    --auth PLAIN --auth-user "$1" --auth-password Box-pass-1 2>&1 | grep -A1 '^ -> RCPT TO' | tail -1 |
    sed 's/^ *<[*~-]* *//' | tr -d '\r'
}
# Until the mailbox has COUNT messages.
wait_for() {  # MAILBOX COUNT
  for _ in $(seq 100); do
    [[ $(ls "$(maildir "$1")" 2>/dev/null | wc -l) -ge $2 ]] && return 0
    sleep 0.1
  done
}

# ---------------------------------------------------------------- web servers (tests/ssl)

# The web servers' ports for the state root $1, set before its accounts are
# made so that the configuration whmkit writes (etc/apache2/conf/httpd.conf,
# etc/nginx/conf.d/users/<user>.conf) listens there: Apache HTTP on
# 127.0.0.1:$2 and HTTPS on $3 (the tweak settings apache_port and
# apache_ssl_port), nginx on $4 and $5 (etc/whmkit/web_ports.conf).
web_server_ports() {  # ROOT APACHE_HTTP APACHE_HTTPS [NGINX_HTTP NGINX_HTTPS]
  local conf=$1/var/cpanel/cpanel.config
  mkdir -p "$1/var/cpanel" "$1/etc/whmkit"
  touch "$conf"
  sed -i -e '/^apache_port=/d' -e '/^apache_ssl_port=/d' "$conf"
  printf 'apache_port=127.0.0.1:%s\napache_ssl_port=127.0.0.1:%s\n' "$2" "$3" >> "$conf"
  if [[ -n ${4:-} ]]; then
    printf 'nginx_http=127.0.0.1:%s\nnginx_https=127.0.0.1:%s\n' "$4" "$5" > "$1/etc/whmkit/web_ports.conf"
  fi
}

# Apache for the state root $1 (tests/ssl/httpd.conf.in, which includes the
# root's etc/apache2/conf/httpd.conf: an account made after web_server_ports
# writes it), its run files in $2, in the foreground as a child of the test
# (apache_pid), answering on 127.0.0.1:$3, the HTTP port web_server_ports
# named. Also whmkit's service table entry for httpd, so that installations
# reload it gracefully (SIGUSR1). Serves each vhost's document root over
# HTTP (ACME HTTP-01 challenges) and, once installed, its certificate.
start_apache() {  # ROOT RUN HTTP_PORT
  local tls conf=$2/httpd.conf
  tls="$(cd "$(dirname "${BASH_SOURCE[0]}")/../ssl" && pwd)"
  mkdir -p "$2" "$1/etc/whmkit/services"
  sed -e "s|@RUN@|$2|g" -e "s|@ROOT@|$1|g" -e "s|@USER@|www-data|" -e "s|@GROUP@|www-data|" \
    "$tls/httpd.conf.in" > "$conf"
  printf 'start=/usr/sbin/apache2 -f %s -DFOREGROUND\npidfile=%s/httpd.pid\nforeground=1\nport=%s\nreload_signal=USR1\n' \
    "$conf" "$2" "$3" > "$1/etc/whmkit/services/httpd.conf"
  /usr/sbin/apache2 -f "$conf" -DFOREGROUND >/dev/null 2>>"$2/start.err" &
  apache_pid=$!
  wait_for_port "$3"
}

# nginx the same way (tests/ssl/nginx.conf.in, including the root's
# etc/nginx/conf.d/users/*.conf), in the foreground (nginx_pid), on the
# HTTP port $3; reloaded with SIGHUP.
start_nginx() {  # ROOT RUN HTTP_PORT
  local tls conf=$2/nginx.conf
  tls="$(cd "$(dirname "${BASH_SOURCE[0]}")/../ssl" && pwd)"
  mkdir -p "$2" "$1/etc/whmkit/services"
  sed -e "s|@RUN@|$2|g" -e "s|@ROOT@|$1|g" "$tls/nginx.conf.in" > "$conf"
  printf 'start=/usr/sbin/nginx -p %s -e %s/nginx-error.log -c %s\npidfile=%s/nginx.pid\nforeground=1\nport=%s\nreload_signal=HUP\n' \
    "$2" "$2" "$conf" "$2" "$3" > "$1/etc/whmkit/services/nginx.conf"
  /usr/sbin/nginx -p "$2" -e "$2/nginx-error.log" -c "$conf" >/dev/null 2>>"$2/start.err" &
  nginx_pid=$!
  wait_for_port "$3"
}

# Stops a web server started above, by its pid, and waits until it is gone.
stop_web_server() {  # PID
  [[ -n ${1:-} ]] || return 0
  kill "$1" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  return 0
}
