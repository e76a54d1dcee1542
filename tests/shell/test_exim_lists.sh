#!/usr/bin/env bash
# End to end: a real Exim 4.96 on 127.0.0.1 (tests/mail/exim.conf.in) hands
# mail for a mailing list that uapi Email add_list made to Mailman's wrapper
# (usr/local/cpanel/3rdparty/mailman/mail/mailman in the state root: here a
# script that records its arguments and the message), "post <list id>" for
# the list's own address and the command for Mailman's addresses
# (<list>-request); once delete_list has removed the list, its address is
# refused at RCPT. Exim runs as in test_exim.sh (servers.sh, start_exim).
# Usage: test_exim_lists.sh BIN_DIR   (KEEP=1 keeps /tmp/whmkit-exim-lists-*)
set -u
bin=$1
source "$(dirname "$0")/expect.sh"
source "$(dirname "$0")/servers.sh"
exim_test_setup exim-lists 26000

uapi_as() {  # USER MODULE FUNCTION ARGS...
  local out
  out=$("$bin/uapi" --output=json --user="$1" "${@:2}")
  expect "uapi ${*:2:2} succeeds" "1" "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["status"])' <<< "$out")"
}

mkdir -p "$root/etc" && getent group mail | cut -d: -f1-3 | sed 's/$/:/' > "$root/etc/group"
"$bin/whmapi1" --output=json createacct username=bob domain=bob.example password=Main-pass1 >/dev/null
chmod 711 "$root"
# An unknown address of the domain is refused, so a deleted list's address is too.
uapi_as bob Email set_default_address domain=bob.example fwdopt=fail 'failmsgs=No Such User Here'
uapi_as bob Email add_list list=news domain=bob.example 'password=Sx9!kd7Qz-2p'

# The stand-in for Mailman's wrapper: appends its arguments and the message to received.txt.
wrapper_dir=$root/usr/local/cpanel/3rdparty/mailman/mail
received=$wrapper_dir/received.txt
mkdir -p "$wrapper_dir" && : > "$received" && chmod 666 "$received"
printf '#!/bin/sh\n{ echo "args: $*"; cat; } >> "%s"\n' "$received" > "$wrapper_dir/mailman"
chmod 755 "$wrapper_dir/mailman"

exim_config "$root" "$run" "$port" host.whmkit.test > "$run/exim.conf"
if ! start_exim "$run/exim.conf" "$run" "$port"; then
  echo "Exim did not start:"; cat "$run/start.err" "$run/log/paniclog" 2>/dev/null; echo "0 passed, 1 failed"; exit 1
fi

send() {  # TO SUBJECT
  swaks --server "127.0.0.1:$port" --helo client.test --from sender@client.test --to "$1" \
    --header "Subject: $2" --body "to the list" 2>&1
}
rcpt_reply() { grep -A1 '^ -> RCPT TO' | tail -1 | sed 's/^ *<[*~-]* *//' | tr -d '\r'; }
settle() {
  for _ in $(seq 100); do
    awk '$4 == "<=" { arrived[$3] } $4 == "Completed" || $4 == "==" { done[$3] }
         END { for (id in arrived) if (!(id in done)) exit 1 }' "$run/log/mainlog" 2>/dev/null && return 0
    sleep 0.1
  done
}

expect_contains "mail to the list is accepted" "250" "$(send news@bob.example 'To the list' | rcpt_reply)"
expect_contains "mail to the list's -request address is accepted" "250" \
  "$(send news-request@bob.example 'subscribe' | rcpt_reply)"
settle
expect_contains "the wrapper got the post with the list id" "args: post news_bob.example" "$(cat "$received")"
expect_contains "... and the message" "Subject: To the list" "$(cat "$received")"
expect_contains "the -request address reached the wrapper as a request" "args: request news_bob.example" \
  "$(cat "$received")"
expect_contains "... delivered by the list router" "R=mailman_list T=mailman_pipe" "$(cat "$run/log/mainlog")"

uapi_as bob Email delete_list list=news@bob.example
reply=$(send news@bob.example 'After deletion' | rcpt_reply)
expect_contains "a deleted list's address is refused" "550" "$reply"
settle
expect "... and nothing more reached the wrapper" "no" "$(grep -q 'After deletion' "$received" && echo yes || echo no)"

echo "$passed passed, $failed failed"
((failed == 0))
