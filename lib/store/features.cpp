#include "features.hpp"

#include <cctype>

#include "account_store.hpp"
#include "packages.hpp"
#include "state.hpp"
#include "util.hpp"

namespace whm {

bool valid_feature_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

FeatureValues read_feature_list(const StateRoot& root, const std::string& list) {
  FeatureValues out;
  auto text = root.read(feature_list_rel(list));
  if (!text) return out;
  for (const auto& line : split(*text, '\n')) {
    auto eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    out.emplace_back(trim(line.substr(0, eq)), trim(line.substr(eq + 1)));
  }
  return out;
}

std::optional<std::string> feature_value(const FeatureValues& values, const std::string& id) {
  for (const auto& kv : values)
    if (kv.first == id) return kv.second;
  return std::nullopt;
}

const std::vector<std::pair<std::string, std::string>>& builtin_features() {
  static const std::vector<std::pair<std::string, std::string>> f = {
      {"addondomains", "Addon Domain Manager"},
      {"api_shell", "API Shell"},
      {"apacheaddonhandlers", "Apache Handlers"},
      {"autoresponders", "Autoresponders"},
      {"autossl", "AutoSSL"},
      {"backup", "Backup Manager"},
      {"backupwizard", "Backup Wizard"},
      {"bandwidth", "Bandwidth Stats"},
      {"blockers", "Email Filters"},
      {"boxtrapper", "BoxTrapper Spam Trap"},
      {"caldavcarddav", "Calendar and Contacts"},
      {"cgi", "CGI Center"},
      {"changemx", "MX Entry"},
      {"clamavconnector_scan", "Virus Scanner"},
      {"cpanelpro_images", "Images"},
      {"cron", "Cron Jobs"},
      {"csvimport", "CSV Import"},
      {"defaultaddress", "Default Address Manager"},
      {"diskusageviewer", "Disk Usage Viewer"},
      {"dnssec", "DNSSEC"},
      {"emailauth", "Email Deliverability"},
      {"emaildomainfwd", "Email Domain Forwarding"},
      {"emailtrace", "Email Trace"},
      {"errlog", "Error Log"},
      {"errpgs", "Error Pages"},
      {"filemanager", "File Manager"},
      {"forwarders", "Forwarders"},
      {"ftpaccts", "FTP Accounts"},
      {"ftpsetup", "FTP Connections"},
      {"getstart", "Getting Started Wizard"},
      {"hotlink", "Hotlink Protection"},
      {"indexmanager", "Index Manager"},
      {"ipdeny", "IP Blocker"},
      {"lastvisits", "Latest Visitors"},
      {"lists", "Mailing Lists"},
      {"mime", "MIME Types Manager"},
      {"modsecurity", "ModSecurity"},
      {"multiphp", "MultiPHP Manager"},
      {"mysql", "MySQL Databases"},
      {"parkeddomains", "Aliases (Parked Domains)"},
      {"password", "Password Change"},
      {"pgp", "Encryption"},
      {"phpmyadmin", "phpMyAdmin"},
      {"popaccts", "Email Accounts"},
      {"postgres", "PostgreSQL Databases"},
      {"rawaccess", "Raw Access Logs"},
      {"redirects", "Redirects"},
      {"spamassassin", "Apache SpamAssassin"},
      {"spambox", "Apache SpamAssassin Spam Box"},
      {"setlang", "Change Language"},
      {"ssh", "SSH Access"},
      {"sslinstall", "SSL Host Installer"},
      {"sslmanager", "SSL Manager"},
      {"statselect", "Choose Log Programs"},
      {"subdomains", "Subdomain Manager"},
      {"traceaddy", "Track DNS"},
      {"twofactorauth", "Two-Factor Authentication"},
      {"updatecontact", "Contact Information"},
      {"updatenotificationprefs", "Contact Preferences"},
      {"webalizer", "Webalizer Stats"},
      {"webdisk", "Web Disk"},
      {"webmail", "Webmail"},
      {"zoneedit", "Zone Editor"},
  };
  return f;
}

std::map<std::string, std::string> plugin_features(const StateRoot& root) {
  std::map<std::string, std::string> out;
  for (const auto& file : root.list_dir("usr/local/cpanel/whostmgr/addonfeatures"))
    if (auto text = root.read("usr/local/cpanel/whostmgr/addonfeatures/" + file))
      for (const auto& line : split(*text, '\n'))
        if (auto colon = line.find(':'); colon != std::string::npos && valid_feature_id(line.substr(0, colon)))
          out.emplace(line.substr(0, colon), line.substr(colon + 1));
  return out;
}

std::map<std::string, std::string> feature_catalogue(const StateRoot& root) {
  std::map<std::string, std::string> all(builtin_features().begin(), builtin_features().end());
  for (auto& [id, name] : plugin_features(root)) all.emplace(id, name);
  for (const auto& list : root.list_dir("var/cpanel/features"))
    if (list[0] != '.' && !ends_with(list, ".cpaddons"))
      for (const auto& [id, _] : read_feature_list(root, list))
        if (valid_feature_id(id)) all.emplace(id, id);
  return all;
}

std::string feature_override_key(std::string id) {
  for (auto& c : id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return "FEATURE-" + id;
}

FeatureResolution resolve_feature(const StateRoot& root, const CpUser& account, const std::string& id) {
  auto on = [](const std::optional<std::string>& v) { return !v || v->empty() || *v == "1"; };
  bool enabled = on(feature_value(read_feature_list(root, "default"), id));
  std::string list = account.get("FEATURELIST");
  if (list != "default" && list != "disabled" && feature_list_exists(root, list))
    if (auto v = feature_value(read_feature_list(root, list), id)) enabled = *v == "1";
  FeatureResolution r{enabled, enabled ? "1" : "0", std::nullopt};
  auto ov = account.kv.find(feature_override_key(id));
  if (ov != account.kv.end()) {
    r.override_value = ov->second;
    r.enabled = ov->second == "1";
  }
  if (!on(feature_value(read_feature_list(root, "disabled"), id))) r.enabled = false;
  return r;
}

}  // namespace whm
