# Sourced by the shell tests: counts checks, and prints each failure with
# what was expected and what came instead.
passed=0 failed=0
expect() {  # expect NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); printf 'FAIL %s\n  expected: %q\n  actual:   %q\n' "$1" "$2" "$3"; fi
}
expect_contains() {  # expect_contains NAME PART ACTUAL
  if [[ "$3" == *"$2"* ]]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); printf 'FAIL %s\n  expected to contain: %q\n  actual: %q\n' "$1" "$2" "$3"; fi
}
# A Python expression on the JSON of standard input, as d.
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
