#!/usr/bin/env bash
# End to end: a real Dovecot on 127.0.0.1 (IMAP and POP3, config from
# tests/mail/dovecot.conf.in, every file of its own in the test's directory)
# authenticates against the etc/<domain>/passwd and shadow files that
# `uapi Email` writes in the account's home. A mailbox made by add_pop logs in
# and lists a message put in its Maildir; after passwd_pop only the new
# password works; suspend_login refuses it and unsuspend_login lets it in
# again; suspendacct refuses every mailbox; after delete_pop it is refused;
# edit_pop_quota shows in Dovecot's IMAP quota; terminate_mailbox_sessions
# ends an open session.
# Usage: test_dovecot.sh BIN_DIR
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/expect.sh"
source "$here/servers.sh"
if [[ ! -x /usr/sbin/dovecot ]]; then
  echo "dovecot is missing (scripts/install-deps.sh installs dovecot-imapd and dovecot-pop3d)"
  echo "0 passed, 1 failed"; exit 1
fi
dovecot_test_setup dovecot 24000
# Dovecot's passwd-file driver looks at a file at most once a second and
# reloads it only when its mtime (in seconds) or size changed: after each
# change, wait for the next second, as a client would not notice.
settle() { sleep 1.1; }
# IMAP: "ok N" (N messages in INBOX) or "refused".
imap() {  # USER PASSWORD
  python3 - "$imap_port" "$1" "$2" <<'PY'
import imaplib, sys
try:
    m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
    m.login(sys.argv[2], sys.argv[3])
    typ, data = m.select("INBOX")
    print("ok", int(data[0]))
    m.logout()
except imaplib.IMAP4.error:
    print("refused")
PY
}
# POP3: "ok N" or "refused".
pop3() {  # USER PASSWORD
  python3 - "$pop3_port" "$1" "$2" <<'PY'
import poplib, sys
try:
    m = poplib.POP3("127.0.0.1", int(sys.argv[1]))
    m.user(sys.argv[2]); m.pass_(sys.argv[3])
    print("ok", m.stat()[0])
    m.quit()
except poplib.error_proto:
    print("refused")
PY
}
# The IMAP quota limit of INBOX, in KB ("none" without one).
imap_quota() {  # USER PASSWORD
  python3 - "$imap_port" "$1" "$2" <<'PY'
import imaplib, re, sys
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
m.login(sys.argv[2], sys.argv[3])
typ, data = m.getquotaroot("INBOX")
limits = [re.search(rb"STORAGE \d+ (\d+)", d) for d in data[1] if d]
print(next((l.group(1).decode() for l in limits if l), "none"))
m.logout()
PY
}

chmod 755 "$root"  # the mail processes run as the account and walk down to its Maildir
mkdir -p "$root/etc" && printf 'HOMEDIR %s\nADDR 127.0.0.1\n' "$homebase" > "$root/etc/wwwacct.conf"
"$bin/whmapi1" --output=json createacct username=bob domain=bob.example password=Main-pass1 >/dev/null
ln -s "$root$homebase" "$homebase"
home=$homebase/bob

expect "add_pop succeeds" "1" "$(u Email add_pop email=info password=Old-pass-9x quota=1 | field 'd["result"]["status"]')"

mkdir -p "$run"
# The server's Dovecot configuration, where terminate_mailbox_sessions finds it.
mkdir -p "$root/etc/dovecot"
sed -e "s|@RUN@|$run|g" -e "s|@HOME@|$home|g" -e "s|@IMAP_PORT@|$imap_port|g" -e "s|@POP3_PORT@|$pop3_port|g" \
  "$here/../mail/dovecot.conf.in" > "$root/etc/dovecot/dovecot.conf"
dovecot_command "$root/etc/dovecot/dovecot.conf"
if ! start_server "$imap_port" "$run/start.log"; then
  echo "FAIL dovecot did not start"; cat "$run/start.log" "$run/dovecot.log" 2>/dev/null
  echo "$passed passed, $((failed + 1)) failed"; exit 1
fi
wait_for_port "$pop3_port"

maildir=$root$home/mail/bob.example/info
# A delivered message: its size is in its Maildir name (S=), as Dovecot checks.
message=$'From: a@example.net\r\nTo: info@bob.example\r\nSubject: hello\r\n\r\nHello over IMAP.\r\n'
message_file=$maildir/new/1700000000.M1P1.test,S=${#message}
printf '%s' "$message" > "$message_file"
chown --reference="$maildir" "$message_file"

expect "the new mailbox logs in over IMAP and lists the message" "ok 1" "$(imap info@bob.example Old-pass-9x)"
expect "and over POP3" "ok 1" "$(pop3 info@bob.example Old-pass-9x)"
expect "a wrong password is refused" "refused" "$(imap info@bob.example Wrong-pass-9x)"
expect "Dovecot sees the 1 MB quota" "1024" "$(imap_quota info@bob.example Old-pass-9x)"
u Email edit_pop_quota email=info domain=bob.example quota=5 >/dev/null
settle
expect "edit_pop_quota shows in Dovecot's quota" "5120" "$(imap_quota info@bob.example Old-pass-9x)"

# terminate_mailbox_sessions ends an open IMAP session (doveadm kick).
python3 - "$imap_port" > "$run/session.out" <<'PY' &
import imaplib, sys, time
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
m.login("info@bob.example", "Old-pass-9x"); m.select("INBOX")
time.sleep(4)
try:
    m.noop(); print("still open")
except (imaplib.IMAP4.abort, OSError):
    print("ended")
PY
session=$!
sleep 1.5
expect "terminate_mailbox_sessions succeeds" "1" "$(u Email terminate_mailbox_sessions | field 'd["result"]["status"]')"
wait $session
expect "and the open IMAP session is ended" "ended" "$(cat "$run/session.out")"

u Email passwd_pop email=info password=New-pass-7q >/dev/null
settle
expect "after passwd_pop the old password fails" "refused" "$(imap info@bob.example Old-pass-9x)"
expect "and the new one works" "ok 1" "$(imap info@bob.example New-pass-7q)"

u Email suspend_login email=info@bob.example >/dev/null
settle
expect "suspend_login refuses the login" "refused" "$(imap info@bob.example New-pass-7q)"
expect "over POP3 too" "refused" "$(pop3 info@bob.example New-pass-7q)"
u Email unsuspend_login email=info@bob.example >/dev/null
settle
expect "unsuspend_login lets it in again" "ok 1" "$(imap info@bob.example New-pass-7q)"

u Email add_pop email=sales password=Sales-pass-3k >/dev/null
settle
"$bin/whmapi1" --output=json suspendacct user=bob reason=test >/dev/null
settle
expect "suspendacct refuses every mailbox (info)" "refused" "$(imap info@bob.example New-pass-7q)"
expect "suspendacct refuses every mailbox (sales)" "refused" "$(imap sales@bob.example Sales-pass-3k)"
"$bin/whmapi1" --output=json unsuspendacct user=bob >/dev/null
settle
expect "unsuspendacct lets them in again" "ok 0" "$(imap sales@bob.example Sales-pass-3k)"

u Email delete_pop email=info >/dev/null
settle
expect "after delete_pop the login is refused" "refused" "$(imap info@bob.example New-pass-7q)"
expect "the other mailbox still works" "ok 0" "$(imap sales@bob.example Sales-pass-3k)"

echo "$passed passed, $failed failed"
((failed == 0))
