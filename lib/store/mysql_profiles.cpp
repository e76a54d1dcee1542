#include "mysql_profiles.hpp"

#include <regex>

#include "damage.hpp"
#include "errors.hpp"
#include "output.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {

nlohmann::json load_mysql_profiles(const Transaction& view) {
  const auto text = view.read(kMysqlProfilesFile);
  if (!text) return nlohmann::json::object();
  FileProblems problems;
  nlohmann::json doc = parse_json_object(*text, problems);
  for (auto it = doc.begin(); problems.empty() && it != doc.end(); ++it)
    if (!it.value().is_object()) problems.push_back("the profile “" + it.key() + "” is not a JSON object");
  refuse_if_damaged(kMysqlProfilesFile, problems, "used");
  return doc;
}

void stage_mysql_profiles(Transaction& txn, const nlohmann::json& profiles) {
  txn.write(kMysqlProfilesFile, json_text(profiles), 0600, FileOwner{0, 0});
}

bool is_local_mysql_host(const std::string& host) {
  return host.empty() || host == "localhost" || starts_with(host, "127.") || host == "::1";
}

namespace {

std::string value_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  return v.dump();
}

bool valid_host(const std::string& h) {
  static const std::regex ipv4(R"(^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$)");
  static const std::regex name(
      R"(^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$)");
  static const std::regex ipv6(R"(^[0-9A-Fa-f:]+$)");
  std::smatch m;
  if (std::regex_match(h, m, ipv4)) {
    for (int i = 1; i <= 4; ++i)
      if (std::stoi(m[i]) > 255) return false;
    return true;
  }
  return h == "localhost" || std::regex_match(h, name) ||
         (h.find(':') != std::string::npos && std::regex_match(h, ipv6));
}

}  // namespace

nlohmann::json sanitize_mysql_profile(const std::string& name, nlohmann::json p) {
  std::vector<std::string> errors;
  for (const char* key : {"mysql_host", "mysql_port", "mysql_user", "mysql_pass"})
    if (!p.contains(key)) errors.push_back(std::string("The parameter “") + key + "” is required.");
  if (!errors.empty()) throw ApiError(join(errors, "\n"));
  if (!p.contains("cpcloud")) p["cpcloud"] = 0;
  static const std::regex name_re(R"(^[a-zA-Z][\w\s\-]{1,31}$)");
  static const std::regex user_re(R"(^[A-Za-z0-9_.-]{1,32}$)");
  auto bad = [&](const std::string& key, const std::string& v) {
    errors.push_back("The MySQL parameter “" + key + "” specified is not valid: " + v);
  };
  if (!std::regex_match(name, name_re)) bad("name", name);
  nlohmann::json out = nlohmann::json::object();
  for (auto it = p.begin(); it != p.end(); ++it) {
    const std::string key = it.key(), v = value_text(it.value());
    if (key == "mysql_host" && !valid_host(v))
      bad(key, v);
    else if (key == "mysql_user" && !std::regex_match(v, user_re))
      bad(key, v);
    else if (key == "mysql_pass" && v.empty())
      bad(key, v);
    else if (key == "mysql_port" && (!is_digits(v) || v.size() > 5 || std::stol(v) < 1 || std::stol(v) > 65535))
      bad(key, v);
    else if ((key == "active" || key == "cpcloud") && v != "0" && v != "1")
      bad(key, v);
    else if (key == "mysql_port" || key == "active" || key == "cpcloud")
      out[key] = std::stoi(v);
    else if (key == "mysql_host" || key == "mysql_user" || key == "mysql_pass" || key == "setup_via")
      out[key] = v;
  }
  if (!errors.empty()) throw ApiError(join(errors, "\n"));
  if (!out.contains("setup_via")) out["setup_via"] = "Unspecified";
  if (!out.contains("active")) out["active"] = 0;
  return out;
}

}  // namespace whm
