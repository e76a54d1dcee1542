// Tweak Settings: var/cpanel/cpanel.config, sorted key=value lines (a bare
// key for an undefined value) under cPanel's notice, mode 0644. cPanel keeps
// a JSON copy in cpanel.config.cache and trusts it while it is not older than
// the file: a change removes it, so cPanel rebuilds it from the file.
#pragma once
#include "kvfile.hpp"
#include "state.hpp"

namespace whm {

namespace tweak_settings {
inline constexpr const char* kFile = "var/cpanel/cpanel.config";
inline constexpr const char* kCache = "var/cpanel/cpanel.config.cache";
}  // namespace tweak_settings

// The settings as the file has them (missing file: none). Throws
// DamagedFileError if the file did not parse: it is about to be rewritten.
ConfigValues load_tweak_settings_for_change(const Transaction& txn);
// The setting `key` as the file has it, or `fallback` when the file does not
// define it (a missing or undefined key takes cPanel's default).
std::string tweak_setting(const StateRoot& root, const std::string& key, const std::string& fallback);
// Stages the file with `values`, and the cache's removal.
void stage_tweak_settings(Transaction& txn, const ConfigValues& values);

}  // namespace whm
