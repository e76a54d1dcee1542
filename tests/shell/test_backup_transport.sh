#!/usr/bin/env bash
# Backup destinations against real servers on 127.0.0.1: a pure-ftpd (FTP)
# and an OpenSSH sshd (SFTP, password login of a throw-away system user).
# backup_destination_validate passes for good destinations and reports the
# server's error for a wrong password and a closed port; whmkit-backup run
# uploads the account archives to both, byte for byte.
# Usage: test_backup_transport.sh BIN_DIR   (as root)
set -u
bin=$1
source "$(dirname "$0")/expect.sh"
source "$(dirname "$0")/servers.sh"
export PATH=$PATH:/usr/sbin
for tool in pure-ftpd pure-pw sshd ssh-keygen useradd chpasswd; do
  command -v $tool >/dev/null || { echo "$tool is missing (scripts/install-deps.sh)"; echo "0 passed, 1 failed"; exit 1; }
done
if [[ $(id -u) != 0 ]]; then echo "must run as root (starts sshd, adds a system user)"; echo "0 passed, 1 failed"; exit 1; fi

root=$(mktemp -d /tmp/whmkit-bk-XXXXXX)
run=$(mktemp -d /tmp/whmkit-bk-run-XXXXXX)
chmod 755 "$run"
ftp_port=$((22000 + RANDOM % 500)); ssh_port=$((22600 + RANDOM % 500)); closed_port=$((23200 + RANDOM % 500))
sftp_user=whmkitbk$RANDOM
cleanup() {
  stop_server "$run/ftp.pid"; stop_server "$run/sshd.pid"
  id "$sftp_user" >/dev/null 2>&1 && userdel "$sftp_user" 2>/dev/null
  rm -rf "$root" "$run"
}
trap cleanup EXIT
export WHMKIT_ROOT=$root
w() { "$bin/whmapi1" --output=json "$@"; }

# The account to back up.
w createacct username=bob domain=bob.example password=Main-pass1 >/dev/null
echo "bob's page" > "$root/home/bob/public_html/index.html"
w backup_config_set backupenable=1 backupdays=1 >/dev/null  # the run below is for Monday 2026-11-23

# FTP server: a PureDB login whose home is $run/ftp.
mkdir -p "$run/ftp" && chown 65534:65534 "$run/ftp"
printf 'Ftp-pass1\nFtp-pass1\n' | pure-pw useradd bkftp -u 65534 -g 65534 -d "$run/ftp" -f "$run/ftp.passwd" -m -F "$run/ftp.pdb" >/dev/null
pure_ftpd_command "$ftp_port" "$run/ftp.pdb" "$run/ftp.pid" 30200:30299
start_server "$ftp_port"

# SFTP server: sshd with password login for a throw-away user.
useradd -m -d "$run/sftp" -s /bin/sh "$sftp_user"
echo "$sftp_user:Sftp-pass1" | chpasswd
ssh-keygen -q -t ed25519 -N '' -f "$run/hostkey"
cat > "$run/sshd_config" <<EOF
Port $ssh_port
ListenAddress 127.0.0.1
HostKey $run/hostkey
PidFile $run/sshd.pid
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
AllowUsers $sftp_user
StrictModes no
Subsystem sftp internal-sftp
EOF
sshd_command "$run/sshd_config" "$run/sshd.log"
start_server "$ssh_port"

add() { w backup_destination_add "$@" | field 'd["data"]["id"] if d["metadata"]["result"] else d["metadata"]["reason"]'; }
validate() { w backup_destination_validate id="$1" disableonfail="${2:-0}"; }

ftp_id=$(add type=FTP name=ftp-box host=127.0.0.1 port=$ftp_port username=bkftp password=Ftp-pass1 path=backups timeout=10)
sftp_id=$(add type=SFTP name=sftp-box host=127.0.0.1 port=$ssh_port username=$sftp_user password=Sftp-pass1 path=backups timeout=10)
bad_ftp=$(add type=FTP name=ftp-wrong host=127.0.0.1 port=$ftp_port username=bkftp password=nope timeout=10)
bad_sftp=$(add type=SFTP name=sftp-wrong host=127.0.0.1 port=$ssh_port username=$sftp_user password=nope timeout=10)
closed=$(add type=FTP name=ftp-closed host=127.0.0.1 port=$closed_port username=bkftp password=Ftp-pass1 timeout=5)
local_id=$(add type=Local name=local-copy path=/backup-copy)
mkdir -p "$root/backup-copy"

expect "FTP destination validates" "1" "$(validate "$ftp_id" | field 'd["metadata"]["result"]')"
expect "the validation file is removed again" "" "$(ls "$run/ftp/backups" 2>/dev/null)"
expect "SFTP destination validates" "1" "$(validate "$sftp_id" | field 'd["metadata"]["result"]')"
expect "SFTP validation file removed" "" "$(ls "$run/sftp/backups" 2>/dev/null)"
out=$(validate "$bad_ftp")
expect "FTP wrong password fails" "0" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect_contains "FTP wrong password: the server's answer" "Access denied: 530" "$(echo "$out" | field 'd["metadata"]["reason"]')"
out=$(validate "$bad_sftp" 1)
expect "SFTP wrong password fails" "0" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect_contains "SFTP wrong password: the server's answer" "Authentication failure" "$(echo "$out" | field 'd["metadata"]["reason"]')"
expect "disableonfail=1 disables it" "1" "$(w backup_destination_get id="$bad_sftp" | field 'd["data"]["disabled"]')"
out=$(validate "$closed")
expect "closed port fails" "0" "$(echo "$out" | field 'd["metadata"]["result"]')"
expect_contains "closed port: connection refused" "onnect" "$(echo "$out" | field 'd["metadata"]["reason"]')"
expect "exit status of a failed validation" "0" "$("$bin/whmapi1" backup_destination_validate id="$closed" disableonfail=0 >/dev/null; echo $?)"
expect "the same with --fail" "1" "$("$bin/whmapi1" --fail backup_destination_validate id="$closed" disableonfail=0 >/dev/null; echo $?)"
expect "Local destination validates" "1" "$(validate "$local_id" | field 'd["metadata"]["result"]')"

# The failing destinations are disabled so the run only copies to the good ones.
w backup_destination_set id="$bad_ftp" disabled=1 >/dev/null
w backup_destination_set id="$closed" disabled=1 >/dev/null
"$bin/whmkit-backup" run --date 2026-11-23 > "$run/backup.out"
expect "whmkit-backup run succeeds" "0" "$?"
local_archive=$root/backup/2026-11-23/accounts/bob.tar.gz
expect "the local archive exists" "yes" "$([[ -s $local_archive ]] && echo yes)"
expect "uploaded to FTP byte for byte" "same" "$(cmp -s "$local_archive" "$run/ftp/backups/2026-11-23/accounts/bob.tar.gz" && echo same)"
expect "uploaded to SFTP byte for byte" "same" "$(cmp -s "$local_archive" "$run/sftp/backups/2026-11-23/accounts/bob.tar.gz" && echo same)"
expect "copied to the Local destination" "same" "$(cmp -s "$local_archive" "$root/backup-copy/2026-11-23/accounts/bob.tar.gz" && echo same)"
expect "the backup is listed" "['2026-11-23T00:00:00.000Z']" "$(w backup_date_list | field 'd["data"]["backup_set"]')"
expect "each copy is in the transport history" "['ftp-box', 'local-copy', 'sftp-box']" \
  "$(w backup_get_transport_status state=completed | field 'sorted(r["transport"] for r in d["data"]["transport_status"])')"
expect_contains "the upload archive is a real cpmove" "cpmove-bob/homedir/public_html/index.html" "$(tar tzf "$run/ftp/backups/2026-11-23/accounts/bob.tar.gz")"

echo "$passed passed, $failed failed"
((failed == 0))
