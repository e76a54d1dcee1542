// Server profiles and roles (WHM >> Server Profile). A role is a group of
// services and features (DNS, MailReceive, WebServer...); it is enabled
// unless its touch file var/cpanel/disabled_roles/<role in lowercase>
// exists (so a server that never changed profile has every role). A profile
// (STANDARD, MAILNODE, DNSNODE, DATABASENODE) is a set of enabled, optional
// and disabled roles; the current profile is the one whose roles are all in
// that state, else STANDARD. Activating a profile writes the touch files.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace whm {

class StateRoot;
class Transaction;

struct ServerRole {
  const char* module;                 // "MailReceive": what is_role_enabled takes
  const char* name;                   // "Receive Mail"
  const char* description;            // as get_current_profile shows it
  const char* touch_file;             // under var/cpanel/disabled_roles/; nullptr = always enabled
  std::vector<const char*> services;  // the services cPanel enables or disables with the role
};

struct ServerProfile {
  const char* code;  // "MAILNODE"
  const char* name;  // "Mail"
  const char* description;
  bool experimental;
  std::vector<const char*> enabled_roles, optional_roles;  // modules; every other role is disabled
};

// Every role a profile can switch, in the order the API lists them.
const std::vector<ServerRole>& server_roles();
const ServerRole* find_server_role(const std::string& module);
// STANDARD first, then the others (experimental last).
const std::vector<ServerProfile>& server_profiles();
const ServerProfile* find_server_profile(const std::string& code);
// The roles neither enabled nor optional in `profile`.
std::vector<const ServerRole*> disabled_roles(const ServerProfile& profile);

// Whether a role is enabled on this server. Besides the roles above, the
// client roles is_role_enabled accepts: MySQLClient, PostgresClient.
// nullopt for a name that is no role.
std::optional<bool> role_enabled(const StateRoot& root, const std::string& module);

const ServerProfile& current_profile(const StateRoot& root);

// What activating a profile changed, for its log and the caller.
struct ProfileActivation {
  std::vector<std::string> log;                                      // one line per step
  std::vector<std::string> services_to_enable, services_to_disable;  // left to the administrator
};

// Stages the touch files of `profile`, optional roles enabled as `optional`
// says (role module -> on); an optional role not named is disabled.
ProfileActivation stage_profile(const StateRoot& root, Transaction& txn, const ServerProfile& profile,
                                const std::map<std::string, bool>& optional);

}  // namespace whm
