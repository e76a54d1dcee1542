// Tweak Settings: var/cpanel/cpanel.config, sorted key=value lines (a bare
// key for an undefined value) under cPanel's notice, mode 0644. cPanel keeps
// a JSON copy in cpanel.config.cache and trusts it while it is not older than
// the file: a change removes it, so cPanel rebuilds it from the file.
#pragma once
#include <optional>
#include <string>

#include "kvfile.hpp"
#include "state.hpp"
#include "tweak_setting_keys.hpp"

namespace whm {

namespace tweak_settings {
inline constexpr const char* kFile = "var/cpanel/cpanel.config";
inline constexpr const char* kCache = "var/cpanel/cpanel.config.cache";
// cPanel's shipped defaults: what fills a key the file leaves out.
inline constexpr const char* kShippedDefaults = "usr/local/cpanel/etc/cpanel.config";
// The "Basic" module's file (Basic WebHost Manager Setup): "KEY value" lines.
inline constexpr const char* kBasicFile = "etc/wwwacct.conf";
// whmkit's own setting (cPanel's is not documented): the domain under which
// createacct without a domain names the account's temporary domain.
inline constexpr const char* kTemporaryDomainBase = "temporary_domain_base";
}  // namespace tweak_settings

// One setting as the file has it, read leniently (a damaged line is
// skipped); nullopt when it is absent or undefined.
std::optional<std::string> read_tweak_setting(const Transaction& view, const std::string& key);
// The same from the root, with `fallback` (cPanel's default) when it is absent.
std::string tweak_setting(const StateRoot& root, const std::string& key, const std::string& fallback);
// The settings as the file has them (missing file: none). Throws
// DamagedFileError if the file did not parse: it is about to be rewritten.
ConfigValues load_tweak_settings_for_change(const Transaction& txn);
// Stages the file with `values`, and the cache's removal.
void stage_tweak_settings(Transaction& txn, const ConfigValues& values);

// A known setting's value as cPanel reports it: the file's (also when it is
// undefined there), else the shipped defaults file's, else the table's
// default. nullopt: undefined.
std::optional<std::string> effective_tweak_setting(const Transaction& view, TweakModule module, const TweakKey& key);
// Checks `value` for `key` (its type, range and the setting it depends on)
// and stages it with the file cPanel keeps beside it. Throws ApiError with
// cPanel's reason; nothing is staged then. An empty value leaves a key that
// may be undefined undefined.
void apply_tweak_setting(const StateRoot& root, Transaction& txn, TweakModule module, const TweakKey& key,
                         const std::string& value);

}  // namespace whm
