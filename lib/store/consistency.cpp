#include "consistency.hpp"

#include <filesystem>
#include <set>

#include "account_store.hpp"
#include "dns_store.hpp"
#include "lookup.hpp"
#include "state.hpp"
#include "sysusers.hpp"
#include "util.hpp"

namespace fs = std::filesystem;

namespace whm {

namespace {

bool is_leftover_name(const std::string& name) {
  return starts_with(name, ".whmkit-tmp.") || starts_with(name, ".whmkit-new-") || starts_with(name, ".whmkit-removed-") ||
         ends_with(name, ".whmkit-new") || starts_with(name, ".whmkit.journal");
}

// Walks the state root, but not into account homes (users' own files).
void find_leftovers(const StateRoot& root, const std::string& home_root_rel, CheckReport& report) {
  std::error_code ec;
  auto it = fs::recursive_directory_iterator(root.root(), fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::string rel = fs::relative(it->path(), root.root(), ec).string();
    std::string name = it->path().filename().string();
    if (is_leftover_name(name)) report.problems.push_back("Leftover from an interrupted change: " + rel);
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      auto parent = fs::path(rel).parent_path().string();
      if (parent == home_root_rel || rel == "proc" || rel == "sys" || rel == "dev") it.disable_recursion_pending();
    }
  }
}

std::vector<AccountIndex> load_accounts(const AccountStore& store) {
  std::vector<AccountIndex> out;
  for (const auto& user : store.usernames())
    if (auto u = store.load(user)) out.push_back({*u, store.domain_rows(user)});
  return out;
}

}  // namespace

CheckReport check_state(const StateRoot& root) {
  CheckReport report;
  StateReader reader(root);  // finishes an interrupted change first
  ServerConfig config = load_server_config(root);
  std::string home_root_rel = config.home_root.substr(1);
  find_leftovers(root, home_root_rel, report);

  AccountStore store(root);
  Transaction view(root);
  SystemUsers sys;
  sys.load(view);
  auto accounts = load_accounts(store);
  report.accounts = accounts.size();
  std::set<std::string> users;
  for (const auto& a : accounts) {
    const std::string user = a.cpuser.user();
    users.insert(user);
    auto missing = [&](const std::string& what) { report.problems.push_back("Account “" + user + "”: missing " + what + "."); };
    auto pw = sys.user(user);
    if (!pw) missing("its etc/passwd entry");
    if (!sys.shadow.find(user)) missing("its etc/shadow entry");
    if (!sys.group.find(user)) missing("its etc/group entry");
    if (pw && !root.exists(paths::rel_from_abs(pw->home))) missing("its home directory " + pw->home);
    if (!root.exists(paths::userdata_dir(user) + "/main")) missing("userdata main");
    if (!root.exists(paths::userdata_dir(user) + "/" + a.cpuser.main_domain())) missing("the userdata of its main domain");
    if (!root.exists(paths::cpuser_cache(user))) missing("its users.cache twin");
    if (a.domains.empty()) missing("its userdata cache rows");
    if (!zone_exists(view, a.cpuser.main_domain())) missing("the DNS zone of " + a.cpuser.main_domain());
  }

  // Lookup files: exactly what the accounts give.
  Transaction expected(root);
  rebuild_lookup_files(expected, accounts);
  for (const char* rel : {"etc/trueuserdomains", "etc/domainusers", "etc/userdomains", "etc/trueuserowners",
                          "etc/userplans", "etc/userbwlimits", "etc/userips", "etc/dbowners", "etc/mailbox_formats",
                          "etc/demousers", "etc/nocgiusers", "etc/userdatadomains"}) {
    std::string want = expected.read(rel).value_or("");
    std::string have = root.read(rel).value_or("");
    bool empty_equivalent = accounts.empty() && (have.empty() || have == want);
    if (have != want && !empty_equivalent)
      report.problems.push_back(std::string("Lookup file ") + rel + " does not match the cpuser files.");
  }

  // Orphans: state of accounts that do not exist.
  auto orphan = [&](const std::string& dir, const std::string& suffix) {
    for (const auto& name : root.list_dir(dir)) {
      if (name[0] == '.' || !ends_with(name, suffix)) continue;
      std::string user = name.substr(0, name.size() - suffix.size());
      if (!users.count(user) && user != "system")
        report.problems.push_back("Orphaned " + dir + "/" + name + " (no account “" + user + "”).");
    }
  };
  orphan("var/cpanel/userdata", "");
  orphan("var/cpanel/users.cache", "");
  orphan("var/cpanel/bandwidth", ".sqlite");
  orphan("var/cpanel/suspendinfo", "");
  for (const auto& name : root.list_dir("var/cpanel/suspended")) {
    std::string user = ends_with(name, ".lock") ? name.substr(0, name.size() - 5) : name;
    if (!users.count(user)) report.problems.push_back("Orphaned var/cpanel/suspended/" + name + ".");
  }
  // Zones and named.conf agree.
  auto zones = configured_zones(view);
  std::set<std::string> configured(zones.begin(), zones.end());
  for (const auto& z : zones)
    if (!root.exists("var/named/" + z + ".db")) report.problems.push_back("named.conf names zone “" + z + "” but its file is missing.");
  for (const auto& file : root.list_dir("var/named"))
    if (ends_with(file, ".db") && !configured.count(file.substr(0, file.size() - 3)))
      report.problems.push_back("Zone file var/named/" + file + " has no named.conf stanza.");
  return report;
}

void rebuild_lookups(const StateRoot& root) {
  StateWriter writer(root);
  rebuild_lookup_files(writer.txn(), load_accounts(AccountStore(root)));
  writer.commit();
}

}  // namespace whm
