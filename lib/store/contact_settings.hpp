// The server's own notification settings (WHM's Contact Manager and the
// Contact Information of Basic WebHost Manager Setup), in cPanel's files:
//   var/cpanel/icontact_event_importance.json  {"<app>": {"*": n, "<event>": n}}
//       how important each application's notices are: 1 High, 2 Medium,
//       3 Low, 0 Disabled ("*" is the application's own setting, an event's
//       setting overrides it)
//   var/cpanel/iclevels.conf  the older "<app> <level>" lines, read while
//       the JSON file does not exist yet
//   etc/wwwacct.conf ("KEY VALUE" lines): CONTACTEMAIL, CONTACTPAGER,
//       CONTACTPOSTURL, CONTACTSLACK (comma-separated lists)
//   etc/wwwacct.conf.shadow (0600, same format): CONTACTPUSHBULLET,
//       CONTACTUIN, ICQPASS, ICQUSER (secrets)
//   etc/aliases, etc/localaliases ("user: a,b" lines), root/.forward: where
//       the mail of root, cpanel and nobody goes, which follows CONTACTEMAIL
// (Contact information of a cPanel account is contact_info.hpp.)
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kvfile.hpp"
#include "state.hpp"

namespace whm {

// cPanel's importance names and numbers.
std::optional<int> importance_number(const std::string& name_or_number);  // "High" or "1" -> 1
std::string importance_name(int number);                                  // 1 -> "High", "" if none

// The importances as cPanel reads them: the file (or the legacy one), with
// cPanel's defaults filled in where the file has no setting.
class ContactImportances {
 public:
  // Reads leniently: a damaged file reads as empty, with a warning.
  static ContactImportances load(const Transaction& view);
  // For a change: a damaged file is refused (DamagedFileError).
  static ContactImportances load_for_change(const Transaction& txn);

  // An event's importance: its own setting, else its application's, else
  // Low for an application the file does not know. nullopt: the
  // application is known but has neither (cPanel answers null).
  std::optional<int> event_importance(const std::string& app, const std::string& event) const;
  std::optional<int> app_importance(const std::string& app) const { return event_importance(app, "*"); }
  // Every setting, by application then event (byte order): app, event, importance, name.
  nlohmann::json all() const;

  // Throws ApiError "Invalid application: “x”" / "Invalid event: “x”" for
  // a name the file cannot hold.
  void set(const std::string& app, const std::string& event, int importance);
  void stage(Transaction& txn) const;

 private:
  nlohmann::json data_ = nlohmann::json::object();
};

// etc/wwwacct.conf with its shadow file's keys (the shadow wins), read leniently.
KeyValues load_wwwacct(const Transaction& view);
// The comma-separated list a contact key holds (CONTACTSLACK), empty items left out.
std::vector<std::string> contact_list(const KeyValues& conf, const std::string& key);
// Sets one key of etc/wwwacct.conf (every other line kept as it is); a
// damaged file is refused. `value` must be one line.
void stage_wwwacct_value(Transaction& txn, const std::string& key, const std::string& value);

// Where the system user `user`'s own mail goes: its line in etc/aliases or
// etc/localaliases, else (root) root's .forward; empty when it stays local.
std::vector<std::string> mail_forward(const Transaction& view, const std::string& user);
// Points it at `forward` (comma-separated; "" removes the line): etc/aliases
// where it already names the user, etc/localaliases, and root's .forward.
void stage_mail_forward(Transaction& txn, const std::string& user, const std::string& forward);

// Sets CONTACTEMAIL ("" clears it) and, as cPanel does, points the mail of
// root, cpanel and nobody at the new address where it went to the old one
// or nowhere: etc/localaliases, etc/aliases where it names the user, and
// root's .forward.
void stage_contact_email(Transaction& txn, const std::string& email);

}  // namespace whm
