#!/usr/bin/env bash
# End to end: greylisting with a real Exim 4.96 on 127.0.0.1
# (tests/mail/exim.conf.in, its greylisting block) asking whmkit-greylist,
# cPanel's cpgreylistd, on a Unix socket at RCPT time:
#  * nothing is deferred until enable_cpgreylist;
#  * then an unknown triplet (sender's address, sender, recipient) is
#    deferred (451) and recorded (read_cpgreylist_deferred_entries), again
#    while its initial block lasts; once the block has passed (the row is
#    aged in the database, as minutes passing would) the retry is accepted
#    and delivered;
#  * a trusted host (create_cpgreylist_trusted_host) is never deferred, and
#    is again after delete_cpgreylist_trusted_host;
#  * disable_cpgreylist turns it off.
# Usage: test_exim_greylist.sh BIN_DIR   (KEEP=1 keeps the files in /tmp)
set -u
bin=$1
source "$(dirname "$0")/expect.sh"
source "$(dirname "$0")/servers.sh"
exim_test_setup exim-grey 29100
trap 'stop_server "$run/greylist.pid"; stop_exim "$run"; [[ -n ${KEEP:-} ]] || rm -rf "$root" "$run"' EXIT

whm() { "$bin/whmapi1" --output=json "$@"; }

mkdir -p "$root/etc" && getent group mail | cut -d: -f1-3 | sed 's/$/:/' > "$root/etc/group"
whm createacct username=bob domain=bob.example password=Main-pass1 >/dev/null
chmod 711 "$root"
"$bin/uapi" --output=json --user=bob Email add_pop email=info domain=bob.example password=Box-pass-1 quota=0 >/dev/null
maildir="$root$(home_of bob)/mail/bob.example/info/new"
subjects() { grep -h '^Subject:' "$maildir"/* 2>/dev/null | sed 's/^Subject: //' | sort | tr '\n' '|'; }
wait_for_mail() {  # COUNT
  for _ in $(seq 100); do
    [[ $(ls "$maildir" 2>/dev/null | wc -l) -ge $1 ]] && return 0
    sleep 0.1
  done
}

exim_config "$root" "$run" "$port" host.whmkit.test > "$run/exim.conf"
if ! start_exim "$run/exim.conf" "$run" "$port"; then
  echo "Exim did not start:"; cat "$run/start.err" "$run/log/paniclog" 2>/dev/null; echo "0 passed, 1 failed"; exit 1
fi
"$bin/whmkit-greylist" --root "$root" --socket "$run/cpgreylistd.sock" --pid-file "$run/greylist.pid" \
  --log "$run/greylist.log"
for _ in $(seq 50); do [[ -S $run/cpgreylistd.sock ]] && break; sleep 0.1; done

send_from() {  # FROM SUBJECT: from outside (no login) to info@; prints the reply to RCPT TO
  swaks --server "127.0.0.1:$port" --helo client.test --from "$1" --to info@bob.example --header "Subject: $2" 2>&1 |
    grep -A1 '^ -> RCPT TO' | tail -1 | sed 's/^ *<[*~-]* *//' | tr -d '\r'
}
deferred() { whm read_cpgreylist_deferred_entries | field "$1"; }

expect_contains "greylisting off: mail is accepted at once" "250" "$(send_from alice@remote.example 'Before')"

expect "enable_cpgreylist" "1" "$(whm enable_cpgreylist | field 'd["metadata"]["result"]')"
first=$(send_from carol@remote.example 'Greylisted')
expect_contains "an unknown triplet is deferred" "451" "$first"
expect_contains "... with cPanel's text" "Temporarily unable to process your email. Please try again later." "$first"
expect "... and recorded as a triplet" "1 127.0.0.1 carol@remote.example info@bob.example 1 0" \
  "$(deferred '" ".join(str(v) for v in [d["data"]["total_rows"]] + [e[k] for e in d["data"]["greylist_deferred_entries"] for k in ("sender_ip", "from_addr", "to_addr", "deferred_count", "accepted_count")])')"
expect_contains "a retry within the initial block is deferred again" "451" "$(send_from carol@remote.example 'Greylisted')"
expect "... counted" "2" "$(deferred 'd["data"]["greylist_deferred_entries"][0]["deferred_count"]')"

# The initial block passes: its end moved into the past, as the minutes would.
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE triplets_seen SET block_exp_time = ?", ("2000-01-01 00:00:00",)); c.commit()' \
  "$root/var/cpanel/greylist/greylist.sqlite"
expect_contains "after the initial block the retry is accepted" "250" "$(send_from carol@remote.example 'Greylisted')"
wait_for_mail 2
expect "... and delivered" "Before|Greylisted|" "$(subjects)"
expect "... the triplet counts it accepted" "1" "$(deferred 'd["data"]["greylist_deferred_entries"][0]["accepted_count"]')"
expect_contains "the same triplet later: accepted at once" "250" "$(send_from carol@remote.example 'Known')"
expect_contains "another sender is a new triplet: deferred" "451" "$(send_from dave@remote.example 'From dave')"

added=$(whm create_cpgreylist_trusted_host ip=127.0.0.0/8 comment=loopback)
expect "create_cpgreylist_trusted_host" "1 127.0.0.0-127.255.255.255 loopback" \
  "$(field '" ".join(str(v) for v in (d["metadata"]["result"], d["data"]["ips_added"][0]["host_ip"], d["data"]["ips_added"][0]["comment"]))' <<<"$added")"
expect "... written to Exim's trusted netblocks" "127.0.0.0/8 # loopback" "$(cat "$root/etc/greylist_trusted_netblocks")"
expect_contains "a trusted host is never deferred" "250" "$(send_from erin@remote.example 'Trusted')"
expect_contains "... whoever sends" "250" "$(send_from dave@remote.example 'From dave')"
expect "... and no triplet is recorded for it" "2" "$(deferred 'd["data"]["total_rows"]')"

expect "delete_cpgreylist_trusted_host" "['127.0.0.0/8']" \
  "$(whm delete_cpgreylist_trusted_host ip=127.0.0.0/8 | field 'd["data"]["ips_removed"]')"
expect_contains "no longer trusted: a new triplet is deferred" "451" "$(send_from frank@remote.example 'Untrusted')"

expect "disable_cpgreylist" "1" "$(whm disable_cpgreylist | field 'd["metadata"]["result"]')"
expect_contains "disabled: a new triplet is accepted at once" "250" "$(send_from grace@remote.example 'After')"
wait_for_mail 6
expect "every accepted message was delivered" "After|Before|From dave|Greylisted|Known|Trusted|" "$(subjects)"
expect_contains "the daemon logged its answers" "should_defer ip=127.0.0.1 from=carol@remote.example" \
  "$(cat "$run/greylist.log")"

echo "$passed passed, $failed failed"
((failed == 0))
