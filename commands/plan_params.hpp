// The plan parameters addpkg and editpkg take (bwlimit, quota, maxpop, cgi,
// hasshell, cpmod, featurelist, language, ...), shared with createacct
// savepkg=1, which saves the values of its call as a new plan.
#pragma once
#include "kvfile.hpp"
#include "request.hpp"
#include "state.hpp"

namespace whm {

// Sets on `pkg` the package keys of the plan parameters `req` gives, and
// checks the result (IP y/n, theme, feature list, locale, extensions).
void apply_plan_params(const StateRoot& root, KeyValues& pkg, const Request& req);

}  // namespace whm
