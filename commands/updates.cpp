// WHM API 1 "Updates": cPanel & WHM's update preferences (etc/cpupdate.conf),
// its tier list (etc/cpanel/TIERS.json, which only cPanel's update servers
// provide: whmkit reads the cached copy and never downloads it), the EULA,
// the installed software's versions. whmkit itself is not updated by cPanel's
// updater: start_cpanel_update refuses. docs/updates.md.
#include <algorithm>
#include <ctime>
#include <regex>

#include <nlohmann/json.hpp>

#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "notices.hpp"
#include "registry.hpp"
#include "update_config.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {
namespace {

const char* kNoTiers =
    "The tier list (/etc/cpanel/TIERS.json) comes from cPanel’s update servers (httpupdate.cpanel.net), and this "
    "server has no copy of it: whmkit does not download it.";

Response accept_eula(Context& ctx, const Request&) {
  Transaction& txn = ctx.txn();
  if (!txn.exists(update_files::kEulaAccepted)) txn.write(update_files::kEulaAccepted, "", 0600);
  return {};
}

// A named tier, or one the cached tier list knows (a major version, a
// branch), or an explicit build, or the tier already set.
bool is_known_tier(const Transaction& view, const std::string& wanted, const std::string& current) {
  if (wanted == current) return true;
  if (wanted.empty()) return false;
  static const std::vector<std::string> named = {"edge", "current", "release", "stable", "lts"};
  static const std::regex build(R"(\d+\.\d+\.\d+\.\d+)");
  if (wanted.size() <= 40 && std::regex_match(wanted, build)) return true;
  auto tiers = load_tiers(view);
  return tiers ? build_for_tier(*tiers, wanted).has_value()
               : std::find(named.begin(), named.end(), wanted) != named.end();
}

bool is_update_frequency(const std::string& value) { return value == "daily" || value == "manual" || value == "never"; }

// cPanel's wording for anything else.
Response set_tier(Context& ctx, const Request& req) {
  const std::string wanted = to_lower(req.get_or("tier", ""));
  Transaction& txn = ctx.txn();
  UpdateConfig config = load_update_config(txn);
  const std::string current = config["CPANEL"];
  if (!is_known_tier(txn, wanted, current))
    throw ApiError("Error: \"" + req.get_or("tier", "") + "\" is an invalid tier. Tier is set to " + current);
  config["CPANEL"] = wanted;
  stage_update_config(txn, config);
  Response r;
  r.reason = "Update tier successfully changed to " + wanted;
  r.data = {{"tier", wanted}};
  return r;
}

// Each key given replaces its setting, the others stay; every value is
// checked before the file changes.
Response update_updateconf(Context& ctx, const Request& req) {
  Transaction& txn = ctx.txn();
  UpdateConfig config = load_update_config(txn);
  if (req.has("CPANEL")) {
    const std::string tier = to_lower(req.require("CPANEL"));
    if (!is_known_tier(txn, tier, config["CPANEL"]))
      throw invalid_param("CPANEL", "it must be edge, current, release, stable, lts, or a cPanel & WHM version.");
    config["CPANEL"] = tier;
  }
  for (const char* key : {"RPMUP", "SARULESUP", "UPDATES"}) {
    if (!req.has(key)) continue;
    const std::string value = to_lower(req.require(key));
    if (!is_update_frequency(value)) throw invalid_param(key, "it must be daily, manual or never.");
    config[key] = value;
  }
  if (req.has("STAGING_DIR")) {
    const std::string dir = req.require("STAGING_DIR");
    if (auto why = plain_absolute_path_error(dir)) throw invalid_param("STAGING_DIR", *why);
    config["STAGING_DIR"] = dir;
  }
  stage_update_config(txn, config);
  return {};
}

Response set_cpanel_updates(Context& ctx, const Request& req) {
  const std::string wanted = req.get_or("updates", "");
  Transaction& txn = ctx.txn();
  UpdateConfig config = load_update_config(txn);
  if (!is_update_frequency(wanted))
    throw ApiError("Error: " + wanted + " is an unsupported update frequency (daily/manual/never). Frequency is now " +
                   config["UPDATES"]);
  config["UPDATES"] = wanted;
  stage_update_config(txn, config);
  Response r;
  r.reason = "Cpanel update frequency set to " + wanted;
  r.data = {{"updates", wanted}};
  return r;
}

Response get_available_tiers(Context& ctx, const Request&) {
  auto tiers = load_tiers(Transaction(ctx.root));
  if (!tiers) throw ApiError(std::string("Error: could not determine available tiers for upgrade: ") + kNoTiers);
  Response r;
  r.reason = "Got tiers list";
  r.data = flattened_tiers(*tiers);
  return r;
}

Response get_lts_wexpire(Context& ctx, const Request&) {
  auto tiers = load_tiers(Transaction(ctx.root));
  if (!tiers) throw ApiError("Failed to retrieve long term support information.");
  Response r;
  r.data = *tiers;
  return r;
}

Response get_current_lts_expiration_status(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  auto version = installed_cpanel_version(view);
  auto tiers = load_tiers(view);
  std::optional<long long> expiration = version && tiers ? lts_expiry(*tiers, *version) : std::nullopt;
  if (!expiration)
    throw ApiError("Not a long term support version, or failed to retrieve long term support information.");
  const long long in_three_months = static_cast<long long>(std::time(nullptr)) + 3600LL * 24 * 90;
  Response r;
  r.data = {{"expiration", *expiration},
            {"expires_in_next_three_months", *expiration && in_three_months > *expiration ? 1 : 0},
            {"full_version", *version}};
  return r;
}

std::string without_eleven(std::string v) { return starts_with(v, "11.") ? v.substr(3) : v; }

Response get_update_availability(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  auto version = installed_cpanel_version(view);
  if (!version)
    throw ApiError(
        "This server has no cPanel & WHM build to update (/usr/local/cpanel/version): whmkit is not "
        "updated by cPanel’s updater.");
  std::string tier = load_update_config(view)["CPANEL"];
  if (is_digits(tier)) tier = "11." + tier;  // cPanel lets CPANEL=76 stand for 11.76
  auto tiers = load_tiers(view);
  if (!tiers) add_notice(kNoTiers);
  std::optional<std::string> newest = tiers ? build_for_tier(*tiers, tier) : std::nullopt;
  Response r;
  r.data = {{"tier", tier},
            {"current_version", without_eleven(*version)},
            {"newest_version", newest ? nlohmann::json(without_eleven(*newest)) : nlohmann::json()},
            {"update_available", newest && compare_versions(*newest, *version) > 0 ? 1 : 0}};
  return r;
}

Response start_cpanel_update(Context&, const Request&) {
  throw ApiError(
      "whmkit is not updated by cPanel’s updater (upcp): update it with the package manager that installed it.");
}

// ---------------------------------------------------------------- installed_versions

struct InstalledPackage {
  std::string version, arch;
};

// The Debian package database (var/lib/dpkg/status): the installed packages.
std::map<std::string, InstalledPackage> installed_packages(const Transaction& view) {
  std::map<std::string, InstalledPackage> out;
  std::string name, status;
  InstalledPackage pkg;
  auto finish = [&] {
    if (!name.empty() && ends_with(status, " installed")) out[name] = pkg;
    name.clear();
    status.clear();
    pkg = {};
  };
  for_each_line(view.read("var/lib/dpkg/status").value_or(""), [&](std::string_view line) {
    if (line.empty()) return finish();
    auto field = [&](std::string_view key) -> std::optional<std::string> {
      if (!starts_with(line, key)) return std::nullopt;
      return trim(line.substr(key.size()));
    };
    if (auto v = field("Package:")) name = *v;
    if (auto v = field("Status:")) status = *v;
    if (auto v = field("Version:")) {
      size_t epoch = v->find(':');  // "1:2.3-4": the epoch is not part of what cPanel shows
      pkg.version = epoch == std::string::npos ? *v : v->substr(epoch + 1);
    }
    if (auto v = field("Architecture:")) pkg.arch = *v;
  });
  finish();
  return out;
}

// etc/os-release's KEY="value" lines.
std::string os_release(const Transaction& view, const std::string& key) {
  std::string found;
  for_each_line(view.read("etc/os-release").value_or(""), [&](std::string_view line) {
    if (!starts_with(line, key + "=")) return;
    std::string v = trim(line.substr(key.size() + 1));
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'')) v = v.substr(1, v.size() - 2);
    found = v;
  });
  return found;
}

// Each program cPanel reports, with the Debian packages that provide it (the
// first installed one counts); 0 when none is installed, as cPanel shows it.
Response installed_versions(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  const auto packages = installed_packages(view);
  auto version_of = [&](std::initializer_list<const char*> names) -> nlohmann::json {
    for (const char* n : names)
      if (auto it = packages.find(n); it != packages.end()) return it->second.version;
    return 0;
  };
  auto upstream = [&](std::initializer_list<const char*> names) -> nlohmann::json {
    nlohmann::json v = version_of(names);
    if (!v.is_string()) return v;
    std::string s = v.get<std::string>();
    return s.substr(0, s.find_first_of("-+~"));
  };
  Response r;
  nlohmann::json php_versions = nlohmann::json::array();
  static const std::regex php(R"(php(\d+\.\d+))");
  for (const auto& [name, pkg] : packages) {
    std::smatch m;
    if (name.size() < 16 && std::regex_match(name, m, php)) php_versions.push_back(m[1].str());
  }
  if (php_versions.empty()) php_versions.push_back(0);
  r.data = {
      {"apache", upstream({"apache2"})},
      {"apache_php_default_version", 0},
      {"apache_php_versions", php_versions},
      {"bind", version_of({"bind9"})},
      {"clamav", version_of({"clamav"})},
      {"cpanel_and_whm", WHMKIT_VERSION},  // as `version`: whmkit answers for itself
      {"cpanel_php", 0},
      {"cron", version_of({"cron"})},
      {"cronie", version_of({"cronie"})},
      {"dovecot", version_of({"dovecot-core"})},
      {"easyapache", 0},
      {"exim", version_of({"exim4-daemon-heavy", "exim4-daemon-light", "exim4-base"})},
      {"linux_kernel", trim(view.read("proc/sys/kernel/osrelease").value_or("0"))},
      {"mailman", version_of({"mailman", "mailman3"})},
      {"mariadb", upstream({"mariadb-server"})},
      {"mariadb_build", version_of({"mariadb-server"})},
      {"munin", version_of({"munin"})},
      {"mysql", upstream({"mysql-server"})},
      {"mysql_build", version_of({"mysql-server"})},
      {"nscd", version_of({"nscd", "unscd"})},
      {"openssh-server", version_of({"openssh-server"})},
      {"operating_system_name", os_release(view, "ID")},
      {"operating_system_version", os_release(view, "VERSION_ID")},
      {"p0f", version_of({"p0f"})},
      {"postgresql", upstream({"postgresql"})},
      {"postgresql_build", version_of({"postgresql"})},
      {"powerdns", version_of({"pdns-server"})},
      {"proftpd", version_of({"proftpd-basic", "proftpd-core"})},
      {"pureftpd", upstream({"pure-ftpd", "pure-ftpd-common"})},
      {"roundcube", version_of({"roundcube", "roundcube-core"})},
      {"rsyslog", version_of({"rsyslog"})},
      {"spamd", upstream({"spamd", "spamassassin"})},
      {"squirrelmail", 0},
  };
  if (r.data["linux_kernel"] == "") r.data["linux_kernel"] = 0;
  if (req.flag("packages")) {
    nlohmann::json cpanel = nlohmann::json::array(), ea4 = nlohmann::json::array(), os = nlohmann::json::array();
    for (const auto& [name, pkg] : packages) {
      std::string entry = name + "-" + pkg.version + (pkg.arch.empty() ? "" : "." + pkg.arch);
      (starts_with(name, "cpanel-") ? cpanel : starts_with(name, "ea-") ? ea4 : os).push_back(entry);
    }
    r.data["cpanel_packages"] = cpanel;
    r.data["ea_4_packages"] = ea4;
    r.data["os_packages"] = os;
  }
  return r;
}

// ---------------------------------------------------------------- manage_features

// The Feature Showcase lists cPanel's feature drivers; whmkit ships none, so
// every feature named is unknown, with cPanel's wordings.
Response manage_features(Context&, const Request& req) {
  const std::string action = req.require("action");
  std::vector<std::string> features;
  if (auto list = req.get("features"))
    for (const auto& f : split(*list, ','))
      if (!trim(f).empty()) features.push_back(trim(f));
  Response r;
  if (action == "list") throw ApiError("No features found.");
  std::vector<std::string> errors;
  nlohmann::json taken = nlohmann::json::array();
  if (action == "info") {
    for (const auto& f : features) errors.push_back(f + " is not a vaild feature key.");
    r.data = nlohmann::json::object();
  } else if (action == "enable" || action == "disable") {
    if (features.empty()) errors.push_back("At least one feature must be specified.");
    for (const auto& f : features) {
      errors.push_back(f + " is not a valid feature.");
      taken.push_back({{"feature", f}, {"status", "skipped"}});
    }
    r.data = taken.empty() ? nlohmann::json::object() : nlohmann::json{{"action", taken}};
  } else {
    throw ApiError("Invalid action specified: " + action);
  }
  if (!errors.empty()) {
    r.ok = false;
    r.reason = "errors recorded";
    r.metadata["errors"] = {{"error", errors}};
  }
  return r;
}

ParamSpec described_string(const char* name, const char* text, bool required) {
  return described(make_param(name, ParamType::String, required), text);
}

WHMKIT_REGISTRATIONS(
    registrations, Registration({"accept_eula", accept_eula, Access::Write, root_only()}),
    Registration({"set_tier",
                  set_tier,
                  Access::Write,
                  root_only(),
                  {described_string("tier", "edge, current, release, stable, lts, or a version the tier list knows.",
                                    true)}}),
    Registration({"set_cpanel_updates",
                  set_cpanel_updates,
                  Access::Write,
                  root_only(),
                  {described_string("updates", "daily, manual or never.", true)}}),
    Registration({"update_updateconf", update_updateconf, Access::Write, root_only()}),
    Registration({"get_available_tiers", get_available_tiers, Access::Read, root_only()}),
    Registration({"get_lts_wexpire", get_lts_wexpire, Access::Read, root_only()}),
    Registration({"get_current_lts_expiration_status", get_current_lts_expiration_status, Access::Read, root_only()}),
    Registration({"get_update_availability", get_update_availability, Access::Read, root_only()}),
    Registration({"start_cpanel_update", start_cpanel_update, Access::Read, root_only()}),
    Registration({"installed_versions", installed_versions, Access::Read, root_only()}),
    Registration({"manage_features", manage_features, Access::Read, root_only()}), );

}  // namespace
}  // namespace whm
