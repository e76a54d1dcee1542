#!/usr/bin/env bash
# Every C++ file is formatted by clang-format (.clang-format at the top);
# the generated reference tables are left as the generator writes them.
set -uo pipefail
cd "${1:-$(dirname "$0")/../..}" || exit 2
fmt=$(command -v clang-format-14 || command -v clang-format) || { echo "clang-format is not installed"; exit 1; }
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' 2>/dev/null | grep -v '^commands/spec/' ||
                     find lib commands apps tests bench -name '*.[ch]pp' -not -path 'commands/spec/*')
bad=0
for f in "${files[@]}"; do
  if ! "$fmt" --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f (run: $fmt -i $f)"
    bad=$((bad + 1))
  fi
done
echo "${#files[@]} files checked, $bad not formatted"
((bad == 0))
