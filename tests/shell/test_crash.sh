#!/usr/bin/env bash
# Crash test: runs createacct / modifyacct / removeacct / addzonerecord /
# start_local_cpmove_restore (or removeacct of the restored account) and
# kill -9s it at a random moment, ITERATIONS times (default 200). After each
# kill, whmkit-check (which first recovers, as any next call does) must find
# the state consistent: every account fully there or fully absent.
# Usage: test_crash.sh BIN_DIR [ITERATIONS]
set -u
bin_dir=$1 iterations=${2:-200}
w=$bin_dir/whmapi1 check=$bin_dir/whmkit-check
root=$(mktemp -d /tmp/whmkit-crash-XXXXXX)
trap 'rm -rf "$root"' EXIT
passed=0 failed=0 killed=0 completed=0
RANDOM=42
accounts() { ls "$root/var/cpanel/users" 2>/dev/null | grep -v '^system$' | grep -v '^\.' || true; }

# A few accounts to start with, and an archive of one that is then removed.
for i in 0 1 2; do "$w" --root="$root" createacct username=seed$i domain=seed$i.example password=Pass-word1 >/dev/null; done
"$w" --root="$root" createacct username=arc domain=arc.example password=Pass-word1 >/dev/null
for f in $(seq 30); do echo "file $f" > "$root/home/arc/public_html/f$f.html"; done
"$w" --root="$root" start_background_pkgacct user=arc >/dev/null
"$w" --root="$root" removeacct user=arc >/dev/null

for ((n = 1; n <= iterations; n++)); do
  existing=($(accounts | grep -vx arc))
  pick=${existing[RANDOM % ${#existing[@]}]:-seed0}
  case $((RANDOM % 5)) in
    0) args=(createacct username=c$n domain=c$n.example password=Pass-word1) ;;
    1) args=(modifyacct user=$pick MAXFTP=$((RANDOM % 50)) HASSHELL=$((RANDOM % 2))) ;;
    2) if ((${#existing[@]} > 2)); then args=(removeacct username=$pick); else args=(createacct username=c$n domain=c$n.example password=Pass-word1); fi ;;
    3) args=(addzonerecord domain=$pick.example name=r$n type=A address=192.0.2.$((n % 250 + 1))) ;;
    4) if [[ -e $root/var/cpanel/users/arc ]]; then args=(removeacct user=arc)
       else args=(start_local_cpmove_restore cpmovepath=/home/cpmove-arc.tar.gz); fi ;;
  esac
  "$w" --root="$root" "${args[@]}" >/dev/null 2>&1 &
  pid=$!
  sleep "0.0$((RANDOM % 15))"
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); else completed=$((completed + 1)); fi
  wait "$pid" 2>/dev/null
  if out=$("$check" --root="$root" --quiet); then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL after iteration $n (${args[*]}):"; echo "$out" | head -20
  fi
done
echo "crash test: $iterations runs, $killed killed mid-call, $completed finished before the kill, $(accounts | wc -l) accounts at the end"
echo "$passed passed, $failed failed"
((failed == 0))
