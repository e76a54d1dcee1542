#!/usr/bin/env bash
# End to end: the Exim filter files that `uapi Email store_filter` writes,
# judged by the real Exim in filter-testing mode (exim -bF: it reads the
# filter and a message and says what it would do; no daemon, nothing
# delivered). Sample messages get the intended decisions (deliver to an
# address, save, fail, pipe, normal delivery), a numeric test on a missing
# header does not stop the filter, and a hostile rule value (quotes,
# backslashes, "$", Exim keywords) gives a file Exim accepts whose rule does
# exactly the one intended thing: it matches that text literally and
# nothing else.
# Usage: test_exim_filter.sh BIN_DIR
set -u
bin=$1
source "$(dirname "$0")/expect.sh"
exim=$(command -v exim4 || command -v exim || ls /usr/sbin/exim4 /usr/sbin/exim 2>/dev/null | head -1)
if [[ -z "$exim" ]]; then
  echo "exim is missing (scripts/install-deps.sh installs exim4-daemon-heavy)"; echo "0 passed, 1 failed"; exit 1
fi
root=$(mktemp -d /tmp/whmkit-exim-filter-XXXXXX)
trap 'rm -rf "$root"' EXIT
export WHMKIT_ROOT=$root
"$bin/whmapi1" --output=json createacct username=bob domain=bob.example password=Main-pass1 >/dev/null

store() {  # store ARGS...: a filter of bob's; "1" when uapi accepted it
  "$bin/uapi" --output=json --user=bob Email store_filter "$@" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["status"])'
}
# What Exim decides for the message on stdin, and its exit status.
decide() {
  "$exim" -bF "$root/etc/vfilters/bob.example" -f sender@example.net 2>&1 | sed -n '/^Testing Exim filter file/,$p'
  echo "status=${PIPESTATUS[0]}"
}
message() {  # message HEADER BODY (both as they are: no escapes interpreted)
  printf 'From: someone@example.net\nTo: info@bob.example\n%s\n\n%s\n' "$1" "$2"
}

expect "store discard" 1 "$(store filtername=discard 'part1=$header_subject:' match1=contains 'val1=cheap pills' \
  action1=save dest1=/dev/null)"
expect "store redirect" 1 "$(store filtername=boss 'part1=$header_from:' match1=is val1=boss@corp.example \
  action1=deliver dest1=inbox@elsewhere.example)"
expect "store fail" 1 "$(store filtername=refuse 'part1=$message_body' match1=contains val1=unsubscribe \
  action1=fail 'dest1=No thanks')"
expect "store pipe" 1 "$(store filtername=ticket 'part1=$h_List-Id:' match1=contains val1=support \
  action1=pipe 'dest1=/home/bob/bin/ticket --new')"
expect "store score" 1 "$(store filtername=score 'part1=$h_X-Spam-Score:' 'match1=is above' val1=50 \
  action1=save dest1=/home/bob/mail/.spam)"
hostile='x" endif pipe "/bin/sh -c id" if "$message_body\\'
expect "store hostile" 1 "$(store filtername=hostile 'part1=$header_subject:' match1=contains "val1=$hostile" \
  action1=deliver dest1=hostile@elsewhere.example)"
# A line break is refused outright, and nothing changes.
before=$(cat "$root/etc/vfilters/bob.example")
expect "newline refused" 0 "$(store filtername=nl 'part1=$header_subject:' match1=contains $'val1=a\nendif\npipe "/bin/sh"' \
  action1=finish)"
expect "file unchanged" "$before" "$(cat "$root/etc/vfilters/bob.example")"

out=$(message 'Subject: Buy cheap pills now' 'hello' | decide)
expect_contains "discard: saved to /dev/null" "Save message to: /dev/null" "$out"
expect_contains "discard: exim accepted the file" "status=0" "$out"
out=$(message 'Subject: hello' 'hello' | decide)
expect_contains "plain message: normal delivery" "Normal delivery will occur." "$out"
out=$(message 'Subject: hello' 'hello' | sed 's/^From: .*/From: boss@corp.example/' | decide)
expect_contains "redirect: delivered to the address" "Deliver message to: inbox@elsewhere.example" "$out"
out=$(message 'Subject: news' 'click here to unsubscribe' | decide)
expect_contains "fail: refused with the text" 'Fail text "No thanks"' "$out"
out=$(message 'List-Id: <support.bob.example>' 'help' | decide)
expect_contains "pipe: to the program" "Pipe message to: /home/bob/bin/ticket --new" "$out"
out=$(message 'X-Spam-Score: 72' 'spam' | decide)
expect_contains "score above: saved" "Save message to: /home/bob/mail/.spam" "$out"
out=$(message 'X-Spam-Score: 12' 'ham' | decide)
expect_contains "score below: normal delivery" "Normal delivery will occur." "$out"

# The hostile value: matched literally, and it did not become commands.
out=$(message "Subject: re: $hostile" 'hello' | decide)
expect_contains "hostile: literal match delivers" "Deliver message to: hostile@elsewhere.example" "$out"
expect "hostile: no pipe to /bin/sh" "" "$(grep -F '/bin/sh' <<<"$out" | grep -v '^Testing')"
out=$(message 'Subject: x' 'the body' | decide)
expect_contains "hostile: a near miss is normal delivery" "Normal delivery will occur." "$out"
expect "hostile: one deliver line in the file" 1 "$(grep -c 'deliver "hostile@elsewhere.example"' "$root/etc/vfilters/bob.example")"

# trace_filter runs the same Exim through the API.
trace=$("$bin/uapi" --output=json --user=bob Email trace_filter 'msg=please unsubscribe me' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["data"]["trace"])')
expect_contains "trace_filter: the fail decision" "Fail text &quot;No thanks&quot;" "$trace"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
