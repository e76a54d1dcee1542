#!/usr/bin/env bash
# The layers of docs/ARCHITECTURE.md: lib/base < lib/store < lib/api <
# commands and lib/server (whmkitd's HTTP side), which never include each other.
# A file may include headers of its own layer and the layers below it only.
# (The build enforces the same through the CMake targets' include paths; this
# test names the offending line.)
set -uo pipefail
src=${1:-$(dirname "$0")/../..}
cd "$src" || exit 2
layer_of() {  # header name -> layer number, or nothing for system headers
  for d in base:0 store:1 api:2; do
    [[ -f lib/${d%%:*}/$1 ]] && { echo "${d##*:}"; return; }
  done
  [[ -f commands/$1 ]] && echo 3
  [[ -f lib/server/$1 ]] && echo 4
}
bad=0
checked=0
for dir in base:0 store:1 api:2; do
  level=${dir##*:}
  for f in lib/${dir%%:*}/*; do
    while IFS= read -r header; do
      l=$(layer_of "$header")
      checked=$((checked + 1))
      if [[ -n $l && $l -gt $level ]]; then
        echo "layer violation: $f includes $header (a higher layer)"
        bad=$((bad + 1))
      fi
    done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
  done
done
for f in lib/server/*; do  # above lib/api, beside the commands
  while IFS= read -r header; do
    checked=$((checked + 1))
    if [[ -f commands/$header ]]; then
      echo "layer violation: $f includes $header (the commands are not the server's)"
      bad=$((bad + 1))
    fi
  done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
done
for f in commands/*.cpp commands/*.hpp; do
  while IFS= read -r header; do
    checked=$((checked + 1))
    if [[ -f lib/server/$header ]]; then
      echo "layer violation: $f includes $header (the server is above the commands' layer)"
      bad=$((bad + 1))
    fi
  done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
done
echo "$checked includes checked, $bad violations"
((bad == 0))
