// Hosting plans: addpkg, editpkg, killpkg, listpkgs, getpkginfo, matchpkgs,
// changepackage, addpkgext, delpkgext, _getpkgextensionform.
#include <algorithm>

#include "account_common.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "package_extensions.hpp"
#include "packages.hpp"
#include "plan_params.hpp"
#include "registry.hpp"
#include "util.hpp"

namespace whm {
namespace {

// Plan parameters (as addpkg/editpkg take them) and the package keys they set.
struct PlanParam {
  const char* param;
  const char* key;
  enum Kind { Limit, YesNo, Text } kind;
};
const std::vector<PlanParam>& plan_params() {
  static const std::vector<PlanParam> p = {
      {"bwlimit", "BWLIMIT", PlanParam::Limit},
      {"quota", "QUOTA", PlanParam::Limit},
      {"maxftp", "MAXFTP", PlanParam::Limit},
      {"maxsql", "MAXSQL", PlanParam::Limit},
      {"maxpop", "MAXPOP", PlanParam::Limit},
      {"maxlst", "MAXLST", PlanParam::Limit},
      {"maxsub", "MAXSUB", PlanParam::Limit},
      {"maxpark", "MAXPARK", PlanParam::Limit},
      {"maxaddon", "MAXADDON", PlanParam::Limit},
      {"maxpassengerapps", "MAXPASSENGERAPPS", PlanParam::Limit},
      {"max_emailacct_quota", "MAX_EMAILACCT_QUOTA", PlanParam::Limit},
      {"max_email_per_hour", "MAX_EMAIL_PER_HOUR", PlanParam::Limit},
      {"MAX_EMAIL_PER_HOUR", "MAX_EMAIL_PER_HOUR", PlanParam::Limit},
      {"max_defer_fail_percentage", "MAX_DEFER_FAIL_PERCENTAGE", PlanParam::Limit},
      {"MAX_DEFER_FAIL_PERCENTAGE", "MAX_DEFER_FAIL_PERCENTAGE", PlanParam::Limit},
      {"max_team_users", "MAX_TEAM_USERS", PlanParam::Limit},
      {"cgi", "CGI", PlanParam::YesNo},
      {"hasshell", "HASSHELL", PlanParam::YesNo},
      {"digestauth", "DIGESTAUTH", PlanParam::YesNo},
      {"ip", "IP", PlanParam::Text},
      {"cpmod", "CPMOD", PlanParam::Text},
      {"featurelist", "FEATURELIST", PlanParam::Text},
      {"language", "LANG", PlanParam::Text},
      {"_PACKAGE_EXTENSIONS", "_PACKAGE_EXTENSIONS", PlanParam::Text},
  };
  return p;
}

std::vector<ParamSpec> plan_param_specs() {
  std::vector<ParamSpec> specs;
  for (const auto& p : plan_params()) {
    if (p.kind == PlanParam::Limit) {
      auto limit = make_param(p.param, ParamType::IntOrUnlimited);
      limit.max = plan_limit_max(p.key);
      specs.push_back(limit);
    }
    if (p.kind == PlanParam::YesNo) specs.push_back(make_param(p.param, ParamType::Boolean));
  }
  auto team = make_param("max_team_users", ParamType::Integer);
  team.min = 0;
  team.max = 7;
  specs.push_back(team);
  return specs;
}

}  // namespace

void apply_plan_params(const StateRoot& root, KeyValues& pkg, const Request& req) {
  for (const auto& p : plan_params()) {
    auto v = req.single_line(p.param);
    if (!v) continue;
    switch (p.kind) {
      case PlanParam::Limit: pkg[p.key] = normalize_limit(*v); break;
      case PlanParam::YesNo: pkg[p.key] = *v == "1" ? "y" : "n"; break;
      case PlanParam::Text: pkg[p.key] = *v; break;
    }
  }
  if (pkg["IP"] != "y" && pkg["IP"] != "n") throw invalid_param("ip", "use y or n.");
  check_plan_names(root, pkg);
  for (const auto& ext : split(pkg["_PACKAGE_EXTENSIONS"], ' '))
    if (!ext.empty()) {
      check_path_component(ext, "package extension");
      if (!root.exists("var/cpanel/packages/extensions/" + ext))
        throw ApiError("The package extension “" + ext + "” is not installed.");
    }
}

namespace {

// The plan file named by the request's `param`; a bad name is refused naming the parameter.
std::string package_rel(const Request& req, const std::string& param) {
  const std::string name = req.get_or(param, "");
  if (auto why = package_name_error(name)) throw invalid_param(param, *why);
  return "var/cpanel/packages/" + name;
}

// Every account on `plan` takes the plan's (new) values, in the same transaction.
int apply_plan_to_accounts(const StateRoot& root, Transaction& txn, const std::string& plan, const KeyValues& pkg,
                           bool shell_changed) {
  AccountStore store(root);
  SystemUsers sys;
  sys.load(txn);
  int changed = 0;
  for (const auto& name : store.usernames()) {
    auto u = store.load(name);
    if (!u || u->get("PLAN") != plan) continue;
    apply_package(*u, pkg, plan);
    auto pw = sys.user(name);
    if (shell_changed && pw && !u->suspended())
      sys.passwd.upsert({pw->name, pw->password, pw->uid, pw->gid, pw->gecos, pw->home,
                         pkg.at("HASSHELL") == "y" ? "/bin/bash" : kNoShell});
    store.save(txn, *u, store.domain_rows(name), pw ? owner_of(*pw) : FileOwner{});
    ++changed;
  }
  sys.save(txn);
  return changed;
}

nlohmann::json typed(const std::string& v) {
  if (auto n = parse_int(v); n && (v == "0" || v[0] != '0')) return *n;
  return v;
}

// A plan as listpkgs/getpkginfo print it: numbers as numbers.
nlohmann::json package_json(const KeyValues& pkg) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : pkg) j[k] = k == "_PACKAGE_EXTENSIONS" ? nlohmann::json(v) : typed(v);
  return j;
}

// Writes a plan file and answers as addpkg and friends do: {"pkg": name}.
Response save_package(const StateRoot& root, const std::string& name, const KeyValues& pkg) {
  Transaction txn(root);
  txn.write(paths::package(name), serialize_package(pkg), 0644);
  txn.commit();
  Response r;
  r.data = {{"pkg", name}};
  return r;
}

Response addpkg(Context& ctx, const Request& req) {
  std::string name = *req.get("name");
  std::string rel = package_rel(req, "name");
  if (ctx.root.exists(rel)) throw ApiError("The package “" + name + "” already exists.");
  KeyValues pkg = package_defaults();
  apply_plan_params(ctx.root, pkg, req);
  return save_package(ctx.root, name, pkg);
}

Response editpkg(Context& ctx, const Request& req) {
  std::string name = *req.get("name");
  std::string rel = package_rel(req, "name");
  KeyValues pkg = ctx.root.exists(rel) ? load_package(ctx.root, name) : package_defaults();
  std::string old_shell = pkg["HASSHELL"];
  apply_plan_params(ctx.root, pkg, req);
  Transaction txn(ctx.root);
  txn.write(rel, serialize_package(pkg), 0644);
  int accounts = apply_plan_to_accounts(ctx.root, txn, name, pkg, old_shell != pkg["HASSHELL"]);
  txn.commit();
  Response r;
  r.data = {{"pkg", name}};
  r.metadata["output"] = {
      {"raw", "Updated the package “" + name + "” and " + std::to_string(accounts) + " account(s) using it.\n"}};
  return r;
}

Response killpkg(Context& ctx, const Request& req) {
  std::string name = *req.get("pkgname");
  std::string rel = package_rel(req, "pkgname");
  if (!ctx.root.exists(rel)) throw ApiError("The package “" + name + "” does not exist.");
  AccountStore store(ctx.root);
  int users = 0;
  for (const auto& u : store.usernames())
    if (auto cp = store.load(u); cp && cp->get("PLAN") == name) ++users;
  if (users)
    throw ApiError("The package “" + name + "” is in use by " + std::to_string(users) +
                   " account(s); change their plan first.");
  Transaction txn(ctx.root);
  txn.remove(rel);
  txn.commit();
  return {};
}

// data.pkg: every package for which `wanted` holds.
Response package_list(const Context& ctx, const std::function<bool(const KeyValues&)>& wanted) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& name : package_names(ctx.root)) {
    if (!ctx.rights.sees_package(name)) continue;  // a reseller lists its own plans
    auto text = ctx.root.read("var/cpanel/packages/" + name);
    if (!text) continue;
    KeyValues pkg = parse_key_values(*text);
    if (!wanted(pkg)) continue;
    auto j = package_json(pkg);
    j["name"] = name;
    list.push_back(j);
  }
  Response r;
  r.data = {{"pkg", list}};
  return r;
}

Response listpkgs(Context& ctx, const Request&) {
  return package_list(ctx, [](const KeyValues&) { return true; });
}

Response getpkginfo(Context& ctx, const Request& req) {
  std::string name = *req.get("pkg");
  auto text = ctx.root.read(package_rel(req, "pkg"));
  if (!text) throw ApiError("The package “" + name + "” does not exist.");
  nlohmann::json j = package_json(parse_key_values(*text));
  for (const char* yn : {"CGI", "HASSHELL", "IP"})  // shown as 1/0, as the reference's sample does
    if (j.contains(yn) && j[yn].is_string()) j[yn] = j[yn] == "y" ? 1 : 0;
  Response r;
  r.data = {{"pkg", j}};
  return r;
}

Response matchpkgs(Context& ctx, const Request& req) {
  return package_list(ctx, [&](const KeyValues& pkg) {
    for (const auto& [key, values] : req.args) {
      std::string want = values.back();
      if ((key == "CGI" || key == "HASSHELL") && (want == "1" || want == "0")) want = want == "1" ? "y" : "n";
      auto it = pkg.find(key);
      if (it == pkg.end() || to_lower(it->second) != to_lower(want)) return false;
    }
    return true;
  });
}

Response changepackage(Context& ctx, const Request& req) {
  std::string user = *req.get("user"), plan = *req.get("pkg");
  package_rel(req, "pkg");
  AccountStore store(ctx.root);
  CpUser u = store.require(user);
  KeyValues pkg = load_package(ctx.root, plan);
  // A plan written by hand (or before these checks) may name what does not exist.
  try {
    check_plan_names(ctx.root, pkg);
  } catch (const ValidationError& e) {
    throw ApiError("The package “" + plan + "” cannot be applied: " + e.what());
  }
  Transaction txn(ctx.root);
  SystemUsers sys;
  sys.load(txn);
  const PasswdEntry pw = sys.require_user(user);
  auto changes = apply_package(u, pkg, plan);
  std::string shell = pkg["HASSHELL"] == "y" ? "/bin/bash" : kNoShell;
  if (!u.suspended() && pw.shell != shell) {
    sys.passwd.upsert({pw.name, pw.password, pw.uid, pw.gid, pw.gecos, pw.home, shell});
    changes.push_back(pkg["HASSHELL"] == "y" ? "Enabling Shell Access" : "Removing Shell Access");
  }
  u.set("MTIME", std::to_string(now()));
  sys.save(txn);
  store.save(txn, u, store.domain_rows(user), owner_of(pw));
  txn.commit();
  Response r;
  r.metadata["output"] = {{"raw", join(changes, "\n") + (changes.empty() ? "" : "\n")}};
  return r;
}

Response addpkgext(Context& ctx, const Request& req) {
  std::string name = *req.get("name");
  std::string rel = package_rel(req, "name");
  if (!ctx.root.exists(rel)) throw ApiError("The package “" + name + "” does not exist.");
  KeyValues pkg = read_package_file(ctx.root, name);
  auto exts = split(pkg["_PACKAGE_EXTENSIONS"], ' ');
  exts.erase(std::remove(exts.begin(), exts.end(), ""), exts.end());
  for (const auto& ext : split(*req.get("_PACKAGE_EXTENSIONS"), ' ')) {
    if (ext.empty()) continue;
    check_path_component(ext, "package extension");
    auto defaults = ctx.root.read("var/cpanel/packages/extensions/" + ext);
    if (!defaults) throw ApiError("The package extension “" + ext + "” is not installed.");
    if (std::find(exts.begin(), exts.end(), ext) == exts.end()) exts.push_back(ext);
    // The extension's file holds its settings' defaults ("<ext>_key=value").
    for (const auto& [k, v] : parse_key_values(*defaults))
      if (starts_with(k, ext + "_") && !pkg.count(k)) pkg[k] = v;
  }
  pkg["_PACKAGE_EXTENSIONS"] = join(exts, " ");
  return save_package(ctx.root, name, pkg);
}

Response delpkgext(Context& ctx, const Request& req) {
  std::string name = *req.get("name");
  std::string rel = package_rel(req, "name");
  if (!ctx.root.exists(rel)) throw ApiError("The package “" + name + "” does not exist.");
  KeyValues pkg = read_package_file(ctx.root, name);
  auto removed = split(*req.get("_DELETE_EXTENSIONS"), ' ');
  std::vector<std::string> kept;
  for (const auto& e : split(pkg["_PACKAGE_EXTENSIONS"], ' '))
    if (!e.empty() && std::find(removed.begin(), removed.end(), e) == removed.end()) kept.push_back(e);
  for (const auto& ext : removed)
    for (auto it = pkg.begin(); it != pkg.end();)
      it = (!ext.empty() && starts_with(it->first, ext + "_")) ? pkg.erase(it) : std::next(it);
  pkg["_PACKAGE_EXTENSIONS"] = join(kept, " ");
  return save_package(ctx.root, name, pkg);
}

// The plan editor's form for the plan's extensions: each extension's
// template (<ext>.tt2) rendered with the plan's values, in a box titled with
// the extension's name. Only metadata when the plan has no extension or
// every template renders empty.
Response getpkgextensionform(Context& ctx, const Request& req) {
  Response r;
  if (!ctx.root.exists(package_extensions::kDir)) return r;
  const std::string name = req.get_or("pkg", "");
  if (name.empty() || package_name_error(name) || !package_exists(ctx.root, name)) {
    r.ok = false;
    r.reason = "Package " + name + " not found!";
    return r;
  }
  const KeyValues pkg = load_package(ctx.root, name);
  std::string html;
  for (const auto& ext : split(pkg.count("_PACKAGE_EXTENSIONS") ? pkg.at("_PACKAGE_EXTENSIONS") : "", ' ')) {
    if (ext.empty()) continue;
    const std::string rel = extension_template_rel(ext);
    const auto text = ctx.root.read(rel);
    if (!text) {
      r.ok = false;
      r.reason = "Template for extension " + ext + " not found!";
      r.data = {{"html", "<h3>Template for extension " + ext + " not found!</h3>"}};
      return r;
    }
    KeyValues values = extension_defaults(ctx.root, ext);  // under the plan's own values
    for (const auto& [key, value] : pkg) values[key] = value;
    const std::string form = render_extension_template(rel, *text, values);
    if (form.empty()) continue;
    html += "<div class=\"fatBorder\" id=\"" + ext + "_Extension\">\n<fieldset class=\"groupEditor\">\n" +
            "<div class=\"propertyGroup\">\n<h3>" + extension_display_name(ctx.root, ext) + "</h3>\n" + form +
            "</div>\n</fieldset>\n</div>\n";
  }
  if (!html.empty()) r.data = {{"html", html}};
  return r;
}

WHMKIT_REGISTRATIONS(
    registrations,
    Registration({"addpkg", addpkg, Access::Write, needs("add-pkg", {package("name")}), plan_param_specs()}),
    Registration({"editpkg", editpkg, Access::Write, needs("edit-pkg", {package("name")}), plan_param_specs()}),
    Registration({"killpkg", killpkg, Access::Write, needs("edit-pkg", {package("pkgname")})}),
    Registration({"listpkgs", listpkgs, Access::Read, needs("list-pkgs")}),
    Registration({"getpkginfo", getpkginfo, Access::Read, needs("list-pkgs", {package("pkg")})}),
    Registration({"matchpkgs", matchpkgs, Access::Read, needs("list-pkgs")}),
    Registration({"changepackage", changepackage, Access::Write,
                  needs("upgrade-account", {account("user"), package("pkg")})}),
    Registration({"addpkgext", addpkgext, Access::Write, root_only()}),
    Registration({"delpkgext", delpkgext, Access::Write, root_only()}),
    Registration({"_getpkgextensionform", getpkgextensionform, Access::Read, needs("list-pkgs", {package("pkg")})}), );

}  // namespace
}  // namespace whm
