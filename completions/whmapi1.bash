# bash completion for whmapi1, cpapi2 and uapi (whmkit). The candidates come from the program
# itself (whmapi1 __complete WORDS...), so they always match its spec.
_whmapi1() {
  local line=${COMP_LINE:0:$COMP_POINT}
  local -a words
  read -ra words <<<"$line"
  # The word being completed: empty after a space, else the last token.
  [[ $line =~ [[:space:]]$ ]] && words+=("")
  local full_cur=${words[-1]}
  local candidates
  candidates=$("${words[0]}" __complete "${words[@]:1}" 2>/dev/null) || return
  # bash splits words at '=' (COMP_WORDBREAKS); strip what it already has.
  local bash_cur=${COMP_WORDS[COMP_CWORD]}
  [[ $bash_cur == "=" ]] && bash_cur=""
  local strip=$(( ${#full_cur} - ${#bash_cur} ))
  COMPREPLY=()
  local c
  while IFS= read -r c; do
    [[ -n $c ]] && COMPREPLY+=("${c:$strip}")
  done <<<"$candidates"
  # "key=" and "--output=" wait for a value: no space after them.
  if ((${#COMPREPLY[@]} == 1)) && [[ ${COMPREPLY[0]} == *= ]]; then
    compopt -o nospace 2>/dev/null
  fi
}
complete -F _whmapi1 whmapi1 cpapi2 uapi
