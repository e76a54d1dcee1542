#!/usr/bin/env bash
# End to end: what is inside a mailbox, as a real Dovecot on 127.0.0.1 (config
# from tests/mail/dovecot.conf.in) sees it. Messages placed in a Maildir made
# by add_pop are listed by Mailboxes get_mailbox_status_list with the counts,
# sizes and GUIDs Dovecot reports over IMAP, and by Email browse_mailbox; a
# folder created over IMAP shows in both; expunge_mailbox_messages removes
# exactly the messages its query matches and expunge_messages_for_mailbox_guid
# the rest, and IMAP no longer shows them. WHM API 1's get_mailbox_status
# and get_mailbox_status_list answer the same, found by the address alone;
# Email fts_rescan_mailbox has Dovecot rebuild its full-text index (Lucene)
# after a message vanished behind its back; WHM
# terminate_cpuser_mailbox_sessions ends an open IMAP session.
# Usage: test_dovecot_mailboxes.sh BIN_DIR
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/expect.sh"
source "$here/servers.sh"
if [[ ! -x /usr/sbin/dovecot || ! -x /usr/bin/doveadm ]]; then
  echo "dovecot is missing (scripts/install-deps.sh installs dovecot-imapd and dovecot-pop3d)"
  echo "0 passed, 1 failed"; exit 1
fi
dovecot_test_setup dovecot-mbx 29000
# IMAP: "<folder> <messages> <bytes>" for every folder, as Dovecot answers
# LIST and STATUS (MESSAGES) and the sizes of FETCH RFC822.SIZE; or "refused".
imap_folders() {  # USER PASSWORD
  python3 - "$imap_port" "$1" "$2" <<'PY'
import imaplib, re, sys
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
m.login(sys.argv[2], sys.argv[3])
names = sorted(re.search(rb'"\." "?([^"]*)"?$', l).group(1).decode() for l in m.list()[1])
for name in names:
    count = int(re.search(rb"MESSAGES (\d+)", m.status(name, "(MESSAGES)")[1][0]).group(1))
    size = 0
    if count:
        m.select(name, readonly=True)
        size = sum(int(s) for s in re.findall(rb"RFC822.SIZE (\d+)", b" ".join(m.fetch("1:*", "(RFC822.SIZE)")[1])))
    print(name, count, size)
m.logout()
PY
}
# The subjects in INBOX, in order.
imap_subjects() {  # USER PASSWORD
  python3 - "$imap_port" "$1" "$2" <<'PY'
import imaplib, sys
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
m.login(sys.argv[2], sys.argv[3])
n = int(m.select("INBOX", readonly=True)[1][0])
out = []
if n:
    for part in m.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")[1]:
        if isinstance(part, tuple):
            out.append(part[1].decode().strip().replace("Subject: ", ""))
print(" ".join(out) or "none")
m.logout()
PY
}
imap_create() {  # USER PASSWORD FOLDER
  python3 - "$imap_port" "$1" "$2" "$3" <<'PY'
import imaplib, sys
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
m.login(sys.argv[2], sys.argv[3])
print(m.create(sys.argv[4])[0])
m.logout()
PY
}

chmod 755 "$root"  # the mail processes run as the account and walk down to its Maildir
mkdir -p "$root/etc" && printf 'HOMEDIR %s\nADDR 127.0.0.1\n' "$homebase" > "$root/etc/wwwacct.conf"
"$bin/whmapi1" --output=json createacct username=bob domain=bob.example password=Main-pass1 >/dev/null
ln -s "$root$homebase" "$homebase"
home=$homebase/bob
expect "add_pop succeeds" "1" "$(u Email add_pop email=info password=Info-pass-9x | field 'd["result"]["status"]')"

mkdir -p "$run" "$root/etc/dovecot"
sed -e "s|@RUN@|$run|g" -e "s|@HOME@|$home|g" -e "s|@IMAP_PORT@|$imap_port|g" -e "s|@POP3_PORT@|$pop3_port|g" \
  "$here/../mail/dovecot.conf.in" > "$root/etc/dovecot/dovecot.conf"
expect_contains "without a running Dovecot the status list says what failed" "Dovecot could not" \
  "$(u Mailboxes get_mailbox_status_list account=info@bob.example | field 'd["result"]["errors"]')"
dovecot_command "$root/etc/dovecot/dovecot.conf"
if ! start_server "$imap_port" "$run/start.log"; then
  echo "FAIL dovecot did not start"; cat "$run/start.log" "$run/dovecot.log" 2>/dev/null
  echo "$passed passed, $((failed + 1)) failed"; exit 1
fi

# Two delivered messages; the size in each name (S=) is what Dovecot checks.
maildir=$root$home/mail/bob.example/info
deliver() {  # N SUBJECT
  local message=$'From: a@example.net\r\nTo: info@bob.example\r\nSubject: '"$2"$'\r\n\r\nBody of '"$2"$'.\r\n'
  local file=$maildir/new/170000000$1.M$1P1.test,S=${#message}
  printf '%s' "$message" > "$file"
  chown --reference="$maildir" "$file"
}
deliver 1 first
deliver 2 second

status_list() {
  u Mailboxes get_mailbox_status_list account=info@bob.example |
    field '"\n".join("%s %d %d" % (f["mailbox"], f["messages"], f["vsize"]) for f in sorted(d["result"]["data"], key=lambda f: f["mailbox"]))'
}
expect "get_mailbox_status_list shows INBOX as IMAP does" "$(imap_folders info@bob.example Info-pass-9x)" "$(status_list)"
expect_contains "with the two messages" "INBOX 2 " "$(status_list)"
expect "browse_mailbox lists the delivered files" "2" \
  "$(u Email browse_mailbox account=info@bob.example dir=new | field 'len([e for e in d["result"]["data"] if e["isleaf"] == 1])')"

expect "a folder created over IMAP" "OK" "$(imap_create info@bob.example Info-pass-9x INBOX.Archive)"
expect "is listed with its own GUID" "$(imap_folders info@bob.example Info-pass-9x)" "$(status_list)"
expect_contains "(INBOX.Archive)" "INBOX.Archive 0 0" "$(status_list)"
expect "browse_mailbox shows it as a mailbox" "1" \
  "$(u Email browse_mailbox account=info@bob.example showdotfiles=1 | field '[e["ismailbox"] for e in d["result"]["data"] if e["file"] == ".Archive"][0]')"
guids=$(u Mailboxes get_mailbox_status_list account=info@bob.example | field '" ".join(f["guid"] for f in d["result"]["data"])')
expect "GUIDs are 32 hex digits and distinct" "ok" \
  "$(python3 -c 'import re,sys; g=sys.argv[1:]; print("ok" if len(g) == len(set(g)) >= 2 and all(re.fullmatch("[0-9a-f]{32}", x) for x in g) else g)' $guids)"

expect "expunge_mailbox_messages with a query" "1" \
  "$(u Mailboxes expunge_mailbox_messages account=info@bob.example mailbox=INBOX 'query=subject first' | field 'd["result"]["status"]')"
expect "removes only the matching message (IMAP)" "second" "$(imap_subjects info@bob.example Info-pass-9x)"
expect_contains "and the status list agrees" "INBOX 1 " "$(status_list)"
expect_contains "an unknown folder is Dovecot's error" "doesn't exist" \
  "$(u Mailboxes expunge_mailbox_messages account=info@bob.example mailbox=INBOX.Nope query=all | field 'd["result"]["errors"]')"
expect_contains "a query Dovecot cannot parse is refused" "Unknown argument" \
  "$(u Mailboxes expunge_mailbox_messages account=info@bob.example mailbox=INBOX query=bogusword | field 'd["result"]["errors"]')"
expect "and expunged nothing" "second" "$(imap_subjects info@bob.example Info-pass-9x)"

inbox_guid=$(u Mailboxes get_mailbox_status_list account=info@bob.example | field '[f["guid"] for f in d["result"]["data"] if f["mailbox"] == "INBOX"][0]')
expect "expunge_messages_for_mailbox_guid" "1" \
  "$(u Mailboxes expunge_messages_for_mailbox_guid account=info@bob.example "mailbox_guid=$inbox_guid" query=all | field 'd["result"]["status"]')"
expect "empties that folder (IMAP)" "none" "$(imap_subjects info@bob.example Info-pass-9x)"
expect_contains "an unknown GUID is refused" "has no folder with the GUID" \
  "$(u Mailboxes expunge_messages_for_mailbox_guid account=info@bob.example mailbox_guid=0123456789abcdef0123456789abcdef query=all | field 'd["result"]["errors"]')"

# WHM API 1: the same folders, keyed by name, found through the domain's owner.
w() { "$bin/whmapi1" --output=json "$@"; }
expect "WHM get_mailbox_status keys the folders by name" \
  "$(u Mailboxes get_mailbox_status_list account=info@bob.example | field 'sorted((f["mailbox"], f["guid"], f["messages"]) for f in d["result"]["data"])')" \
  "$(w get_mailbox_status account=info@bob.example | field 'sorted((k, v["guid"], v["messages"]) for k, v in d["data"].items())')"
expect "WHM get_mailbox_status_list wraps the list" \
  "$(u Mailboxes get_mailbox_status_list account=info@bob.example | field 'sorted(f["guid"] for f in d["result"]["data"])')" \
  "$(w get_mailbox_status_list account=info@bob.example | field 'sorted(f["guid"] for f in d["data"]["mailboxes"])')"
# (This Dovecot has no userdb for the account's own login, only for addresses:
# the call gets as far as asking it.)
expect_contains "the account's own mailbox by the user name is asked of Dovecot" "Dovecot could not" \
  "$(w get_mailbox_status account=bob | field 'd["metadata"]["reason"]')"

# Full-text search: Dovecot indexes a search, then one message vanishes
# behind its back; fts_rescan_mailbox has it rewrite the index (a new Lucene
# segments generation) so searches no longer meet the stale entry.
dove() { doveadm -c "$root/etc/dovecot/dovecot.conf" "$@"; }
deliver 3 third
deliver 4 fourth
expect "Dovecot's full-text search finds a body word" "1" \
  "$(dove search -u info@bob.example mailbox INBOX body fourth | wc -l)"
lucene=$root$home/mail/bob.example/info/lucene-indexes
segments_before=$(ls "$lucene" | grep '^segments_' | tr '\n' ' ')
rm -f "$maildir"/new/1700000003*
expect "fts_rescan_mailbox answers 1" "1 1" \
  "$(u Email fts_rescan_mailbox account=info@bob.example | field '"%s %s" % (d["result"]["status"], d["result"]["data"])')"
segments_after=$(ls "$lucene" | grep '^segments_' | tr '\n' ' ')
expect "rewrites the Lucene index" "changed" "$([[ -n $segments_before && $segments_before != "$segments_after" ]] && echo changed || echo "$segments_before -> $segments_after")"
expect "which still finds what is there" "1" "$(dove search -u info@bob.example mailbox INBOX body fourth | wc -l)"
expect_contains "a mailbox of another domain is refused" "does not exist" \
  "$(u Email fts_rescan_mailbox account=x@elsewhere.example | field 'd["result"]["errors"]')"

# terminate_cpuser_mailbox_sessions ends an IMAP session that is open.
python3 - "$imap_port" > "$run/session.out" 2>&1 <<'PY' &
import imaplib, sys, time
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
m.login("info@bob.example", "Info-pass-9x")
m.select("INBOX")
print("logged in", flush=True)
try:
    for _ in range(100):
        m.noop()
        time.sleep(0.1)
    print("still open")
except Exception as e:
    print("ended:", type(e).__name__)
PY
session=$!
for _ in $(seq 50); do grep -q "logged in" "$run/session.out" && break; sleep 0.1; done
expect "WHM terminate_cpuser_mailbox_sessions" "1" \
  "$(w terminate_cpuser_mailbox_sessions username=bob | field 'd["metadata"]["result"]')"
wait "$session"
expect_contains "ends the open IMAP session" "ended:" "$(cat "$run/session.out")"

echo "$passed passed, $failed failed"
((failed == 0))
