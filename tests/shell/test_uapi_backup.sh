#!/usr/bin/env bash
# UAPI Backup against real servers on 127.0.0.1: fullbackup_to_ftp uploads
# the account's archive to a pure-ftpd, fullbackup_to_scp_with_password and
# fullbackup_to_scp_with_key to an OpenSSH sshd (SFTP); each upload is a
# valid cpmove archive of the account that WHM restores.
# Usage: test_uapi_backup.sh BIN_DIR   (as root)
set -u
bin=$1
source "$(dirname "$0")/expect.sh"
source "$(dirname "$0")/servers.sh"
export PATH=$PATH:/usr/sbin
for tool in pure-ftpd pure-pw sshd ssh-keygen useradd chpasswd; do
  command -v $tool >/dev/null || { echo "$tool is missing (scripts/install-deps.sh)"; echo "0 passed, 1 failed"; exit 1; }
done
if [[ $(id -u) != 0 ]]; then echo "must run as root (starts sshd, adds a system user)"; echo "0 passed, 1 failed"; exit 1; fi

root=$(mktemp -d /tmp/whmkit-ub-XXXXXX)
run=$(mktemp -d /tmp/whmkit-ub-run-XXXXXX)
chmod 755 "$run"
ftp_port=$((24000 + RANDOM % 500)); ssh_port=$((24600 + RANDOM % 500))
sftp_user=whmkitub$RANDOM
cleanup() {
  stop_server "$run/ftp.pid"; stop_server "$run/sshd.pid"
  id "$sftp_user" >/dev/null 2>&1 && userdel "$sftp_user" 2>/dev/null
  rm -rf "$root" "$run"
}
trap cleanup EXIT
export WHMKIT_ROOT=$root
w() { "$bin/whmapi1" --output=json "$@"; }
u() { "$bin/uapi" --user=bob --output=json Backup "$@"; }

w createacct username=bob domain=bob.example password=Main-pass1 >/dev/null
echo "bob's page" > "$root/home/bob/public_html/index.html"

# FTP server: a PureDB login whose home is $run/ftp.
mkdir -p "$run/ftp" && chown 65534:65534 "$run/ftp"
printf 'Ftp-pass1\nFtp-pass1\n' | pure-pw useradd ubftp -u 65534 -g 65534 -d "$run/ftp" -f "$run/ftp.passwd" -m -F "$run/ftp.pdb" >/dev/null
pure_ftpd_command "$ftp_port" "$run/ftp.pdb" "$run/ftp.pid" 30300:30399
start_server "$ftp_port"

# SSH server: password and key logins for a throw-away user; the key is bob's ~/.ssh/backupkey.
useradd -m -d "$run/sftp" -s /bin/sh "$sftp_user"
echo "$sftp_user:Sftp-pass1" | chpasswd
mkdir -p "$root/home/bob/.ssh" "$run/sftp/.ssh"
ssh-keygen -q -t ed25519 -N "Key-phrase1" -f "$root/home/bob/.ssh/backupkey"
cp "$root/home/bob/.ssh/backupkey.pub" "$run/sftp/.ssh/authorized_keys"
chown -R "$sftp_user" "$run/sftp/.ssh"
ssh-keygen -q -t ed25519 -N '' -f "$run/hostkey"
sed -e "s|@PORT@|$ssh_port|" -e "s|@RUN@|$run|g" -e "s|@USER@|$sftp_user|" \
  "$(dirname "$0")/../uapi_backup/sshd_config.in" > "$run/sshd_config"
sshd_command "$run/sshd_config" "$run/sshd.log"
start_server "$ssh_port"

# One uploaded archive: a single backup-*_bob.tar.gz in DIR, holding bob's page.
check_upload() {
  local what=$1 dir=$2
  local files=("$dir"/backup-*_bob.tar.gz)
  expect "$what: one archive named as cPanel names it" "1" "$(ls "$dir" 2>/dev/null | grep -cE '^backup-[0-9]+\.[0-9]+\.[0-9]{4}_[0-9-]{8}_bob\.tar\.gz$')"
  expect_contains "$what: a real cpmove archive" "cpmove-bob/homedir/public_html/index.html" "$(tar tzf "${files[0]}" 2>&1)"
}

out=$(u fullbackup_to_ftp host=127.0.0.1 port=$ftp_port username=ubftp password=Ftp-pass1 directory=uapi variant=passive)
expect "fullbackup_to_ftp succeeds" "1" "$(echo "$out" | field 'd["result"]["status"]')"
check_upload "FTP" "$run/ftp/uapi"
out=$(u fullbackup_to_ftp host=127.0.0.1 port=$ftp_port username=ubftp password=wrong)
expect_contains "FTP wrong password: the server's answer" "530" "$(echo "$out" | field 'd["result"]["errors"][0]')"

out=$(u fullbackup_to_scp_with_password host=127.0.0.1 port=$ssh_port username=$sftp_user password=Sftp-pass1 directory=bypass)
expect "fullbackup_to_scp_with_password succeeds" "1" "$(echo "$out" | field 'd["result"]["status"]')"
check_upload "SCP with password" "$run/sftp/bypass"

out=$(u fullbackup_to_scp_with_key host=127.0.0.1 port=$ssh_port username=$sftp_user key_name=backupkey key_passphrase=Key-phrase1 directory=bykey)
expect "fullbackup_to_scp_with_key succeeds" "1" "$(echo "$out" | field 'd["result"]["status"]')"
check_upload "SCP with key" "$run/sftp/bykey"
out=$(u fullbackup_to_scp_with_key host=127.0.0.1 port=$ssh_port username=$sftp_user key_name=backupkey key_passphrase=wrong directory=bykey2)
expect "a wrong passphrase: no upload" "0" "$(echo "$out" | field 'd["result"]["status"]')"

# The FTP copy restores the account through WHM.
cp "$run"/ftp/uapi/backup-*_bob.tar.gz "$root/home/cpmove-bob.tar.gz"
w removeacct user=bob >/dev/null
expect "WHM restores the uploaded archive" "1" "$(w start_local_cpmove_restore cpmovepath=/home/cpmove-bob.tar.gz | field 'd["metadata"]["result"]')"
expect "bob's page is back" "bob's page" "$(cat "$root/home/bob/public_html/index.html")"

echo "$passed passed, $failed failed"
((failed == 0))
