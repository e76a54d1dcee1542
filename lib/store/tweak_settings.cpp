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

std::optional<std::string> read_tweak_setting(const Transaction& view, const std::string& key) {
  FileProblems ignored;
  ConfigValues values = parse_config_values(view.read(tweak_settings::kFile).value_or(""), &ignored);
  auto it = values.find(key);
  return it == values.end() ? std::nullopt : it->second;
}

std::string tweak_setting(const StateRoot& root, const std::string& key, const std::string& fallback) {
  return read_tweak_setting(Transaction(root), key).value_or(fallback);
}

ConfigValues load_tweak_settings_for_change(const Transaction& txn) {
  FileProblems problems;
  ConfigValues values = parse_config_values(txn.read(tweak_settings::kFile).value_or(""), &problems);
  refuse_if_damaged(tweak_settings::kFile, problems);
  return values;
}

void stage_tweak_settings(Transaction& txn, const ConfigValues& values) {
  txn.write(tweak_settings::kFile, kHeader + serialize_config_values(values), 0644);
  if (txn.exists(tweak_settings::kCache)) txn.remove(tweak_settings::kCache);
}

}  // namespace whm
