# fish completion for whmapi1 (whmkit): asks the program (whmapi1 __complete).
function __whmapi1_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    $tokens[1] __complete $tokens[2..-1] "$current" 2>/dev/null
end
complete -c whmapi1 -f -a '(__whmapi1_complete)'
complete -c cpapi2 -f -a '(__whmapi1_complete)'
complete -c uapi -f -a '(__whmapi1_complete)'
