// An account's contact information and notification preferences (API 2
// CustInfo, UAPI ContactInformation). The contact addresses are the cpuser
// file's CONTACTEMAIL and CONTACTEMAIL2. The other fields (the Pushbullet
// token, the notify_* preferences) are kept where cPanel keeps them: the
// account's ~/.cpanel/contactinfo (a YAML mapping, written as the account's
// user, never through a symlink), copied into the cpuser file
// (PUSHBULLET_ACCESS_TOKEN, notify_*) where the notification system reads
// them. The file lives in the home, so it moves, archives and restores with it.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "state.hpp"

namespace whm {

class StateRoot;
struct CpUser;

struct ContactField {
  std::string name;  // "email", "notify_disk_limit"
  bool boolean;      // a notification switch (else a string)
  std::string default_value;
  std::vector<std::string> features;  // any one of them lets the account change it
  std::string description;
  std::string cpuser_key;      // where the cpuser file keeps it
  std::string onchangeparent;  // the switch this one belongs to ("" if none)
  std::string infotext;        // a longer explanation ("" if none)
};

// The fields the server offers, in cPanel's display order. Switches that
// depend on a server setting cPanel turns off are left out as cPanel leaves
// them out (Tweak Settings skipboxcheck, skipbwlimitcheck,
// notify_expiring_certificates); whmkit runs no AutoSSL, cPHulk or two-factor
// authentication, whose switches cPanel hides when they are off.
std::vector<ContactField> contact_fields(const StateRoot& root);

// The account's contact addresses: CONTACTEMAIL then CONTACTEMAIL2, the empty ones left out.
std::vector<std::string> contact_emails(const CpUser& account);

// ~/.cpanel/contactinfo as a mapping (empty if the file is missing; a damaged
// file reads as empty with a warning, as cPanel's DataStore hides its errors).
nlohmann::json load_contactinfo(const Transaction& view, const std::string& home_rel);
// Stages ~/.cpanel/contactinfo with `doc` (mode 0640, the account's own) and
// copies its fields into `account` (the caller saves the cpuser file).
void stage_contactinfo(Transaction& txn, const std::string& home_rel, FileOwner owner, const StateRoot& root,
                       const nlohmann::json& doc, CpUser& account);

}  // namespace whm
