#!/usr/bin/env bash
# ansible-test on the collection (ansible/), offline: the sanity tests (their
# virtual environments prepared from Debian's packages by
# scripts/ansible_test_venvs.py) and the unit tests of module_utils.
# ansible-test wants the collection at ansible_collections/whmkit/cpanel: it
# runs on a copy. Usage: test_ansible_sanity.sh
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
if ! command -v ansible-test >/dev/null; then
  echo "ansible-test is missing (scripts/install-deps.sh installs ansible-core)"; echo "0 passed, 1 failed"; exit 1
fi
# Debian's Python, where Debian's ansible-test, pytest and linters are (not a pyenv shim first in PATH)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
work=$(mktemp -d /tmp/whmkit-ansible-test-XXXXXX)
trap 'rm -rf "$work"' EXIT
coll=$work/ansible_collections/whmkit/cpanel
mkdir -p "$coll"
cp -a "$src/ansible/." "$coll/"
/usr/bin/python3 "$src/scripts/ansible_test_venvs.py" ansible-doc validate-modules pep8 pylint yamllint \
  runtime-metadata import import.plugin >/dev/null
passed=0
failed=0
cd "$coll"
# pslint needs PowerShell and shellcheck the shellcheck program: neither has files to check here.
if ansible-test sanity --python 3.11 --skip-test pslint --skip-test shellcheck --color no >"$work/sanity.log" 2>&1; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAIL: ansible-test sanity"
  grep -E "ERROR|FATAL" "$work/sanity.log" | head -20
fi
if ansible-test units --python 3.11 --color no >"$work/units.log" 2>&1; then
  passed=$((passed + 1))
  grep -E "passed|failed" "$work/units.log" | tail -1
else
  failed=$((failed + 1))
  echo "FAIL: ansible-test units"
  tail -30 "$work/units.log"
fi
echo "$passed passed, $failed failed"
((failed == 0))
