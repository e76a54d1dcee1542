#!/usr/bin/env bash
# Drives the bash, zsh and fish completion scripts for real, with the built
# whmapi1 first on PATH. Usage: test_completion.sh BIN_DIR SOURCE_DIR
set -u
bin_dir=$1 src=$2
export PATH="$bin_dir:$PATH"
source "$(dirname "$0")/expect.sh"

# bash: the real completion function, with COMP_* set as readline sets them
# (COMP_WORDBREAKS splits "key=value" into "key" "=" "value").
bash_complete() {  # LINE WORD...   (the words as bash splits them; the last is completed)
  local line=$1; shift
  bash --norc --noprofile -c '
    source "$1/completions/whmapi1.bash"
    line=$2; shift 2
    COMP_LINE=$line; COMP_POINT=${#line}; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    _whmapi1
    printf "%s\n" "${COMPREPLY[@]}"
    complete -p whmapi1' _ "$src" "$line" "$@"
}
out=$(bash_complete "whmapi1 suspendac" whmapi1 suspendac)
expect "bash: function names" $'suspendacct\ncomplete -F _whmapi1 whmapi1' "$out"
out=$(bash_complete "whmapi1 suspendacct dis" whmapi1 suspendacct dis | head -1)
expect "bash: parameter names" "disallowun=" "$out"
out=$(bash_complete "whmapi1 listaccts searchtype=" whmapi1 listaccts searchtype = "" | head -5 | tr '\n' ' ')
expect "bash: allowed values after =" "domain owner user ip package " "$out"
out=$(bash_complete "whmapi1 listaccts searchtype=o" whmapi1 listaccts searchtype = o | head -1)
expect "bash: allowed values, prefix" "owner" "$out"
out=$(bash_complete "whmapi1 --output=js" whmapi1 --output = js | head -2 | tr '\n' ' ')
expect "bash: --output values" "json jsonpretty " "$out"
out=$(bash_complete "whmapi1 createacct username=bob " whmapi1 createacct username = bob "" | grep -c '^username=$')
expect "bash: used keys are not offered again" "0" "$out"
out=$(bash_complete "whmapi1 help createa" whmapi1 help createa | head -1)
expect "bash: help FUNCTION" "createacct" "$out"
n=$(bash_complete "whmapi1 " whmapi1 "" | grep -vc '^complete ')
expect "bash: every function (and help) offered" "595" "$n"
out=$(bash_complete "uapi --user=bob Ft" uapi --user = bob Ft | head -1)
expect "bash: uapi modules" "Ftp" "$out"
out=$(bash_complete "uapi --user=bob Ftp list_s" uapi --user = bob Ftp list_s | head -1)
expect "bash: uapi functions" "list_sessions" "$out"
out=$(bash_complete "cpapi2 --user=bob Cron add_line comm" cpapi2 --user = bob Cron add_line comm | head -1)
expect "bash: cpapi2 parameters" "command=" "$out"

# zsh: the real completion function with compadd recorded.
zsh_complete() {  # WORD...  (the last is completed)
  zsh -f -c '
    compadd() { local s=""; while [[ $1 == -* ]]; do case $1 in -S) s=$2; shift 2;; --) shift; break;; *) shift;; esac; done
                for c in "$@"; do print -r -- "$c$s"; done }
    source "$1/completions/_whmapi1" >/dev/null 2>&1
    shift; words=("$@"); CURRENT=$#
    _whmapi1' _ "$src" "$@"
}
out=$(zsh_complete whmapi1 listlocked)
expect "zsh: function names" "listlockedaccounts" "$out"
out=$(zsh_complete whmapi1 createacct mxcheck=r)
expect "zsh: allowed values" "mxcheck=remote" "$out"
out=$(zsh_complete whmapi1 removeacct kee)
expect "zsh: parameter names" "keepdns=" "$out"

# fish: complete -C runs the registered completion.
fish_complete() { fish --no-config -c "source $src/completions/whmapi1.fish; complete -C '$1'"; }
out=$(fish_complete "whmapi1 getdomainown")
expect "fish: function names" "getdomainowner" "$out"
out=$(fish_complete "whmapi1 suspendacct disallowun=" | tr '\n' ' ')
expect "fish: allowed values" "disallowun=0 disallowun=1 " "$out"
out=$(fish_complete "whmapi1 --output=q")
expect "fish: nothing for a bad prefix" "" "$out"

echo "$passed passed, $failed failed"
((failed == 0))
