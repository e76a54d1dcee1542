#!/usr/bin/env bash
# End to end: after convert_addon_initiate_conversion, a real pure-ftpd on
# 127.0.0.1 serving the PureDB whmkit derived lets the moved FTP login
# deploy@shop.example in: it sees the copied document root, its upload lands
# in the new account's home owned by the new account, and the old account's
# copy is untouched. BIND's named-checkzone loads the kept zone.
# Usage: test_convert_addon.sh BIN_DIR
set -u
bin=$1
source "$(dirname "$0")/expect.sh"
for tool in pure-ftpd pure-pw curl named-checkzone; do
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
# Only the server this test started, by its pid.
cleanup() {
  [[ -f $pidfile ]] && kill "$(cat "$pidfile")" 2>/dev/null
  rm -f "$homebase"; rm -rf "$root"
}
trap cleanup EXIT
export WHMKIT_ROOT=$root
w() { "$bin/whmapi1" --output=json "$@"; }

mkdir -p "$root/etc" && printf 'HOMEDIR %s\nADDR 127.0.0.1\n' "$homebase" > "$root/etc/wwwacct.conf"
w createacct username=bob domain=bob.example password=Main-pass1 maxsub=5 maxaddon=5 maxftp=5 >/dev/null
ln -s "$root$homebase" "$homebase"
w create_subdomain domain=shop.bob.example document_root=public_html/shop >/dev/null
w create_parked_domain_for_user domain=shop.example username=bob web_vhost_domain=shop.bob.example >/dev/null
mkdir -p "$root$homebase/bob/public_html/shop/up"
echo "the shop" > "$root$homebase/bob/public_html/shop/index.html"
chown -R --reference="$root$homebase/bob" "$root$homebase/bob/public_html/shop"
"$bin/uapi" --output=json --user=bob Ftp add_ftp user=deploy domain=shop.example pass=S3cure.pass \
  homedir=public_html/shop/up >/dev/null

expect "the conversion succeeds" "1" \
  "$(w convert_addon_initiate_conversion domain=shop.example username=shopper | field 'd["metadata"]["result"]')"
expect "the job is recorded" "SKIPPED" \
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

echo "$passed passed, $failed failed"
((failed == 0))
