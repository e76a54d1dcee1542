// Apache SpamAssassin for one account, as cPanel keeps the switch: touch
// files in the account's home. ~/.spamassassindisable turns it off (Exim
// checks it; the server-wide filter is on otherwise), and
// ~/.spamassassinenable is the older marker that it is on. Both are empty
// files owned by the account. They live in the home, so they move, archive
// and go with it.
#pragma once
#include <string>

#include "state.hpp"

namespace whm {

namespace spamassassin {
inline constexpr const char* kEnableFile = ".spamassassinenable";
inline constexpr const char* kDisableFile = ".spamassassindisable";
}  // namespace spamassassin

// Whether SpamAssassin is on for the account whose home is `home_rel`.
bool spamassassin_enabled(const Transaction& txn, const std::string& home_rel);
// Turns it on or off: one marker written, the other removed.
void stage_spamassassin(Transaction& txn, const std::string& home_rel, FileOwner owner, bool enabled);

}  // namespace whm
