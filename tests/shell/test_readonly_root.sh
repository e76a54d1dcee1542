#!/usr/bin/env bash
# Reading never creates or changes a file: every implemented read-only WHM API 1
# function runs on a fresh (missing) state root and leaves nothing behind, and
# on a populated root mounted read-only (in a private mount namespace) it works.
set -uo pipefail
bin=$1
W=$bin/whmapi1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok: $*"; }
bad() { echo "FAILED: $*"; fails=$((fails + 1)); }

readers=()
for f in $("$W" --list-functions); do
  "$W" help "$f" | grep -q '^Status: implemented by whmkit (reads the state only)' && readers+=("$f")
done
((${#readers[@]} > 20)) && ok "${#readers[@]} read-only functions" || bad "only ${#readers[@]} read-only functions found"

# A fresh root: nothing may appear, not even the root directory.
for f in "${readers[@]}"; do "$W" --root="$tmp/fresh" "$f" >/dev/null 2>&1; done
[[ ! -e $tmp/fresh ]] && ok "a fresh root stays untouched" || bad "files created: $(find "$tmp/fresh" | head -5)"
mkdir "$tmp/empty"
for f in "${readers[@]}"; do "$W" --root="$tmp/empty" "$f" >/dev/null 2>&1; done
[[ -z $(ls -A "$tmp/empty") ]] && ok "an empty root stays empty" || bad "files created: $(find "$tmp/empty" | head -5)"

# A populated root, read-only.
pop=$tmp/pop
"$W" --root="$pop" createacct username=bob domain=bob.example >/dev/null || bad "createacct"
"$W" --root="$pop" addpkg name=gold quota=100 >/dev/null || bad "addpkg"
before=$(cd "$pop" && find . -printf '%p %s %T@ %m\n' | sort)
if unshare -m true 2>/dev/null; then
  out=$(unshare -m bash -c '
    mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 99
    touch "$1/probe" 2>/dev/null && exit 98
    for f in listaccts accountsummary getdomainowner listpkgs listzones dumpzone version get_current_users_count; do
      case $f in
        accountsummary) args=(user=bob) ;; getdomainowner) args=(domain=bob.example) ;;
        dumpzone) args=(domain=bob.example) ;; *) args=() ;;
      esac
      "$2" --root="$1" --output=json "$f" "${args[@]}" | grep -q "\"result\":1" || echo "read failed: $f"
    done
    for call in "Ftp list_ftp" "Cron list_cron"; do
      "$3" --user=bob --root="$1" --output=json $call | grep -q "\"status\":1" || echo "read failed: uapi $call"
    done' _ "$pop" "$W" "$bin/uapi" 2>&1)
  rc=$?
  if ((rc == 0)) && [[ -z $out ]]; then ok "reads work on a read-only mounted root"; else bad "read-only root (rc $rc): $out"; fi
else
  echo "skipped: no mount namespaces here (unshare -m)"
fi
for f in "${readers[@]}"; do "$W" --root="$pop" "$f" >/dev/null 2>&1; done
after=$(cd "$pop" && find . -printf '%p %s %T@ %m\n' | sort)
[[ $before == "$after" ]] && ok "reads changed nothing in a populated root" || bad "changed: $(diff <(echo "$before") <(echo "$after") | head -5)"
((fails == 0))
