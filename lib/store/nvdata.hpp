// WHM's personalization store (NVData): name/value pairs per WHM user, in
// var/cpanel/whm/nvdata/<user>.yaml (a YAML datastore with its JSON twin
// <user>.cache). Root may also name a store of its own, kept in
// var/cpanel/whm/nvdata/root/<store>.yaml. A reseller's file is part of its
// account's lifecycle.
#pragma once
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "state.hpp"

namespace whm {

namespace nvdata {
inline constexpr size_t kMaxStoreLength = 128, kMaxNameLength = 128, kMaxValueLength = 2048;
}

// The datastore's root-relative path (without ".yaml"): `caller`'s own, or
// root's store `store` (only root names one; "/" is removed as in cPanel).
std::string nvdata_base(const std::string& caller, const std::string& store);
// The stored pairs; nullopt when the store does not exist yet.
std::optional<nlohmann::json> load_nvdata(const Transaction& txn, const std::string& base);
// Stages the store with `pairs` set (others kept).
void stage_nvdata(Transaction& txn, const std::string& base, const nlohmann::json& pairs);

// A cPanel account's own store (UAPI NVData and Personalization, API 2
// NVData): one file per name in ~/.cpanel/nvdata/<name> holding the value as
// given, written as the account's user, never through a symlink. The files
// live in the home, so they move, archive and restore with it.
namespace user_nvdata {
// The file name cPanel stores `name` under: XML-escaped (& < > " '), with
// "/" removed. Throws invalid_param(param) for a name longer than
// nvdata::kMaxNameLength, or one that leaves no usable file name.
std::string file_name(const std::string& param, const std::string& name);
// The stored value of the file `file` (from file_name); nullopt if never set.
std::optional<std::string> get(const Transaction& view, const std::string& home_rel, const std::string& file);
// Stages the value of `file`, and drops cPanel's ~/.cpanel/nvdata.cache,
// which would otherwise keep serving the old value.
void stage_set(Transaction& txn, const std::string& home_rel, FileOwner owner, const std::string& file,
               const std::string& value);
}  // namespace user_nvdata

}  // namespace whm
