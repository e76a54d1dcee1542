#include "account_store.hpp"

#include <algorithm>
#include <unistd.h>

#include "errors.hpp"
#include "output.hpp"
#include "kvfile.hpp"
#include "syck_yaml.hpp"
#include "util.hpp"
#include "sysusers.hpp"
#include "validate.hpp"

namespace whm {

ServerConfig load_server_config(const StateRoot& root) {
  ServerConfig c;
  if (auto h = root.read("etc/hostname")) c.hostname = trim(*h);
  if (c.hostname.empty()) {
    char buf[256] = {0};
    if (::gethostname(buf, sizeof buf - 1) == 0) c.hostname = buf;
  }
  if (auto text = root.read("etc/wwwacct.conf")) {
    auto kv = parse_key_values(*text, ' ');
    if (!kv["ADDR"].empty() && is_valid_ipv4(kv["ADDR"])) c.shared_ip = kv["ADDR"];
    if (!kv["HOMEDIR"].empty() && kv["HOMEDIR"][0] == '/') c.home_root = kv["HOMEDIR"];
    if (!kv["DEFMOD"].empty()) c.default_theme = kv["DEFMOD"];
    for (const char* k : {"NS", "NS2", "NS3", "NS4"})
      if (!kv[k].empty()) c.nameservers.push_back(kv[k]);
  } else if (auto ip = root.read("var/cpanel/mainip")) {
    if (is_valid_ipv4(trim(*ip))) c.shared_ip = trim(*ip);
  }
  while (c.home_root.size() > 1 && c.home_root.back() == '/') c.home_root.pop_back();
  return c;
}

namespace paths {
static std::string checked(const std::string& name, const char* what) {
  check_path_component(name, what);
  return name;
}
std::string cpuser(const std::string& u) { return "var/cpanel/users/" + checked(u, "username"); }
std::string cpuser_cache(const std::string& u) { return "var/cpanel/users.cache/" + checked(u, "username"); }
std::string userdata_dir(const std::string& u) { return "var/cpanel/userdata/" + checked(u, "username"); }
std::string suspended(const std::string& u) { return "var/cpanel/suspended/" + checked(u, "username"); }
std::string suspended_lock(const std::string& u) { return suspended(u) + ".lock"; }
std::string suspendinfo(const std::string& u) { return "var/cpanel/suspendinfo/" + checked(u, "username"); }
std::string bandwidth_db(const std::string& u) { return "var/cpanel/bandwidth/" + checked(u, "username") + ".sqlite"; }
std::string package(const std::string& n) { return "var/cpanel/packages/" + checked(n, "package name"); }
std::string rel_from_abs(const std::string& abs) {
  std::string rel = abs;
  while (!rel.empty() && rel[0] == '/') rel.erase(0, 1);
  for (const auto& part : split(rel, '/')) check_path_component(part, "path component");
  return rel;
}
}  // namespace paths

std::vector<std::string> AccountStore::usernames() const {
  std::vector<std::string> out;
  // Skip the special "system" file, and dot files (our temp files, editors' swap files).
  for (auto& n : root_.list_dir("var/cpanel/users"))
    if (n != "system" && n[0] != '.' && n.find('.') == std::string::npos) out.push_back(n);
  std::sort(out.begin(), out.end());
  return out;
}

size_t AccountStore::count() const {
  // etc/trueuserdomains has exactly one line per account (kept in the same
  // transaction as the cpuser files): far cheaper than listing the directory.
  if (auto text = root_.read("etc/trueuserdomains")) return static_cast<size_t>(std::count(text->begin(), text->end(), '\n'));
  size_t n = 0;
  for (const auto& name : root_.list_dir("var/cpanel/users"))
    n += name != "system" && name[0] != '.' && name.find('.') == std::string::npos;
  return n;
}

bool AccountStore::exists(const std::string& user) const {
  if (user.empty() || user == "system" || user[0] == '.' || user.find('/') != std::string::npos) return false;
  return root_.exists(paths::cpuser(user));
}

std::optional<CpUser> AccountStore::load(const std::string& user) const {
  if (user.empty() || user == "system" || user[0] == '.' || user.find('/') != std::string::npos) return std::nullopt;
  auto text = root_.read(paths::cpuser(user));
  if (!text) return std::nullopt;
  auto u = parse_cpuser(*text);
  if (u.get("USER").empty()) u.set("USER", user);
  return u;
}

CpUser AccountStore::require(const std::string& user) const {
  auto u = load(user);
  if (!u) throw ApiError("User “" + user + "” does not exist.");
  return *u;
}

std::optional<std::string> AccountStore::domain_owner(const std::string& domain) const {
  for (const auto& [d, user] : read_lookup_pairs(root_, "etc/userdomains"))
    if (d == domain && user != "nobody") return user;
  return std::nullopt;
}

std::vector<DomainRow> AccountStore::domain_rows(const std::string& user) const {
  std::vector<DomainRow> rows;
  for (const auto& [d, v] : read_lookup_pairs(root_, paths::userdata_dir(user) + "/cache"))
    rows.push_back(parse_domain_row(d, v));
  return rows;
}

std::optional<nlohmann::json> AccountStore::userdata(const std::string& user, const std::string& name) const {
  check_path_component(name, "userdata name");
  auto text = root_.read(paths::userdata_dir(user) + "/" + name);
  if (!text) return std::nullopt;
  return yaml_to_json(*text);
}

void AccountStore::save(Transaction& txn, const CpUser& u, const std::vector<DomainRow>& rows, FileOwner owner) const {
  const std::string user = u.user();
  txn.write(paths::cpuser(user), serialize_cpuser(u), 0640, {0, owner.gid});
  txn.write(paths::cpuser_cache(user), cpuser_cache_json(u), 0640, {0, owner.gid});
  AccountIndex index{u, rows};
  update_lookup_files(txn, user, &index);
}

void AccountStore::save_userdata(Transaction& txn, const std::string& user, const std::string& name,
                                 const nlohmann::json& doc, FileOwner owner) const {
  check_path_component(name, "userdata name");
  std::string dir = paths::userdata_dir(user);
  (void)owner;
  txn.write(dir + "/" + name, syck_dump(doc), 0644);
  // cPanel trusts the JSON twin when it is not older than the YAML, so it is
  // always rewritten together with the YAML (written second: newer mtime).
  std::string cache_name = ends_with(name, ".yaml") ? name.substr(0, name.size() - 5) + ".cache" : name + ".cache";
  txn.write(dir + "/" + cache_name, json_text(doc) + "\n", 0644);
}

void AccountStore::save_userdata_cache(Transaction& txn, const std::string& user, const std::vector<DomainRow>& rows) const {
  std::string text;
  auto json = nlohmann::json::object();
  auto sorted = rows;
  std::sort(sorted.begin(), sorted.end(), [](const DomainRow& a, const DomainRow& b) { return a.domain < b.domain; });
  for (const auto& r : sorted) {
    text += r.domain + ": " + r.cache_line_value() + "\n";
    json[r.domain] = r.fields();
  }
  txn.write(paths::userdata_dir(user) + "/cache", text, 0644);
  txn.write(paths::userdata_dir(user) + "/cache.json", json_text(json) + "\n", 0644);
}

std::string listaccts_date(std::time_t t) { return format_time(t, "%y %b %d %H:%M"); }

bool CpanelAccount::owns_domain(const std::string& domain) const {
  return std::find(domains.begin(), domains.end(), to_lower(domain)) != domains.end();
}

CpanelAccount load_cpanel_account(const StateRoot& root, const std::string& user) {
  if (user.empty()) throw ApiError("You must specify the cPanel account with --user=USERNAME.");
  check_path_component(user, "user");
  AccountStore store(root);
  auto cpuser = store.load(user);
  if (!cpuser) throw ApiError("The user “" + user + "” is not a cPanel account on this server.");
  Transaction view(root);
  SystemUsers sys;
  sys.load(view);
  const PasswdEntry pw = sys.require_user(user);
  CpanelAccount a;
  a.user = user;
  a.main_domain = cpuser->main_domain();
  a.domains = cpuser->all_domains();
  a.home = pw.home;
  a.owner = {static_cast<uid_t>(parse_int(pw.uid).value_or(-1)), static_cast<gid_t>(parse_int(pw.gid).value_or(-1))};
  a.suspended = cpuser->suspended();
  return a;
}

}  // namespace whm
