#!/usr/bin/env bash
# End to end with a real Exim 4.96 on 127.0.0.1 (tests/mail/exim.conf.in):
#  * one email account's outgoing mail: suspend_outgoing makes Exim refuse
#    what it sends after logging in (SMTP AUTH); hold_outgoing makes Exim
#    accept and freeze it, get_held_message_count counts it in the queue,
#    release_outgoing has Exim deliver it, delete_held_messages removes it;
#  * the autoresponder: add_auto_responder's valiases line pipes the
#    address's mail to whmkit-autorespond (installed in the state root where
#    cPanel's /usr/local/cpanel/bin/autorespond is), which answers through
#    Exim's sendmail once per interval and sender, while the mailbox still
#    gets every message.
# whmkit reaches this Exim's queue as on a server: the spool is at
# var/spool/exim under the state root (a link to the daemon's), and the Exim
# program it runs (WHMKIT_EXIM) is this daemon's, with its configuration.
# Usage: test_exim_outgoing.sh BIN_DIR   (KEEP=1 keeps the files in /tmp)
set -u
bin=$1
source "$(dirname "$0")/expect.sh"
source "$(dirname "$0")/servers.sh"
exim_test_setup exim-out 28000

# The result of a uapi call as bob: its data (JSON), or "refused: <errors>".
uapi_bob() {
  "$bin/uapi" --output=json --user=bob "$@" | python3 -c '
import json, sys
r = json.load(sys.stdin)["result"]
print(json.dumps(r["data"]) if r["status"] == 1 else "refused: " + "; ".join(r["errors"] or []))'
}

mkdir -p "$root/etc" && getent group mail | cut -d: -f1-3 | sed 's/$/:/' > "$root/etc/group"
"$bin/whmapi1" --output=json createacct username=bob domain=bob.example password=Main-pass1 >/dev/null
chmod 711 "$root"
for box in info sender carol dave; do
  uapi_bob Email add_pop "email=$box" domain=bob.example password=Box-pass-1 quota=0 >/dev/null
done
maildir() { echo "$root$(home_of bob)/mail/bob.example/$1/new"; }
subjects() { grep -h '^Subject:' "$(maildir "$1")"/* 2>/dev/null | sed 's/^Subject: //' | sort | tr '\n' '|'; }

exim_config "$root" "$run" "$port" host.whmkit.test > "$run/exim.conf"
if ! start_exim "$run/exim.conf" "$run" "$port"; then
  echo "Exim did not start:"; cat "$run/start.err" "$run/log/paniclog" 2>/dev/null; echo "0 passed, 1 failed"; exit 1
fi
# The server's spool where whmkit looks for it, and its Exim program.
mkdir -p "$root/var/spool" && ln -s "$run/spool" "$root/var/spool/exim"
exim_queue_helpers
queued() { "$run/exim" -bpc 2>/dev/null; }

# ---- suspend_outgoing: refused at RCPT --------------------------------------
expect "suspend_outgoing" "1" "$(uapi_bob Email suspend_outgoing email=sender@bob.example)"
expect_contains "a suspended address's mail is refused" "550 Outgoing mail from sender@bob.example is suspended" \
  "$(send_as sender@bob.example info@bob.example 'While suspended')"
expect_contains "another address of the account still sends" "250" \
  "$(send_as carol@bob.example info@bob.example 'From carol')"
uapi_bob Email unsuspend_outgoing email=sender@bob.example >/dev/null
expect_contains "unsuspend_outgoing: it sends again" "250" \
  "$(send_as sender@bob.example info@bob.example 'After unsuspension')"
wait_for info 2
settle
expect "... and it is delivered" "After unsuspension|From carol|" "$(subjects info)"

# ---- hold_outgoing: frozen in the queue until released or deleted ----------
expect "hold_outgoing" "null" "$(uapi_bob Email hold_outgoing email=sender@bob.example)"
expect_contains "a held address's mail is accepted" "250" "$(send_as sender@bob.example info@bob.example 'Held one')"
expect_contains "... and the next" "250" "$(send_as sender@bob.example info@bob.example 'Held two')"
settle
expect "get_held_message_count counts them in Exim's queue" "2" \
  "$(uapi_bob Email get_held_message_count email=sender@bob.example)"
expect "... for that address only" "0" "$(uapi_bob Email get_held_message_count email=carol@bob.example)"
expect "nothing held was delivered" "After unsuspension|From carol|" "$(subjects info)"
expect "release_outgoing" "null" "$(uapi_bob Email release_outgoing email=sender@bob.example)"
wait_for info 4
expect "release_outgoing: Exim delivered what it held" "After unsuspension|From carol|Held one|Held two|" \
  "$(subjects info)"
expect "... nothing is held any more" "0" "$(uapi_bob Email get_held_message_count email=sender@bob.example)"
expect_contains "... and new mail goes out at once" "250" \
  "$(send_as sender@bob.example info@bob.example 'Released')"
wait_for info 5

uapi_bob Email hold_outgoing email=sender@bob.example >/dev/null
send_as sender@bob.example info@bob.example 'To be deleted' >/dev/null
settle
expect "held again: one in the queue" "1" "$(uapi_bob Email get_held_message_count email=sender@bob.example)"
expect "delete_held_messages answers how many it deleted" "1" \
  "$(uapi_bob Email delete_held_messages email=sender@bob.example)"
expect "... Exim's queue is empty" "0" "$(queued)"
expect "... and it was never delivered" "no" "$(grep -rlq 'To be deleted' "$(maildir info)" && echo yes || echo no)"
uapi_bob Email release_outgoing email=sender@bob.example >/dev/null

# ---- the autoresponder --------------------------------------------------------
# cPanel's autorespond path in the state root: whmkit-autorespond, with this
# root and a sendmail that hands the message to this daemon. The pipe runs
# as the account, and Exim trusts a -C configuration only for root and its
# own user, so this sendmail submits over SMTP instead (recipients from the
# headers as -t, the sender of -f; "<>" is the empty one).
mkdir -p "$root/usr/local/cpanel/bin"
cp "$bin/whmkit-autorespond" "$run/whmkit-autorespond"
cat > "$run/sendmail" <<EOF
#!/usr/bin/env python3
import email.utils, smtplib, sys
args = sys.argv[1:]
sender = args[args.index("-f") + 1] if "-f" in args else "bob@bob.example"
message = sys.stdin.buffer.read()
parsed = email.message_from_bytes(message)
to = [a for _, a in email.utils.getaddresses(parsed.get_all("To", []) + parsed.get_all("Cc", []))]
with smtplib.SMTP("127.0.0.1", $port) as smtp:
    smtp.sendmail("" if sender == "<>" else sender, to, message)
EOF
printf '#!/bin/sh\nexec "%s" --root "%s" --sendmail "%s" "$@"\n' "$run/whmkit-autorespond" "$root" "$run/sendmail" \
  > "$root/usr/local/cpanel/bin/autorespond"
chmod 755 "$run/sendmail" "$run/whmkit-autorespond" "$root/usr/local/cpanel/bin/autorespond" "$root/usr" \
  "$root/usr/local" "$root/usr/local/cpanel" "$root/usr/local/cpanel/bin"
expect "add_auto_responder" "null" "$(uapi_bob Email add_auto_responder email=info domain=bob.example \
  'from=Info Desk' 'subject=Away: %subject%' 'body=Back on Monday.' is_html=0 interval=24 start=0 stop=4102444800)"

send_from() {  # FROM SUBJECT: from outside, no login
  swaks --server "127.0.0.1:$port" --helo client.test --from "$1" --to info@bob.example --header "Subject: $2" 2>&1 |
    grep -A1 '^ -> RCPT TO' | tail -1 | sed 's/^ *<[*~-]* *//' | tr -d '\r'
}
expect_contains "mail to the autoresponding address is accepted" "250" "$(send_from carol@bob.example 'First')"
wait_for carol 1
send_from carol@bob.example 'Second' >/dev/null
send_from dave@bob.example 'From dave' >/dev/null
wait_for dave 1
wait_for info 8
settle
expect "the mailbox still gets every message" \
  "After unsuspension|First|From carol|From dave|Held one|Held two|Released|Second|" "$(subjects info)"
expect "the first sender got one answer for two messages" "Away: First|" "$(subjects carol)"
expect "another sender got one too" "Away: From dave|" "$(subjects dave)"
answer=$(cat "$(maildir carol)"/* 2>/dev/null)
expect_contains "the answer comes from the autoresponder" 'From: "Info Desk" <info@bob.example>' "$answer"
expect_contains "... marked automatic (RFC 3834)" "Auto-Submitted: auto-replied" "$answer"
expect_contains "... with its body" "Back on Monday." "$answer"
expect_contains "... and an empty return path" "Return-path: <>" "$answer"

echo "$passed passed, $failed failed"
((failed == 0))
