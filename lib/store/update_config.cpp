#include "update_config.hpp"

#include <regex>

#include "kvfile.hpp"
#include "util.hpp"

namespace whm {
namespace {

const UpdateConfig& defaults() {
  static const UpdateConfig d = {{"CPANEL", "release"},
                                 {"RPMUP", "daily"},
                                 {"SARULESUP", "daily"},
                                 {"STAGING_DIR", "/usr/local/cpanel"},
                                 {"UPDATES", "daily"}};
  return d;
}

// cPanel's clean-up of a value: no line breaks or surrounding blanks, no
// trailing slash, lowercase (STAGING_DIR keeps its case).
std::string clean(const std::string& key, std::string value) {
  std::string out;
  for (char c : value)
    if (c != '\n' && c != '\r') out += c;
  out = trim(out);
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return key == "STAGING_DIR" ? out : to_lower(out);
}

// "11.86.0.25" -> "11.86" (odd development majors count with the next even one).
std::optional<std::string> major_of(const std::string& build) {
  static const std::regex form(R"(11\.(\d+)\.\d+\.\d+)");
  std::smatch m;
  if (build.size() > 40 || !std::regex_match(build, m, form) || m[1].length() > 6) return std::nullopt;
  long long major = std::stoll(m[1]);
  major += major % 2;
  return "11." + std::to_string(major);
}

const nlohmann::json* builds_of(const nlohmann::json& tiers, const std::string& major) {
  if (!tiers.contains("tiers") || !tiers["tiers"].is_object()) return nullptr;
  auto it = tiers["tiers"].find(major);
  return it != tiers["tiers"].end() && it->is_array() ? &*it : nullptr;
}

std::string build_name(const nlohmann::json& entry) {
  return entry.is_object() && entry.contains("build") && entry["build"].is_string() ? entry["build"].get<std::string>()
                                                                                    : "";
}
bool flag(const nlohmann::json& entry, const char* name) {
  if (!entry.is_object() || !entry.contains(name)) return false;
  const auto& v = entry[name];
  return v.is_number() ? v.get<double>() != 0 : v.is_string() ? (v != "" && v != "0") : v.is_boolean() && v.get<bool>();
}
std::optional<long long> expires(const nlohmann::json& entry) {
  if (!entry.is_object() || !entry.contains("expires")) return std::nullopt;
  const auto& v = entry["expires"];
  if (v.is_number_integer()) return v.get<long long>();
  if (v.is_string()) return parse_int(v.get<std::string>());
  return std::nullopt;
}

}  // namespace

UpdateConfig load_update_config(const Transaction& view) {
  UpdateConfig config = defaults();
  for (const auto& [key, value] : parse_key_values(view.read(update_files::kConfig).value_or("")))
    if (defaults().count(key)) config[key] = clean(key, value);
  if (config["STAGING_DIR"].empty() || config["STAGING_DIR"][0] != '/')
    config["STAGING_DIR"] = defaults().at("STAGING_DIR");
  return config;
}

void stage_update_config(Transaction& txn, const UpdateConfig& config) {
  KeyValues lines;
  for (const auto& [key, value] : config)
    if (defaults().count(key)) lines[key] = clean(key, value);
  txn.write(update_files::kConfig, serialize_key_values(lines), 0644);
}

std::optional<nlohmann::json> load_tiers(const Transaction& view) {
  auto text = view.read(update_files::kTiers);
  if (!text) return std::nullopt;
  auto tiers = nlohmann::json::parse(*text, nullptr, false);
  if (!tiers.is_object()) return std::nullopt;
  return tiers;
}

std::optional<std::string> build_for_tier(const nlohmann::json& tiers, const std::string& tier) {
  static const std::regex build(R"(\d+\.\d+\.\d+\.\d+)"), major(R"(\d+\.\d+)"), branch(R"(\d+\.\d+\.\d+)");
  if (tier.size() > 40) return std::nullopt;  // (std::regex recurses per character)
  if (std::regex_match(tier, build)) return tier;
  if (std::regex_match(tier, major)) {
    if (const auto* builds = builds_of(tiers, tier))
      for (const auto& entry : *builds)
        if (flag(entry, "is_main")) return build_name(entry);
    return std::nullopt;
  }
  if (std::regex_match(tier, branch) && tiers.contains("branch") && tiers["branch"].is_object()) {
    auto it = tiers["branch"].find(tier);
    if (it != tiers["branch"].end() && it->is_array() && !it->empty() && !build_name((*it)[0]).empty())
      return build_name((*it)[0]);
  }
  if (!tiers.contains("tiers") || !tiers["tiers"].is_object()) return std::nullopt;
  for (const auto& [m, builds] : tiers["tiers"].items()) {
    if (!builds.is_array()) continue;
    for (const auto& entry : builds)
      if (entry.is_object() && entry.contains("named") && entry["named"].is_array())
        for (const auto& name : entry["named"])
          if (name == tier) return build_name(entry);
  }
  return std::nullopt;
}

nlohmann::json flattened_tiers(const nlohmann::json& tiers) {
  nlohmann::json flat = nlohmann::json::object();
  if (!tiers.contains("tiers") || !tiers["tiers"].is_object()) return flat;
  for (const auto& [major, builds] : tiers["tiers"].items()) {
    if (!builds.is_array()) continue;
    for (const auto& entry : builds) {
      if (!entry.is_object()) continue;
      if (flag(entry, "is_main")) flat[major] = build_name(entry);
      if (entry.contains("named") && entry["named"].is_array())
        for (const auto& name : entry["named"])
          if (name.is_string()) flat[name.get<std::string>()] = build_name(entry);
    }
  }
  return flat;
}

std::optional<long long> lts_expiry(const nlohmann::json& tiers, const std::string& build) {
  auto major = major_of(build);
  const nlohmann::json* builds = major ? builds_of(tiers, *major) : nullptr;
  if (!builds) return std::nullopt;
  const nlohmann::json* own = nullptr;
  for (const auto& entry : *builds)
    if (build_name(entry) == build) own = &entry;
  if (!own) return std::nullopt;  // a build the list does not know
  if (auto e = expires(*own)) return e;
  for (const auto& entry : *builds)
    if (flag(entry, "is_lts"))
      if (auto e = expires(entry)) return e;
  return std::nullopt;
}

std::optional<std::string> installed_cpanel_version(const Transaction& view) {
  auto text = view.read(update_files::kCpanelVersion);
  if (!text) return std::nullopt;
  std::string v = trim(*text);
  static const std::regex form(R"(\d+(\.\d+){1,3})");
  if (v.size() > 40 || !std::regex_match(v, form)) return std::nullopt;
  return v;
}

int compare_versions(const std::string& a, const std::string& b) {
  auto pa = split(a, '.'), pb = split(b, '.');
  for (size_t i = 0; i < std::max(pa.size(), pb.size()); ++i) {
    long long x = i < pa.size() ? parse_int(pa[i]).value_or(0) : 0;
    long long y = i < pb.size() ? parse_int(pb[i]).value_or(0) : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

}  // namespace whm
