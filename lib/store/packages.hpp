// Hosting plans: /var/cpanel/packages/<name> ("KEY=value" sorted, with
// _PACKAGE_EXTENSIONS on the last line) and how a plan maps onto an account.
#pragma once
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
// Package names: not empty, at most 64 bytes, no "/", control characters or ",".
void check_package_name(const std::string& name);

// "unlimited"/0 or megabytes -> BWLIMIT bytes as the cpuser file stores them.
std::string mb_to_bytes(const std::string& mb);
// Megabytes -> DISK_BLOCK_LIMIT (1 KiB blocks); unlimited is stored as 0.
std::string mb_to_blocks(const std::string& mb);

// Sets the account keys a plan controls (limits, CGI, theme, feature list,
// locale, quota, PLAN) and returns one human-readable line per change.
// The shell (HASSHELL) lives in etc/passwd: callers handle it.
std::vector<std::string> apply_package(CpUser& u, const KeyValues& pkg, const std::string& plan);

}  // namespace whm
