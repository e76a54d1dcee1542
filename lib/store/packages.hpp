// Hosting plans: /var/cpanel/packages/<name> ("KEY=value" sorted, with
// _PACKAGE_EXTENSIONS on the last line) and how a plan maps onto an account.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "cpuser.hpp"
#include "kvfile.hpp"

namespace whm {

class StateRoot;

// The documented defaults of a plan's keys (QUOTA/BWLIMIT from cpanel.config's
// default_pkg_quota/default_pkg_bwlimit).
KeyValues package_defaults();
// A plan's values over the defaults, to apply or edit it. "default" exists
// even without a file. Throws ApiError "The package “X” does not exist.", and
// DamagedFileError for a file that does not parse completely (damage.hpp).
KeyValues load_package(const StateRoot& root, const std::string& name);
// The plan file's own keys (no defaults), to rewrite it: ApiError if there is
// no such file, DamagedFileError if it does not parse completely.
KeyValues read_package_file(const StateRoot& root, const std::string& name);
bool package_exists(const StateRoot& root, const std::string& name);
std::vector<std::string> package_names(const StateRoot& root);  // sorted; "extensions" excluded
std::string serialize_package(const KeyValues& pkg);
// Package names are file names: not empty, at most 64 bytes, no "/",
// control characters, "," or leading "."; not "extensions". nullopt when
// `name` is one, else why not (handlers report it against their parameter).
std::optional<std::string> package_name_error(const std::string& name);
// ApiError "Invalid package name ..." when package_name_error finds a fault.
void check_package_name(const std::string& name);

// The largest limits a plan or an account takes: counts (email accounts,
// databases, ...) as the reference bounds them (0-999999), and sizes in
// megabytes (quota, bandwidth), small enough to stay exact in bytes.
constexpr long long kMaxLimitCount = 999999;
constexpr long long kMaxLimitMegabytes = 4294967295;  // 2^32 - 1 MB, 4 PiB
// The largest value of the limit `key` (a package key such as QUOTA or
// MAXPOP, in any case): megabytes for the sizes, 100 for the percentage of
// failed mail, kMaxLimitCount for the counts.
long long plan_limit_max(const std::string& key);

// "unlimited"/0 or megabytes -> BWLIMIT bytes as the cpuser file stores them.
// Both throw ApiError for a size outside 0..kMaxLimitMegabytes.
std::string mb_to_bytes(const std::string& mb);
// Megabytes -> DISK_BLOCK_LIMIT (1 KiB blocks); unlimited is stored as 0.
std::string mb_to_blocks(const std::string& mb);

// Feature lists: var/cpanel/features/<name>. A name may hold spaces
// ("Mail Only") but not "/", control characters, a leading "." or the
// ".cpaddons" ending of the lists' add-on files. nullopt when `name` is one.
std::optional<std::string> feature_list_name_error(const std::string& name);
// The list's root-relative file; ApiError "Invalid feature list name ..." for a bad name.
std::string feature_list_rel(const std::string& name);
// "default" and "disabled" always exist.
bool feature_list_exists(const StateRoot& root, const std::string& name);

// The plan and account values that name files elsewhere, each refused with
// invalid_param naming `param`:
//  * a theme (CPMOD, cpuser RS): empty (the server's default), jupiter (the
//    reference's base theme), wwwacct.conf's DEFMOD, or a theme installed as
//    usr/local/cpanel/base/frontend/<name>;
//  * a feature list (FEATURELIST): an existing list;
//  * a locale (LANG, LOCALE): a locale's syntax (locale_syntax_error).
void check_theme(const StateRoot& root, const std::string& param, const std::string& theme);
void check_feature_list(const StateRoot& root, const std::string& param, const std::string& list);
void check_locale(const std::string& param, const std::string& locale);
// All three for a plan's CPMOD, FEATURELIST and LANG, named by the addpkg /
// editpkg / createacct parameters that set them (cpmod, featurelist, language).
void check_plan_names(const StateRoot& root, const KeyValues& pkg);

// Sets the account keys a plan controls (limits, CGI, theme, feature list,
// locale, quota, PLAN) and returns one human-readable line per change.
// The shell (HASSHELL) lives in etc/passwd: callers handle it.
std::vector<std::string> apply_package(CpUser& u, const KeyValues& pkg, const std::string& plan);

}  // namespace whm
