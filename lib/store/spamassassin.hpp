// Apache SpamAssassin for one account, as cPanel keeps the switch: touch
// files in the account's home. ~/.spamassassindisable turns it off (Exim
// checks it; the server-wide filter is on otherwise), and
// ~/.spamassassinenable is the older marker that it is on. Both are empty
// files owned by the account. ~/.spamassassinboxenable sends what it marks
// as spam to the Maildir folder ~/mail/.spam (the spam box). The account's
// preferences are SpamAssassin's own ~/.spamassassin/user_prefs ("key
// value" lines). All live in the home, so they move, archive and go with it.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "state.hpp"

namespace whm {

namespace spamassassin {
inline constexpr const char* kEnableFile = ".spamassassinenable";
inline constexpr const char* kDisableFile = ".spamassassindisable";
inline constexpr const char* kSpamBoxFile = ".spamassassinboxenable";
inline constexpr const char* kUserPrefs = ".spamassassin/user_prefs";
inline constexpr const char* kSpamBox = "mail/.spam";  // the Maildir
}  // namespace spamassassin

// Whether SpamAssassin is on for the account whose home is `home_rel`.
bool spamassassin_enabled(const Transaction& txn, const std::string& home_rel);
// Turns it on or off: one marker written, the other removed.
void stage_spamassassin(Transaction& txn, const std::string& home_rel, FileOwner owner, bool enabled);

bool spam_box_enabled(const Transaction& txn, const std::string& home_rel);
void stage_spam_box(Transaction& txn, const std::string& home_rel, FileOwner owner, bool enabled);

// The preferences of user_prefs, by key, each with its values in file order
// ("whitelist_from" -> {"a@example.com", "*@example.net"}). Comments and
// blank lines are not preferences.
using SpamPreferences = std::map<std::string, std::vector<std::string>>;
SpamPreferences parse_spam_preferences(const std::string& text);
// The file with the lines of `key` replaced by one line per value (none:
// the key is gone), the other lines kept as they are.
std::string with_spam_preference(const std::string& text, const std::string& key,
                                 const std::vector<std::string>& values);

// Stages the removal of every message in the spam box (its cur, new and tmp
// folders stay); the number of messages removed.
size_t stage_clear_spam_box(Transaction& txn, const StateRoot& root, const std::string& home_rel,
                            const std::string& home);

}  // namespace whm
