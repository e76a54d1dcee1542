// What the command line offers besides calls: help text, coverage report,
// and shell-completion candidates, all read from the registry (and so from
// the reference spec), never from a separate list.
#pragma once
#include <string>
#include <vector>

#include "registry.hpp"

namespace whm {

// "whmapi1 help FUNCTION": summary, parameters, example. Empty if unknown.
std::string function_help(const std::string& name);
// "cpapi2/uapi help Module function": the same for a cPanel function.
std::string function_help(Api api, const std::string& module, const std::string& name);
// "whmapi1 --coverage": implemented/total per category, then the total.
std::string coverage_report();
// Candidates for the last of `words` (the words after the program name; the
// last one is the word being completed, possibly empty).
std::vector<std::string> completion_candidates(const std::vector<std::string>& words);
// The same for cpapi2 (api 2) and uapi (api 3): options, Module, function, key=.
std::vector<std::string> cpanel_completion_candidates(Api api, const std::vector<std::string>& words);

}  // namespace whm
