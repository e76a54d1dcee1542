#include "packages.hpp"

#include <algorithm>

#include "errors.hpp"
#include "state.hpp"
#include "util.hpp"

namespace whm {

KeyValues package_defaults() {
  return {
      {"BWLIMIT", "1048576"},
      {"CGI", "y"},
      {"CPMOD", "jupiter"},
      {"DIGESTAUTH", "n"},
      {"FEATURELIST", "default"},
      {"HASSHELL", "n"},
      {"IP", "n"},
      {"LANG", "en"},
      {"MAXADDON", "0"},
      {"MAXFTP", "unlimited"},
      {"MAXLST", "unlimited"},
      {"MAXPARK", "0"},
      {"MAXPASSENGERAPPS", "4"},
      {"MAXPOP", "unlimited"},
      {"MAXSQL", "unlimited"},
      {"MAXSUB", "unlimited"},
      {"MAX_DEFER_FAIL_PERCENTAGE", "100"},
      {"MAX_EMAILACCT_QUOTA", "unlimited"},
      {"MAX_EMAIL_PER_HOUR", "unlimited"},
      {"MAX_TEAM_USERS", "7"},
      {"QUOTA", "10240"},
      {"_PACKAGE_EXTENSIONS", ""},
  };
}

void check_package_name(const std::string& name) {
  check_path_component(name, "package name");
  if (name.size() > 64) throw ApiError("The package name “" + name + "” is longer than 64 characters.");
  if (name.find(',') != std::string::npos || name == "extensions")
    throw ApiError("Invalid package name: “" + name + "”.");
}

bool package_exists(const StateRoot& root, const std::string& name) {
  check_package_name(name);
  return root.exists("var/cpanel/packages/" + name);
}

KeyValues load_package(const StateRoot& root, const std::string& name) {
  check_package_name(name);
  KeyValues pkg = package_defaults();
  auto text = root.read("var/cpanel/packages/" + name);
  if (!text) {
    // Without a file, "default" means createacct's own defaults: no quota, no bandwidth limit.
    if (name == "default") {
      pkg["QUOTA"] = pkg["BWLIMIT"] = "unlimited";
      return pkg;
    }
    throw ApiError("The package “" + name + "” does not exist.");
  }
  FileProblems problems;
  for (auto& [k, v] : parse_key_values(*text, '=', &problems)) pkg[k] = v;
  refuse_if_damaged("var/cpanel/packages/" + name, problems, "used");
  return pkg;
}

KeyValues read_package_file(const StateRoot& root, const std::string& name) {
  check_package_name(name);
  const std::string rel = "var/cpanel/packages/" + name;
  auto text = root.read(rel);
  if (!text) throw ApiError("The package “" + name + "” does not exist.");
  FileProblems problems;
  KeyValues pkg = parse_key_values(*text, '=', &problems);
  refuse_if_damaged(rel, problems);
  return pkg;
}

std::vector<std::string> package_names(const StateRoot& root) {
  std::vector<std::string> out;
  for (auto& n : root.list_dir("var/cpanel/packages"))
    if (n[0] != '.' && n != "extensions" && !ends_with(n, ".lock")) out.push_back(n);
  std::sort(out.begin(), out.end());
  return out;
}

std::string serialize_package(const KeyValues& pkg) {
  auto strip_commas = [](std::string v) {
    v.erase(std::remove(v.begin(), v.end(), ','), v.end());
    return v;
  };
  KeyValues body = pkg;
  std::string ext = body.count("_PACKAGE_EXTENSIONS") ? body["_PACKAGE_EXTENSIONS"] : "";
  body.erase("_PACKAGE_EXTENSIONS");
  std::string out;
  for (const auto& [k, v] : body) out += k + "=" + strip_commas(v) + "\n";
  return out + "_PACKAGE_EXTENSIONS=" + strip_commas(ext) + "\n";
}

std::string mb_to_bytes(const std::string& mb) {
  auto n = parse_int(mb);
  return (!n || *n == 0) ? "unlimited" : std::to_string(*n * 1048576LL);
}

std::string mb_to_blocks(const std::string& mb) {
  auto n = parse_int(mb);
  return n ? std::to_string(*n * 1024LL) : "0";
}

std::vector<std::string> apply_package(CpUser& u, const KeyValues& pkg, const std::string& plan) {
  std::vector<std::string> changes;
  auto get = [&](const char* k) {
    auto it = pkg.find(k);
    return it == pkg.end() ? std::string() : to_lower(it->second) == "unlimited" ? "unlimited" : it->second;
  };
  auto set = [&](const std::string& key, const std::string& value, const char* what) {
    std::string old = u.get(key);
    if (old != value) changes.push_back(std::string("Changing ") + what + " from “" + old + "” to “" + value + "”.");
    u.set(key, value);
  };
  set("BWLIMIT", mb_to_bytes(get("BWLIMIT")), "the account bandwidth limit");
  set("DISK_BLOCK_LIMIT", mb_to_blocks(get("QUOTA")), "the disk quota (1 KiB blocks)");
  set("HASCGI", get("CGI") == "n" ? "0" : "1", "CGI access");
  set("RS", get("CPMOD"), "the cPanel theme");
  set("FEATURELIST", get("FEATURELIST"), "the feature list");
  set("LANG", get("LANG"), "the language");
  set("LOCALE", get("LANG"), "the locale");
  const std::pair<const char*, const char*> limits[] = {
      {"MAXPOP", "the maximum email accounts"},
      {"MAXSQL", "the maximum SQL databases"},
      {"MAXFTP", "the maximum FTP accounts"},
      {"MAXLST", "the maximum mailing lists"},
      {"MAXSUB", "the maximum subdomains"},
      {"MAXPARK", "the maximum parked domains"},
      {"MAXADDON", "the maximum addon domains"},
      {"MAXPASSENGERAPPS", "the maximum Passenger applications"},
      {"MAX_EMAILACCT_QUOTA", "the maximum email quota"},
      {"MAX_EMAIL_PER_HOUR", "the maximum hourly email"},
      {"MAX_DEFER_FAIL_PERCENTAGE", "the maximum percentage of failed or deferred messages"},
      {"MAX_TEAM_USERS", "the maximum team users"}};
  for (auto [key, what] : limits)
    if (pkg.count(key)) set(key, get(key), what);
  // Package extension keys travel with the plan.
  std::string exts = get("_PACKAGE_EXTENSIONS");
  set("_PACKAGE_EXTENSIONS", exts, "the package extensions");
  for (const auto& ext : split(exts, ' '))
    if (!ext.empty())
      for (const auto& [k, v] : pkg)
        if (starts_with(k, ext + "_")) set(k, v, ("extension setting " + k).c_str());
  set("PLAN", plan, "the plan");
  return changes;
}

}  // namespace whm
