// Hosting Plans: what WHM offers — its applications, as the WHM theme's
// dynamicui files list them (get_available_applications) — and the
// in-product survey banner (get_in_product_survey_url).
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "notices.hpp"
#include "registry.hpp"
#include "user_dir.hpp"
#include "util.hpp"

namespace whm {
namespace {

// ---------------------------------------------------------------- applications

// WHM's default theme. Its dynamicui.conf is a JSON array of hashes, each a
// "group", an "image" (an application; the default type), a "subitem" of
// one, or "raw" template text; plugins add theirs as dynamicui/*.conf.
constexpr const char* kThemeDir = "usr/local/cpanel/whostmgr/docroot/themes/x";
constexpr const char* kDefaultFile = "dynamicui.conf";

// The hashes of one dynamicui file; damage is reported, and the hashes that
// could be read are used.
std::vector<nlohmann::json> dynamicui_entries(const StateRoot& root, const std::string& rel) {
  std::vector<nlohmann::json> out;
  auto text = root.read(rel);
  if (!text) return out;
  auto doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_array()) {
    add_notice("The file “/" + rel + "” is not a JSON array of hashes; its applications are left out.");
    return out;
  }
  for (auto& entry : doc)
    if (entry.is_object()) out.push_back(std::move(entry));
  return out;
}

std::string type_of(const nlohmann::json& entry) {
  auto it = entry.find("type");
  return it != entry.end() && it->is_string() ? it->get<std::string>() : "image";
}

std::string text_of(const nlohmann::json& entry, const char* key) {
  auto it = entry.find(key);
  if (it == entry.end()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

long long order_of(const nlohmann::json& entry, const char* key) {
  auto it = entry.find(key);
  if (it != entry.end() && it->is_number_integer()) return it->get<long long>();
  return it != entry.end() && it->is_string() ? parse_int(it->get<std::string>()).value_or(0) : 0;
}

// An entry's "acl" ("ACL=all", "ACL=create-acct,ACL=list-accts"): root and
// "all" see every entry; a reseller those that name a privilege it holds.
bool visible_to(const Caller& caller, const nlohmann::json& entry) {
  if (caller.privileged) return true;
  const std::string acl = text_of(entry, "acl");
  if (acl.empty()) return true;
  for (const auto& term : split(acl, ','))
    if (starts_with(trim(term), "ACL=") && caller.has(trim(term).substr(4))) return true;
  return false;
}

// "create_acct" for an entry whose file is "create_acct.png": the names
// applications_list takes.
std::string application_name(const nlohmann::json& entry) {
  const std::string file = text_of(entry, "file");
  return file.substr(0, file.rfind('.'));
}

Response get_available_applications(Context& ctx, const Request& req) {
  const std::string file = req.get_or("file", kDefaultFile);
  try {
    relative_path_parts(file);
  } catch (const ApiError&) {
    throw invalid_param("file",
                        "it must be a path relative to /" + std::string(kThemeDir) + "/, without “..” components.");
  }
  const std::string rel = std::string(kThemeDir) + "/" + file;
  if (!ctx.root.exists(rel)) throw ApiError("The dynamicui file “/" + rel + "” does not exist.");
  std::vector<nlohmann::json> entries = dynamicui_entries(ctx.root, rel);
  if (file == kDefaultFile)
    for (const auto& name : ctx.root.list_dir(std::string(kThemeDir) + "/dynamicui"))
      if (ends_with(name, ".conf"))
        for (auto& e : dynamicui_entries(ctx.root, std::string(kThemeDir) + "/dynamicui/" + name))
          entries.push_back(std::move(e));

  std::set<std::string> wanted;
  if (auto list = req.get("applications_list"))
    for (const auto& name : split(*list, ','))
      if (!trim(name).empty()) wanted.insert(trim(name));

  nlohmann::json groups = nlohmann::json::array(), raw = nlohmann::json::array();
  for (const auto& e : entries) {
    if (type_of(e) == "raw") raw.push_back(e);
    if (type_of(e) != "group" || !visible_to(ctx.rights, e)) continue;
    nlohmann::json group = e;
    group["items"] = nlohmann::json::array();
    for (const auto& item : entries) {
      if (type_of(item) != "image" || text_of(item, "group") != text_of(e, "group") || !visible_to(ctx.rights, item))
        continue;
      if (!wanted.empty() && !wanted.count(application_name(item))) continue;
      nlohmann::json app = item;
      // A subitem belongs to the application with its key.
      for (const auto& sub : entries)
        if (type_of(sub) == "subitem" && text_of(sub, "key") == text_of(item, "key") && visible_to(ctx.rights, sub))
          app["subitems"].push_back(sub);
      group["items"].push_back(std::move(app));
    }
    if (!wanted.empty() && group["items"].empty()) continue;
    std::stable_sort(group["items"].begin(), group["items"].end(),
                     [](const auto& a, const auto& b) { return order_of(a, "itemorder") < order_of(b, "itemorder"); });
    groups.push_back(std::move(group));
  }
  std::stable_sort(groups.begin(), groups.end(),
                   [](const auto& a, const auto& b) { return order_of(a, "grouporder") < order_of(b, "grouporder"); });
  Response r;
  r.data = {{"groups", groups}, {"raw", raw}};
  return r;
}

// ---------------------------------------------------------------- survey

// The survey an administrator (or cPanel's feed) has put in place, a JSON
// object: "link" (a URL template), "max_dismiss", "submit_event". Where it
// is kept on a cPanel server is not documented: whmkit reads this file.
constexpr const char* kSurveyFile = "var/cpanel/in_product_survey.json";
// The server's id, as cPanel keeps it for its analytics.
constexpr const char* kServerUuidFile = "var/cpanel/cpanel.uuid";

// The link with {version}, {server_uuid}, {user} and {server_type} filled in
// from the server's facts (each percent-encoded).
std::string survey_link(const std::string& tmpl, const std::map<std::string, std::string>& facts) {
  std::string out;
  for (size_t i = 0; i < tmpl.size();) {
    size_t close = tmpl[i] == '{' ? tmpl.find('}', i) : std::string::npos;
    auto fact = close == std::string::npos ? facts.end() : facts.find(tmpl.substr(i + 1, close - i - 1));
    if (fact != facts.end()) {
      out += uri_encode(fact->second);
      i = close + 1;
    } else {
      out += tmpl[i++];
    }
  }
  return out;
}

// No survey in place: empty data, as the reference shows it.
Response get_in_product_survey_url(Context& ctx, const Request&) {
  Response r;
  r.data = nlohmann::json::object();
  auto text = ctx.root.read(kSurveyFile);
  if (!text) return r;
  auto survey = nlohmann::json::parse(*text, nullptr, false);
  if (survey.is_discarded() || !survey.is_object() || text_of(survey, "link").empty()) {
    add_notice("The file “/" + std::string(kSurveyFile) + "” is not a JSON object with a “link”; no survey is shown.");
    return r;
  }
  const std::map<std::string, std::string> facts = {
      {"version", WHMKIT_VERSION},
      {"server_uuid", trim(ctx.root.read(kServerUuidFile).value_or(""))},
      {"user", ctx.caller},
      {"server_type", "whm"},
  };
  const std::string link = survey_link(text_of(survey, "link"), facts);
  for (unsigned char c : link)
    if (c < 0x20 || c == 0x7f) {
      add_notice("The survey link in “/" + std::string(kSurveyFile) +
                 "” holds a control character; no survey is shown.");
      return r;
    }
  r.data = {{"display", "1"},
            {"link", link},
            {"max_dismiss", text_of(survey, "max_dismiss")},
            {"server_type", "whm"},
            {"submit_event", text_of(survey, "submit_event")},
            {"user_type", "whm"}};
  return r;
}

WHMKIT_REGISTRATIONS(
    registrations,
    Registration({"get_available_applications", get_available_applications, Access::Read, any_reseller()}),
    Registration({"get_in_product_survey_url", get_in_product_survey_url, Access::Read, any_reseller()}), );

}  // namespace
}  // namespace whm
