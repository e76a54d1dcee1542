#!/usr/bin/env bash
# trace_delivery against the real Exim: for each address, where Exim's
# address test (exim -bt, with the configuration of tests/mail/exim.conf.in
# over the same state root) routes it agrees with uapi Email trace_delivery:
# the mailboxes it delivers to, the addresses that fail, and those it sends
# nowhere. Then dispatch_client_settings' message, given to that Exim as
# sendmail, arrives in a mailbox. No daemon is started; the address test runs in a mount namespace
# where /etc/exim4 lists the test's configuration as trusted (servers.sh).
# Usage: test_exim_trace.sh BIN_DIR
set -u
bin=$1
source "$(dirname "$0")/expect.sh"
source "$(dirname "$0")/servers.sh"
for tool in exim4 unshare; do
  if ! command -v $tool >/dev/null; then
    echo "$tool is missing (scripts/install-deps.sh installs exim4-daemon-heavy)"; echo "0 passed, 1 failed"; exit 1
  fi
done
root=$(mktemp -d /tmp/whmkit-exim-trace-XXXXXX)
run=$(mktemp -d /tmp/whmkit-exim-trace-run-XXXXXX)
hostname=host.whmkit.test
cleanup() { [[ -n ${KEEP:-} ]] || rm -rf "$root" "$run"; }
trap cleanup EXIT
export WHMKIT_ROOT=$root
uapi_as() {  # USER MODULE FUNCTION ARGS...
  local out
  out=$("$bin/uapi" --output=json --user="$1" "${@:2}")
  expect "uapi ${*:2:2} succeeds" "1" "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["status"])' <<< "$out")"
}

mkdir -p "$root/etc" && getent group mail | cut -d: -f1-3 | sed 's/$/:/' > "$root/etc/group"
echo "$hostname" > "$root/etc/hostname"
"$bin/whmapi1" --output=json createacct username=bob domain=bob.example password=Main-pass1 >/dev/null
"$bin/whmapi1" --output=json createacct username=alice domain=alice.example password=Main-pass2 >/dev/null
chmod 711 "$root"
uapi_as bob Email add_pop email=info domain=bob.example password=Info-pass1
uapi_as bob Email add_pop email=both domain=bob.example password=Both-pass1
uapi_as bob Email add_pop email=hold domain=bob.example password=Hold-pass1
uapi_as bob Email add_forwarder domain=bob.example email=sales fwdopt=fwd fwdemail=info@bob.example
uapi_as bob Email add_forwarder domain=bob.example email=team fwdopt=fwd fwdemail=sales@bob.example
uapi_as bob Email add_forwarder domain=bob.example email=both fwdopt=fwd fwdemail=info@bob.example
uapi_as bob Email add_forwarder domain=bob.example email=away fwdopt=fwd fwdemail=someone@elsewhere.example
uapi_as bob Email add_forwarder domain=bob.example email=old fwdopt=fail 'failmsgs=No such person at this address'
uapi_as bob Email add_forwarder domain=bob.example email=spam fwdopt=blackhole
uapi_as bob Email suspend_incoming email=hold@bob.example
uapi_as bob Email set_default_address domain=bob.example fwdopt=fwd fwdemail=bob

exim_config "$root" "$run" 25 "$hostname" > "$run/exim.conf"
mkdir -p "$run/etc-exim4" "$run/spool" "$run/log"
echo "$run/exim.conf" > "$run/etc-exim4/trusted_configs"
chmod 644 "$run/exim.conf" && chmod 711 "$run"

# What Exim does with ADDRESS, one outcome per line, sorted:
# "deliver <mailbox>" (router mailbox), "deliver main <user>" (main_mailbox),
# "fail" (undeliverable), "discard".
exim_outcomes() {  # ADDRESS
  exim_in_namespace "$run" -C "$run/exim.conf" -bt "$1" 2>&1 | python3 -c '
import re, sys
text = sys.stdin.read()
out = []
for block in re.split(r"\n(?=\S)", text.strip()):
    first = block.split("\n")[0]
    if "is undeliverable" in first or "is discarded" in first:
        out.append("discard" if "is discarded" in first else "fail")
        continue
    m = re.search(r"router = (\w+)", block)
    if m and m.group(1) == "mailbox":
        out.append("deliver " + first.split()[0])
    elif m and m.group(1) == "main_mailbox":
        out.append("deliver main " + first.split()[0].split("@")[0])
    elif m:
        out.append("other " + m.group(1))
print("\n".join(sorted(out)) or "none")
'
}
# The same from trace_delivery's tree: local_delivery -> "deliver <mailbox>"
# ("deliver main <user>" for the account's own, Exim's main_mailbox), bounce and
# remote_delivery -> "fail" (the test Exim sends nothing off the machine),
# discard -> "discard".
trace_outcomes() {  # ADDRESS
  "$bin/uapi" --output=json --user=bob Email trace_delivery "recipient=$1" | python3 -c '
import json, sys
out = []
def walk(n):
    t = n["type"]
    if t == "local_delivery":
        out.append("deliver " + (n["mailbox"] if "@" in n["mailbox"] else "main " + n["mailbox"]))
    elif t in ("bounce", "remote_delivery"):
        out.append("fail")
    elif t == "discard":
        out.append("discard")
    for d in n.get("destinations", []):
        walk(d)
walk(json.load(sys.stdin)["result"]["data"])
print("\n".join(sorted(out)) or "none")
'
}

for address in info@bob.example sales@bob.example team@bob.example both@bob.example away@bob.example \
  old@bob.example spam@bob.example hold@bob.example nobody@bob.example bob@bob.example; do
  expect "trace_delivery agrees with exim -bt for $address" "$(exim_outcomes "$address")" "$(trace_outcomes "$address")"
done

# dispatch_client_settings hands its message to the root's sendmail: here
# the test Exim's, which delivers it at once (-odi) to the mailbox.
user=$(exim4 -C /dev/null -bP exim_user 2>/dev/null | sed 's/^exim_user = //')
chown "$user" "$run/spool" "$run/log"
mkdir -p "$root/usr/sbin"
printf '#!/bin/bash\nsource %q\nexim_in_namespace %q -C %q -odi "$@"\n' \
  "$(cd "$(dirname "$0")" && pwd)/servers.sh" "$run" "$run/exim.conf" > "$root/usr/sbin/sendmail"
chmod 755 "$root/usr/sbin/sendmail"
uapi_as bob Email dispatch_client_settings account=info@bob.example to=both@bob.example
delivered=$(grep -l '^Subject: Mail client settings for info@bob.example' "$root"/home/bob/mail/bob.example/both/new/* 2>/dev/null | wc -l)
expect "dispatch_client_settings' message reaches the mailbox through Exim" "1" "$delivered"
expect_contains "with the settings" "Incoming server (IMAP): mail.bob.example" \
  "$(cat "$root"/home/bob/mail/bob.example/both/new/* 2>/dev/null)"

echo "$passed passed, $failed failed"
((failed == 0))
