#!/usr/bin/env bash
# End to end: a real Exim 4.96 on 127.0.0.1, configured from
# tests/mail/exim.conf.in (cPanel's router chain) over a whmkit state root,
# routes what the email files say: a mailbox receives in its Maildir as the
# account, forwarders (to a mailbox, :fail:, :blackhole:, a file), a domain
# forwarder, the default address (the account's own mailbox, :fail:,
# :blackhole:), a domain filter saving to a folder, a mailbox filter
# discarding, an incoming-suspended mailbox refused with 550, a mailbox over
# its quota deferred, and a message for another server refused so nothing
# leaves loopback. SMTP AUTH checks the shadow line (a *LOCKED* login is
# refused), and an account's outgoing mail can be held or suspended.
# The files are made by the uapi calls a user makes (add_pop, add_forwarder,
# store_filter, ...). Messages go in with swaks over SMTP.
#
# Exim runs as a daemon in a mount namespace of its own where /etc/exim4 is
# a directory of the test's listing this configuration as trusted
# (servers.sh, start_exim): the host's /etc/exim4 is never touched.
# Usage: test_exim.sh BIN_DIR   (KEEP=1 keeps the state root and Exim's
# spool and logs in /tmp/whmkit-exim-* for a look afterwards)
set -u
bin=$1
source "$(dirname "$0")/expect.sh"
source "$(dirname "$0")/servers.sh"
exim_test_setup exim 25000
hostname=host.whmkit.test

# ---- The email files, made by the calls a user makes ----------------------
uid_of() { awk -F: -v u="$1" '$1 == u { print $3 }' "$root/etc/passwd"; }
gid_of() { awk -F: -v u="$1" '$1 == u { print $4 }' "$root/etc/passwd"; }
mail_gid() { awk -F: '$1 == "mail" { print $3 }' "$root/etc/group"; }
# uapi as USER; fails the test (naming the call) when the call fails.
uapi_as() {  # USER MODULE FUNCTION ARGS...
  local out
  out=$("$bin/uapi" --output=json --user="$1" "${@:2}")
  expect "uapi ${*:2:2} ${3:+succeeds}" "1" "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["status"])' <<< "$out")"
}
add_mailbox() {  # USER DOMAIN LOCAL PASSWORD [QUOTA_MB]
  uapi_as "$1" Email add_pop "email=$3" "domain=$2" "password=$4" "quota=${5:-0}"
}
add_forwarder() {  # USER DOMAIN LOCAL FWDOPT ARGS...
  uapi_as "$1" Email add_forwarder "domain=$2" "email=$3" "fwdopt=$4" "${@:5}"
}
# No call writes a file destination ("address: /home/bob/archive.mbox"):
# cPanel's own forwarders list them when an administrator or a restore put
# them there, so the test puts one there the same way.
add_file_forwarder() {  # DOMAIN ADDRESS PATH
  sed -i "1i $2: $3" "$root/etc/valiases/$1"
}
# whmapi1 suspend_outgoing_email / hold_outgoing_email (#21): the account in
# etc/outgoing_mail_suspended_users or etc/outgoing_mail_hold_users.
set_outgoing_flag() {  # USER suspended|hold
  echo "$1" > "$root/etc/outgoing_mail_$2_users"
  chown "root:$(mail_gid)" "$root/etc/outgoing_mail_$2_users" && chmod 640 "$root/etc/outgoing_mail_$2_users"
}
# ---------------------------------------------------------------------------

# The state root's group "mail" is the host's, so the files' group is the
# one the host's Exim runs as (on cPanel: /etc/group's mail).
mkdir -p "$root/etc" && getent group mail | cut -d: -f1-3 | sed 's/$/:/' > "$root/etc/group"
"$bin/whmapi1" --output=json createacct username=bob domain=bob.example password=Main-pass1 >/dev/null
"$bin/whmapi1" --output=json createacct username=alice domain=alice.example password=Main-pass2 >/dev/null
chmod 711 "$root"   # mktemp's 0700 would keep Exim's user out of the whole root

bob_home=$root$(home_of bob)
info=$bob_home/mail/bob.example/info
add_mailbox bob bob.example info Info-pass1
add_mailbox bob bob.example hold Hold-pass1
add_mailbox bob bob.example small Small-pass1 1
add_forwarder bob bob.example sales fwd fwdemail=info@bob.example
add_forwarder bob bob.example old fail 'failmsgs=No such person at this address'
add_forwarder bob bob.example spam blackhole
add_file_forwarder bob.example archive@bob.example "$(home_of bob)/archive.mbox"
add_forwarder bob bob.example away fwd fwdemail=someone@elsewhere.example
add_forwarder bob bob.example robot pipe 'pipefwd=bin/record --tag robot'
add_forwarder bob bob.example both fwd fwdemail=info@bob.example
add_mailbox bob bob.example both Both-pass1
uapi_as bob Email set_default_address domain=bob.example fwdopt=fwd fwdemail=bob
uapi_as alice Email add_domain_forwarder domain=alice.example destdomain=bob.example
uapi_as bob Email store_filter filtername=invoices 'part1=$header_subject:' match1=contains val1=Invoice \
  action1=save "dest1=$(home_of bob)/mail/bob.example/info/.Invoices/"
uapi_as bob Email store_filter account=info@bob.example filtername=unwanted 'part1=$header_subject:' \
  match1=contains val1=unwanted action1=save dest1=/dev/null
uapi_as bob Email suspend_incoming email=hold@bob.example
# The program of the pipe forwarder, in the account's home: keeps the message and its arguments.
mkdir -p "$bob_home/bin" && printf '#!/bin/sh\n{ echo "args: $*"; cat; } > "$(dirname "$0")/../piped.txt"\n' > "$bob_home/bin/record"
chmod 755 "$bob_home/bin/record" && chown -R "$(uid_of bob):$(gid_of bob)" "$bob_home/bin"

exim_config "$root" "$run" "$port" "$hostname" > "$run/exim.conf"
if ! start_exim "$run/exim.conf" "$run" "$port"; then
  echo "Exim did not start:"; cat "$run/start.err" "$run/log/paniclog" 2>/dev/null; echo "0 passed, 1 failed"; exit 1
fi

# Sends one message; prints swaks's transcript (the server's replies start "<~").
send() {  # TO SUBJECT [BODY]
  swaks --server "127.0.0.1:$port" --helo client.test --from sender@client.test --to "$1" \
    --header "Subject: $2" --body "${3:-test message}" 2>&1
}
# The server's reply to RCPT TO: the line after swaks's " -> RCPT TO".
rcpt_reply() { grep -A1 '^ -> RCPT TO' | tail -1 | sed 's/^ *<[*~-]* *//' | tr -d '\r'; }
# Waits until Exim has finished with every message it received: each id of
# a "<=" (arrival) line in the main log also has a "Completed", a "=="
# (deferred) or a "frozen by ACL" line.
settle() {
  for _ in $(seq 100); do
    awk '$4 == "<=" { arrived[$3] } $4 == "Completed" || $4 == "==" || $4 == "frozen" { done[$3] }
         END { for (id in arrived) if (!(id in done)) exit 1 }' "$run/log/mainlog" 2>/dev/null && return 0
    sleep 0.1
  done
}
subjects() {  # MAILDIR_DIR (new/ of a Maildir)
  grep -h '^Subject:' "$1"/* 2>/dev/null | sed 's/^Subject: //' | sort | tr '\n' '|'
}

expect_contains "a mailbox is accepted" "250" "$(send info@bob.example 'Hello info' | rcpt_reply)"
expect_contains "a forwarder is accepted" "250" "$(send sales@bob.example 'For sales' | rcpt_reply)"
expect_contains "an address of a forwarded domain is accepted" "250" \
  "$(send info@alice.example 'To the alias domain' | rcpt_reply)"
expect_contains "a domain-filtered message is accepted" "250" "$(send info@bob.example 'Invoice 42' | rcpt_reply)"
expect_contains "the mailbox-filtered message is accepted" "250" "$(send info@bob.example 'unwanted offer' | rcpt_reply)"
settle
expect "the mailbox got its message, the forwarded and the domain-forwarded ones" \
  "For sales|Hello info|To the alias domain|" "$(subjects "$info/new")"
expect "delivered as the account" "$(uid_of bob):$(gid_of bob)" \
  "$(stat -c %u:%g "$(ls -d "$info"/new/* | head -1)")"
expect "the domain filter saved the invoice to the folder" "Invoice 42|" "$(subjects "$info/.Invoices/new")"
expect "the Maildir's quota file is kept" "yes" "$([[ -f $info/maildirsize ]] && echo yes || echo no)"

reply=$(send old@bob.example 'To a :fail: forwarder' | rcpt_reply)
expect_contains "a :fail: forwarder is refused with 550" "550" "$reply"
expect_contains "... and its text" "No such person at this address" "$reply"
expect_contains "a :blackhole: forwarder is accepted" "250" "$(send spam@bob.example 'Into the void' | rcpt_reply)"
expect_contains "a forwarder to a file is accepted" "250" "$(send archive@bob.example 'Archived' | rcpt_reply)"
reply=$(send hold@bob.example 'To a suspended mailbox' | rcpt_reply)
expect_contains "an incoming-suspended mailbox refuses with 550" "550" "$reply"
expect_contains "... saying so" "not accepting incoming mail" "$reply"
expect_contains "mail for another server is refused" "550" "$(send someone@example.net 'Relay attempt' | rcpt_reply)"
expect_contains "a forwarder to another server is refused" "550" "$(send away@bob.example 'Forward out' | rcpt_reply)"
expect_contains "a local part with a slash is refused" "550" "$(send 'a/b@bob.example' 'Slash' | rcpt_reply)"
expect_contains "an address of the default address (the account) is accepted" "250" \
  "$(send nobody-here@bob.example 'Caught by default' | rcpt_reply)"
expect_contains "the account's own address is accepted" "250" "$(send bob@bob.example 'To the account' | rcpt_reply)"
expect_contains "a forwarder of a mailbox is accepted" "250" "$(send both@bob.example 'Both ways' | rcpt_reply)"
expect_contains "a pipe forwarder is accepted" "250" "$(send robot@bob.example 'For the robot' | rcpt_reply)"
settle
expect "the suspended mailbox got nothing" "" "$(subjects "$bob_home/mail/bob.example/hold/new")"
expect "the default address and the account's address land in ~/mail" "Caught by default|To the account|" \
  "$(subjects "$bob_home/mail/new")"
expect "the :blackhole: message went nowhere" "no" \
  "$(grep -rlq 'Into the void' "$bob_home/mail" && echo yes || echo no)"
expect "the file forwarder appended to the mbox" "Archived|" "$(grep -h '^Subject:' "$bob_home/archive.mbox" 2>/dev/null | sed 's/^Subject: //' | tr '\n' '|')"
expect "the pipe forwarder ran its program with its arguments" "args: --tag robot" "$(head -1 "$bob_home/piped.txt" 2>/dev/null)"
expect_contains "... on the message" "Subject: For the robot" "$(cat "$bob_home/piped.txt" 2>/dev/null)"
expect "... as the account" "$(uid_of bob)" "$(stat -c %u "$bob_home/piped.txt" 2>/dev/null)"
expect "a forwarder of a mailbox: the mailbox keeps a copy" "Both ways|" "$(subjects "$bob_home/mail/bob.example/both/new")"
expect_contains "... and the destination gets one" "Both ways" "$(subjects "$info/new")"
expect "nothing was queued for another server" "0" "$(exim_in_namespace "$run" -C "$run/exim.conf" -bpc 2>/dev/null)"

# The default address changed: :fail: refuses an unknown address, :blackhole: drops it.
uapi_as bob Email set_default_address domain=bob.example fwdopt=fail 'failmsgs=No Such User Here'
reply=$(send nobody-here@bob.example 'Default fail' | rcpt_reply)
expect_contains "a :fail: default address refuses with 550" "550 No Such User Here" "$reply"
uapi_as bob Email set_default_address domain=bob.example fwdopt=blackhole
expect_contains "a :blackhole: default address accepts" "250" "$(send nobody-here@bob.example 'Default void' | rcpt_reply)"
settle
expect "... and drops the message" "no" "$(grep -rlq 'Default void' "$bob_home/mail" && echo yes || echo no)"

# A mailbox over its quota (1 MB): the message is deferred, not delivered.
expect_contains "a small message fits the quota" "250" "$(send small@bob.example 'Fits' | rcpt_reply)"
settle
head -c 1200000 /dev/zero | tr '\0' 'x' | fold -w 70 > "$run/big.txt"
expect_contains "a message over the quota is accepted for now" "250" "$(send small@bob.example 'Too big' "@$run/big.txt" | rcpt_reply)"
settle
expect "over quota: only the message that fits was delivered" "Fits|" "$(subjects "$bob_home/mail/bob.example/small/new")"
expect "... the other waits in the queue" "1" "$(exim_in_namespace "$run" -C "$run/exim.conf" -bpc 2>/dev/null)"
expect_contains "... deferred for the quota" "small@bob.example R=mailbox T=mailbox_delivery defer (-22): mailbox is full" \
  "$(cat "$run/log/mainlog")"

# SMTP AUTH as an email account, against its shadow line.
# Sends as LOGIN (with PASSWORD); prints swaks's transcript. auth_reply is
# the server's reply to AUTH.
send_as() {  # LOGIN PASSWORD TO SUBJECT
  swaks --server "127.0.0.1:$port" --helo client.test --from "$1" --to "$3" --header "Subject: $4" \
    --auth PLAIN --auth-user "$1" --auth-password "$2" 2>&1
}
auth_reply() { grep -A1 '^ -> AUTH PLAIN' | tail -1 | sed 's/^ *<[*~-]* *//' | tr -d '\r'; }
both=$bob_home/mail/bob.example/both
expect_contains "an email account logs in with its password" "235" \
  "$(send_as info@bob.example Info-pass1 both@bob.example 'Sent by info' | auth_reply)"
expect_contains "a wrong password is refused" "535" \
  "$(send_as info@bob.example Wrong-pass1 both@bob.example 'Wrong password' | auth_reply)"
uapi_as bob Email suspend_login email=info@bob.example
expect_contains "a suspended login (*LOCKED*) is refused" "535" \
  "$(send_as info@bob.example Info-pass1 both@bob.example 'Locked out' | auth_reply)"
expect_contains "another mailbox of the account still logs in" "235" \
  "$(send_as both@bob.example Both-pass1 info@bob.example 'Sent by both' | auth_reply)"
settle
expect_contains "the logged-in message was delivered" "Sent by info" "$(subjects "$both/new")"

# The account's outgoing mail held: accepted, frozen in the queue, not delivered.
set_outgoing_flag bob hold
expect_contains "a held account's message is accepted" "250" \
  "$(send_as both@bob.example Both-pass1 info@bob.example 'Held back' | rcpt_reply)"
settle
expect "... and not delivered" "no" "$(grep -rlq 'Held back' "$info" && echo yes || echo no)"
expect_contains "... but frozen in the queue" "*** frozen ***" \
  "$(exim_in_namespace "$run" -C "$run/exim.conf" -bp 2>/dev/null)"
expect_contains "mail to the account from outside is not held" "250" "$(send info@bob.example 'Not held' | rcpt_reply)"
settle
expect_contains "... and delivered" "Not held" "$(subjects "$info/new")"
# The account's outgoing mail suspended: refused.
set_outgoing_flag bob suspended
reply=$(send_as both@bob.example Both-pass1 info@bob.example 'Suspended sender' | rcpt_reply)
expect_contains "a suspended account's message is refused" "550 Outgoing mail from the account bob is suspended" "$reply"

echo "$passed passed, $failed failed"
((failed == 0))
