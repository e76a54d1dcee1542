#include "tweak_settings.hpp"

#include "damage.hpp"

namespace whm {
namespace {

const char* kHeader =
    "################################################################################\n"
    "# NOTICE\n"
    "# Manually modifying this file is not recommended! Please use set_tweaksetting\n"
    "# (whmapi1) to change these values.\n"
    "################################################################################\n";

}  // namespace

ConfigValues load_tweak_settings_for_change(const Transaction& txn) {
  FileProblems problems;
  ConfigValues values = parse_config_values(txn.read(tweak_settings::kFile).value_or(""), &problems);
  refuse_if_damaged(tweak_settings::kFile, problems);
  return values;
}

std::string tweak_setting(const StateRoot& root, const std::string& key, const std::string& fallback) {
  const ConfigValues values = parse_config_values(root.read(tweak_settings::kFile).value_or(""), nullptr);
  auto it = values.find(key);
  return it != values.end() && it->second ? *it->second : fallback;
}

void stage_tweak_settings(Transaction& txn, const ConfigValues& values) {
  txn.write(tweak_settings::kFile, kHeader + serialize_config_values(values), 0644);
  if (txn.exists(tweak_settings::kCache)) txn.remove(tweak_settings::kCache);
}

}  // namespace whm
