#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test (unit and command-level),
# then builds again with AddressSanitizer + UndefinedBehaviorSanitizer (clang,
# with the libFuzzer targets) and runs the whole suite again plus a short fuzz run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j2)

echo "=== sanitizer build (ASan + UBSan) ==="
CC=clang-14 CXX=clang++-14 cmake -S . -B build-san -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWHMKIT_SANITIZE=ON -DWHMKIT_FUZZ=ON >/dev/null
cmake --build build-san -j"$(nproc)"
cd build-san
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j2
