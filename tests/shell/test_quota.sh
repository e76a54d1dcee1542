#!/usr/bin/env bash
# editquota on a real file system with user quotas: an ext4 image with the
# quota feature, loop-mounted with usrquota as the state root's /home. The
# kernel's limits (repquota, quota) follow editquota, and listaccts reads
# diskused/disklimit back from the quota system. Skips (exit 77, the reason
# printed) where this machine cannot mount such an image: not root, no loop
# devices, or a kernel built without quota support.
# Usage: test_quota.sh BIN_DIR
set -u
bin=$1/whmapi1
source "$(dirname "$0")/expect.sh"
skip() { echo "SKIP: $*"; exit 77; }

[[ $(id -u) == 0 ]] || skip "mounting a loop image needs root"
for tool in mkfs.ext4 mount umount repquota quota setquota; do
  command -v "$tool" >/dev/null || skip "$tool is missing (scripts/install-deps.sh installs quota and e2fsprogs)"
done
root=$(mktemp -d /tmp/whmkit-quota-XXXXXX)
work=$(mktemp -d /tmp/whmkit-quota-work-XXXXXX)
cleanup() {
  mountpoint -q "$root/home" 2>/dev/null && umount "$root/home"
  rm -rf "$root" "$work"
}
trap cleanup EXIT

truncate -s 64M "$work/home.img"
mkfs.ext4 -q -F -O quota "$work/home.img" >"$work/mkfs.log" 2>&1 ||
  skip "mkfs.ext4 cannot make an image with the quota feature: $(tail -1 "$work/mkfs.log")"
mkdir -p "$root/home"
if ! mount -o loop,usrquota,grpquota "$work/home.img" "$root/home" 2>"$work/mount.log"; then
  # Tell a kernel without quota support from a machine without loop mounts.
  truncate -s 16M "$work/plain.img"
  if mkfs.ext4 -q -F "$work/plain.img" >/dev/null 2>&1 && mount -o loop "$work/plain.img" "$root/home" 2>/dev/null; then
    umount "$root/home"
    skip "this kernel mounts ext4 images but not with quotas (built without CONFIG_QUOTA/CONFIG_QFMT_V2)"
  fi
  skip "this machine cannot mount a loop image: $(tail -1 "$work/mount.log")"
fi

w() { "$bin" --root="$root" --output=json "$@"; }
field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }
mkdir -p "$root/etc" && printf 'ADDR 192.0.2.10\n' >"$root/etc/wwwacct.conf"
w createacct username=quser domain=quota-test.example password='v9#Lq2!xT7$wRz4p' >/dev/null
uid=$(awk -F: '$1 == "quser" { print $3 }' "$root/etc/passwd")
# Soft and hard block limits of the account's uid, as the quota tools report them.
limits() { repquota -n "$root/home" | awk -v id="#$uid" '$1 == id { print $4, $5 }'; }

expect "editquota answers" "Set quota for quser." "$(w editquota user=quser quota=50 | field '["metadata"]["reason"]')"
expect "repquota: soft and hard limits of 50 MB" "51200 51200" "$(limits)"
expect "quota -u sees the limit" "51200" "$(quota -w -v -u "$uid" 2>/dev/null | awk '$1 ~ /^\/dev\// { print $4 }' | head -1)"
expect "listaccts disklimit from the quota system" "50M" \
  "$(w listaccts search=quser searchtype=user | field '["data"]["acct"][0]["disklimit"]')"

dd if=/dev/zero of="$root/home/quser/three-mb" bs=1M count=3 status=none
chown "$uid" "$root/home/quser/three-mb" && sync
expect "accountsummary diskused from the quota system" "3M" \
  "$(w accountsummary user=quser | field '["data"]["acct"][0]["diskused"]')"

# A limit the kernel holds but the file does not: the kernel's wins.
setquota -u "$uid" 20480 20480 0 0 "$root/home"
expect "disklimit follows setquota" "20M" "$(w accountsummary user=quser | field '["data"]["acct"][0]["disklimit"]')"

w editquota user=quser quota=-5 >/dev/null
expect "a refused quota leaves the kernel's limits" "20480 20480" "$(limits)"
w editquota user=quser quota=unlimited >/dev/null
expect "unlimited clears the limits" "0 0" "$(limits)"
expect "disklimit unlimited" "unlimited" "$(w accountsummary user=quser | field '["data"]["acct"][0]["disklimit"]')"

echo "$passed passed, $failed failed"
((failed == 0))
