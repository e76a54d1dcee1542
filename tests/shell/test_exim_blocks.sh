#!/usr/bin/env bash
# End to end with a real Exim 4.96 on 127.0.0.1 (tests/mail/exim.conf.in):
# incoming mail refused by where it comes from.
#  * block_incoming_email_from_domain: a listed sender domain ("*.x": x's
#    subdomains) is refused at RCPT; others still deliver; unblocking lets
#    it in again;
#  * block_incoming_email_from_country: the state root's GeoIP database
#    (made by tests/mail/make_geoip.py, the format of Debian's
#    geoip-database) puts 127.0.0.2 in France; once FR is blocked, Exim
#    drops a connection from 127.0.0.2 before its greeting while 127.0.0.1
#    still sends; unblocking lets 127.0.0.2 in again.
# Usage: test_exim_blocks.sh BIN_DIR   (KEEP=1 keeps the files in /tmp)
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/expect.sh"
source "$here/servers.sh"
exim_test_setup exim-block 29300

w() { "$bin/whmapi1" --output=json "$@"; }

mkdir -p "$root/etc" && getent group mail | cut -d: -f1-3 | sed 's/$/:/' > "$root/etc/group"
w createacct username=bob domain=bob.example password=Main-pass1 >/dev/null
chmod 711 "$root"
"$bin/uapi" --output=json --user=bob Email add_pop email=info domain=bob.example password=Box-pass-1 quota=0 >/dev/null
inbox="$root$(home_of bob)/mail/bob.example/info/new"
mkdir -p "$root/usr/share/GeoIP"
python3 "$here/../mail/make_geoip.py" "$root/usr/share/GeoIP/GeoIP.dat" 127.0.0.2/32=FR 192.0.2.0/24=DE

exim_config "$root" "$run" "$port" host.whmkit.test > "$run/exim.conf"
if ! start_exim "$run/exim.conf" "$run" "$port"; then
  echo "Exim did not start:"; cat "$run/start.err" "$run/log/paniclog" 2>/dev/null; echo "0 passed, 1 failed"; exit 1
fi

# What the server answered, one reply a line (swaks's "<-" and "<**" lines);
# a message Exim took shows as "250 OK id=...".
send() {  # FROM SUBJECT [SOURCE_ADDRESS]
  swaks --server "127.0.0.1:$port" --local-interface "${3:-127.0.0.1}" --helo client.test --from "$1" \
    --to info@bob.example --header "Subject: $2" 2>&1 | grep -E '^ *<[*~-]* ' | sed 's/^ *<[*~-]* *//' | tr -d '\r'
}
wait_for() {  # COUNT: until the mailbox has that many messages
  for _ in $(seq 100); do
    [[ $(ls "$inbox" 2>/dev/null | wc -l) -ge $1 ]] && return 0
    sleep 0.1
  done
}
subjects() { grep -h '^Subject:' "$inbox"/* 2>/dev/null | sed 's/^Subject: //' | sort | tr '\n' '|'; }

# ---- by sender domain ---------------------------------------------------------
expect "block_incoming_email_from_domain" "1" \
  "$(w block_incoming_email_from_domain domain=spam.example 'domain=*.bad.example' | field 'd["data"]["updated"]')"
expect_contains "a blocked domain's mail is refused" "550 Mail from spam.example is not accepted by this server" \
  "$(send carol@spam.example 'From spam')"
expect_contains "... and its subdomains' with *." "550 Mail from mx.bad.example is not accepted" \
  "$(send carol@mx.bad.example 'From a subdomain')"
expect_contains "the *. entry leaves the domain itself alone" "250 OK id=" "$(send carol@bad.example 'From bad.example')"
expect_contains "another domain still sends" "250 OK id=" "$(send carol@good.example 'From good')"
w unblock_incoming_email_from_domain domain=spam.example >/dev/null
expect_contains "unblocked: it sends again" "250 OK id=" "$(send carol@spam.example 'After unblocking')"
wait_for 3
expect "only what was not blocked was delivered" "After unblocking|From bad.example|From good|" "$(subjects)"

# ---- by country ----------------------------------------------------------------
expect_contains "before any block, 127.0.0.2 sends" "250 OK id=" "$(send dave@good.example 'From France' 127.0.0.2)"
expect "block_incoming_email_from_country" "1" \
  "$(w block_incoming_email_from_country country_code=FR | field 'd["data"]["updated"]')"
expect "the CIDR blocks Exim reads" "127.0.0.2/32" "$(cat "$root/etc/blocked_incoming_email_country_ips")"
expect_contains "a connection from France is dropped" "Your country is not allowed to connect to this server." \
  "$(send dave@good.example 'Blocked France' 127.0.0.2)"
expect_contains "... 127.0.0.1 (no country) still sends" "250 OK id=" "$(send dave@good.example 'From nowhere')"
expect_contains "Exim logged why" "Country is banned" "$(cat "$run/log/mainlog" "$run/log/rejectlog" 2>/dev/null)"
w unblock_incoming_email_from_country country_code=FR >/dev/null
expect_contains "unblocked: France sends again" "250 OK id=" "$(send dave@good.example 'France again' 127.0.0.2)"
wait_for 6
expect "what was delivered" "After unblocking|France again|From France|From bad.example|From good|From nowhere|" \
  "$(subjects)"

echo "$passed passed, $failed failed"
((failed == 0))
