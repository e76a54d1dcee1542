// The account's contact information (lib/store/contact_info.hpp): UAPI
// ContactInformation (set_email_addresses, unset_email_addresses), which
// changes the contact addresses after checking the account's password, and
// API 2 CustInfo (contactemails, contactprefs, displaycontactinfo,
// savecontactinfo) for the notification preferences. The addresses change
// only through ContactInformation: whoever sets them can reset the password.
#include <algorithm>
#include <cstring>

#include "account_store.hpp"
#include "contact_info.hpp"
#include "errors.hpp"
#include "features.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "sysusers.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {
namespace {

std::string home_rel(const Context& ctx) { return paths::rel_from_abs(ctx.account.home); }

bool has_any_feature(const Context& ctx, const CpUser& account, const std::vector<std::string>& features) {
  return std::any_of(features.begin(), features.end(),
                     [&](const std::string& f) { return resolve_feature(ctx.root, account, f).enabled; });
}

// ---- UAPI ContactInformation ---------------------------------------------

void check_password(const Context& ctx, const std::string& password) {
  Transaction view(ctx.root);
  SystemUsers sys;
  sys.load(view);
  auto shadow = sys.shadow.find(ctx.account.user);
  if (!shadow || shadow->size() < 2 || !verify_password(password, (*shadow)[1]))
    throw ApiError("Incorrect password given.");
}

// The same addresses in any order (cPanel compares them as sets).
bool same_addresses(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

// old_address must list the current addresses, so that two clients changing
// them at once cannot overwrite each other unseen.
void save_addresses(Context& ctx, const Request& req, const std::vector<std::string>& addresses) {
  check_password(ctx, req.require("password"));
  AccountStore store(ctx.root);
  CpUser account = store.require(ctx.account.user);
  if (!same_addresses(contact_emails(account), req.list("old_address")))
    throw ApiError("old_address list is incorrect");
  account.set("CONTACTEMAIL", addresses.size() > 0 ? addresses[0] : "");
  account.set("CONTACTEMAIL2", addresses.size() > 1 ? addresses[1] : "");
  store.save(ctx.txn(), account, store.domain_rows(ctx.account.user), ctx.account.owner);
}

Response set_email_addresses(Context& ctx, const Request& req) {
  const auto& addresses = req.list("address");
  if (addresses.empty()) throw missing_param("address");
  if (addresses.size() > 2) throw ApiError("Give no more than 2 email addresses.");
  save_addresses(ctx, req, addresses);
  return {};
}

Response unset_email_addresses(Context& ctx, const Request& req) {
  save_addresses(ctx, req, {});
  return {};
}

// ---- API 2 CustInfo ------------------------------------------------------

// username= names the account itself (other names are Webmail users, which
// whmkit does not have).
void check_username(const Context& ctx, const Request& req, const char* what) {
  const std::string name = req.get_or("username", "");
  if (!name.empty() && name != ctx.account.user)
    throw ApiError("‘" + ctx.account.user + "’ does not have access to " + what + " for ‘" + name + "’.");
}

// What the account's files hold for each field: the addresses from the cpuser
// file, the rest from ~/.cpanel/contactinfo.
struct ContactState {
  CpUser account;
  nlohmann::json info;
  std::string text(const ContactField& f) const {
    if (f.name == "email" || f.name == "second_email") {
      auto emails = contact_emails(account);
      size_t i = f.name == "email" ? 0 : 1;
      return i < emails.size() ? emails[i] : "";
    }
    auto it = info.find(f.name);
    if (it == info.end() || it->is_null()) return "";
    return it->is_string() ? it->get<std::string>() : it->dump();
  }
};

ContactState load_state(const Context& ctx) {
  Transaction view(ctx.root);
  return {AccountStore(ctx.root).require(ctx.account.user), load_contactinfo(view, home_rel(ctx))};
}

nlohmann::json string_entry(const ContactField& f, const std::string& value) {
  return {{"descp", f.description},
          {"enabled", 1},
          {"name", f.name},
          {"type", "string"},
          {"value", value.empty() ? f.default_value : value}};
}

// A switch: "enabled" is its state (the default when never set), "value" always 1.
nlohmann::json boolean_entry(const ContactField& f, const std::string& value) {
  auto n = parse_int(value);
  long long enabled = value.empty() ? (f.default_value == "1" ? 1 : 0) : n.value_or(0);
  return {{"descp", f.description},
          {"enabled", enabled},
          {"infotext", f.infotext},
          {"name", f.name},
          {"onchangeparent", f.onchangeparent},
          {"type", "boolean"},
          {"value", 1}};
}

Response contactemails(Context& ctx, const Request& req) {
  check_username(ctx, req, "the contact info");
  const ContactState state = load_state(ctx);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& f : contact_fields(ctx.root))
    if (!f.boolean) r.data.push_back(string_entry(f, html_escape(state.text(f))));
  return r;
}

Response contactprefs(Context& ctx, const Request& req) {
  check_username(ctx, req, "the contact info");
  const ContactState state = load_state(ctx);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& f : contact_fields(ctx.root))
    if (f.boolean && has_any_feature(ctx, state.account, f.features)) r.data.push_back(boolean_entry(f, state.text(f)));
  return r;
}

Response displaycontactinfo(Context& ctx, const Request& req) {
  check_username(ctx, req, "the contact info");
  const ContactState state = load_state(ctx);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& f : contact_fields(ctx.root))
    r.data.push_back(f.boolean ? boolean_entry(f, state.text(f)) : string_entry(f, state.text(f)));
  return r;
}

std::string html_decoded(std::string s) {
  const std::pair<const char*, const char*> entities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : entities) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + 1)) s.replace(at, strlen(from), to);
  }
  return s;
}

// What the field accepts: an email address, a Pushbullet token (a name
// that could be a file name).
bool valid_string(const ContactField& f, const std::string& v) {
  if (f.name == "pushbullet_access_token")
    return v != "." && v != ".." && v.find('/') == std::string::npos && v.size() <= 255;
  return is_valid_email(v);
}

// Saves the preferences given (a field not given keeps its value; "NULL"
// empties a string). A contact address that would change is refused: that
// takes ContactInformation and the account's password.
Response savecontactinfo(Context& ctx, const Request& req) {
  check_username(ctx, req, "save contact info");
  ContactState state = load_state(ctx);
  Response r;
  r.data = nlohmann::json::array();
  const auto fields = contact_fields(ctx.root);
  std::vector<std::string> editing = {"updatecontact", "updatenotificationprefs"};
  if (!has_any_feature(ctx, state.account, editing)) return r;
  nlohmann::json info = state.info;
  bool address_changed = false;
  for (const auto& f : fields) {
    auto given = req.get(f.name);
    if (given && *given == "NULL") given = "";
    if (!info.contains(f.name) || info[f.name].is_null())
      info[f.name] = f.boolean ? nlohmann::json(f.default_value == "1" ? 1 : 0) : nlohmann::json(f.default_value);
    const bool may_change = given && has_any_feature(ctx, state.account, f.features);
    std::string display;
    if (f.boolean) {
      if (may_change) info[f.name] = (given->empty() || *given == "0") ? 0 : 1;
      const std::string now = info[f.name].is_string() ? info[f.name].get<std::string>() : info[f.name].dump();
      display = (now.empty() || now == "0") ? "off" : "on";
    } else {
      if (may_change) {
        const std::string value = html_decoded(trim(*given));
        if (value.empty() || valid_string(f, value)) {
          info[f.name] = value;
          if (!f.cpuser_key.empty() && (f.name == "email" || f.name == "second_email"))
            address_changed = address_changed || state.account.get(f.cpuser_key) != value;
        }
      }
      display = trim(info[f.name].is_string() ? info[f.name].get<std::string>() : info[f.name].dump());
    }
    if (has_any_feature(ctx, state.account, f.features))
      r.data.push_back(
          {{"descp", f.description}, {"display_value", display}, {"name", f.name}, {"value", info[f.name]}});
  }
  if (address_changed)
    throw ApiError(
        "Contact email address updates now require authentication. If you called API 2’s legacy "
        "CustInfo::savecontactinfo, switch to UAPI’s ContactInformation::* calls.");
  info["origin"] = "cpanel";
  AccountStore store(ctx.root);
  stage_contactinfo(ctx.txn(), home_rel(ctx), ctx.account.owner, ctx.root, info, state.account);
  store.save(ctx.txn(), state.account, store.domain_rows(ctx.account.user), ctx.account.owner);
  return r;
}

// ---- registrations -------------------------------------------------------

// cPanel lets either feature through (Cpanel::API::ContactInformation).
constexpr const char* kContactFeatures = "updatecontact|updatenotificationprefs";

ParamSpec with_description(ParamSpec p, std::string d) { return described(std::move(p), std::move(d)); }

std::vector<ParamSpec> address_params(bool with_new) {
  std::vector<ParamSpec> out;
  if (with_new)
    out.push_back(
        with_description(list_param("address", ParamType::Email, true),
                         "The new contact addresses, at most 2 (address=a@example.com address=b@example.net)."));
  out.push_back(with_description(list_param("old_address", ParamType::Email),
                                 "Every current contact address (none when the account has none)."));
  out.push_back(with_description(make_param("password", ParamType::String, true), "The account's password."));
  return out;
}

// savecontactinfo takes every field by name.
std::vector<ParamSpec> save_params() {
  std::vector<ParamSpec> out = {optional_param("username")};
  for (const char* name : {"email", "second_email", "pushbullet_access_token", "notify_contact_address_change",
                           "notify_contact_address_change_notification_disabled", "notify_disk_limit",
                           "notify_bandwidth_limit", "notify_ssl_expiry", "notify_email_quota_limit",
                           "notify_password_change", "notify_password_change_notification_disabled",
                           "notify_account_authn_link", "notify_account_authn_link_notification_disabled"})
    out.push_back(optional_param(name));
  return out;
}

ModuleFunction api2(const char* name, Handler h, Access access, std::vector<ParamSpec> params) {
  return {Api::Api2, "CustInfo", name, std::move(h), access, own_objects(), std::move(params)};
}

WHMKIT_REGISTRATIONS(contact_functions,
                     Registration({Api::Uapi, "ContactInformation", "set_email_addresses", set_email_addresses,
                                   Access::Write, needs_feature(kContactFeatures), address_params(true)}),
                     Registration({Api::Uapi, "ContactInformation", "unset_email_addresses", unset_email_addresses,
                                   Access::Write, needs_feature(kContactFeatures), address_params(false)}),
                     Registration(api2("contactemails", contactemails, Access::Read,
                                       {optional_param("username"), optional_param("no_default", ParamType::Boolean)})),
                     Registration(api2("contactprefs", contactprefs, Access::Read, {optional_param("username")})),
                     Registration(api2("displaycontactinfo", displaycontactinfo, Access::Read,
                                       {optional_param("username")})),
                     Registration(api2("savecontactinfo", savecontactinfo, Access::Write, save_params())), );

}  // namespace
}  // namespace whm
