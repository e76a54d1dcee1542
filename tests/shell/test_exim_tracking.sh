#!/usr/bin/env bash
# End to end with a real Exim 4.96 on 127.0.0.1 (tests/mail/exim.conf.in,
# mail for other domains handed to an SMTP sink of the test's own):
#  * WHM's switches for a whole account: hold_outgoing_email makes Exim
#    accept and freeze what the account's addresses send, fetch_mail_queue
#    shows it, release_outgoing_email has Exim deliver it;
#    suspend_outgoing_email makes Exim refuse it, unsuspend lets it through;
#  * whmkit-eximstats reads Exim's real main log into the tracking database,
#    and emailtrack_stats, emailtrack_user_stats and the unique recipient
#    counts report what went through; a second run adds nothing.
# whmkit reaches this Exim as on a server: its spool at var/spool/exim and
# its main log at var/log/exim_mainlog under the state root (links to the
# daemon's), its program through WHMKIT_EXIM.
# Usage: test_exim_tracking.sh BIN_DIR   (KEEP=1 keeps the files in /tmp)
set -u
bin=$1
source "$(dirname "$0")/expect.sh"
source "$(dirname "$0")/servers.sh"
exim_test_setup exim-track 29200
sink_pid=
trap '[[ -n $sink_pid ]] && kill "$sink_pid" 2>/dev/null; stop_exim "$run"; [[ -n ${KEEP:-} ]] || rm -rf "$root" "$run"' EXIT

whm() { "$bin/whmapi1" --output=json "$@"; }
# A WHM call's data as JSON, or "refused: <reason>".
whm_data() {
  whm "$@" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(json.dumps(r.get("data"), sort_keys=True) if r["metadata"]["result"] == 1 else "refused: " + r["metadata"]["reason"])'
}

mkdir -p "$root/etc" && getent group mail | cut -d: -f1-3 | sed 's/$/:/' > "$root/etc/group"
whm createacct username=bob domain=bob.example password=Main-pass1 >/dev/null
chmod 711 "$root"
for box in info sales carol; do
  "$bin/uapi" --output=json --user=bob Email add_pop "email=$box" domain=bob.example password=Box-pass-1 quota=0 >/dev/null
done
maildir() { echo "$root$(home_of bob)/mail/bob.example/$1/new"; }
subjects() { grep -h '^Subject:' "$(maildir "$1")"/* 2>/dev/null | sed 's/^Subject: //' | sort | tr '\n' '|'; }

sink_dir=$run/sink
mkdir -p "$sink_dir"
start_stand_in "$(dirname "$0")/smtp_sink.py" "$run/sink.port" "$sink_dir"
sink_pid=$server_pid
exim_config_with_smarthost "$root" "$run" "$port" host.whmkit.test "$server_port" > "$run/exim.conf"
if ! start_exim "$run/exim.conf" "$run" "$port"; then
  echo "Exim did not start:"; cat "$run/start.err" "$run/log/paniclog" 2>/dev/null; echo "0 passed, 1 failed"; exit 1
fi
# The server's spool and main log where whmkit looks for them, and its Exim program.
mkdir -p "$root/var/spool" "$root/var/log"
ln -s "$run/spool" "$root/var/spool/exim"
ln -s "$run/log/mainlog" "$root/var/log/exim_mainlog"
exim_queue_helpers
queue_field() {  # EXPRESSION on fetch_mail_queue's records, as r
  whm fetch_mail_queue | field "(lambda r: $1)(d['data']['records'])"
}

# ---- hold_outgoing_email: frozen in the queue until released ----------------
expect "hold_outgoing_email" "null" "$(whm_data hold_outgoing_email user=bob)"
expect "the account is in Exim's hold list" "bob" "$(cat "$root/etc/outgoing_mail_hold_users")"
expect_contains "a held account's mail is accepted" "250" "$(send_as info@bob.example carol@bob.example 'Held one')"
settle
expect "fetch_mail_queue shows it, frozen" "1 1 info@bob.example ['carol@bob.example']" \
  "$(queue_field '" ".join([str(len(r)), str(r[0]["frozen"]), r[0]["sender"], str(r[0]["recipients"])])')"
expect "... with its size and time" "True True" \
  "$(queue_field 'str(r[0]["size"] > 100) + " " + str(abs(r[0]["time"] - '"$(date +%s)"') < 300)')"
expect "nothing held was delivered" "" "$(subjects carol)"
expect "release_outgoing_email" "null" "$(whm_data release_outgoing_email user=bob)"
wait_for carol 1
expect "release_outgoing_email: Exim delivered what it held" "Held one|" "$(subjects carol)"
settle
expect "... and the queue is empty" "0" "$(queue_field 'len(r)')"
expect "the hold list is gone" "no" "$([[ -e $root/etc/outgoing_mail_hold_users ]] && echo yes || echo no)"

# ---- suspend_outgoing_email: refused at RCPT --------------------------------
expect "suspend_outgoing_email" "null" "$(whm_data suspend_outgoing_email user=bob)"
expect_contains "a suspended account's mail is refused" "550 Outgoing mail from the account bob is suspended" \
  "$(send_as sales@bob.example info@bob.example 'While suspended')"
expect "unsuspend_outgoing_email" "null" "$(whm_data unsuspend_outgoing_email user=bob)"
expect_contains "unsuspended: it sends again" "250" "$(send_as sales@bob.example info@bob.example 'After')"
wait_for info 1
expect "... and it is delivered" "After|" "$(subjects info)"

# ---- mail to other domains: sales to two addresses, info to one -------------
# Submitted on the server as the login would (Exim's -oM options for a
# trusted caller: received over SMTP with AUTH), so the smarthost takes it.
submit_as() {  # LOGIN SUBJECT RECIPIENTS...
  local login=$1 subject=$2
  shift 2
  printf 'From: %s\nSubject: %s\n\nHello.\n' "$login" "$subject" |
    exim_in_namespace "$run" -C "$run/exim.conf" -odi -oMr esmtpa -oMaa plain -oMai "$login" -oMa 127.0.0.1 \
      -f "$login" "$@"
}
submit_as sales@bob.example 'Offer' a@remote.example b@remote.example
submit_as info@bob.example 'Hello' c@remote.example
for _ in $(seq 50); do [[ -f $sink_dir/2.eml ]] && break; sleep 0.1; done
expect "the smarthost got both messages" "2" "$(ls "$sink_dir" | grep -c '\.eml$')"
settle

# ---- whmkit-eximstats reads the log; the statistics -----------------------
imported=$("$bin/whmkit-eximstats" --root "$root")
expect_contains "the import found 4 messages and the refused recipient" $'sends 5\ndeliveries 5\ndefers 0\nfailures 1' \
  "$imported"
expect "stats_db_status" '"active"' \
  "$("$bin/uapi" --output=json --user=bob Email stats_db_status | field 'json.dumps(d["result"]["data"])')"
user_stats=$(whm emailtrack_user_stats)
expect "emailtrack_user_stats: bob sent 4, 5 deliveries" "bob bob.example 4 5 0 0" \
  "$(field '" ".join(str(x) for r in d["data"]["records"] if r["USER"] == "bob" for x in (r["USER"], r["DOMAIN"], r["SENDCOUNT"], r["SUCCESSCOUNT"], r["FAILCOUNT"], r["DEFERCOUNT"]))' <<<"$user_stats")"
expect "... and the refused recipient is a failure of mail from outside" "-remote- 1 1" \
  "$(field '" ".join(str(x) for r in d["data"]["records"] if r["USER"] == "-remote-" for x in (r["USER"], r["SENDCOUNT"], r["FAILCOUNT"]))' <<<"$user_stats")"
stats() { whm emailtrack_stats "$@" | field '" ".join(str(d["data"]["records"][0].get(k)) for k in ("SENDCOUNT", "SUCCESSCOUNT", "FAILCOUNT", "INPROGRESSCOUNT"))'; }
expect "emailtrack_stats: the server's totals" "5 5 1 0" "$(stats)"
expect "... remote deliveries only" "5 3 None 0" "$(stats deliverytype=remote)"
expect "... one sender" "2 3" "$(whm emailtrack_user_stats sender=sales@bob.example | field '" ".join(str(d["data"]["records"][0][k]) for k in ("SENDCOUNT", "SUCCESSCOUNT"))')"
now=$(date +%s)
expect "get_unique_sender_recipient_count_per_user" '[{"unique_sender_recipient_count": 3, "user": "bob"}]' \
  "$(whm_data get_unique_sender_recipient_count_per_user start_time=0 end_time=$now | field 'json.dumps(d["payload"], sort_keys=True)')"
expect "get_unique_recipient_count_per_sender_for_user" \
  '[{"sender": "info@bob.example", "unique_recipient_count": 1}, {"sender": "sales@bob.example", "unique_recipient_count": 2}]' \
  "$(whm_data get_unique_recipient_count_per_sender_for_user user=bob start_time=0 end_time=$now |
     field 'json.dumps(sorted(d["payload"], key=lambda p: p["sender"]), sort_keys=True)')"
again=$("$bin/whmkit-eximstats" --root "$root")
expect_contains "a second import adds nothing (Exim's queue runs may have logged a line)" \
  $'sends 0\ndeliveries 0\ndefers 0\nfailures 0' "$again"
expect_contains "... a re-import adds nothing" $'sends 0\ndeliveries 0\ndefers 0\nfailures 0' \
  "$("$bin/whmkit-eximstats" --root "$root" --reimport)"
expect "... and the totals are the same" "5 5 1 0" "$(stats)"

echo "$passed passed, $failed failed"
((failed == 0))
