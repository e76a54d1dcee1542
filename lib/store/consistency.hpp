// The consistency checker behind whmkit-check: after any crash, the state
// root must hold every account either completely or not at all.
#pragma once
#include <string>
#include <vector>

namespace whm {

class StateRoot;

struct CheckReport {
  std::vector<std::string> problems;  // one sentence each
  size_t accounts = 0;
  bool ok() const { return problems.empty(); }
};

// Finishes or rolls back an interrupted transaction first (as any call
// does), then checks: no temp/staging leftovers; every cpuser file has its
// passwd/shadow/group entries, home, userdata and zone; the /etc lookup files
// are exactly what the cpuser files give; no orphaned userdata, cache,
// suspension, bandwidth or zone files.
CheckReport check_state(const StateRoot& root);
// Rewrites the /etc lookup files from the cpuser files (as updateuserdomains).
void rebuild_lookups(const StateRoot& root);

}  // namespace whm
