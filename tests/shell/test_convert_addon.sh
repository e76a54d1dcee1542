#!/usr/bin/env bash
# End to end: after convert_addon_initiate_conversion, a real pure-ftpd on
# 127.0.0.1 serving the PureDB whmkit derived lets the moved FTP login
# deploy@shop.example in: it sees the copied document root, its upload lands
# in the new account's home owned by the new account, and the old account's
# copy is untouched. BIND's named-checkzone loads the kept zone. A real
# Dovecot reading the new account's mail files logs in the copied mailbox
# sales@shop.example with its old password and finds its message.
# Usage: test_convert_addon.sh BIN_DIR
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/expect.sh"
source "$here/servers.sh"
for tool in pure-ftpd pure-pw curl named-checkzone dovecot; do
  if ! command -v $tool >/dev/null && [[ ! -x /usr/sbin/$tool ]]; then
    echo "$tool is missing (scripts/install-deps.sh installs pure-ftpd, curl and bind9)"; echo "0 passed, 1 failed"; exit 1
  fi
done
export PATH=$PATH:/usr/sbin
root=$(mktemp -d /tmp/whmkit-convert-XXXXXX)
# Homes are "/tmp/whmkit-convhome-N/<user>" in the state root's files; a
# symlink of that path into the root lets pure-ftpd find them.
homebase=$(mktemp -u /tmp/whmkit-convhome-XXXXXX)
port=$((23000 + RANDOM % 1000))
pidfile=$root/pure-ftpd.pid
run=$root/run imap_port=$((port + 1)) pop3_port=$((port + 2))
# Only the servers this test started, by their pids.
cleanup() {
  [[ -f $pidfile ]] && kill "$(cat "$pidfile")" 2>/dev/null
  stop_server "$run/base/master.pid"
  rm -f "$homebase"; rm -rf "$root"
}
trap cleanup EXIT
export WHMKIT_ROOT=$root
w() { "$bin/whmapi1" --output=json "$@"; }

mkdir -p "$root/etc" && printf 'HOMEDIR %s\nADDR 127.0.0.1\n' "$homebase" > "$root/etc/wwwacct.conf"
chmod 755 "$root"  # the mail processes run as the account and walk down to its Maildir
w createacct username=bob domain=bob.example password=Main-pass1 maxsub=5 maxaddon=5 maxftp=5 maxpop=5 >/dev/null
ln -s "$root$homebase" "$homebase"
w create_subdomain domain=shop.bob.example document_root=public_html/shop >/dev/null
w create_parked_domain_for_user domain=shop.example username=bob web_vhost_domain=shop.bob.example >/dev/null
mkdir -p "$root$homebase/bob/public_html/shop/up"
echo "the shop" > "$root$homebase/bob/public_html/shop/index.html"
chown -R --reference="$root$homebase/bob" "$root$homebase/bob/public_html/shop"
"$bin/uapi" --output=json --user=bob Ftp add_ftp user=deploy domain=shop.example pass=S3cure.pass \
  homedir=public_html/shop/up >/dev/null

"$bin/uapi" --output=json --user=bob Email add_pop email=sales domain=shop.example password=Mail-pass-7x >/dev/null
message=$'From: a@example.net\r\nTo: sales@shop.example\r\nSubject: order\r\n\r\nAn order.\r\n'
maildir=$root$homebase/bob/mail/shop.example/sales
printf '%s' "$message" > "$maildir/new/1700000000.M1P1.test,S=${#message}"
chown --reference="$maildir" "$maildir/new/1700000000.M1P1.test,S=${#message}"

expect "the conversion succeeds" "1" \
  "$(w convert_addon_initiate_conversion domain=shop.example username=shopper | field 'd["metadata"]["result"]')"
expect "the job is recorded" "DONE" \
  "$(w convert_addon_get_conversion_status job_id=1 | field 'd["data"]["1"]["job_status"]')"
named-checkzone -q shop.example "$root/var/named/shop.example.db"
expect "named-checkzone loads the kept zone" "0" "$?"

pure-ftpd -S "127.0.0.1,$port" -l "puredb:$root/etc/pure-ftpd/pureftpd.pdb" -E -H -p 30200:30299 -P 127.0.0.1 \
  -g "$pidfile" -B >/dev/null 2>&1
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

url="ftp://127.0.0.1:$port"
echo "uploaded after the conversion" > "$root/hello.txt"
curl -sS --max-time 10 -T "$root/hello.txt" "$url/hello.txt" --user 'deploy@shop.example:S3cure.pass'
expect "the moved login uploads into the new account's home" "uploaded after the conversion" \
  "$(cat "$root$homebase/shopper/public_html/up/hello.txt" 2>/dev/null)"
expect "the upload belongs to the new account" "$(stat -c %u "$root$homebase/shopper")" \
  "$(stat -c %u "$root$homebase/shopper/public_html/up/hello.txt" 2>/dev/null)"
expect "the old document root is left alone" "no" \
  "$([[ -e $root$homebase/bob/public_html/shop/up/hello.txt ]] && echo yes || echo no)"
expect "the site's files are in the new home" "the shop" \
  "$(cat "$root$homebase/shopper/public_html/index.html" 2>/dev/null)"

mkdir -p "$run" "$root/etc/dovecot"
sed -e "s|@RUN@|$run|g" -e "s|@HOME@|$homebase/shopper|g" -e "s|@IMAP_PORT@|$imap_port|g" \
  -e "s|@POP3_PORT@|$pop3_port|g" "$here/../mail/dovecot.conf.in" > "$root/etc/dovecot/dovecot.conf"
dovecot_command "$root/etc/dovecot/dovecot.conf"
if start_server "$imap_port" "$run/start.log"; then
  imap_count=$(python3 - "$imap_port" <<'PY'
import imaplib, sys
try:
    m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
    m.login("sales@shop.example", "Mail-pass-7x")
    print("ok", int(m.select("INBOX")[1][0]))
    m.logout()
except imaplib.IMAP4.error:
    print("refused")
PY
)
  expect "the copied mailbox logs in to Dovecot from the new home and has its message" "ok 1" "$imap_count"
else
  expect "dovecot starts" "started" "not started: $(cat "$run/start.log" "$run/dovecot.log" 2>/dev/null)"
fi

echo "$passed passed, $failed failed"
((failed == 0))
