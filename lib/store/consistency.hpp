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
// does), then checks: no temp/staging leftovers; every file whmkit parses and
// rewrites reads completely (cpuser files, userdata, passwd/shadow/group,
// packages, feature lists, reseller files, the backup configuration: each
// damaged file is reported with its lines, and the check goes on with the
// rest); every cpuser file has its passwd/shadow/group entries, home,
// userdata and zone; the /etc lookup files exist and are exactly what the
// cpuser files give; no orphaned userdata, cache, suspension, bandwidth or
// zone files.
// The accounts are checked on check_threads() threads; the report is the
// same, in the same order, as with one.
CheckReport check_state(const StateRoot& root);
// The threads the account checks use: $WHMKIT_CHECK_THREADS (1..64) if set,
// else the machine's cores (at most 8).
unsigned check_threads();
// Rewrites the /etc lookup files from the cpuser files (as updateuserdomains);
// returns those whose content changed.
std::vector<std::string> rebuild_lookups(const StateRoot& root);

}  // namespace whm
