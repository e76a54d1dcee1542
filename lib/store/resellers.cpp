#include "resellers.hpp"

#include <algorithm>

#include "account_lifecycle.hpp"
#include "account_store.hpp"
#include "errors.hpp"
#include "output.hpp"
#include "state.hpp"
#include "syck_yaml.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {

namespace {
const char* kResellers = "var/cpanel/resellers";
const char* kNameservers = "var/cpanel/resellers-nameservers";
const char* kLimits = "var/cpanel/reseller-limits.yaml";
const char* kLimitsCache = "var/cpanel/reseller-limits.cache";
const char* kPackageLimits = "var/cpanel/package-limits.yaml";
const char* kPackageLimitsCache = "var/cpanel/package-limits.cache";

// "user:a,b,c" lines -> map. Lines without a colon are skipped; with
// `problems`, listed (as are a user given twice, a NUL byte, a last line cut off).
std::map<std::string, std::vector<std::string>> parse_colon_lists(const std::string& text,
                                                                  FileProblems* problems = nullptr) {
  std::map<std::string, std::vector<std::string>> out;
  for_each_checked_line(text, problems, [&](size_t number, std::string_view line) {
    auto colon = line.find(':');
    if (line.empty() || line[0] == '#') return;
    if (colon == std::string_view::npos) {
      if (problems) problems->push_back(line_problem(number, "is not “USER:ITEM,ITEM,...”"));
      return;
    }
    std::vector<std::string> items;
    for (auto& item : split(line.substr(colon + 1), ','))
      if (!trim(item).empty()) items.push_back(trim(item));
    const std::string user(line.substr(0, colon));
    if (problems && out.count(user)) problems->push_back(line_problem(number, "repeats the user “" + user + "”"));
    out[user] = items;
  });
  return out;
}

std::map<std::string, std::vector<std::string>> read_colon_lists(const Transaction& txn, const char* rel) {
  return parse_colon_lists(txn.read(rel).value_or(""));
}

FileProblems colon_list_problems(const std::string& text) {
  FileProblems problems;
  parse_colon_lists(text, &problems);
  return problems;
}

// Whatever a rewrite would replace must have been read completely.
template <class ProblemsOf>
void refuse_to_replace_damaged(const Transaction& txn, const char* rel, ProblemsOf problems_of) {
  if (auto current = txn.read(rel)) refuse_if_damaged(rel, problems_of(*current));
}

void write_colon_lists(Transaction& txn, const char* rel, const std::map<std::string, std::vector<std::string>>& m) {
  refuse_to_replace_damaged(txn, rel, colon_list_problems);
  std::string text;
  for (const auto& [user, items] : m) text += user + ":" + join(items, ",") + "\n";
  txn.write(rel, text, 0644);
}

// For reading, leniently: a store that is not a mapping reads as empty. A
// store that does not parse at all is refused, naming the file.
nlohmann::json read_yaml_store(const Transaction& txn, const char* rel) {
  auto text = txn.read(rel);
  if (!text) return nlohmann::json::object();
  nlohmann::json j;
  try {
    j = yaml_to_json(*text);
  } catch (const ApiError& e) {
    throw ApiError("The file “" + server_path(rel) + "” cannot be read: " + e.what());
  }
  return j.is_object() ? j : nlohmann::json::object();
}

void write_yaml_store(Transaction& txn, const char* rel, const char* cache_rel, const nlohmann::json& j) {
  refuse_to_replace_damaged(txn, rel, yaml_mapping_problems);
  txn.write(rel, syck_dump(j), 0644);
  txn.write(cache_rel, json_text(j) + "\n", 0644);  // rewritten with the YAML so it is never stale
}

// `table` with the entry of `from` under `to`; false if there was none.
template <class Table>
bool move_key(Table& table, const std::string& from, const std::string& to) {
  if (!table.count(from)) return false;
  auto value = table[from];
  table.erase(from);
  table[to] = value;
  return true;
}

// One owned account handed from reseller `from` to `to`.
void stage_new_owner(const AccountStore& store, Transaction& txn, const std::string& user, const std::string& from,
                     const std::string& to) {
  CpUser u = store.require(user);
  u.set("OWNER", to);
  auto rows = store.domain_rows(user);
  for (auto& r : rows)
    if (r.owner == from) r.owner = to;
  for (const auto& name : store.root().list_dir(paths::userdata_dir(user)))
    if (!is_derived_userdata(name))
      if (auto doc = store.userdata(user, name); doc && doc->is_object() && doc->value("owner", "") == from) {
        (*doc)["owner"] = to;
        store.save_userdata(txn, user, name, *doc, {});
      }
  store.save_userdata_cache(txn, user, rows);
  save_account(store, txn, u, rows);
}
}  // namespace

void stage_reseller_grant(Transaction& txn, const std::string& user) {
  auto table = read_resellers(txn);
  if (table.emplace(user, std::set<std::string>{}).second) write_resellers(txn, table);
}

void stage_reseller_revoke(const StateRoot& root, Transaction& txn, const std::string& user, bool reassign_accounts) {
  auto table = read_resellers(txn);
  if (table.erase(user)) write_resellers(txn, table);
  auto ns = read_reseller_nameservers(txn);
  if (ns.erase(user)) write_reseller_nameservers(txn, ns);
  auto limits = read_reseller_limits(txn);
  if (limits.erase(user)) write_reseller_limits(txn, limits);
  auto pkg_limits = read_package_limits(txn);
  if (pkg_limits.erase(user)) write_package_limits(txn, pkg_limits);
  for (const auto& rel : {"var/cpanel/mainips/" + user, "var/cpanel/dips/" + user})
    if (txn.exists(rel)) txn.remove(rel);
  if (!reassign_accounts) return;
  AccountStore store(root);
  for (const auto& name : store.usernames())
    if (name != user && store.require(name).get("OWNER") == user) stage_new_owner(store, txn, name, user, "root");
}

void stage_reseller_rename(const StateRoot& root, Transaction& txn, const std::string& from, const std::string& to) {
  auto table = read_resellers(txn);
  if (move_key(table, from, to)) write_resellers(txn, table);
  auto ns = read_reseller_nameservers(txn);
  if (move_key(ns, from, to)) write_reseller_nameservers(txn, ns);
  auto limits = read_reseller_limits(txn);
  if (move_key(limits, from, to)) write_reseller_limits(txn, limits);
  auto pkg_limits = read_package_limits(txn);
  if (move_key(pkg_limits, from, to)) write_package_limits(txn, pkg_limits);
  for (const char* dir : {"var/cpanel/mainips/", "var/cpanel/dips/"}) move_existing(root, txn, dir + from, dir + to);
  AccountStore store(root);
  for (const auto& name : store.usernames())
    if (name != from && store.require(name).get("OWNER") == from) stage_new_owner(store, txn, name, from, to);
}

const std::vector<std::string>& known_acls() {
  static const std::vector<std::string> acls = {"acct-summary",
                                                "add-pkg",
                                                "add-pkg-ip",
                                                "add-pkg-shell",
                                                "all",
                                                "allow-addoncreate",
                                                "allow-emaillimits-pkgs",
                                                "allow-parkedcreate",
                                                "allow-shell",
                                                "allow-unlimited-bw-pkgs",
                                                "allow-unlimited-disk-pkgs",
                                                "allow-unlimited-pkgs",
                                                "assign-root-account-enhancements",
                                                "basic-system-info",
                                                "basic-whm-functions",
                                                "clustering",
                                                "connected-applications",
                                                "cors-proxy-get",
                                                "cpanel-api",
                                                "cpanel-integration",
                                                "create-acct",
                                                "create-dns",
                                                "create-user-session",
                                                "demo-setup",
                                                "digest-auth",
                                                "edit-account",
                                                "edit-dns",
                                                "edit-mx",
                                                "edit-pkg",
                                                "file-restore",
                                                "generate-email-config",
                                                "kill-acct",
                                                "kill-dns",
                                                "limit-bandwidth",
                                                "list-accts",
                                                "list-pkgs",
                                                "locale-edit",
                                                "mailcheck",
                                                "manage-api-tokens",
                                                "manage-dns-records",
                                                "manage-oidc",
                                                "manage-styles",
                                                "mysql-info",
                                                "news",
                                                "ns-config",
                                                "park-dns",
                                                "passwd",
                                                "public-contact",
                                                "quota",
                                                "rearrange-accts",
                                                "resftp",
                                                "restart",
                                                "show-bandwidth",
                                                "ssl",
                                                "ssl-buy",
                                                "ssl-gencrt",
                                                "ssl-info",
                                                "stats",
                                                "status",
                                                "suspend-acct",
                                                "thirdparty",
                                                "track-email",
                                                "upgrade-account",
                                                "viewglobalpackages"};
  return acls;
}

AclTable read_resellers(const Transaction& txn) {
  AclTable out;
  for (auto& [user, acls] : read_colon_lists(txn, kResellers)) out[user] = {acls.begin(), acls.end()};
  return out;
}

void write_resellers(Transaction& txn, const AclTable& table) {
  std::map<std::string, std::vector<std::string>> m;
  for (const auto& [user, acls] : table) m[user] = {acls.begin(), acls.end()};  // sorted, as cPanel writes them
  write_colon_lists(txn, kResellers, m);
}

bool is_reseller(const Transaction& txn, const std::string& user) { return read_resellers(txn).count(user) > 0; }

std::vector<DamagedFile> damaged_reseller_files(const Transaction& txn) {
  std::vector<DamagedFile> out;
  const std::pair<const char*, FileProblems (*)(const std::string&)> files[] = {
      {kResellers, colon_list_problems},
      {kNameservers, colon_list_problems},
      {kLimits, yaml_mapping_problems},
      {kPackageLimits, yaml_mapping_problems}};
  for (const auto& [rel, problems_of] : files)
    if (auto text = txn.read(rel))
      if (auto problems = problems_of(*text); !problems.empty()) out.push_back({rel, problems});
  return out;
}

std::map<std::string, std::vector<std::string>> read_reseller_nameservers(const Transaction& txn) {
  return read_colon_lists(txn, kNameservers);
}

void write_reseller_nameservers(Transaction& txn, const std::map<std::string, std::vector<std::string>>& ns) {
  write_colon_lists(txn, kNameservers, ns);
}

nlohmann::json read_reseller_limits(const Transaction& txn) { return read_yaml_store(txn, kLimits); }
void write_reseller_limits(Transaction& txn, const nlohmann::json& limits) {
  write_yaml_store(txn, kLimits, kLimitsCache, limits);
}
nlohmann::json read_package_limits(const Transaction& txn) { return read_yaml_store(txn, kPackageLimits); }
void write_package_limits(Transaction& txn, const nlohmann::json& limits) {
  write_yaml_store(txn, kPackageLimits, kPackageLimitsCache, limits);
}

std::optional<long long> account_limit(const Transaction& txn, const std::string& reseller) {
  auto limits = read_reseller_limits(txn);
  auto n = limits.value(reseller, nlohmann::json::object())
               .value("limits", nlohmann::json::object())
               .value("number_of_accounts", nlohmann::json::object());
  if (!n.is_object() || n.value("enabled", 0) != 1) return std::nullopt;
  auto accounts = n.value("accounts", nlohmann::json(nullptr));
  if (accounts.is_number_integer()) return accounts.get<long long>();
  if (accounts.is_string()) return parse_int(accounts.get<std::string>());
  return std::nullopt;
}

}  // namespace whm
