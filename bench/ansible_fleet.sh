#!/usr/bin/env bash
# A fleet simulation for the Ansible collection (a bench, not a test): an
# inventory of HOSTS hosts (default 50), all on localhost
# (ansible_connection=local), each with its own state root, converged with
# tests/ansible/site.yml and FORKS forks (default 10). Prints the wall time of
# the first run (everything created) and of the second (no change), and checks
# that the second run changed nothing.
# Usage: bench/ansible_fleet.sh [BIN_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(cd "${1:-build}" && pwd)
hosts=${HOSTS:-50}
forks=${FORKS:-10}
work=$(mktemp -d /tmp/whmkit-fleet-XXXXXX)
trap 'rm -rf "$work"' EXIT
export ANSIBLE_COLLECTIONS_PATH=$work/collections ANSIBLE_LOCAL_TEMP=$work/tmp ANSIBLE_HOME=$work/home
export ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_NOCOLOR=1 ANSIBLE_PIPELINING=1
export ANSIBLE_DEPRECATION_WARNINGS=0 ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_FORKS=$forks
cp tests/ansible/site.yml "$work/site.yml"
ansible-galaxy collection build ansible --output-path "$work" >/dev/null
ansible-galaxy collection install "$work"/whmkit-cpanel-*.tar.gz -p "$work/collections" >/dev/null
{
  echo "[fleet]"
  for i in $(seq -w 1 "$hosts"); do
    mkdir -p "$work/roots/host$i"
    echo "host$i whmkit_root=$work/roots/host$i"
  done
  echo "[fleet:vars]"
  echo "ansible_connection=local"
  echo "whmkit_bin=$bin"
} >"$work/inventory.ini"
run() {
  local start end
  start=$(date +%s.%N)
  ansible-playbook -i "$work/inventory.ini" "$work/site.yml" >"$work/$1.log" 2>&1 || {
    tail -20 "$work/$1.log"
    exit 1
  }
  end=$(date +%s.%N)
  changed=$(sed -n 's/^host[0-9]* *:.* changed=\([0-9]*\).*/\1/p' "$work/$1.log" | paste -sd+ | bc)
  printf '%s: %.1f s, %s tasks changed over %s hosts\n' "$1" "$(echo "$end - $start" | bc)" "$changed" "$hosts"
}
echo "hosts=$hosts forks=$forks cores=$(nproc) load=$(cut -d' ' -f1 /proc/loadavg)"
run first
run second
