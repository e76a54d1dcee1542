#!/usr/bin/env bash
# The man pages render without warnings, and cmake --install puts the binary,
# its links, completions and man pages in their standard places.
# Usage: test_man_install.sh BUILD_DIR SOURCE_DIR
set -u
build=$1 src=$2
passed=0 failed=0
check() {  # check NAME COMMAND...
  if "${@:2}"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $1"; fi
}
for page in "$src"/man/*.1; do
  warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
  check "man -l $(basename "$page") renders cleanly${warnings:+: $warnings}" test -z "$warnings"
  check "man -l $(basename "$page") has a NAME section" \
    bash -c "LC_ALL=C.UTF-8 MANWIDTH=80 man -l '$page' 2>/dev/null | grep -q '^NAME'"
done

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
DESTDIR="$dest" cmake --install "$build" --prefix /usr >/dev/null
for f in usr/bin/whmapi1 usr/share/bash-completion/completions/whmapi1 usr/share/zsh/site-functions/_whmapi1 \
         usr/share/fish/vendor_completions.d/whmapi1.fish usr/share/man/man1/whmapi1.1 usr/share/man/man1/cpapi2.1 \
         usr/share/man/man1/uapi.1 usr/share/bash-completion/completions/uapi usr/share/fish/vendor_completions.d/cpapi2.fish \
         usr/bin/whmkit-backup usr/bin/whmkit-autorespond usr/bin/whmkit-greylist usr/bin/whmkit-eximstats; do
  check "installed $f" test -f "$dest/$f"
done
for link in cpapi2 uapi; do
  check "installed link $link -> whmapi1" test "$(readlink "$dest/usr/bin/$link")" = whmapi1
done
# Stripped, with its debug info in a separate file that the program names.
check "installed whmapi1 is stripped" bash -c "! readelf -S '$dest/usr/bin/whmapi1' | grep -q '\.debug_info'"
check "installed whmapi1 names its debug file" bash -c "readelf -p .gnu_debuglink '$dest/usr/bin/whmapi1' | grep -q whmapi1.debug"
check "installed debug info" bash -c "readelf -S '$dest/usr/lib/debug/usr/bin/whmapi1.debug' 2>/dev/null | grep -q '\.debug_info'"
check "installed binary runs" bash -c "'$dest/usr/bin/whmapi1' --version | grep -q whmkit"
check "installed uapi answers as UAPI" bash -c "'$dest/usr/bin/uapi' --list-functions | grep -qx 'Ftp list_sessions'"
check "installed cpapi2 refuses an unknown account" bash -c "'$dest/usr/bin/cpapi2' --fail --root=\"\$(mktemp -d)\" --user=x Ftp listftp >/dev/null; test \$? -eq 1"

echo "$passed passed, $failed failed"
((failed == 0))
