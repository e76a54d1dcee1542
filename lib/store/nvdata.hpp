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

}  // namespace whm
