#include "account_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <algorithm>
#include <tuple>
#include <unordered_set>

#include "account_lifecycle.hpp"
#include "errors.hpp"
#include "hostname.hpp"
#include "kvfile.hpp"
#include "notices.hpp"
#include "output.hpp"
#include "syck_yaml.hpp"
#include "sysusers.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {

ServerConfig load_server_config(const StateRoot& root) {
  ServerConfig c;
  c.hostname = server_hostname(root);
  if (auto text = root.read("etc/wwwacct.conf")) {
    auto kv = parse_key_values(*text, ' ');
    if (!kv["ADDR"].empty() && is_valid_ipv4(kv["ADDR"])) c.shared_ip = kv["ADDR"];
    if (!kv["HOMEDIR"].empty() && kv["HOMEDIR"][0] == '/') c.home_root = kv["HOMEDIR"];
    c.home_match = kv["HOMEMATCH"];
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
  if (auto text = root_.read("etc/trueuserdomains"))
    return static_cast<size_t>(std::count(text->begin(), text->end(), '\n'));
  size_t n = 0;
  for (const auto& name : root_.list_dir("var/cpanel/users"))
    n += name != "system" && name[0] != '.' && name.find('.') == std::string::npos;
  return n;
}

bool AccountStore::exists(const std::string& user) const {
  if (user.empty() || user == "system" || user[0] == '.' || user.find('/') != std::string::npos) return false;
  return root_.exists(paths::cpuser(user));
}

namespace {

// Refuses to replace the file `rel` whose current text (in `txn`) `problems_of` finds damaged.
template <class ProblemsOf>
void refuse_to_replace_damaged(const Transaction& txn, const std::string& rel, ProblemsOf problems_of) {
  if (auto current = txn.read(rel)) refuse_if_damaged(rel, problems_of(*current));
}

FileProblems cpuser_problems(const std::string& text) {
  FileProblems problems;
  parse_cpuser(text, &problems);
  return problems;
}

FileProblems lookup_pair_problems(const std::string& text) {
  FileProblems problems;
  parse_lookup_pairs(text, &problems);
  return problems;
}

}  // namespace

std::optional<CpUser> AccountStore::load(const std::string& user) const {
  if (user.empty() || user == "system" || user[0] == '.' || user.find('/') != std::string::npos) return std::nullopt;
  const std::string rel = paths::cpuser(user);
  auto text = root_.read(rel);
  if (!text) return std::nullopt;
  FileProblems problems;
  auto u = parse_cpuser(*text, &problems);
  if (!problems.empty())
    add_notice(damage_summary(rel, problems) +
               " What could be read is used; changes to the account are refused until the file is repaired.");
  if (u.get("USER").empty()) u.set("USER", user);
  return u;
}

CpUser AccountStore::require(const std::string& user) const {
  auto u = load(user);
  if (!u) throw ApiError("User “" + user + "” does not exist.");
  return *u;
}

std::optional<std::string> AccountStore::domain_owner(const std::string& domain) const {
  FileProblems problems;
  const auto text = root_.read("etc/userdomains");
  const auto pairs = parse_lookup_pairs(text.value_or(""), &problems);
  if (text && problems.empty()) {
    for (const auto& [d, user] : pairs)
      if (d == domain && user != "nobody") return user;
    return std::nullopt;
  }
  // The lookup file cannot be trusted to be complete: ask every account.
  for (const auto& user : usernames())
    if (auto u = load(user))
      for (const auto& d : u->all_domains())
        if (d == to_lower(domain)) return user;
  return std::nullopt;
}

std::optional<LookupCandidates> AccountStore::lookup_candidates(
    LookupField field, const std::function<bool(std::string_view)>& matches) const {
  const std::string rel = field == LookupField::Domain ? "etc/userdomains"
                          : field == LookupField::Ip   ? "etc/userips"
                          : field == LookupField::Plan ? "etc/userplans"
                                                       : "etc/trueuserowners";
  const auto text = root_.read(rel);
  if (!text || !lookup_file_problems(rel, *text).empty()) return std::nullopt;
  std::unordered_set<std::string_view> named;  // the accounts the file has lines for
  std::vector<std::string> hits, changed;
  for_each_line(*text, [&](std::string_view line) {
    if (line.empty() || line[0] == '#') return;
    const auto sep = line.find(": ");  // every line has one (lookup_file_problems)
    const std::string_view key = line.substr(0, sep), value = line.substr(sep + 2);
    if (field == LookupField::Domain && key == "*" && value == "nobody") return;  // the trailer
    const std::string_view user = field == LookupField::Domain ? value : key;
    named.insert(user);
    const std::string_view tested = field == LookupField::Domain || field == LookupField::User ? key : value;
    // "undefined" is also what an account without a PLAN line gets: its cpuser file decides.
    if ((field == LookupField::Plan && value == "undefined") || matches(tested)) hits.emplace_back(user);
  });
  // An account added or removed behind the file's back would be missed or
  // invented. The directory is read in large batches, without a string per
  // name: at 100,000 accounts this listing is most of the search's cost.
  const int dir = ::open(root_.path("var/cpanel/users").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return std::nullopt;
  const int cache_dir = ::open(root_.path("var/cpanel/users.cache").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  size_t on_disk = 0;
  bool complete = true;
  std::vector<char> buf(1 << 20);
  for (long got; complete && (got = ::syscall(SYS_getdents64, dir, buf.data(), buf.size())) != 0;) {
    if (got < 0) {
      complete = false;
      break;
    }
    for (long at = 0; at < got;) {
      const auto* e = reinterpret_cast<const struct dirent64*>(buf.data() + at);
      at += e->d_reclen;
      const std::string_view n = e->d_name;
      if (n == "system" || n[0] == '.' || n.find('.') != std::string_view::npos) continue;
      ++on_disk;
      if (!named.count(n)) {
        complete = false;
        break;
      }
      // save() writes the cpuser file, then its users.cache twin, with the
      // account's lookup lines, in one transaction: a cpuser file newer than
      // its twin (or without one) was written some other way, by hand for
      // one, and its lookup lines may be stale. It is checked itself.
      struct stat cpuser = {}, twin = {};
      if (::fstatat(dir, e->d_name, &cpuser, AT_SYMLINK_NOFOLLOW) != 0 || cache_dir < 0 ||
          ::fstatat(cache_dir, e->d_name, &twin, AT_SYMLINK_NOFOLLOW) != 0 ||
          std::tie(cpuser.st_mtim.tv_sec, cpuser.st_mtim.tv_nsec) > std::tie(twin.st_mtim.tv_sec, twin.st_mtim.tv_nsec))
        changed.emplace_back(n);
    }
  }
  ::close(dir);
  if (cache_dir >= 0) ::close(cache_dir);
  if (!complete || on_disk != named.size()) return std::nullopt;
  for (auto* list : {&hits, &changed}) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
  return LookupCandidates{std::move(hits), std::move(changed)};
}

std::vector<AccountIndex> AccountStore::indexes(const Transaction& txn) const {
  std::vector<AccountIndex> out;
  for (const auto& user : usernames()) {
    auto text = txn.read(paths::cpuser(user));
    if (!text) continue;  // removed in this transaction
    AccountIndex a{parse_cpuser(*text), {}};
    if (a.cpuser.get("USER").empty()) a.cpuser.set("USER", user);
    for (const auto& [d, v] : parse_lookup_pairs(txn.read(paths::userdata_dir(user) + "/cache").value_or("")))
      a.domains.push_back(parse_domain_row(d, v));
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<DomainRow> AccountStore::domain_rows(const std::string& user) const {
  std::vector<DomainRow> rows;
  for (const auto& [d, v] : read_lookup_pairs(root_, paths::userdata_dir(user) + "/cache"))
    rows.push_back(parse_domain_row(d, v));
  return rows;
}

std::optional<nlohmann::json> AccountStore::userdata(const std::string& user, const std::string& name) const {
  check_path_component(name, "userdata name");
  const std::string rel = paths::userdata_dir(user) + "/" + name;
  auto text = root_.read(rel);
  if (!text) return std::nullopt;
  try {
    return yaml_to_json(*text);
  } catch (const ApiError& e) {
    throw ApiError("The file “" + server_path(rel) + "” cannot be read: " + e.what());
  }
}

void AccountStore::save(Transaction& txn, const CpUser& u, const std::vector<DomainRow>& rows, FileOwner owner) const {
  const std::string user = u.user();
  refuse_to_replace_damaged(txn, paths::cpuser(user), cpuser_problems);
  txn.write(paths::cpuser(user), serialize_cpuser(u), 0640, {0, owner.gid});
  txn.write(paths::cpuser_cache(user), cpuser_cache_json(u), 0640, {0, owner.gid});
  AccountIndex index{u, rows};
  update_lookups(txn, user, &index);
}

void AccountStore::update_lookups(Transaction& txn, const std::string& user, const AccountIndex* account) const {
  update_lookup_files(txn, user, account, [&] { return indexes(txn); });
}

void AccountStore::save_userdata(Transaction& txn, const std::string& user, const std::string& name,
                                 const nlohmann::json& doc, FileOwner owner) const {
  check_path_component(name, "userdata name");
  std::string dir = paths::userdata_dir(user);
  (void)owner;
  refuse_to_replace_damaged(txn, dir + "/" + name, yaml_problems);
  txn.write(dir + "/" + name, syck_dump(doc), 0644);
  // cPanel trusts the JSON twin when it is not older than the YAML, so it is
  // always rewritten together with the YAML (written second: newer mtime).
  std::string cache_name = ends_with(name, ".yaml") ? name.substr(0, name.size() - 5) + ".cache" : name + ".cache";
  txn.write(dir + "/" + cache_name, json_text(doc) + "\n", 0644);
}

void AccountStore::save_userdata_cache(Transaction& txn, const std::string& user,
                                       const std::vector<DomainRow>& rows) const {
  std::string text;
  auto json = nlohmann::json::object();
  auto sorted = rows;
  std::sort(sorted.begin(), sorted.end(), [](const DomainRow& a, const DomainRow& b) { return a.domain < b.domain; });
  for (const auto& r : sorted) {
    text += r.domain + ": " + r.cache_line_value() + "\n";
    json[r.domain] = r.fields();
  }
  refuse_to_replace_damaged(txn, paths::userdata_dir(user) + "/cache", lookup_pair_problems);
  txn.write(paths::userdata_dir(user) + "/cache", text, 0644);
  txn.write(paths::userdata_dir(user) + "/cache.json", json_text(json) + "\n", 0644);
}

bool is_derived_userdata(const std::string& name) {
  return name == "cache" || ends_with(name, ".cache") || ends_with(name, ".json");
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
  a.owner = owner_of(pw);
  a.suspended = cpuser->suspended();
  return a;
}

}  // namespace whm

// ---------------------------------------------------------------- the account's parts

namespace whm {
namespace {

CpUser cpuser_in(const Transaction& txn, const std::string& user) {
  CpUser u = parse_cpuser(txn.read(paths::cpuser(user)).value_or(""));
  if (u.get("USER").empty()) u.set("USER", user);
  return u;
}

// The account's cpuser file as `txn` sees it, for rewriting under another
// name (save() checks the file it replaces itself): refused if damaged.
CpUser cpuser_to_rewrite(const Transaction& txn, const std::string& user) {
  refuse_to_replace_damaged(txn, paths::cpuser(user), cpuser_problems);
  return cpuser_in(txn, user);
}

// The userdata cache rows as `txn` sees them.
std::vector<DomainRow> rows_in(const Transaction& txn, const std::string& user) {
  std::vector<DomainRow> rows;
  for (const auto& [d, v] : parse_lookup_pairs(txn.read(paths::userdata_dir(user) + "/cache").value_or("")))
    rows.push_back(parse_domain_row(d, v));
  return rows;
}

// A value of the account's state after a rename: paths in the new home, the
// new main domain, the new user name.
std::string renamed(const std::string& value, const AccountFacts& from, const AccountFacts& to) {
  std::string v = rehome(value, from.home, to.home);
  if (from.main_domain != to.main_domain) v = replace_domain(v, from.main_domain, to.main_domain);
  return v == from.user ? to.user : v;
}

nlohmann::json renamed_json(const nlohmann::json& doc, const AccountFacts& from, const AccountFacts& to) {
  if (doc.is_string()) return renamed(doc.get<std::string>(), from, to);
  if (!doc.is_structured()) return doc;
  nlohmann::json out = doc.is_object() ? nlohmann::json::object() : nlohmann::json::array();
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (doc.is_object())
      out[renamed(it.key(), from, to)] = renamed_json(it.value(), from, to);
    else
      out.push_back(renamed_json(it.value(), from, to));
  }
  return out;
}

std::vector<DomainRow> renamed_rows(std::vector<DomainRow> rows, const AccountFacts& from, const AccountFacts& to) {
  for (auto& r : rows)
    for (std::string* field : {&r.domain, &r.parent, &r.docroot, &r.user, &r.owner}) *field = renamed(*field, from, to);
  return rows;
}

void restrict_userdata_dir(const StateRoot& root, Transaction& txn, const std::string& user) {
  txn.on_commit("chmod 0750 " + paths::userdata_dir(user),
                [&root, user] { ::chmod(root.path(paths::userdata_dir(user)).c_str(), 0750); });
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  if (from == to || from.empty()) return s;
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
    s.replace(pos, from.size(), to);
  return s;
}

// A vhost's document root and home must be the account's own: an archive
// must not point a web server at /etc.
void check_vhost_paths(const std::string& name, const std::string& text, const std::string& home) {
  if (is_derived_userdata(name)) return;
  nlohmann::json doc;
  try {
    doc = yaml_to_json(text);
  } catch (const std::exception&) {
    throw ApiError("The archive's userdata file “" + name + "” is not valid YAML.");
  }
  if (!doc.is_object()) return;
  for (const char* key : {"documentroot", "homedir"}) {
    if (!doc.contains(key) || !doc[key].is_string()) continue;
    std::string path = doc[key].get<std::string>();
    bool inside = path == home || starts_with(path, home + "/");
    for (const auto& part : split(path, '/')) inside = inside && part != "..";
    if (!inside)
      throw ApiError("The archive's userdata file “" + name + "” puts its " + key + " outside the home (“" + path +
                     "”).");
  }
}

std::string lines_of(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

// pkgacct's sds/sds2/pds/addons lists, from userdata main.
void archive_domain_lists(const AccountStore& store, const AccountFacts& a, ArchiveOut& out) {
  auto main = store.userdata(a.user, "main");
  if (!main || !main->is_object()) return;
  std::vector<std::string> sds, sds2, pds, addons;
  for (const auto& sub : main->value("sub_domains", nlohmann::json::array())) {
    if (!sub.is_string()) continue;
    std::string s = sub.get<std::string>(), mangled = s;
    if (auto dot = mangled.find('.'); dot != std::string::npos) mangled[dot] = '_';
    sds.push_back(mangled);
    std::string docroot;
    if (auto vh = store.userdata(a.user, s); vh && vh->is_object()) docroot = vh->value("documentroot", "");
    if (starts_with(docroot, a.home + "/")) docroot = docroot.substr(a.home.size() + 1);
    sds2.push_back(mangled + "=" + docroot);
  }
  for (const auto& p : main->value("parked_domains", nlohmann::json::array()))
    if (p.is_string()) pds.push_back(p.get<std::string>());
  auto add = main->value("addon_domains", nlohmann::json::object());
  for (auto it = add.begin(); it != add.end(); ++it)
    if (it.value().is_string()) {
      std::string sub = it.value().get<std::string>();
      if (auto dot = sub.find('.'); dot != std::string::npos) sub[dot] = '_';
      addons.push_back(it.key() + "=" + sub);
    }
  out.file("sds", lines_of(sds));
  out.file("sds2", lines_of(sds2));
  out.file("pds", lines_of(pds));
  out.file("addons", lines_of(addons));
}

// var/cpanel/userdata/<user>/: main, one file per vhost, their twins, the cache rows.
class UserdataPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    return existing(root, {paths::userdata_dir(a.user)});
  }
  void create(const StateRoot& root, Transaction& txn, const NewAccount& n, std::string& raw) const override {
    const AccountFacts& a = n.facts;
    AccountStore store(root);
    DomainRow row;
    row.domain = a.main_domain;
    row.user = a.user;
    row.owner = a.owner;
    row.type = "main";
    row.parent = a.main_domain;
    row.docroot = a.home + "/public_html";
    row.ip = n.cpuser.get("IP");
    nlohmann::json main = {{"addon_domains", nlohmann::json::object()},
                           {"main_domain", a.main_domain},
                           {"parked_domains", nlohmann::json::array()},
                           {"sub_domains", nlohmann::json::array()}};
    store.save_userdata(txn, a.user, "main", main, a.ids);
    VhostSpec vhost{a.user,
                    a.owner,
                    a.home,
                    a.main_domain,
                    row.docroot,
                    row.ip,
                    n.cpuser.get("HASCGI") == "1",
                    "mail." + a.main_domain + " www." + a.main_domain};
    store.save_userdata(txn, a.user, a.main_domain, vhost_userdata(vhost), a.ids);
    store.save_userdata_cache(txn, a.user, {row});
    restrict_userdata_dir(root, txn, a.user);
    raw += "Adding Entries to userdata...Done\nUpdating the userdata cache...Done\n";
  }
  // Every file is rewritten under the new names; the old ones go.
  void rename(const StateRoot& root, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    AccountStore store(root);
    const std::string from_dir = paths::userdata_dir(from.user);
    // Rewritten under new names, so save_userdata's check of the file it replaces does not see these.
    refuse_to_replace_damaged(txn, from_dir + "/cache", lookup_pair_problems);
    for (const auto& name : root.list_dir(from_dir)) {
      if (is_derived_userdata(name)) continue;
      refuse_to_replace_damaged(txn, from_dir + "/" + name, yaml_problems);
      if (auto doc = store.userdata(from.user, name))
        store.save_userdata(txn, to.user, renamed(name, from, to), renamed_json(*doc, from, to), to.ids);
    }
    store.save_userdata_cache(txn, to.user, renamed_rows(rows_in(txn, from.user), from, to));
    if (from.user != to.user) {
      txn.remove(from_dir);
      restrict_userdata_dir(root, txn, to.user);
    } else {
      for (const auto& name : root.list_dir(from_dir))
        if (renamed(name, from, to) != name) txn.remove(from_dir + "/" + name);
    }
  }
  void suspend(const StateRoot&, Transaction&, const AccountFacts&, const SuspendOptions&,
               std::string&) const override {}
  void unsuspend(const StateRoot&, Transaction&, const AccountFacts&, std::string&) const override {}
  void remove(const StateRoot& root, Transaction& txn, const AccountFacts& a, const RemoveOptions&,
              std::string&) const override {
    remove_existing(root, txn, {paths::userdata_dir(a.user)});
  }
  void archive(const StateRoot& root, const Transaction& txn, const AccountFacts& a, const PkgacctOptions&,
               ArchiveOut& out) const override {
    for (const auto& name : root.list_dir(paths::userdata_dir(a.user)))
      if (auto text = txn.read(paths::userdata_dir(a.user) + "/" + name)) out.file("userdata/" + name, *text);
    archive_domain_lists(AccountStore(root), a, out);
  }
  // Userdata moves to the new home if the server keeps homes elsewhere.
  void restore(const StateRoot& root, Transaction& txn, const RestoreSource& src, std::string&) const override {
    const std::string& user = src.facts.user;
    for (const auto& name : src.archive.under("userdata")) {
      check_path_component(name, "userdata file");
      std::string text =
          replace_all(*src.archive.file("userdata/" + name), src.archive.original_home + "/", src.facts.home + "/");
      check_vhost_paths(name, text, src.facts.home);
      txn.write(paths::userdata_dir(user) + "/" + name, text, 0644);
    }
    restrict_userdata_dir(root, txn, user);
  }
  void check(const StateRoot& root, const Transaction&, const SystemUsers&, const AccountFacts& a,
             Problems& out) const override {
    if (!root.exists(paths::userdata_dir(a.user) + "/main")) report_missing(out, a.user, "userdata main");
    if (!root.exists(paths::userdata_dir(a.user) + "/" + a.main_domain))
      report_missing(out, a.user, "the userdata of its main domain");
    if (AccountStore(root).domain_rows(a.user).empty()) report_missing(out, a.user, "its userdata cache rows");
  }
  void orphans(const StateRoot& root, const Transaction&, const std::set<std::string>& users,
               Problems& out) const override {
    report_orphans(root, "var/cpanel/userdata", "", users, out);
  }
};

// The cpuser file, its users.cache twin and the account's /etc lookup lines.
class CpuserPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    return existing(root, {paths::cpuser(a.user), paths::cpuser_cache(a.user)});
  }
  void create(const StateRoot& root, Transaction& txn, const NewAccount& n, std::string&) const override {
    AccountStore(root).save(txn, n.cpuser, rows_in(txn, n.facts.user), n.facts.ids);
  }
  // USER=, DNS=, MXCHECK-<domain> and the file name; the lookup lines follow.
  void rename(const StateRoot& root, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    CpUser u;
    for (const auto& [key, value] : cpuser_to_rewrite(txn, from.user).kv)
      if (starts_with(key, "MXCHECK-"))
        u.set("MXCHECK-" + renamed(key.substr(8), from, to), value);
      else
        u.set(key, starts_with(key, "DNS") ? renamed(value, from, to) : value);
    u.set("USER", to.user);
    u.set("OWNER", to.owner);
    auto rows = renamed_rows(rows_in(txn, from.user), from, to);
    if (from.user != to.user) {
      remove_existing(root, txn, {paths::cpuser(from.user), paths::cpuser_cache(from.user)});
      AccountStore(root).update_lookups(txn, from.user, nullptr);
    }
    AccountStore(root).save(txn, u, rows, to.ids);
  }
  void suspend(const StateRoot& root, Transaction& txn, const AccountFacts& a, const SuspendOptions&,
               std::string&) const override {
    CpUser u = cpuser_in(txn, a.user);
    if (!a.suspended) {
      u.set("SUSPENDED", "1");
      u.set("SUSPENDTIME", std::to_string(now()));
    }
    AccountStore(root).save(txn, u, rows_in(txn, a.user), a.ids);
  }
  void unsuspend(const StateRoot& root, Transaction& txn, const AccountFacts& a, std::string&) const override {
    CpUser u = cpuser_in(txn, a.user);
    u.set("SUSPENDED", "0");
    AccountStore(root).save(txn, u, rows_in(txn, a.user), a.ids);
  }
  void remove(const StateRoot& root, Transaction& txn, const AccountFacts& a, const RemoveOptions&,
              std::string&) const override {
    remove_existing(root, txn, {paths::cpuser(a.user), paths::cpuser_cache(a.user)});
    AccountStore(root).update_lookups(txn, a.user, nullptr);
  }
  void archive(const StateRoot&, const Transaction& txn, const AccountFacts& a, const PkgacctOptions&,
               ArchiveOut& out) const override {
    out.file("cp/" + a.user, txn.read(paths::cpuser(a.user)).value_or(""));
    long long blocks = parse_int(cpuser_in(txn, a.user).get("DISK_BLOCK_LIMIT", "0")).value_or(0);
    out.file("quota", std::to_string(blocks / 1024) + "\n");
  }
  void restore(const StateRoot& root, Transaction& txn, const RestoreSource& src, std::string& raw) const override {
    const AccountFacts& a = src.facts;
    AccountStore(root).save(txn, src.cpuser, rows_in(txn, a.user), a.ids);
    // Byte for byte as archived.
    txn.write(paths::cpuser(a.user), *src.archive.file("cp/" + a.user), 0640, {0, a.ids.gid});
    raw += "Restoring cpanel user conf and userdata...Done\n";
  }
  void check(const StateRoot& root, const Transaction&, const SystemUsers&, const AccountFacts& a,
             Problems& out) const override {
    if (!root.exists(paths::cpuser_cache(a.user))) report_missing(out, a.user, "its users.cache twin");
  }
  void orphans(const StateRoot& root, const Transaction&, const std::set<std::string>& users,
               Problems& out) const override {
    report_orphans(root, "var/cpanel/users.cache", "", users, out);
  }
};

// var/cpanel/suspended/<user> (the reason), its .lock and suspendinfo/<user>.
class SuspensionPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    return existing(root, files(a.user));
  }
  void create(const StateRoot&, Transaction&, const NewAccount&, std::string&) const override {}
  void rename(const StateRoot& root, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    auto old_files = files(from.user), new_files = files(to.user);
    for (size_t i = 0; i < old_files.size(); ++i) move_existing(root, txn, old_files[i], new_files[i]);
  }
  void suspend(const StateRoot&, Transaction& txn, const AccountFacts& a, const SuspendOptions& opts,
               std::string&) const override {
    if (!a.suspended) {
      KeyValues info = {{"shell", a.shell}, {"leave-ftp-accts-enabled", opts.leave_ftp ? "1" : "0"}};
      txn.write(paths::suspendinfo(a.user), serialize_key_values(info), 0640);
    }
    txn.write(paths::suspended(a.user), opts.reason, 0640);
    if (opts.lock) txn.write(paths::suspended_lock(a.user), "", 0640);
  }
  void unsuspend(const StateRoot& root, Transaction& txn, const AccountFacts& a, std::string&) const override {
    remove_existing(root, txn, files(a.user));
  }
  void remove(const StateRoot& root, Transaction& txn, const AccountFacts& a, const RemoveOptions&,
              std::string&) const override {
    remove_existing(root, txn, files(a.user));
  }
  void archive(const StateRoot&, const Transaction& txn, const AccountFacts& a, const PkgacctOptions&,
               ArchiveOut& out) const override {
    const auto rels = files(a.user);
    for (size_t i = 0; i < rels.size(); ++i)
      if (auto text = txn.read(rels[i])) out.file(kArchived[i] + a.user + kSuffix[i], *text);
  }
  void restore(const StateRoot&, Transaction& txn, const RestoreSource& src, std::string&) const override {
    const auto rels = files(src.facts.user);
    for (size_t i = 0; i < rels.size(); ++i)
      if (const auto* text = src.archive.file(kArchived[i] + src.facts.user + kSuffix[i]))
        txn.write(rels[i], *text, 0640);
  }
  void check(const StateRoot&, const Transaction&, const SystemUsers&, const AccountFacts&, Problems&) const override {}
  void orphans(const StateRoot& root, const Transaction&, const std::set<std::string>& users,
               Problems& out) const override {
    report_orphans(root, "var/cpanel/suspendinfo", "", users, out);
    report_orphans(root, "var/cpanel/suspended", "", users, out);
    report_orphans(root, "var/cpanel/suspended", ".lock", users, out);
  }

 private:
  // The files, and where each one is in the archive ("suspended/" + user + ".lock").
  static std::vector<std::string> files(const std::string& user) {
    return {paths::suspended(user), paths::suspended_lock(user), paths::suspendinfo(user)};
  }
  static constexpr const char* kArchived[] = {"suspended/", "suspended/", "suspendinfo/"};
  static constexpr const char* kSuffix[] = {"", ".lock", ""};
};

}  // namespace

const AccountPart& userdata_part() { return part_instance<UserdataPart>(); }
const AccountPart& cpuser_part() { return part_instance<CpuserPart>(); }
const AccountPart& suspension_part() { return part_instance<SuspensionPart>(); }

}  // namespace whm
