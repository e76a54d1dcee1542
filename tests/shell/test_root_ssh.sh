#!/usr/bin/env bash
# End to end, WHM API 1 SSH keys of a WHM user against a real OpenSSH sshd on
# 127.0.0.1 (tests/ssh/sshd_config): a reseller holding "all" makes a key
# with generatesshkeypair, authorizes it with authorizesshkey (with an sshd
# option that forces a command: sshd applies it) and logs in; deletesshkey
# leave_authorized=0 locks it out again. convertopensshtoputty's PuTTY key
# is read back by puttygen. check_remote_ssh_connection reads this sshd's
# identification line, and fails on a closed port.
# Root's own keys are not tried with sshd: sshd would read the machine's
# /root, not the state root's.
# Usage: test_root_ssh.sh BIN_DIR   (as root)
set -u
bin=$1
here=$(dirname "$0")
source "$here/expect.sh"
source "$here/servers.sh"
export PATH=$PATH:/usr/sbin
for tool in sshd ssh ssh-keygen useradd userdel groupadd groupdel getent; do
  command -v $tool >/dev/null || { echo "$tool is missing (scripts/install-deps.sh installs openssh): skipped"; echo "0 passed, 0 failed"; exit 0; }
done
if [[ $(id -u) != 0 ]]; then echo "must run as root (starts sshd, adds a system user)"; echo "0 passed, 1 failed"; exit 1; fi

root=$(mktemp -d /tmp/whmkit-rootssh-XXXXXX)
run=$(mktemp -d /tmp/whmkit-rootssh-run-XXXXXX)
chmod 755 "$root"  # sshd reads authorized_keys as the user
port=$((25000 + RANDOM % 1000))
user=whrs$((RANDOM % 10000))
uid=$((43000 + RANDOM % 1000))
while getent passwd $uid >/dev/null || getent group $uid >/dev/null; do uid=$((uid + 1)); done
made_user=""
# Only what this test started or created.
cleanup() {
  [[ -f $run/sshd.pid ]] && kill "$(cat "$run/sshd.pid")" 2>/dev/null
  if [[ -n $made_user ]]; then userdel "$user" 2>/dev/null; getent group "$user" >/dev/null && groupdel "$user"; fi
  rm -rf "$root" "$run"
}
trap cleanup EXIT
export WHMKIT_ROOT=$root
whm() { "$bin/whmapi1" --output=json --user="$user" "$@"; }
ok() { field 'd["metadata"]["result"]'; }
# Logs in as the reseller with the key file $1 and runs `id -un`; prints
# what it printed, or "refused" when the login fails.
login() {
  local out
  out=$(env -u SSH_AUTH_SOCK ssh -F /dev/null -p "$port" -i "$1" -o IdentitiesOnly=yes -o IdentityAgent=none \
    -o BatchMode=yes -o PasswordAuthentication=no -o KbdInteractiveAuthentication=no \
    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=10 \
    "$user@127.0.0.1" id -un 2>/dev/null </dev/null) && echo "$out" || echo refused
}

# The reseller's account, with a uid this machine does not use, and the same user here.
mkdir -p "$root/etc" "$root/root"
printf 'UID_MIN %s\nUID_MAX %s\n' "$uid" "$((uid + 100))" > "$root/etc/login.defs"
"$bin/whmapi1" --output=json createacct username="$user" domain="$user.example" password=Main-pass1 >/dev/null
"$bin/whmapi1" --output=json setupreseller user="$user" >/dev/null
"$bin/whmapi1" --output=json setacls reseller="$user" acl-all=1 >/dev/null
home=$root/home/$user
groupadd -g "$uid" "$user" && useradd -u "$uid" -g "$uid" -M -d "$home" -s /bin/sh -p '*' "$user" && made_user=1
[[ -n $made_user ]] || { echo "could not add the system user $user"; echo "0 passed, 1 failed"; exit 1; }

ssh-keygen -q -t ed25519 -N '' -f "$run/hostkey"
sed -e "s|@PORT@|$port|" -e "s|@RUN@|$run|" -e "s|@USER@|$user|" "$here/../ssh/sshd_config" > "$run/sshd_config"
sshd_command "$run/sshd_config" "$run/sshd.log"
start_server "$port"

# The connection check against this sshd: its identification line is OpenSSH's own version.
version=$(ssh -V 2>&1)  # "OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.x ..."
software=${version%%[ ,]*}
check=$("$bin/whmapi1" --output=json check_remote_ssh_connection host=127.0.0.1 port="$port")
expect "check_remote_ssh_connection succeeds" "1" "$(echo "$check" | ok)"
expect "it names sshd's software" "$software" "$(echo "$check" | field 'd["data"]["server_software"]')"
expect "protocol 2.0" "['2.0']" "$(echo "$check" | field 'd["data"]["protocol_versions"]')"
expect_contains "the line received" "SSH-2.0-$software" "$(echo "$check" | field 'd["data"]["received"]')"
kill "$(cat "$run/sshd.pid")" 2>/dev/null
for _ in $(seq 50); do wait_for_port "$port" 2>/dev/null || break; sleep 0.1; done
closed=$("$bin/whmapi1" --output=json check_remote_ssh_connection host=127.0.0.1 port="$port")
expect "a closed port fails" "0" "$(echo "$closed" | ok)"
expect_contains "naming the refusal" "Connection refused" "$(echo "$closed" | field 'd["metadata"]["reason"]')"
start_server "$port"

# A key generatesshkeypair made in the reseller's home, authorized with an option sshd applies.
key=$home/.ssh/deploy
expect "generatesshkeypair succeeds" "1" "$(whm generatesshkeypair name=deploy bits=2048 | ok)"
expect "a key not yet authorized cannot log in" "refused" "$(login "$key")"
expect "authorizesshkey authorizes" "1" "$(whm authorizesshkey authorize=1 file=deploy.pub | field 'd["data"]["authorized"]')"
expect "the authorized key logs in" "$user" "$(login "$key")"
whm authorizesshkey authorize=1 file=deploy.pub options='command="echo forced-by-option"' >/dev/null
expect "sshd runs the forced command of the options" "forced-by-option" "$(login "$key")"
expect "listsshkeys shows it authorized" "1" \
  "$(whm listsshkeys files=deploy | field '[k["authorized"] for k in d["data"]["keys"] if k["file"] == "deploy"][0]')"
cp "$key" "$run/deploy"
expect "deletesshkey leave_authorized=0" "1" "$(whm deletesshkey file="/home/$user/.ssh/deploy.pub" leave_authorized=0 | ok)"
expect "the deleted key no longer logs in" "refused" "$(login "$run/deploy")"

# The PuTTY key puttygen reads back, and a key imported from a PuTTY user's OpenSSH export.
if command -v puttygen >/dev/null; then
  expect "convertopensshtoputty succeeds" "1" "$(whm convertopensshtoputty file=deploy | ok)"
  expect "puttygen reads the same public key" "$(ssh-keygen -y -f "$run/deploy" | cut -d' ' -f1,2)" \
    "$(puttygen "$home/.ssh/deploy.ppk" -O public-openssh | cut -d' ' -f1,2)"
  puttygen "$home/.ssh/deploy.ppk" -O fingerprint > "$run/fp" 2>&1
  expect_contains "puttygen checks the private part" "ssh-rsa 2048" "$(cat "$run/fp")"
  puttygen "$home/.ssh/deploy.ppk" -O private-openssh -o "$run/back" 2>/dev/null
  expect "the private key puttygen converts back matches" "$(ssh-keygen -y -f "$run/deploy" | cut -d' ' -f1,2)" \
    "$(ssh-keygen -y -f "$run/back" | cut -d' ' -f1,2)"
  expect "imported, it logs in" "1" "$(whm importsshkey name=fromputty key="$(ssh-keygen -y -f "$run/back")" | ok)"
  whm authorizesshkey authorize=1 file=fromputty.pub >/dev/null
  expect "the PuTTY round trip's key logs in" "$user" "$(login "$run/back")"
else
  echo "puttygen is missing (scripts/install-deps.sh installs putty-tools): PuTTY checks skipped"
fi

if ((failed)); then echo "--- sshd log"; tail -20 "$run/sshd.log"; fi
echo "$passed passed, $failed failed"
((failed == 0))
