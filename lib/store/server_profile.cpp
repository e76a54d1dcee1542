#include "server_profile.hpp"

#include <algorithm>
#include <set>

#include "state.hpp"
#include "util.hpp"

namespace whm {
namespace {

const std::string kDisabledRolesDir = "var/cpanel/disabled_roles/";

bool has(const std::vector<const char*>& list, const std::string& module) {
  return std::any_of(list.begin(), list.end(), [&](const char* m) { return module == m; });
}

bool touch_file_role_enabled(const StateRoot& root, const ServerRole& role) {
  return role.touch_file == nullptr || !root.exists(kDisabledRolesDir + role.touch_file);
}

// A MySQL server elsewhere: root's .my.cnf names a host that is not this one.
bool remote_mysql_configured(const StateRoot& root) {
  auto text = root.read("root/.my.cnf");
  if (!text) return false;
  bool remote = false;
  for_each_line(*text, [&](std::string_view line) {
    const std::string l = trim(line);
    if (!starts_with(l, "host")) return;
    const size_t eq = l.find('=');
    if (eq == std::string::npos || trim(l.substr(0, eq)) != "host") return;
    std::string host = trim(l.substr(eq + 1));
    if (host.size() >= 2 && (host.front() == '"' || host.front() == '\'')) host = host.substr(1, host.size() - 2);
    if (!host.empty() && host != "localhost" && host != "127.0.0.1" && host != "::1") remote = true;
  });
  return remote;
}

}  // namespace

const std::vector<ServerRole>& server_roles() {
  // The touch file names and services are cPanel's (Cpanel::Server::Type::Role::*);
  // FTP's and MailSend's are UNCONFIRMED (see docs/system-info.md).
  static const std::vector<ServerRole> roles = {
      {"CalendarContact",
       "Calendars and Contacts",
       "Calendars and Contacts provides CalDAV and CardDAV services.",
       "calendarcontact",
       {"cpdavd"}},
      {"DNS",
       "DNS",
       "DNS allows users to create and edit Domain Name System zone files.",
       "dns",
       {"named", "bind", "nsd", "pdns", "powerdns"}},
      {"FTP",
       "FTP",
       "FTP allows users to manage the files associated with their site with an FTP client.",
       "ftp",
       {"ftpd", "pure-ftpd", "proftpd"}},
      {"FileStorage",
       "File Storage",
       "File Storage allows users to access the File Manager and Git™ Version Control features.",
       "filestorage",
       {}},
      {"MailReceive",
       "Receive Mail",
       "Receive Mail allows users to receive email, as well as create and manage their email accounts.",
       "mailreceive",
       {"cpanel-dovecot-solr", "cpdavd", "cpgreylistd", "dovecot", "imap", "mailman", "pop"}},
      {"MailRelay",
       "Relay Mail",
       "This role allows users to relay email through this server.",
       "mailrelay",
       {"exim", "exim-altport"}},
      // Enabled in every profile: no touch file switches them off.
      {"MailSend", "Send Mail", "Send Mail allows users to send email.", nullptr, {"exim"}},
      {"MailLocal", "Local Mail", "Local Mail allows the system to process email.", nullptr, {"exim", "dovecot"}},
      {"MySQL",
       "MySQL/MariaDB",
       "MySQL®/MariaDB allows users to create and manage MySQL/MariaDB databases.",
       "mysql",
       {"mysql"}},
      {"Postgres",
       "PostgreSQL",
       "PostgreSQL allows users to create and manage PostgreSQL databases.",
       "postgres",
       {"postgresql"}},
      {"SpamFilter",
       "Spam Filter",
       "Spam Filter allows users to use Apache SpamAssassin™ to identify, sort, and delete unsolicited mail.",
       "spamfilter",
       {"spamd"}},
      {"Webmail", "Webmail", "Webmail provides access to webmail services.", "webmail", {}},
      {"WebDisk",
       "Web Disk",
       "Web Disk allows users to manage and manipulate files on the server with multiple types of devices.",
       "webdisk",
       {"cpdavd"}},
      {"WebServer",
       "Web Server",
       "Web Server allows users to create and manage websites for their domains.",
       "webserver",
       {"httpd", "nginx"}},
  };
  return roles;
}

const ServerRole* find_server_role(const std::string& module) {
  for (const auto& r : server_roles())
    if (module == r.module) return &r;
  return nullptr;
}

const std::vector<ServerProfile>& server_profiles() {
  static const std::vector<ServerProfile> profiles = [] {
    std::vector<const char*> all;
    for (const auto& r : server_roles()) all.push_back(r.module);
    return std::vector<ServerProfile>{
        {"STANDARD",
         "Standard",
         "This profile provides all services and access to every cPanel feature.",
         false,
         all,
         {}},
        {"DNSNODE",
         "DNS",
         "This profile provides only services and cPanel features that allow the system to serve Domain Name System "
         "zones.",
         false,
         {"DNS", "MailSend", "MailLocal"},
         {"MailRelay", "MySQL"}},
        {"MAILNODE",
         "Mail",
         "This profile provides only services and cPanel features that allow the system to serve mail.",
         false,
         {"CalendarContact", "MailReceive", "MailRelay", "MailSend", "MailLocal", "Webmail"},
         {"DNS", "MySQL", "Postgres", "SpamFilter"}},
        {"DATABASENODE",
         "Database",
         "This profile provides only services and cPanel features that allow the system to serve databases.",
         true,
         {"MailSend", "MailLocal", "MySQL"},
         {"Postgres"}},
    };
  }();
  return profiles;
}

const ServerProfile* find_server_profile(const std::string& code) {
  for (const auto& p : server_profiles())
    if (code == p.code) return &p;
  return nullptr;
}

std::vector<const ServerRole*> disabled_roles(const ServerProfile& profile) {
  std::vector<const ServerRole*> out;
  for (const auto& r : server_roles())
    if (!has(profile.enabled_roles, r.module) && !has(profile.optional_roles, r.module)) out.push_back(&r);
  return out;
}

std::optional<bool> role_enabled(const StateRoot& root, const std::string& module) {
  if (module == "MySQLClient") return *role_enabled(root, "MySQL") || remote_mysql_configured(root);
  if (module == "PostgresClient") return role_enabled(root, "Postgres");
  const ServerRole* role = find_server_role(module);
  if (!role) return std::nullopt;
  return touch_file_role_enabled(root, *role);
}

const ServerProfile& current_profile(const StateRoot& root) {
  for (const auto& p : server_profiles()) {
    if (std::string(p.code) == "STANDARD") continue;
    bool matches = true;
    for (const char* m : p.enabled_roles) matches = matches && *role_enabled(root, m);
    for (const ServerRole* r : disabled_roles(p)) matches = matches && !touch_file_role_enabled(root, *r);
    if (matches) return p;
  }
  return server_profiles().front();
}

ProfileActivation stage_profile(const StateRoot& root, Transaction& txn, const ServerProfile& profile,
                                const std::map<std::string, bool>& optional) {
  ProfileActivation out;
  out.log.push_back(std::string("Switching to the “") + profile.name + "” server profile …");
  std::set<std::string> needed, unneeded;
  for (const auto& role : server_roles()) {
    bool enable = has(profile.enabled_roles, role.module);
    if (has(profile.optional_roles, role.module)) {
      auto it = optional.find(role.module);
      enable = it != optional.end() && it->second;
    }
    for (const char* s : role.services) (enable ? needed : unneeded).insert(s);
    if (!role.touch_file) continue;
    const std::string path = kDisabledRolesDir + role.touch_file;
    const bool was_enabled = !root.exists(path);
    if (enable && !was_enabled) {
      txn.remove(path);
      out.log.push_back(std::string("Enabled the “") + role.name + "” role.");
    } else if (!enable && was_enabled) {
      txn.write(path, "", 0644);
      out.log.push_back(std::string("Disabled the “") + role.name + "” role.");
    }
  }
  // A service another enabled role needs stays (cpdavd serves both Web Disk and Calendars).
  for (const auto& s : unneeded)
    if (!needed.count(s)) out.services_to_disable.push_back(s);
  out.services_to_enable.assign(needed.begin(), needed.end());
  out.log.push_back(std::string("The system is set to the “") + profile.name + "” profile.");
  return out;
}

}  // namespace whm
