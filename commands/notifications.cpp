// WHM API 1 Server Administration / Notifications: the Contact Manager's
// importances (get_all_contact_importances, get/set_application_contact_*),
// the contact address (update_contact_email), the test messages to the
// notification services (send_test_posturl, send_test_pushbullet_note,
// verify_*_access) and the Security Advisor (fetch_security_advice).
// Files: lib/store/contact_settings.hpp; the services:
// lib/store/notification_transports.hpp.
#include <algorithm>
#include <cctype>
#include <random>

#include "account_store.hpp"
#include "contact_settings.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "notification_transports.hpp"
#include "registry.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {
namespace {

// ---------------------------------------------------------------- importances

// cPanel accepts any application or event made of letters and digits, so an
// importance can be set before the application is installed.
std::string alphanumeric_arg(const Request& req, const std::string& name) {
  std::string value = req.require(name);
  for (unsigned char c : value)
    if (!std::isalnum(c)) throw invalid_param(name, "it must only contain alphanumeric characters.");
  return value;
}

// {importance, name}; both null for an application without a setting of its own.
nlohmann::json importance_answer(std::optional<int> importance) {
  if (!importance) return {{"importance", nullptr}, {"name", nullptr}};
  std::string name = importance_name(*importance);
  return {{"importance", *importance}, {"name", name.empty() ? nlohmann::json() : nlohmann::json(name)}};
}

Response get_all_contact_importances(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = {{"importances", ContactImportances::load(view).all()}};
  return r;
}

Response get_application_contact_event_importance(Context& ctx, const Request& req) {
  std::string app = alphanumeric_arg(req, "app");
  std::string event = alphanumeric_arg(req, "event");
  Transaction view(ctx.root);
  Response r;
  r.data = importance_answer(ContactImportances::load(view).event_importance(app, event));
  return r;
}

Response get_application_contact_importance(Context& ctx, const Request& req) {
  std::string app = alphanumeric_arg(req, "app");
  Transaction view(ctx.root);
  Response r;
  r.data = importance_answer(ContactImportances::load(view).app_importance(app));
  return r;
}

void set_importance(Context& ctx, const std::string& app, const std::string& event, const Request& req) {
  int importance = *importance_number(req.require("importance"));  // the declared values only
  auto importances = ContactImportances::load_for_change(ctx.txn());
  importances.set(app, event, importance);
  importances.stage(ctx.txn());
}

Response set_application_contact_event_importance(Context& ctx, const Request& req) {
  std::string app = alphanumeric_arg(req, "app");
  set_importance(ctx, app, alphanumeric_arg(req, "event"), req);
  return {};
}

Response set_application_contact_importance(Context& ctx, const Request& req) {
  set_importance(ctx, alphanumeric_arg(req, "app"), "*", req);
  return {};
}

// cPanel takes a level's name or its number (0 to 3).
ParamSpec importance_param() {
  ParamSpec p = make_param("importance", ParamType::String, true);
  p.allowed = {"High", "Medium", "Low", "Disabled", "1", "2", "3", "0"};
  return described(p,
                   "The importance level at which to send the notification: High (1), Medium (2), Low (3) or "
                   "Disabled (0).");
}

// ---------------------------------------------------------------- contact address

// An empty address is allowed: it clears the setting.
Response update_contact_email(Context& ctx, const Request& req) {
  if (!req.has("contact_email")) throw missing_param("contact_email");
  std::string email = trim(req.get_or("contact_email", ""));
  if (!email.empty() && !is_valid_email(email))
    throw invalid_param("contact_email", "“" + email + "” is not a valid email address.");
  stage_contact_email(ctx.txn(), email);
  return {};
}

// ---------------------------------------------------------------- test messages

// A short ID the administrator compares between devices: no 0 or O to confuse.
std::string message_id() {
  static const std::string chars = "ABCDEFGHIJKLMNPQRSTUVWXYZ123456789";
  std::random_device rd;
  std::uniform_int_distribution<size_t> pick(0, chars.size() - 1);
  std::string id;
  for (int i = 0; i < 4; ++i) id += chars[pick(rd)];
  return id;
}

std::string subject_for(const std::string& id) { return "Test message (ID: " + id + ")"; }

// "This message confirms that “host” (ip) can send a message to you via X."
// and when it was sent. The state lock is held only while reading the names.
std::string confirmation_body(const StateRoot& root, const std::string& service) {
  ServerConfig server;
  {
    StateReader reader(root);
    server = load_server_config(root);
  }
  std::time_t t = now();
  return "This message confirms that “" + server.hostname + "” (" + server.shared_ip +
         ") can send a message to you via " + service + ".\n\nThis message was sent on " +
         format_time(t, "%A, %B %-d, %Y", true) + " at " + format_time(t, "%-I:%M:%S %p UTC", true) + ".";
}

// The contact settings, read under a shared lock that is released before the network is used.
KeyValues contact_settings(const StateRoot& root) {
  StateReader reader(root);
  Transaction view(root);
  return load_wwwacct(view);
}

// A POST URL's query string (an API key...) is sent in the form, not in the URL.
std::pair<std::string, FormFields> split_posturl(const std::string& url) {
  auto q = url.find('?');
  FormFields fields;
  if (q == std::string::npos) return {url, fields};
  for (const auto& pair : split(url.substr(q + 1), '&')) {
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string key = pair.substr(0, eq), value = eq == std::string::npos ? "" : pair.substr(eq + 1);
    std::replace(key.begin(), key.end(), '+', ' ');
    std::replace(value.begin(), value.end(), '+', ' ');
    fields.emplace_back(uri_decode(key), uri_decode(value));
  }
  return {url.substr(0, q), fields};
}

// send_test_posturl's answer: {message_id, payload}, plus "error" when the
// server did not take it (the call then fails with the HTTP reason).
Response posturl_test(const StateRoot& root, const std::string& url) {
  std::string id = message_id();
  auto [target, fields] = split_posturl(url);
  fields.emplace_back("subject", subject_for(id));
  fields.emplace_back("body", confirmation_body(root, "Posturl"));
  HttpAnswer answer = post_form(target, fields);
  Response r;
  r.data = {{"message_id", id}, {"payload", answer.to_json()}};
  if (!answer.success) {
    r.ok = false;
    r.reason = answer.reason;
    r.data["error"] = answer.content.empty() ? answer.reason : answer.content;
  }
  return r;
}

nlohmann::json pushbullet_test(const StateRoot& root, const std::string& access_token) {
  std::string id = message_id();
  nlohmann::json payload = push_pushbullet_note(access_token, subject_for(id), confirmation_body(root, "Pushbullet"));
  return {{"message_id", id}, {"payload", payload}};
}

nlohmann::json slack_test(const StateRoot& root, const std::string& webhook_url) {
  std::string id = message_id();
  HttpAnswer answer = post_slack_message(webhook_url, subject_for(id), confirmation_body(root, "Slack"));
  return {{"message_id", id}, {"payload", answer.to_json()}};
}

Response send_test_posturl(Context& ctx, const Request& req) { return posturl_test(ctx.root, req.require("url")); }

Response send_test_pushbullet_note(Context& ctx, const Request& req) {
  Response r;
  r.data = pushbullet_test(ctx.root, req.require("access_token"));
  return r;
}

// The verify_* functions test every configured target; each result is kept
// (a target that failed carries its error), and the call itself succeeds.
Response verify_posturl_access(Context& ctx, const Request&) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& url : contact_list(contact_settings(ctx.root), "CONTACTPOSTURL"))
    results.push_back({{"url", url}, {"result", posturl_test(ctx.root, url).data}});
  Response r;
  r.data = {{"results", results}};
  return r;
}

Response verify_pushbullet_access(Context& ctx, const Request&) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& token : contact_list(contact_settings(ctx.root), "CONTACTPUSHBULLET")) {
    nlohmann::json result;
    try {
      result = pushbullet_test(ctx.root, token);
    } catch (const NotAvailableError&) {
      throw;
    } catch (const ApiError& e) {
      result = {{"error", e.what()}};
    }
    results.push_back({{"access_token", token}, {"result", result}});
  }
  Response r;
  r.data = {{"results", results}};
  return r;
}

Response verify_slack_access(Context& ctx, const Request&) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& url : contact_list(contact_settings(ctx.root), "CONTACTSLACK"))
    results.push_back({{"url", url}, {"result", slack_test(ctx.root, url)}});
  Response r;
  r.data = {{"results", results}};
  return r;
}

// ICQ (OSCAR) shut down on 26 June 2024 (AIM in December 2017): there is no
// server left to sign in to, so a test cannot succeed.
ApiError icq_gone() {
  return ApiError(
      "The ICQ service shut down on June 26, 2024: the system cannot sign in to it or send a message through it.");
}

Response verify_oscar_access(Context&, const Request& req) {
  req.require("username");
  req.require("password");
  throw icq_gone();
}

Response verify_icq_access(Context& ctx, const Request&) {
  KeyValues conf = contact_settings(ctx.root);
  for (const char* key : {"ICQUSER", "ICQPASS", "CONTACTUIN"})
    if (conf[key].empty())
      throw ApiError(
          "The “ICQ” service is not configured completely. To fix this issue, go to “Basic cPanel & WHM Setup” in "
          "the WHM menu. Then, enter a username, password, and recipient. Finally, try this action again.");
  throw icq_gone();
}

// ---------------------------------------------------------------- Security Advisor

// The advice comes from cPanel's Security Advisor plugin (its Perl
// assessors); whmkit has no assessors of its own to answer for it.
Response fetch_security_advice(Context&, const Request&) {
  throw ApiError(
      "The cPanel Security Advisor (Cpanel::Security::Advisor) is not installed on this server, so the system "
      "cannot assess it.");
}

WHMKIT_REGISTRATIONS(
    registrations,
    Registration({"get_all_contact_importances", get_all_contact_importances, Access::Read, root_only()}),
    Registration({"get_application_contact_event_importance", get_application_contact_event_importance, Access::Read,
                  root_only()}),
    Registration({"get_application_contact_importance", get_application_contact_importance, Access::Read, root_only()}),
    Registration({"set_application_contact_event_importance",
                  set_application_contact_event_importance,
                  Access::Write,
                  root_only(),
                  {importance_param()}}),
    Registration({"set_application_contact_importance",
                  set_application_contact_importance,
                  Access::Write,
                  root_only(),
                  {importance_param()}}),
    Registration({"update_contact_email",
                  update_contact_email,
                  Access::Write,
                  root_only(),
                  {described(optional_param("contact_email", ParamType::String),
                             "The contact email address to add as the wwwacct.conf file's CONTACTEMAIL setting (empty "
                             "clears it).")}}),
    Registration({"send_test_posturl", send_test_posturl, Access::Delegated, root_only()}),
    Registration({"send_test_pushbullet_note", send_test_pushbullet_note, Access::Delegated, root_only()}),
    Registration({"verify_posturl_access", verify_posturl_access, Access::Delegated, root_only()}),
    Registration({"verify_pushbullet_access", verify_pushbullet_access, Access::Delegated, root_only()}),
    Registration({"verify_slack_access", verify_slack_access, Access::Delegated, root_only()}),
    Registration({"verify_oscar_access", verify_oscar_access, Access::Read, root_only()}),
    Registration({"verify_icq_access", verify_icq_access, Access::Delegated, root_only()}),
    Registration({"fetch_security_advice", fetch_security_advice, Access::Read, root_only()}), );

}  // namespace
}  // namespace whm
