// cPanel's options for the SpamAssassin daemon, etc/cpspamd.conf: sorted
// "key=value" lines that cPanel's spamd startup turns into spamd's command
// line (allowedips: --allowed-ips, maxchildren: --max-children,
// maxconnperchild: --max-conn-per-child, pidfile: --pidfile, timeoutchild:
// --timeout-child, timeouttcp: --timeout-tcp). Saving sets the options
// given and removes the others, as WHM's save does; keys it does not know
// stay as they are.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "state.hpp"

namespace whm {

inline constexpr const char* kSpamdConfig = "etc/cpspamd.conf";

// The names of the options save_spamd_config sets, sorted.
const std::vector<std::string>& spamd_option_names();

// Checks the values (ApiError in cPanel's words naming the value) and stages
// the file. `given`: option name -> value, for the options the call has.
void stage_spamd_config(Transaction& txn, const std::map<std::string, std::string>& given);

}  // namespace whm
