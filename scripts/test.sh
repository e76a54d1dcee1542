#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test: the release build runs
# the whole suite (unit, command-level, real servers, crash, format); then a
# clang build with AddressSanitizer + UndefinedBehaviorSanitizer runs the unit
# and command-level tests again plus a short fuzz run. A failing step does not
# stop the others; the script fails at the end if any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."
failed_steps=()
step() {  # step NAME COMMAND...: runs it, remembers a failure, goes on
  local name=$1 start=$SECONDS
  shift
  echo "=== $name ==="
  if ! "$@"; then
    echo "=== FAILED: $name ==="
    failed_steps+=("$name")
  fi
  echo "=== $name: $((SECONDS - start)) s (total $SECONDS s) ==="  # CI has 90 minutes; the suite should stay under 60
}

step "install dependencies" scripts/install-deps.sh
step "release build" scripts/build.sh
step "release tests" bash -c 'cd build && ctest --output-on-failure -j2'
step "sanitizer build" bash -c 'CC=clang-14 CXX=clang++-14 cmake -S . -B build-san -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DWHMKIT_SANITIZE=ON -DWHMKIT_FUZZ=ON >/dev/null && cmake --build build-san -j"$(nproc)"'
step "sanitizer tests" bash -c 'cd build-san && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j2 -LE once'

if ((${#failed_steps[@]})); then
  echo "FAILED steps: ${failed_steps[*]}"
  exit 1
fi
echo "all steps passed"
