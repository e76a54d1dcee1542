#include "contact_info.hpp"

#include "cpuser.hpp"
#include "damage.hpp"
#include "notices.hpp"
#include "syck_yaml.hpp"
#include "tweak_settings.hpp"
#include "util.hpp"

namespace whm {
namespace {

constexpr const char* kFile = ".cpanel/contactinfo";
const std::vector<std::string> kStringFeatures = {"updatecontact", "updatenotificationprefs"};
const std::vector<std::string> kPreferenceFeature = {"updatenotificationprefs"};

ContactField address(std::string name, std::string description, std::string cpuser_key) {
  return {std::move(name), false, "", kStringFeatures, std::move(description), std::move(cpuser_key), "", ""};
}

// A notification switch, on unless the account turns it off.
ContactField notice(std::string name, std::string description, std::string parent = "", std::string infotext = "") {
  return {name, true, "1", kPreferenceFeature, std::move(description), name, std::move(parent), std::move(infotext)};
}

}  // namespace

std::vector<ContactField> contact_fields(const StateRoot& root) {
  const bool can_reset_password = tweak_setting(root, "resetpass", "1") == "1";
  const std::string confirmations = can_reset_password ? " and password reset confirmations." : ".";
  std::vector<ContactField> out = {
      address("email", "Enter an email address to receive account notifications" + confirmations, "CONTACTEMAIL"),
      address("second_email", "Enter a second email address to receive account notifications" + confirmations,
              "CONTACTEMAIL2"),
      address("pushbullet_access_token", "An access token for Pushbullet.", "PUSHBULLET_ACCESS_TOKEN"),
      notice("notify_contact_address_change", "My contact email address changes.", "",
             "The system will notify you at your current and previous contact email addresses."),
      notice("notify_contact_address_change_notification_disabled",
             "My preference for contact email address change notifications is disabled.",
             "notify_contact_address_change"),
      notice("notify_disk_limit", "My account approaches its disk quota."),
  };
  if (tweak_setting(root, "skipbwlimitcheck", "0") != "1")
    out.push_back(notice("notify_bandwidth_limit", "My account approaches its bandwidth usage limit."));
  if (tweak_setting(root, "notify_expiring_certificates", "1") == "1")
    out.push_back(notice("notify_ssl_expiry", "SSL certificate expiry.", "",
                         "The system will notify you if a non-AutoSSL certificate will expire soon."));
  if (tweak_setting(root, "skipboxcheck", "0") != "1")
    out.push_back(
        notice("notify_email_quota_limit", "Any of my account’s email accounts approaches or is over quota."));
  for (auto f : {
           notice("notify_password_change", "My account’s password changes.", "",
                  "The system will notify you when the password changes because of a user request."),
           notice("notify_password_change_notification_disabled",
                  "My preference for account password change notifications is disabled.", "notify_password_change"),
           notice("notify_account_authn_link", "An external account links to my account for authentication."),
           notice("notify_account_authn_link_notification_disabled",
                  "My preference for external account link notifications is disabled.", "notify_account_authn_link"),
       })
    out.push_back(std::move(f));
  return out;
}

std::vector<std::string> contact_emails(const CpUser& account) {
  std::vector<std::string> out;
  for (const char* key : {"CONTACTEMAIL", "CONTACTEMAIL2"})
    if (std::string v = trim(account.get(key)); !v.empty()) out.push_back(v);
  return out;
}

nlohmann::json load_contactinfo(const Transaction& view, const std::string& home_rel) {
  const UserPath file{home_rel, kFile};
  auto text = view.read(file);
  if (!text || trim(*text).empty()) return nlohmann::json::object();
  if (FileProblems problems = yaml_mapping_problems(*text); !problems.empty()) {
    add_notice(damage_summary(file.joined(), problems));
    return nlohmann::json::object();
  }
  auto doc = yaml_to_json(*text);
  return doc.is_object() ? doc : nlohmann::json::object();
}

void stage_contactinfo(Transaction& txn, const std::string& home_rel, FileOwner owner, const StateRoot& root,
                       const nlohmann::json& doc, CpUser& account) {
  txn.make_dir({home_rel, ".cpanel"}, 0700, owner);
  txn.write(UserPath{home_rel, kFile}, syck_dump(doc), 0640, owner);
  for (const auto& field : contact_fields(root)) {
    if (field.name == "email" || field.name == "second_email") continue;  // only through ContactInformation
    auto it = doc.find(field.name);
    if (it == doc.end() || it->is_null()) continue;
    std::string value = it->is_string() ? it->get<std::string>() : it->dump();
    if (value.empty() && !field.boolean)
      account.kv.erase(field.cpuser_key);
    else
      account.set(field.cpuser_key, value);
  }
}

}  // namespace whm
