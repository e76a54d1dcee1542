#!/usr/bin/env bash
# End to end: a real OpenSSH sshd on 127.0.0.1 (tests/ssh/sshd_config, with
# StrictModes on) lets an account log in with a key `cpapi2 SSH genkey` made
# and `SSH authkey` authorized, and refuses it once the key is deauthorized
# or deleted. Also a key made elsewhere and brought in with importkey, a
# passphrase-protected genkey key (ssh reads the encrypted PEM), and
# `uapi SSH get_port` reading the Port of sshd_config.
# sshd needs the account as a user of this machine: the test gives the state
# root a login.defs whose UID range starts at a uid free here, so createacct
# picks it, and adds a system user of that name and uid whose home is the
# account's home in the state root; it is removed at the end.
# Usage: test_ssh.sh BIN_DIR   (as root)
set -u
bin=$1
here=$(dirname "$0")
source "$here/expect.sh"
source "$here/servers.sh"
export PATH=$PATH:/usr/sbin
for tool in sshd ssh ssh-keygen useradd userdel groupadd groupdel getent; do
  command -v $tool >/dev/null || { echo "$tool is missing (scripts/install-deps.sh installs openssh)"; echo "0 passed, 1 failed"; exit 1; }
done
if [[ $(id -u) != 0 ]]; then echo "must run as root (starts sshd, adds a system user)"; echo "0 passed, 1 failed"; exit 1; fi

root=$(mktemp -d /tmp/whmkit-ssh-XXXXXX)
run=$(mktemp -d /tmp/whmkit-ssh-run-XXXXXX)
chmod 755 "$root"  # sshd reads authorized_keys as the user
port=$((24000 + RANDOM % 1000))
user=whssh$((RANDOM % 10000))
uid=$((42000 + RANDOM % 1000))
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
ssh_api() { "$bin/cpapi2" --output=json --user="$user" SSH "$@"; }
ok() { field 'd["cpanelresult"]["event"]["result"]'; }
# Logs in as the account with the key file $1 and runs `id -un`; prints what
# it printed, or "refused" when the login fails.
login() {
  local out
  out=$(env -u SSH_AUTH_SOCK ssh -F /dev/null -p "$port" -i "$1" -o IdentitiesOnly=yes -o IdentityAgent=none \
    -o BatchMode="${2:-yes}" -o PasswordAuthentication=no -o KbdInteractiveAuthentication=no \
    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=10 \
    "$user@127.0.0.1" id -un 2>/dev/null </dev/null) && echo "$out" || echo refused
}

# The account, with a uid this machine does not use, and the same user here.
mkdir -p "$root/etc"
printf 'UID_MIN %s\nUID_MAX %s\n' "$uid" "$((uid + 100))" > "$root/etc/login.defs"
"$bin/whmapi1" --output=json createacct username="$user" domain="$user.example" password=Main-pass1 >/dev/null
expect "the account got the free uid" "$uid" "$(awk -F: -v u="$user" '$1 == u {print $3}' "$root/etc/passwd")"
home=$root/home/$user
groupadd -g "$uid" "$user" && useradd -u "$uid" -g "$uid" -M -d "$home" -s /bin/sh -p '*' "$user" && made_user=1
[[ -n $made_user ]] || { echo "could not add the system user $user"; echo "0 passed, 1 failed"; exit 1; }

# sshd from the kept configuration.
ssh-keygen -q -t ed25519 -N '' -f "$run/hostkey"
sed -e "s|@PORT@|$port|" -e "s|@RUN@|$run|" -e "s|@USER@|$user|" "$here/../ssh/sshd_config" > "$run/sshd_config"
sshd_command "$run/sshd_config" "$run/sshd.log"
start_server "$port"

# get_port reads the state root's sshd_config.
expect "get_port without sshd_config" "22" "$("$bin/uapi" --output=json --user="$user" SSH get_port | field 'd["result"]["data"]["port"]')"
mkdir -p "$root/etc/ssh" && cp "$run/sshd_config" "$root/etc/ssh/sshd_config"
expect "get_port reads Port" "$port" "$("$bin/uapi" --output=json --user="$user" SSH get_port | field 'd["result"]["data"]["port"]')"

# A key genkey made, authorized with authkey.
key=$home/.ssh/deploy
expect "genkey succeeds" "1" "$(ssh_api genkey name=deploy bits=2048 | ok)"
expect "a key not yet authorized cannot log in" "refused" "$(login "$key")"
expect "authkey authorizes" "authorized" "$(ssh_api authkey key=deploy action=authorize | field 'd["cpanelresult"]["data"][0]["status"]')"
expect "the authorized key logs in as the account" "$user" "$(login "$key")"
expect "listkeys shows it authorized" "authorized" \
  "$(ssh_api listkeys pub=1 | field '[k["authstatus"] for k in d["cpanelresult"]["data"] if k["name"] == "deploy"][0]')"
expect "deauthorize succeeds" "deauthorized" "$(ssh_api authkey key=deploy action=deauthorize | field 'd["cpanelresult"]["data"][0]["status"]')"
expect "a deauthorized key no longer logs in" "refused" "$(login "$key")"
ssh_api authkey key=deploy >/dev/null
expect "authorized again, it logs in again" "$user" "$(login "$key")"
cp "$key" "$run/deploy"  # the private key, to try after the public one is gone
expect "delkey removes the public key" "1" "$(ssh_api delkey name=deploy pub=1 | ok)"
expect "a deleted key no longer logs in" "refused" "$(login "$run/deploy")"

# A key made elsewhere, brought in with importkey.
ssh-keygen -q -t ed25519 -N '' -C laptop -f "$run/laptop"
expect "importkey takes the public key" "laptop.pub" \
  "$(ssh_api importkey name=laptop key="$(cat "$run/laptop.pub")" | field 'd["cpanelresult"]["data"][0]["name"]')"
ssh_api authkey key=laptop >/dev/null
expect "the imported key logs in" "$user" "$(login "$run/laptop")"

# A passphrase-protected key: ssh asks SSH_ASKPASS for the passphrase.
expect "genkey with a passphrase" "1" "$(ssh_api genkey name=locked bits=2048 pass='Tr0ub4dor%26Zebra!9' | ok)"
ssh_api authkey key=locked >/dev/null
printf '#!/bin/sh\necho "Tr0ub4dor&Zebra!9"\n' > "$run/askpass" && chmod 755 "$run/askpass"
expect "the encrypted key logs in with its passphrase" "$user" \
  "$(SSH_ASKPASS=$run/askpass SSH_ASKPASS_REQUIRE=force DISPLAY=none login "$home/.ssh/locked" no)"
printf '#!/bin/sh\necho wrong\n' > "$run/askpass"
expect "not with a wrong passphrase" "refused" \
  "$(SSH_ASKPASS=$run/askpass SSH_ASKPASS_REQUIRE=force DISPLAY=none login "$home/.ssh/locked" no)"

if ((failed)); then echo "--- sshd log"; tail -20 "$run/sshd.log"; fi
echo "$passed passed, $failed failed"
((failed == 0))
