#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS on a scratch copy of its seed corpus.
# Usage: test_fuzz.sh BUILD_DIR CORPUS_DIR SECONDS
set -u
build=$1 corpus=$2 seconds=$3
passed=0 failed=0
work=$(mktemp -d /tmp/whmkit-fuzz-XXXXXX)
trap 'rm -rf "$work"' EXIT
for target in args cpuser zone yaml cpmove crontab; do
  mkdir -p "$work/$target"
  cp "$corpus/$target"/* "$work/$target"/
  if "$build/fuzz_$target" "$work/$target" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$work/$target-" >"$work/$target.log" 2>&1; then
    passed=$((passed + 1))
    echo "fuzz_$target: clean, $(grep -o 'stat::number_of_executed_units: [0-9]*' "$work/$target.log" | awk '{print $2}') runs"
  else
    failed=$((failed + 1))
    echo "FAIL fuzz_$target"; tail -40 "$work/$target.log"
    for a in "$work/$target"-*; do [[ -f $a ]] && { echo "input:"; od -c "$a" | head -20; }; done
  fi
done
echo "$passed passed, $failed failed"
((failed == 0))
