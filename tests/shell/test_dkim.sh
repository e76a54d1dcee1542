#!/usr/bin/env bash
# End to end: mail authentication as UAPI EmailAuth sets it up, proven with
# the real servers. enable_dkim makes the key (OpenSSL) and publishes it in
# the zone; install_spf_records and apply_dmarc add the SPF and DMARC TXT
# records. A real named on 127.0.0.1 serves the zone; a real Exim
# (tests/mail/exim.conf.in with its smarthost on) signs a message bob sends
# to another domain with the key file and hands it to an SMTP sink of the
# test's own (smtp_sink.py); python3-dkim verifies the signature against the
# record named serves (and refuses it once the body is changed). dig shows
# the SPF and DMARC records as one TXT record each. validate_current_ptrs
# asks a named of its own on 127.0.0.1:53 in a network namespace (unshare -n).
# Usage: test_dkim.sh BIN_DIR   (KEEP=1 keeps the directories in /tmp)
set -u
bin=$1
source "$(dirname "$0")/expect.sh"
source "$(dirname "$0")/servers.sh"
sys_python=/usr/bin/python3  # Debian's, with python3-dkim
for tool in exim4 unshare dig; do
  if ! command -v $tool >/dev/null; then
    echo "$tool is missing (scripts/install-deps.sh installs it)"; echo "0 passed, 1 failed"; exit 1
  fi
done
if ! $sys_python -c 'import dkim' 2>/dev/null; then
  echo "python3-dkim is missing (scripts/install-deps.sh installs it)"; echo "0 passed, 1 failed"; exit 1
fi
root=$(mktemp -d /tmp/whmkit-dkim-XXXXXX)
run=$(mktemp -d /tmp/whmkit-dkim-run-XXXXXX)
named_run=$run/named
sink_dir=$run/sink
mkdir -p "$named_run" "$sink_dir"
exim_port=$((26000 + RANDOM % 1000))
dns_port=$((27000 + RANDOM % 1000))
sink_pid=
cleanup() {
  stop_exim "$run"
  stop_server "$named_run/named.pid"
  [[ -n $sink_pid ]] && kill "$sink_pid" 2>/dev/null
  [[ -n ${KEEP:-} ]] || rm -rf "$root" "$run"
}
trap cleanup EXIT
export WHMKIT_ROOT=$root
uapi_as() {  # FUNCTION ARGS...: uapi EmailAuth as bob; the JSON envelope
  "$bin/uapi" --output=json --user=bob EmailAuth "$@"
}
field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d" + sys.argv[1]))' "$1"; }

# The state root's group "mail" is the host's: Exim's smtp transport reads the key as the host's mail group.
mkdir -p "$root/etc" && getent group mail | cut -d: -f1-3 | sed 's/$/:/' > "$root/etc/group"
printf 'ADDR 192.0.2.25\n' > "$root/etc/wwwacct.conf"
"$bin/whmapi1" --output=json createacct username=bob domain=bob.example password=Main-pass1 >/dev/null
chmod 711 "$root"

out=$(uapi_as enable_dkim domain=bob.example)
expect "enable_dkim succeeds" 1 "$(field '["result"]["data"][0]["status"]' <<< "$out")"
expected_dkim=$(uapi_as validate_current_dkims domain=bob.example | field '["result"]["data"][0]["expected"]')
out=$(uapi_as install_spf_records domain=bob.example 'record=v=spf1 +a +mx ~all')
expect "install_spf_records succeeds" 1 "$(field '["result"]["data"][0]["status"]' <<< "$out")"
out=$(uapi_as apply_dmarc 'policy=v=DMARC1; p=quarantine; rua=mailto:dmarc@bob.example' domain=bob.example)
expect "apply_dmarc succeeds" 1 "$(field '["result"]["data"][0]["status"]' <<< "$out")"
expect "the key file is root's, group mail, 0640" "root:mail 640" \
  "$(stat -c '%U:%G %a' "$root/var/cpanel/domain_keys/private/bob.example")"

# ---- named serves the zone ----
chmod -R a+rX "$root/var/named"
{
  named_options "$named_run" "$dns_port"
  sed "s|file \"/var/named/|file \"$root/var/named/|" "$root/etc/named.conf"
} > "$named_run/named.conf"
named_command "$named_run/named.conf"
start_server "$dns_port" "$named_run/named.err"
for _ in $(seq 50); do dig +short +time=1 +tries=1 @127.0.0.1 -p $dns_port bob.example SOA >/dev/null 2>&1 && break; sleep 0.2; done
# A TXT answer as one string: dig prints the record's strings quoted, space-separated.
txt() { dig +short +time=2 +tries=2 @127.0.0.1 -p $dns_port "$1" TXT | sed -e 's/" "//g' -e 's/^"//' -e 's/"$//'; }
expect "named serves the DKIM record enable_dkim published" "$expected_dkim" "$(txt default._domainkey.bob.example)"
expect "named serves one SPF record" "v=spf1 +a +mx ~all" "$(txt bob.example | grep '^v=spf1')"
expect "named serves the DMARC record" "v=DMARC1; p=quarantine; rua=mailto:dmarc@bob.example" "$(txt _dmarc.bob.example)"
# The 2048-bit key's record is longer than one character string: BIND gives it back split as whmkit wrote it.
raw_dkim=$(dig +short +time=2 @127.0.0.1 -p $dns_port default._domainkey.bob.example TXT)
expect "the DKIM record is sent as several strings" yes "$([[ $raw_dkim == *'" "'* ]] && echo yes || echo no)"

# ---- Exim signs what bob sends to another domain ----
start_stand_in "$(dirname "$0")/smtp_sink.py" "$run/sink.port" "$sink_dir"
sink_pid=$server_pid
exim_config_with_smarthost "$root" "$run" "$exim_port" host.whmkit.test "$server_port" > "$run/exim.conf"
if ! start_exim "$run/exim.conf" "$run" "$exim_port"; then
  echo "Exim did not start:"; cat "$run/start.err" "$run/log/paniclog" 2>/dev/null; echo "0 passed, 1 failed"; exit 1
fi
printf 'From: Bob <bob@bob.example>\nTo: friend@remote.example\nSubject: signed\n\nHello from bob.\n' |
  exim_in_namespace "$run" -C "$run/exim.conf" -odi -f bob@bob.example -t
for _ in $(seq 50); do [[ -f $sink_dir/1.eml ]] && break; sleep 0.1; done
if [[ ! -f $sink_dir/1.eml ]]; then
  echo "Exim did not hand the message over:"; cat "$run/log/mainlog" "$run/log/paniclog" 2>/dev/null
fi
signature=$(grep -i '^DKIM-Signature:' -A6 "$sink_dir/1.eml" | tr -d '\r\n\t ')
expect_contains "signed for bob.example" "d=bob.example;" "$signature"
expect_contains "with the selector default" "s=default;" "$signature"

# python3-dkim asks the test's named for the key record.
verify() {  # FILE -> True / False
  $sys_python - "$1" "$dns_port" <<'PY'
import re, subprocess, sys, dkim
def dnsfunc(name, timeout=5):
    name = name.decode() if isinstance(name, bytes) else name
    out = subprocess.run(["dig", "+short", "+time=2", "@127.0.0.1", "-p", sys.argv[2], name.rstrip("."), "TXT"],
                         capture_output=True, text=True).stdout
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', out.splitlines()[0] if out else "")).encode()
print(dkim.verify(open(sys.argv[1], "rb").read(), dnsfunc=dnsfunc))
PY
}
expect "python3-dkim accepts the signature against the record named serves" True "$(verify "$sink_dir/1.eml")"
sed 's/Hello from bob\./Hello from mallory./' "$sink_dir/1.eml" > "$run/tampered.eml"
expect "python3-dkim refuses a changed body" False "$(verify "$run/tampered.eml")"

# ---- validate_current_ptrs asks real DNS: a named of its own on 127.0.0.1:53, in a network namespace ----
# The root's etc/resolv.conf names 127.0.0.1 (the resolvers' port is 53), so the
# question and the named that answers it live in a namespace of their own.
ptr_run=$run/ptr
mkdir -p "$ptr_run"
echo 'nameserver 127.0.0.1' > "$root/etc/resolv.conf"
echo host.whmkit.test > "$root/etc/hostname"
soa='$TTL 300
@ IN SOA ns.whmkit.test. root.whmkit.test. 1 3600 600 86400 300
@ IN NS ns.whmkit.test.'
printf '%s\n25 IN PTR host.whmkit.test.\n25 IN PTR other.whmkit.test.\n' "$soa" > "$ptr_run/reverse.db"
printf '%s\nns IN A 127.0.0.1\nhost IN A 192.0.2.25\nother IN A 192.0.2.99\n' "$soa" > "$ptr_run/forward.db"
{
  named_options "$ptr_run" 53
  printf 'zone "2.0.192.in-addr.arpa" { type master; file "%s/reverse.db"; };\n' "$ptr_run"
  printf 'zone "whmkit.test" { type master; file "%s/forward.db"; };\n' "$ptr_run"
} > "$ptr_run/named.conf"
named_command "$ptr_run/named.conf"
ptrs=$(unshare -n bash -c '
  ip link set lo up
  "${@:3}" 2>>"$1/named.err"
  for _ in $(seq 50); do dig +short +time=1 +tries=1 @127.0.0.1 whmkit.test SOA >/dev/null 2>&1 && break; sleep 0.2; done
  "$2/uapi" --output=json --user=bob EmailAuth validate_current_ptrs domain=bob.example
  kill "$(cat "$1/named.pid")"
' _ "$ptr_run" "$bin" "${server_cmd[@]}")
expect "the PTR of the account's address names the hostname, which points back" VALID \
  "$(field '["result"]["data"][0]["state"]' <<< "$ptrs")"
expect "each PTR name is checked forward" "host.whmkit.test VALID other.whmkit.test FWD_MISMATCH" \
  "$(python3 -c 'import json,sys; print(" ".join(sorted(p["domain"] + " " + p["state"] for p in json.load(sys.stdin)["result"]["data"][0]["ptr_records"])))' <<< "$ptrs")"
expect "the reverse zone's nameservers" '["ns.whmkit.test"]' \
  "$(python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["result"]["data"][0]["nameservers"]))' <<< "$ptrs")"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
