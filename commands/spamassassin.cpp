// Apache SpamAssassin for an account: UAPI Email enable_spam_assassin,
// disable_spam_assassin, enable_spam_box, disable_spam_box,
// get_spam_settings, add_spam_filter, disable_spam_autodelete, and UAPI
// SpamAssassin get_user_preferences, update_user_preference, clear_spam_box.
// The switches are marker files in the home (lib/store/spamassassin.hpp);
// spam auto-delete is an account-level (or mailbox) email filter that
// discards a message whose X-Spam-Bar has at least `required_score` "+"
// (lib/store/mail_filters.hpp), as cPanel does it. Gated by cPanel's
// "spamassassin" and "spambox" features.
#include <regex>

#include "account_store.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "mail_filters.hpp"
#include "registry.hpp"
#include "spamassassin.hpp"
#include "spamassassin_rules.hpp"
#include "util.hpp"

namespace whm {
namespace {

constexpr const char* kAutoDeleteFilter = "Apache SpamAssassin Auto-Delete";  // UNCONFIRMED name

std::string home_rel_of(const CpanelAccount& acct) { return paths::rel_from_abs(acct.home); }

// The auto-delete score of a filter set (the number of "+"), if it has the filter.
std::optional<long long> auto_delete_score(const FilterSet& set) {
  const MailFilter* f = set.find(kAutoDeleteFilter);
  if (!f || !f->enabled || f->rules.empty()) return std::nullopt;
  return static_cast<long long>(f->rules.front().val.size());
}

nlohmann::json score_json(const std::optional<long long>& s) { return s ? nlohmann::json(*s) : nlohmann::json(); }

Response enable_spam_assassin(Context& ctx, const Request&) {
  stage_spamassassin(ctx.txn(), home_rel_of(ctx.account), ctx.account.owner, true);
  Response r;
  r.messages.push_back("Apache SpamAssassin™ has been enabled.");
  return r;
}

Response disable_spam_assassin(Context& ctx, const Request&) {
  stage_spamassassin(ctx.txn(), home_rel_of(ctx.account), ctx.account.owner, false);
  Response r;
  r.messages.push_back("Apache SpamAssassin™ has been disabled.");
  return r;
}

Response enable_spam_box(Context& ctx, const Request&) {
  stage_spam_box(ctx.txn(), home_rel_of(ctx.account), ctx.account.owner, true);
  return {};
}

Response disable_spam_box(Context& ctx, const Request&) {
  stage_spam_box(ctx.txn(), home_rel_of(ctx.account), ctx.account.owner, false);
  return {};
}

Response get_spam_settings(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  const std::string home_rel = home_rel_of(ctx.account);
  const auto own = auto_delete_score(filter_set_named(view, ctx.account, "account", ""));
  const auto asked = auto_delete_score(filter_set_named(view, ctx.account, "account", req.get_or("account", "")));
  bool rewrites = false;
  if (auto prefs = view.read(UserPath{home_rel, spamassassin::kUserPrefs}))
    for (const auto& v : parse_spam_preferences(*prefs)["rewrite_header"])
      rewrites = rewrites || starts_with(to_lower(v), "subject");
  Response r;
  r.data = {{"spam_enabled", spamassassin_enabled(view, home_rel) ? 1 : 0},
            {"spam_box_enabled", spam_box_enabled(view, home_rel) ? 1 : 0},
            {"spam_auto_delete", asked ? 1 : 0},
            {"spam_auto_delete_score", score_json(asked)},
            {"cpuser_spam_auto_delete", own ? 1 : 0},
            {"cpuser_spam_auto_delete_score", score_json(own)},
            {"rewrites_subjects", rewrites ? 1 : 0},
            {"spam_as_acl", 1},
            {"spam_status_changeable", 1}};
  return r;
}

// The auto-delete filter: discard a message whose spam bar reaches the score.
Response add_spam_filter(Context& ctx, const Request& req) {
  const long long score = req.integer("required_score", 1, 50).value_or(5);
  FilterSet set = filter_set_named(ctx.txn(), ctx.account, "account", req.get_or("account", ""));
  MailFilter f;
  f.name = kAutoDeleteFilter;
  f.rules.push_back({"$h_X-Spam-Bar:", "contains", std::string(static_cast<size_t>(score), '+'), "and"});
  f.actions.push_back({"save", "/dev/null"});
  set.store(f, "");
  set.stage(ctx.txn());
  return {};
}

Response disable_spam_autodelete(Context& ctx, const Request&) {
  FilterSet set = filter_set_named(ctx.txn(), ctx.account, "account", "");
  if (set.remove(kAutoDeleteFilter)) set.stage(ctx.txn());
  Response r;
  r.data = {{"spam_auto_delete", 0}};
  return r;
}

// user_prefs as {key: [values]}, required_score as numbers; the preferences
// cPanel's interface edits are always there (an empty list: none set).
nlohmann::json preferences_json(const std::string& text) {
  nlohmann::json out = nlohmann::json::object();
  for (const char* key : {"required_score", "whitelist_from", "blacklist_from", "score"})
    out[key] = nlohmann::json::array();
  for (const auto& [key, values] : parse_spam_preferences(text)) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& v : values) {
      if (key == "required_score") {
        try {
          list.push_back(std::stod(v));
          continue;
        } catch (const std::exception&) {
        }
      }
      list.push_back(v);
    }
    out[key] = list;
  }
  return out;
}

Response get_user_preferences(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = preferences_json(view.read(UserPath{home_rel_of(ctx.account), spamassassin::kUserPrefs}).value_or(""));
  return r;
}

// The preferences cPanel's interface edits, each value checked so that it stays one preference.
void check_preference(const std::string& key, const std::string& value) {
  static const std::regex number("-?[0-9]{1,3}(\\.[0-9]{1,3})?");
  static const std::regex address_pattern("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.@?-]{1,254}");
  static const std::regex score("[A-Za-z0-9_]{1,100}( -?[0-9]{1,3}(\\.[0-9]{1,3})?){1,4}");
  bool ok = key == "required_score"                              ? std::regex_match(value, number)
            : key == "whitelist_from" || key == "blacklist_from" ? std::regex_match(value, address_pattern)
                                                                 : std::regex_match(value, score);
  if (!ok) throw invalid_param("value", "“" + value + "” is not a valid value for “" + key + "”.");
}

Response update_user_preference(Context& ctx, const Request& req) {
  const std::string key = req.require("preference");
  std::vector<std::string> values;
  if (req.has("value"))
    for (const auto& v : req.list("value"))
      if (!v.empty()) {
        check_preference(key, v);
        values.push_back(v);
      }
  const UserPath prefs{home_rel_of(ctx.account), spamassassin::kUserPrefs};
  const std::string text = with_spam_preference(ctx.txn().read(prefs).value_or(""), key, values);
  ctx.txn().write(prefs, text, 0644, ctx.account.owner);
  Response r;
  r.data = preferences_json(text);
  return r;
}

// The installed rules (lib/store/spamassassin_rules.hpp) with their scores,
// a whole score as an integer.
Response get_symbolic_test_names(Context& ctx, const Request&) {
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& rule : installed_spamassassin_rules(ctx.root)) {
    const auto whole = static_cast<long long>(rule.score);
    r.data.push_back({{"key", rule.name},
                      {"rule_type", rule.rule_type},
                      {"score", whole == rule.score ? nlohmann::json(whole) : nlohmann::json(rule.score)}});
  }
  return r;
}

Response clear_spam_box(Context& ctx, const Request&) {
  stage_clear_spam_box(ctx.txn(), ctx.root, home_rel_of(ctx.account), ctx.account.home);
  return {};
}

ModuleFunction fn(const char* module, const char* name, Handler h, Access access, const char* feature,
                  std::vector<ParamSpec> params = {}) {
  return {Api::Uapi, module, name, std::move(h), access, needs_feature(feature), std::move(params)};
}

ParamSpec preference_param() {
  ParamSpec p = described(make_param("preference", ParamType::String, true), "The preference to set.");
  p.allowed = {"required_score", "whitelist_from", "blacklist_from", "score"};
  return p;
}

ParamSpec score_param() {
  ParamSpec p = described(optional_param("required_score", ParamType::Integer),
                          "Discard messages with at least this spam score (5 by default).");
  p.min = 1;
  p.max = 50;
  p.default_value = "5";
  return p;
}

const ParamSpec kAccountParam =
    described(optional_param("account"), "An email address of the account (its mailbox); the account when left out.");

WHMKIT_REGISTRATIONS(
    spamassassin_functions,
    Registration(fn("Email", "enable_spam_assassin", enable_spam_assassin, Access::Write, "spamassassin")),
    Registration(fn("Email", "disable_spam_assassin", disable_spam_assassin, Access::Write, "spamassassin")),
    Registration(fn("Email", "enable_spam_box", enable_spam_box, Access::Write, "spambox")),
    Registration(fn("Email", "disable_spam_box", disable_spam_box, Access::Write, "spambox")),
    Registration(fn("Email", "get_spam_settings", get_spam_settings, Access::Read, "spamassassin", {kAccountParam})),
    Registration(fn("Email", "add_spam_filter", add_spam_filter, Access::Write, "spamassassin",
                    {kAccountParam, score_param()})),
    Registration(fn("Email", "disable_spam_autodelete", disable_spam_autodelete, Access::Write, "spamassassin")),
    Registration(fn("SpamAssassin", "get_user_preferences", get_user_preferences, Access::Read, "spamassassin")),
    Registration(fn("SpamAssassin", "update_user_preference", update_user_preference, Access::Write, "spamassassin",
                    {preference_param(),
                     [] {
                       ParamSpec p = described(list_param("value"), "The values (value, value-1...); none clears it.");
                       return p;
                     }()})),
    Registration(fn("SpamAssassin", "clear_spam_box", clear_spam_box, Access::Write, "spambox")),
    Registration(fn("SpamAssassin", "get_symbolic_test_names", get_symbolic_test_names, Access::Read,
                    "spamassassin")), );

}  // namespace
}  // namespace whm
