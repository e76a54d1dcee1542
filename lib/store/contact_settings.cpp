#include "contact_settings.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "damage.hpp"
#include "errors.hpp"
#include "notices.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {

namespace {

constexpr const char* kImportanceFile = "var/cpanel/icontact_event_importance.json";
constexpr const char* kLegacyLevelsFile = "var/cpanel/iclevels.conf";
constexpr const char* kWwwacct = "etc/wwwacct.conf";
constexpr const char* kWwwacctShadow = "etc/wwwacct.conf.shadow";
constexpr const char* kAliases = "etc/aliases";
constexpr const char* kLocalAliases = "etc/localaliases";
constexpr const char* kRootForward = "root/.forward";
// The system users whose mail goes to the server's contact address.
constexpr const char* kContactMailUsers[] = {"root", "cpanel", "nobody"};

constexpr int kHigh = 1, kMedium = 2, kLow = 3, kDisabled = 0;

// cPanel's defaults (Cpanel::iContact::EventImportance, 11.1xx): an
// application ("Backup") or one of its events ("Backup::Failure").
struct DefaultImportance {
  const char* key;
  int importance;
};
constexpr DefaultImportance kDefaults[] = {
    {"Accounts", kLow},
    {"Accounts::ChildDedistributionFailure", kHigh},
    {"Accounts::ChildDedistributionSuccess", kLow},
    {"Accounts::ChildDistributionFailure", kHigh},
    {"Accounts::ChildDistributionSuccess", kLow},
    {"Accounts::ChildRedistributionFailure", kHigh},
    {"Accounts::ChildRedistributionSuccess", kLow},
    {"AdminBin", kLow},
    {"Application", kHigh},
    {"AutoSSL::CertificateExpiring", kLow},
    {"AutoSSL::CertificateExpiringCoverage", kLow},
    {"AutoSSL::CertificateInstalled", kLow},
    {"AutoSSL::CertificateInstalledReducedCoverage", kHigh},
    {"AutoSSL::CertificateInstalledUncoveredDomains", kMedium},
    {"AutoSSL::CertificateRenewalCoverage", kLow},
    {"AutoSSL::DynamicDNSNewCertificate", kMedium},
    {"Backup", kMedium},
    {"Backup::Delayed", kHigh},
    {"Backup::Disabled", kHigh},
    {"Backup::Failure", kHigh},
    {"Backup::PreBackupNotice", kLow},
    {"Backup::Success", kLow},
    {"Backup::Transport", kHigh},
    {"BandwidthUsageExceeded", kMedium},
    {"ChangePassword", kLow},
    {"Check", kLow},
    {"Check::Biglog", kHigh},
    {"Check::CpanelPackages", kHigh},
    {"Check::EximConfig", kHigh},
    {"Check::Hack", kHigh},
    {"Check::HostnameOwnedByUser", kHigh},
    {"Check::IP", kHigh},
    {"Check::ImmutableFiles", kHigh},
    {"Check::InvalidDomains", kMedium},
    {"Check::LocalConfTemplate", kMedium},
    {"Check::MySQL", kHigh},
    {"Check::MysqlConnection", kHigh},
    {"Check::Oops", kHigh},
    {"Check::PdnsConf", kMedium},
    {"Check::Resolvers", kHigh},
    {"Check::SSLCertExpired", kHigh},
    {"Check::SSLCertExpiresSoon", kMedium},
    {"Check::SecurityAdvisorStateChange", kHigh},
    {"Check::Smart", kHigh},
    {"Check::UnmonitoredEnabledServices", kHigh},
    {"Check::ValidServerHostname", kHigh},
    {"CloudLinux", kMedium},
    {"Config", kHigh},
    {"ConvertAddon", kHigh},
    {"DemoMode", kHigh},
    {"Deprecated::API1", kMedium},
    {"Deprecated::EA3RPMs", kMedium},
    {"DigestAuth", kMedium},
    {"DnsAdmin", kMedium},
    {"DnsAdmin::ClusterError", kMedium},
    {"DnsAdmin::DnssecError", kMedium},
    {"DnsAdmin::UnreachablePeer", kHigh},
    {"EasyApache", kHigh},
    {"EasyApache::EA4_ConflictRemove", kHigh},
    {"EasyApache::EA4_TemplateCheckUpdated", kHigh},
    {"Greylist", kLow},
    {"Install", kLow},
    {"Install::CheckRemoteMySQLVersion", kLow},
    {"Install::CheckcPHulkDB", kMedium},
    {"Install::FixcPHulkConf", kLow},
    {"Install::PackageExtension", kLow},
    {"Logd", kLow},
    {"Logger", kLow},
    {"Mail::ClientConfig", kLow},
    {"Mail::HourlyLimitExceeded", kLow},
    {"Mail::ReconfigureCalendars", kHigh},
    {"Mail::SendLimitExceeded", kLow},
    {"Mail::SpammersDetected", kDisabled},
    {"MailServer::OOM", kMedium},
    {"Market", kHigh},
    {"Monitoring::SignupComplete", kLow},
    {"Notice", kLow},
    {"OutdatedSoftware::Notify", kMedium},
    {"OverLoad::CpuWatch", kMedium},
    {"OverLoad::LogRunner", kMedium},
    {"Quota", kLow},
    {"Quota::Broken", kHigh},
    {"Quota::DiskWarning", kLow},
    {"Quota::MailboxWarning", kLow},
    {"Quota::RebootRequired", kMedium},
    {"Quota::SetupComplete", kLow},
    {"RPMVersions", kHigh},
    {"SSL::CertificateExpiring", kMedium},
    {"SSL::CheckAllCertsWarnings", kMedium},
    {"SSL::LinkedNodeCertificateExpiring", kHigh},
    {"Solr::Maintenance", kMedium},
    {"Stats", kMedium},
    {"StuckScript", kHigh},
    {"TwoFactorAuth::UserDisable", kLow},
    {"TwoFactorAuth::UserEnable", kLow},
    {"Update", kHigh},
    {"Update::Blocker", kHigh},
    {"Update::Now", kHigh},
    {"Update::ServiceDeprecated", kHigh},
    {"appconfig", kLow},
    {"cPHulk", kLow},
    {"cPHulk::BruteForce", kLow},
    {"cPHulk::Login", kLow},
    {"chkservd", kHigh},
    {"chkservd::DiskUsage", kHigh},
    {"chkservd::Hang", kHigh},
    {"chkservd::OOM", kHigh},
    {"cpbackup", kMedium},
    {"cpbackupdisabled", kHigh},
    {"iContact", kMedium},
    {"installbandwidth", kHigh},
    {"killacct", kLow},
    {"parkadmin", kLow},
    {"queueprocd", kHigh},
    {"rpm.versions", kHigh},
    {"suspendacct", kLow},
    {"sysup", kHigh},
    {"unsuspendacct", kLow},
    {"upacct", kLow},
    {"upcp", kHigh},
    {"wwwacct", kLow},
};

// The names cPanel's writer accepts ("legacy" application names may hold '_' and '.').
bool valid_app_name(const std::string& app) {
  if (app.empty() || !std::isalpha(static_cast<unsigned char>(app[0]))) return false;
  for (unsigned char c : app)
    if (!std::isalpha(c) && c != '_' && c != '.') return false;
  return true;
}

bool valid_event_name(const std::string& event) {
  if (event.empty() || std::isdigit(static_cast<unsigned char>(event[0]))) return false;
  for (unsigned char c : event)
    if (!std::isalnum(c) && c != '_') return false;
  return true;
}

// "<app> <level>" lines: each application's setting before the JSON file existed.
nlohmann::json legacy_levels(const Transaction& view) {
  nlohmann::json data = nlohmann::json::object();
  auto text = view.read(kLegacyLevelsFile);
  if (!text) return data;
  for_each_line(*text, [&](std::string_view raw) {
    std::string line = trim(raw);
    auto fields = split(line, ' ');
    if (fields.size() < 2 || fields[0].empty()) return;
    if (auto level = parse_int(trim(fields[1])); level && importance_name(static_cast<int>(*level)).size())
      data[fields[0]]["*"] = *level;
  });
  return data;
}

// The file's mapping (legacy levels while it does not exist), with the defaults added.
nlohmann::json read_importances(const Transaction& view, FileProblems& problems) {
  nlohmann::json data;
  auto text = view.read(kImportanceFile);
  if (!text || trim(*text).empty()) {
    data = legacy_levels(view);
  } else {
    data = parse_json_object(*text, problems);
    // Only {app: {event: number}} is meaningful; anything else is damage.
    for (auto it = data.begin(); it != data.end();) {
      bool ok = it.value().is_object();
      if (ok)
        for (const auto& [event, level] : it.value().items()) ok = ok && level.is_number_integer();
      if (ok) {
        ++it;
      } else {
        problems.push_back("“" + it.key() + "” is not a mapping of events to importance numbers");
        it = data.erase(it);
      }
    }
  }
  for (const auto& d : kDefaults) {
    std::string key = d.key;
    auto sep = key.find("::");
    std::string app = key.substr(0, sep);
    std::string event = sep == std::string::npos ? "*" : key.substr(sep + 2);
    if (!data[app].contains(event)) data[app][event] = d.importance;
  }
  return data;
}

// The destinations an aliases file gives `user` ("user: a, b"), nullopt if it has no line for it.
std::optional<std::vector<std::string>> alias_targets(const std::string& text, const std::string& user) {
  std::optional<std::vector<std::string>> found;
  for_each_line(text, [&](std::string_view raw) {
    std::string line = trim(raw);
    auto colon = line.find(':');
    if (line.empty() || line[0] == '#' || colon == std::string::npos || trim(line.substr(0, colon)) != user) return;
    std::vector<std::string> targets;
    for (const auto& t : split(line.substr(colon + 1), ','))
      if (!trim(t).empty()) targets.push_back(trim(t));
    found = targets;
  });
  return found;
}

// The file with `user`'s line replaced by "user: forward" (added at the end
// if it has none; removed when `forward` is empty).
std::string with_alias(const std::string& text, const std::string& user, const std::string& forward) {
  std::vector<std::string> out;
  bool done = false;
  for_each_line(text, [&](std::string_view raw) {
    std::string line(raw);
    std::string t = trim(line);
    auto colon = t.find(':');
    if (!t.empty() && t[0] != '#' && colon != std::string::npos && trim(t.substr(0, colon)) == user) {
      if (!done && !forward.empty()) out.push_back(user + ": " + forward);
      done = true;
      return;
    }
    out.push_back(line);
  });
  if (!done && !forward.empty()) out.push_back(user + ": " + forward);
  return out.empty() ? "" : join(out, "\n") + "\n";
}

}  // namespace

// Where `user`'s mail goes now: the aliases files, then root's .forward.
std::vector<std::string> mail_forward(const Transaction& txn, const std::string& user) {
  for (const char* rel : {kAliases, kLocalAliases})
    if (auto text = txn.read(rel))
      if (auto targets = alias_targets(*text, user); targets && !targets->empty()) return *targets;
  if (user == "root")
    if (auto text = txn.read(kRootForward)) {
      std::vector<std::string> targets;
      for (const auto& t : split(trim(*text), ','))
        if (!trim(t).empty()) targets.push_back(trim(t));
      return targets;
    }
  return {};
}

void stage_mail_forward(Transaction& txn, const std::string& user, const std::string& forward) {
  if (auto aliases = txn.read(kAliases); aliases && alias_targets(*aliases, user))
    txn.write(kAliases, with_alias(*aliases, user, forward), 0644);
  txn.write(kLocalAliases, with_alias(txn.read(kLocalAliases).value_or(""), user, forward), 0644);
  if (user == "root") txn.write(kRootForward, forward + "\n", 0644);
}

std::optional<int> importance_number(const std::string& name_or_number) {
  for (int n : {kDisabled, kHigh, kMedium, kLow})
    if (name_or_number == importance_name(n) || name_or_number == std::to_string(n)) return n;
  return std::nullopt;
}

std::string importance_name(int number) {
  switch (number) {
    case kHigh: return "High";
    case kMedium: return "Medium";
    case kLow: return "Low";
    case kDisabled: return "Disabled";
    default: return "";
  }
}

ContactImportances ContactImportances::load(const Transaction& view) {
  FileProblems problems;
  ContactImportances c;
  c.data_ = read_importances(view, problems);
  if (!problems.empty()) add_notice(damage_summary(kImportanceFile, problems));
  return c;
}

ContactImportances ContactImportances::load_for_change(const Transaction& txn) {
  FileProblems problems;
  ContactImportances c;
  c.data_ = read_importances(txn, problems);
  refuse_if_damaged(kImportanceFile, problems);
  return c;
}

std::optional<int> ContactImportances::event_importance(const std::string& app, const std::string& event) const {
  auto a = data_.find(app);
  if (a == data_.end()) return kLow;
  for (const std::string& key : {event, std::string("*")}) {
    if (key.empty()) continue;
    auto e = a->find(key);
    if (e != a->end()) return e->get<int>();
  }
  return std::nullopt;
}

nlohmann::json ContactImportances::all() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [app, events] : data_.items())
    for (const auto& [event, level] : events.items()) {
      int n = level.get<int>();
      std::string name = importance_name(n);
      list.push_back({{"app", app},
                      {"event", event},
                      {"importance", n},
                      {"name", name.empty() ? nlohmann::json() : nlohmann::json(name)}});
    }
  return list;
}

void ContactImportances::set(const std::string& app, const std::string& event, int importance) {
  if (!valid_app_name(app)) throw ApiError("Invalid application: “" + app + "”");
  if (event != "*" && !valid_event_name(event)) throw ApiError("Invalid event: “" + event + "”");
  data_[app][event] = importance;
}

void ContactImportances::stage(Transaction& txn) const { txn.write(kImportanceFile, data_.dump() + "\n", 0644); }

KeyValues load_wwwacct(const Transaction& view) {
  KeyValues conf;
  for (const char* rel : {kWwwacct, kWwwacctShadow}) {
    auto text = view.read(rel);
    if (!text) continue;
    FileProblems problems;
    for (auto& [k, v] : parse_key_values(*text, ' ', &problems)) conf[k] = trim(v);
    if (!problems.empty()) add_notice(damage_summary(rel, problems));
  }
  return conf;
}

std::vector<std::string> contact_list(const KeyValues& conf, const std::string& key) {
  std::vector<std::string> items;
  auto it = conf.find(key);
  if (it == conf.end()) return items;
  for (const auto& item : split(it->second, ','))
    if (!trim(item).empty()) items.push_back(trim(item));
  return items;
}

void stage_wwwacct_value(Transaction& txn, const std::string& key, const std::string& value) {
  check_single_line(key, value);
  std::string text = txn.read(kWwwacct).value_or("");
  FileProblems problems;
  parse_key_values(text, ' ', &problems);
  refuse_if_damaged(kWwwacct, problems);
  std::vector<std::string> lines = split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  const std::string line = key + " " + value;
  bool replaced = false;
  for (auto& l : lines) {
    std::string t = trim(l);
    if (t.substr(0, t.find_first_of(" \t")) == key) {
      l = line;
      replaced = true;
    }
  }
  if (!replaced) lines.push_back(line);
  txn.write(kWwwacct, join(lines, "\n") + "\n", 0644);
}

void stage_contact_email(Transaction& txn, const std::string& email) {
  const std::string old_email = load_wwwacct(txn)["CONTACTEMAIL"];
  stage_wwwacct_value(txn, "CONTACTEMAIL", email);
  for (const char* user : kContactMailUsers) {
    auto current = mail_forward(txn, user);
    std::set<std::string> targets(current.begin(), current.end());
    if (!current.empty() && targets.erase(old_email) == 0) continue;  // the user's mail goes elsewhere
    if (!email.empty()) targets.insert(email);
    stage_mail_forward(txn, user, join(std::vector<std::string>(targets.begin(), targets.end()), ","));
  }
}

}  // namespace whm
