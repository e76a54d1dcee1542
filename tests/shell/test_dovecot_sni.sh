#!/usr/bin/env bash
# End to end: Mail SNI with a real Dovecot on 127.0.0.1 (config from
# tests/mail/dovecot.conf.in, with TLS on and a default certificate). A
# certificate for bob.example is put in the Domain TLS datastore
# (var/cpanel/ssl/domain_tls/bob.example/combined, key then certificate, as
# openssl makes them); until rebuild_mail_sni_config writes
# etc/dovecot/sni.conf, a client naming bob.example (STARTTLS with SNI) gets
# the default certificate; after it (reload_dovecot=1: doveadm reload) it
# gets bob.example's, and a client naming another name still the default.
# A datastore entry that is no certificate is left out: Dovecot keeps
# running. The same for a real Exim 4.96 whose tls_certificate and
# tls_privatekey look the name the client sent up in etc/mail_sni_map.
# The default certificate of each is its service certificate as whmkit
# writes it (var/cpanel/ssl/dovecot/, var/cpanel/ssl/exim/: the installed
# my*.crt/my*.key when there are, else the self-signed *.crt/*.key):
# after install_service_ssl_certificate (and Dovecot's reload) a client gets
# the installed certificate, after reset_service_ssl_certificate a new one.
# Usage: test_dovecot_sni.sh BIN_DIR
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/expect.sh"
source "$here/servers.sh"
for tool in /usr/sbin/dovecot /usr/bin/doveadm /usr/bin/openssl /usr/sbin/exim4 /usr/bin/unshare; do
  if [[ ! -x $tool ]]; then
    echo "$tool is missing (scripts/install-deps.sh installs dovecot-imapd and openssl)"; echo "0 passed, 1 failed"; exit 1
  fi
done
dovecot_test_setup dovecot-sni 29350
# Exim, beside Dovecot: its files in the state root too, stopped before the rest goes.
exim_run=$root/exim-run
exim_port=$((imap_port + 3))
cleanup=$(trap -p EXIT)
cleanup=${cleanup#trap -- \'}
trap 'stop_exim "$exim_run"; '"${cleanup%\' EXIT}" EXIT

# The subject of the certificate presented to a client naming $1 (STARTTLS
# on IMAP to Dovecot, or with $2=smtp to Exim).
presented() {  # SERVERNAME [smtp]
  local port=$imap_port protocol=imap
  [[ ${2:-} == smtp ]] && port=$exim_port protocol=smtp
  openssl s_client -connect "127.0.0.1:$port" -starttls "$protocol" -servername "$1" </dev/null 2>/dev/null |
    openssl x509 -noout -subject 2>/dev/null | sed 's/^subject= *//'
}
new_certificate() {  # CN KEY CERT
  openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=$1" -days 2 -keyout "$2" -out "$3" 2>/dev/null
}

mkdir -p "$run" "$root/etc/dovecot"
# The services' certificates, self-signed for the hostname (default.test).
printf 'default.test\n' > "$root/etc/hostname"
service_ssl() {  # install_service_ssl_certificate / reset_service_ssl_certificate args...
  local out
  out=$("$bin/whmapi1" --output=json "$@")
  # whmkit writes them 0600 (cPanel: 0660, the service's group): Exim reads them as its own user.
  chmod -R a+rX "$root/var"
  field 'd["data"]["certificate"]' <<<"$out"
}
fingerprint() { openssl x509 -noout -fingerprint -sha256 | cut -d= -f2; }
presented_fingerprint() {  # [smtp]: of the certificate a client naming no known domain gets
  local port=$imap_port protocol=imap
  [[ ${1:-} == smtp ]] && port=$exim_port protocol=smtp
  openssl s_client -connect "127.0.0.1:$port" -starttls "$protocol" -servername other.example </dev/null 2>/dev/null |
    fingerprint
}
service_ssl reset_service_ssl_certificate service=dovecot >/dev/null
service_ssl reset_service_ssl_certificate service=exim >/dev/null
ssl_dir=$root/var/cpanel/ssl
# Dovecot's ssl_cert and ssl_key: the files in use (as cPanel's dovecot
# configuration is rebuilt after an install), read again on `doveadm reload`.
dovecot_service_ssl() {
  local name=dovecot
  [[ -e $ssl_dir/dovecot/mydovecot.crt ]] && name=mydovecot
  printf 'ssl_cert = <%s\nssl_key = <%s\n' "$ssl_dir/dovecot/$name.crt" "$ssl_dir/dovecot/$name.key" \
    > "$root/etc/dovecot/service_ssl.conf"
}
dovecot_service_ssl
{
  # Before the SNI blocks (sni.conf, included by the template), which override them.
  printf '!include %s\n' "$root/etc/dovecot/service_ssl.conf"
  sed -e "s|@RUN@|$run|g" -e "s|@HOME@|$root/home/nobody|g" -e "s|@IMAP_PORT@|$imap_port|g" \
    -e "s|@POP3_PORT@|$pop3_port|g" "$here/../mail/dovecot.conf.in"
  printf 'ssl = yes\n'
} > "$root/etc/dovecot/dovecot.conf"
# The subject of the services' self-signed certificates (both for the hostname).
default=$(openssl x509 -in "$ssl_dir/dovecot/dovecot.crt" -noout -subject | sed 's/^subject= *//')
# Exim's: the installed files when they exist, looked up at each connection.
exim_service_file() {  # crt|key
  printf '${if exists{%s}{%s}{%s}}' "$ssl_dir/exim/myexim.$1" "$ssl_dir/exim/myexim.$1" "$ssl_dir/exim/exim.$1"
}

tls=$root/var/cpanel/ssl/domain_tls
mkdir -p "$tls/bob.example" "$tls/broken.example"
new_certificate bob.example "$run/bob.key" "$run/bob.pem"
cat "$run/bob.key" "$run/bob.pem" > "$tls/bob.example/combined"
echo "not a certificate" > "$tls/broken.example/combined"

# Exim and Dovecot read the files as their own users.
chmod 711 "$root"
chmod 644 "$run"/*.key "$tls/bob.example/combined"
mkdir -p "$exim_run"
user=$(exim4 -C /dev/null -bP exim_user 2>/dev/null | sed 's/^exim_user = //')
sni() {  # DEFAULT: the file for the name the client sent, from the map (once there is one)
  local map=$root/etc/mail_sni_map
  printf '${if exists{%s}{${lookup{$tls_in_sni}lsearch{%s}{$value}{%s}}}{%s}}' "$map" "$map" "$1" "$1"
}
cat > "$exim_run/exim.conf" <<EOF
primary_hostname = host.whmkit.test
daemon_smtp_ports = $exim_port
local_interfaces = 127.0.0.1
exim_user = $user
spool_directory = $exim_run/spool
log_file_path = $exim_run/log/%slog
pid_file_path = $exim_run/exim.pid
host_lookup =
rfc1413_hosts =
keep_environment =
tls_advertise_hosts = *
tls_certificate = $(sni "$(exim_service_file crt)")
tls_privatekey = $(sni "$(exim_service_file key)")
EOF
if ! start_exim "$exim_run/exim.conf" "$exim_run" "$exim_port"; then
  echo "FAIL exim did not start"; cat "$exim_run/start.err" "$exim_run/log/paniclog" 2>/dev/null
  echo "$passed passed, $((failed + 1)) failed"; exit 1
fi

dovecot_command "$root/etc/dovecot/dovecot.conf"
if ! start_server "$imap_port" "$run/start.log"; then
  echo "FAIL dovecot did not start"; cat "$run/start.log" "$run/dovecot.log" 2>/dev/null
  echo "$passed passed, $((failed + 1)) failed"; exit 1
fi

expect "before the rebuild: the default certificate" "$default" "$(presented bob.example)"
expect "... from Exim too" "$default" "$(presented bob.example smtp)"
out=$("$bin/whmapi1" --output=json rebuild_mail_sni_config reload_dovecot=1)
expect "rebuild_mail_sni_config" "1 /etc/dovecot/sni.conf" \
  "$(field 'd["metadata"]["result"], d["data"]["configs_built"][0]' <<<"$out" | tr -d "(),'")"
expect_contains "the broken entry is left out, with a warning" "broken.example/combined” was left out" "$out"
for _ in $(seq 50); do [[ $(presented bob.example) == "CN = bob.example" ]] && break; sleep 0.1; done
expect "after it: bob.example's certificate for bob.example" "CN = bob.example" "$(presented bob.example)"
expect "... and the default one for another name" "$default" "$(presented other.example)"
expect "Exim: bob.example's certificate for bob.example" "CN = bob.example" "$(presented bob.example smtp)"
expect "... and the default one for another name" "$default" "$(presented other.example smtp)"
expect "Dovecot still runs" "yes" "$([[ -e $run/base/master.pid ]] && kill -0 "$(cat "$run/base/master.pid")" && echo yes)"

# The services' certificates: installed, then reset.
new_certificate mail.test "$run/mail.key" "$run/mail.pem"
for service in dovecot exim; do
  service_ssl install_service_ssl_certificate service=$service "crt=$(<"$run/mail.pem")" "key=$(<"$run/mail.key")" \
    >/dev/null
done
dovecot_service_ssl
doveadm -c "$root/etc/dovecot/dovecot.conf" reload
installed=$(fingerprint < "$run/mail.pem")
for _ in $(seq 50); do [[ $(presented_fingerprint) == "$installed" ]] && break; sleep 0.1; done
expect "Dovecot serves the installed service certificate" "$installed" "$(presented_fingerprint)"
expect "... and Exim" "$installed" "$(presented_fingerprint smtp)"
expect "... bob.example still gets its own" "CN = bob.example" "$(presented bob.example)"
dovecot_reset=$(service_ssl reset_service_ssl_certificate service=dovecot | fingerprint)
exim_reset=$(service_ssl reset_service_ssl_certificate service=exim | fingerprint)
dovecot_service_ssl
doveadm -c "$root/etc/dovecot/dovecot.conf" reload
for _ in $(seq 50); do [[ $(presented_fingerprint) == "$dovecot_reset" ]] && break; sleep 0.1; done
expect "after reset, Dovecot serves the new self-signed certificate" "$dovecot_reset" "$(presented_fingerprint)"
expect "... and Exim its own new one" "$exim_reset" "$(presented_fingerprint smtp)"
expect "... not the installed one" "no" "$([[ $exim_reset == "$installed" ]] && echo yes || echo no)"

echo "$passed passed, $failed failed"
((failed == 0))
