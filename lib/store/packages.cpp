#include "packages.hpp"

#include <sys/stat.h>

#include <algorithm>

#include "account_store.hpp"
#include "errors.hpp"
#include "state.hpp"
#include "util.hpp"
#include "validate.hpp"

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

// Why `name` cannot be a file name of its own (nullopt when it can).
std::optional<std::string> file_name_error(const std::string& name) {
  if (name.empty()) return "it is empty.";
  for (unsigned char c : name)
    if (c == '/' || c < 0x20 || c == 0x7f) return "it contains “/” or a control character.";
  if (name[0] == '.') return "it begins with “.”.";
  return std::nullopt;
}

std::optional<std::string> package_name_error(const std::string& name) {
  auto bad = [&](const std::string& why) { return "“" + name + "” is not a valid package name: " + why; };
  if (auto why = file_name_error(name)) return bad(*why);
  if (name.size() > 64) return bad("it is longer than 64 characters.");
  if (name.find(',') != std::string::npos) return bad("it contains “,”.");
  if (name == "extensions") return bad("“extensions” holds the package extensions.");
  return std::nullopt;
}

void check_package_name(const std::string& name) {
  if (auto why = package_name_error(name)) throw ApiError("Invalid package name: " + *why);
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

// A size in megabytes, nullopt for "unlimited" (or anything but a number).
static std::optional<long long> megabytes(const std::string& mb) {
  auto n = parse_int(mb);
  if (n && (*n < 0 || *n > kMaxLimitMegabytes))
    throw ApiError("The size “" + mb + "” MB is out of range: use 0 to " + std::to_string(kMaxLimitMegabytes) +
                   " or “unlimited”.");
  return n;
}

long long plan_limit_max(const std::string& key) {
  const std::string k = to_lower(key);
  if (k == "bwlimit" || k == "quota" || k == "max_emailacct_quota") return kMaxLimitMegabytes;
  if (k == "max_defer_fail_percentage") return 100;
  return kMaxLimitCount;
}

std::string mb_to_bytes(const std::string& mb) {
  auto n = megabytes(mb);
  return (!n || *n == 0) ? "unlimited" : std::to_string(*n * 1048576LL);
}

std::string mb_to_blocks(const std::string& mb) {
  auto n = megabytes(mb);
  return n ? std::to_string(*n * 1024LL) : "0";
}

std::optional<std::string> feature_list_name_error(const std::string& name) {
  auto bad = [&](const std::string& why) { return "“" + name + "” is not a valid feature list name: " + why; };
  if (auto why = file_name_error(name)) return bad(*why);
  if (name.size() > 255) return bad("it is longer than 255 characters.");
  if (ends_with(name, ".cpaddons")) return bad("“.cpaddons” files belong to the lists.");
  return std::nullopt;
}

std::string feature_list_rel(const std::string& name) {
  if (auto why = feature_list_name_error(name)) throw ApiError("Invalid feature list name: " + *why);
  return "var/cpanel/features/" + name;
}

bool feature_list_exists(const StateRoot& root, const std::string& name) {
  return name == "default" || name == "disabled" || root.exists(feature_list_rel(name));
}

void check_theme(const StateRoot& root, const std::string& param, const std::string& theme) {
  if (theme.empty() || theme == "jupiter") return;
  if (auto why = file_name_error(theme)) throw invalid_param(param, "“" + theme + "” is not a theme name: " + *why);
  if (theme == load_server_config(root).default_theme) return;
  struct stat st {};
  const std::string rel = "usr/local/cpanel/base/frontend/" + theme;
  if (::lstat(root.path(rel).c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw invalid_param(param, "the theme “" + theme + "” is not installed (/" + rel + ").");
}

void check_feature_list(const StateRoot& root, const std::string& param, const std::string& list) {
  if (auto why = feature_list_name_error(list)) throw invalid_param(param, *why);
  if (!feature_list_exists(root, list)) throw invalid_param(param, "the feature list “" + list + "” does not exist.");
}

void check_locale(const std::string& param, const std::string& locale) {
  if (auto why = locale_syntax_error(locale)) throw invalid_param(param, *why);
}

void check_plan_names(const StateRoot& root, const KeyValues& pkg) {
  auto value = [&](const char* key) {
    auto it = pkg.find(key);
    return it == pkg.end() ? std::string() : it->second;
  };
  check_theme(root, "cpmod", value("CPMOD"));
  check_feature_list(root, "featurelist", value("FEATURELIST").empty() ? "default" : value("FEATURELIST"));
  if (!value("LANG").empty()) check_locale("language", value("LANG"));
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
