#!/usr/bin/env bash
# The Ansible collection (ansible/) end to end: builds it with ansible-galaxy,
# installs it into a temporary directory, checks that ansible-doc renders a
# module, then runs tests/ansible/site.yml against localhost on a temporary
# state root:
#  * check mode on the empty root reports changes and leaves the tree byte-identical;
#  * the first run changes, the second changes nothing (changed=0);
#  * check mode with one setting changed reports it, shows it in diff mode,
#    and leaves the tree byte-identical;
#  (until the CLI has --check, the generic whmapi1 task reports a change on every
#  real run and is skipped in check mode: raw below)
#  * a certificate installs once (ssl.yml, a self-signed one made by openssl);
#  * tests/ansible/remove.yml removes everything, and a second removal changes nothing.
# Usage: test_ansible.sh BIN_DIR
set -u
bin=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
passed=0
failed=0
check() { # name, then the command that must succeed
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name"
  fi
}
for tool in ansible-galaxy ansible-playbook ansible-doc; do
  if ! command -v $tool >/dev/null; then
    echo "$tool is missing (scripts/install-deps.sh installs ansible-core)"
    echo "0 passed, 1 failed"
    exit 1
  fi
done
work=$(mktemp -d /tmp/whmkit-ansible-XXXXXX)
[[ -n ${KEEP:-} ]] || trap 'rm -rf "$work"' EXIT
export ANSIBLE_COLLECTIONS_PATH=$work/collections ANSIBLE_LOCAL_TEMP=$work/tmp ANSIBLE_HOME=$work/home
export ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0
export ANSIBLE_DEPRECATION_WARNINGS=0 ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_PIPELINING=1
# Until the CLI has the dry run (--check), the generic whmapi1 module cannot tell whether its
# writing call changes anything: it reports a change on every run (raw=1).
raw=1
"$bin/whmapi1" --check --output=json version >/dev/null 2>&1 && raw=0

ansible-galaxy collection build "$src/ansible" --output-path "$work" >"$work/build.log" 2>&1
check "collection builds" test -f "$work/whmkit-cpanel-0.1.0.tar.gz"
ansible-galaxy collection install "$work/whmkit-cpanel-0.1.0.tar.gz" -p "$work/collections" >"$work/install.log" 2>&1
check "collection installs" test -f "$work/collections/ansible_collections/whmkit/cpanel/plugins/modules/account.py"
ansible-doc whmkit.cpanel.account >"$work/doc.txt" 2>&1
check "ansible-doc whmkit.cpanel.account" grep -q "Creates, changes, suspends" "$work/doc.txt"
ansible-doc -l whmkit.cpanel >"$work/list.txt" 2>&1
check "ansible-doc lists the modules" test "$(grep -c '^whmkit\.cpanel\.' "$work/list.txt")" -ge 20

root=$work/root
mkdir -p "$root"
tree_hash() { # paths, types, modes and contents of the state root
  (cd "$root" && find . -printf '%p %y %m\n' | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z |
    xargs -0 -r sha256sum) | sha256sum | cut -d' ' -f1
}
play() { # log name, playbook, more ansible-playbook options
  local log=$work/$1.log book=$2
  shift 2
  ansible-playbook -i localhost, -c local -e "whmkit_bin=$bin whmkit_root=$root" "$@" "$src/tests/ansible/$book" >"$log" 2>&1
  local rc=$?
  if ((rc != 0)); then
    echo "--- ansible-playbook $book $* exited $rc:"
    grep -E "FAILED|fatal|ERROR" "$log" | head -5 | cut -c1-400
  fi
  return $rc
}
recap() { # log name, field: the number in the play recap
  sed -n "s/^localhost *:.* $2=\([0-9]*\).*/\1/p" "$work/$1.log"
}

before=$(tree_hash)
SECONDS=0
check "check mode on an empty root runs" play check0 site.yml --check
check "check mode reports the changes" test "$(recap check0 changed)" -ge 14
check "check mode leaves the tree byte-identical" test "$before" = "$(tree_hash)"

check "first run" play run1 site.yml
check "first run changes" test "$(recap run1 changed)" -ge 15
check "bob exists" grep -q '^bob:' "$root/etc/passwd"
check "the raw call wrote its setting" grep -q "emailsperdaynotify=500" "$root/var/cpanel/cpanel.config"
check "second run" play run2 site.yml
check "second run changes nothing" test "$(recap run2 changed)" = $raw

before=$(tree_hash)
check "check and diff mode" play check1 site.yml --check --diff -e bob_quota=800
check "check mode reports the one change" test "$(recap check1 changed)" = 1
check "diff mode shows the quota" grep -q '^+    "quota": "800"' "$work/check1.log"
check "check mode leaves the tree byte-identical" test "$before" = "$(tree_hash)"

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 30 \
  -subj /CN=bob.example -addext subjectAltName=DNS:bob.example,DNS:www.bob.example >/dev/null 2>&1
check "certificate" play ssl1 ssl.yml -e "cert_file=$work/cert.pem key_file=$work/key.pem"
check "certificate installed" test "$(recap ssl1 changed)" = 1
check "certificate again" play ssl2 ssl.yml -e "cert_file=$work/cert.pem key_file=$work/key.pem"
check "certificate unchanged" test "$(recap ssl2 changed)" = 0

check "removal" play remove1 remove.yml
check "removal changes" test "$(recap remove1 changed)" = 6
check "bob is gone" bash -c "! grep -q '^bob:' '$root/etc/passwd'"
check "second removal" play remove2 remove.yml
check "second removal changes nothing" test "$(recap remove2 changed)" = 0

echo "$passed passed, $failed failed (${SECONDS}s)"
((failed == 0))
