#include "account_lifecycle.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "errors.hpp"
#include "id_tracking.hpp"
#include "ip_addresses.hpp"
#include "resellers.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {

AccountFacts load_account_facts(const Transaction& txn, const CpUser& u) {
  SystemUsers sys;
  sys.load(txn);
  return load_account_facts(sys, u);
}

// What the cpuser file says of the account (no home, shell or ids).
static AccountFacts facts_of_cpuser(const CpUser& u) {
  AccountFacts a;
  a.user = u.user();
  a.main_domain = u.main_domain();
  a.domains = u.all_domains();
  a.owner = u.get("OWNER");
  a.suspended = u.suspended();
  return a;
}

AccountFacts load_account_facts(const SystemUsers& sys, const CpUser& u) {
  AccountFacts a = facts_of_cpuser(u);
  if (auto pw = sys.user(a.user)) {
    a.home = pw->home;
    a.shell = pw->shell;
    a.ids = owner_of(*pw);
    if (!a.home.empty() && a.home != "/") a.home_rel = paths::rel_from_abs(a.home);
  }
  return a;
}

std::string home_staging_rel(const std::string& home_rel) {
  auto slash = home_rel.rfind('/');
  return home_rel.substr(0, slash + 1) + ".whmkit-new-" + home_rel.substr(slash + 1);
}

namespace {

// The account's facts; ApiError if the account or (when needed) its system user is missing.
AccountFacts require_facts(const StateRoot& root, const Transaction& txn, const std::string& user,
                           bool need_system_user) {
  CpUser u = AccountStore(root).require(user);
  SystemUsers sys;
  sys.load(txn);
  if (need_system_user) sys.require_user(user);
  return load_account_facts(sys, u);
}

}  // namespace

std::string stage_creation(const StateRoot& root, Transaction& txn, const NewAccount& a) {
  std::string raw;
  for (const auto* part : account_parts()) part->create(root, txn, a, raw);
  track_account_ids(txn, a.facts.ids);
  txn.on_commit("log CREATE of " + a.facts.user + " in the accounting log",
                [&root, f = a.facts] { log_accounting(root, "CREATE", f.user, f.main_domain, f.owner); });
  return raw;
}

std::string stage_suspension(const StateRoot& root, Transaction& txn, const std::string& user,
                             const SuspendOptions& opts) {
  for (char c : opts.reason)
    if (c == '\n' || c == '\r') throw invalid_param("reason", "it contains a line break.");
  AccountFacts a = require_facts(root, txn, user, true);
  std::string raw = a.suspended ? "Account already suspended; updating the reason.\n" : "";
  for (const auto* part : account_parts()) part->suspend(root, txn, a, opts, raw);
  txn.on_commit("log SUSPEND of " + user + " in the accounting log",
                [&root, user, domain = a.main_domain, reason = opts.reason] {
                  log_accounting(root, "SUSPEND", user, domain, reason);
                });
  return raw + "Account has been suspended\n";
}

std::string stage_unsuspension(const StateRoot& root, Transaction& txn, const std::string& user) {
  AccountFacts a = require_facts(root, txn, user, true);
  if (!a.suspended) throw ApiError("The account “" + user + "” is not suspended.");
  std::string raw;
  for (const auto* part : account_parts()) part->unsuspend(root, txn, a, raw);
  txn.on_commit("log UNSUSPEND of " + user + " in the accounting log",
                [&root, user, domain = a.main_domain] { log_accounting(root, "UNSUSPEND", user, domain, ""); });
  return raw + "Account has been unsuspended\n";
}

std::string stage_removal(const StateRoot& root, Transaction& txn, const std::string& user, bool keep_dns) {
  AccountFacts a = require_facts(root, txn, user, false);
  const std::string ip = parse_cpuser(txn.read(paths::cpuser(user)).value_or("")).get("IP");
  std::string raw = "Running pre removal script...Done\n";
  for (const auto* part : account_parts()) part->remove(root, txn, a, RemoveOptions{keep_dns}, raw);
  // Its ids stay taken: files it left behind must not pass to a new account.
  track_account_ids(txn, a.ids);
  // A dedicated IP it had goes back to the pool (etc/ipaddrpool, etc/domainips).
  // Only then: the rebuild reads every account.
  const auto extra = read_extra_ips(txn);
  if (std::any_of(extra.begin(), extra.end(), [&](const ExtraIp& e) { return e.ip == ip; }))
    stage_derived_ip_files(root, txn);
  txn.on_commit("log REMOVE of " + a.user + " in the accounting log",
                [&root, a] { log_accounting(root, "REMOVE", a.user, a.main_domain, a.owner); });
  return raw + "Updating system databases...Done\nAccount Removal Complete!!!\n";
}

std::string stage_rename(const StateRoot& root, Transaction& txn, const std::string& user, const std::string& new_user,
                         const std::string& new_domain) {
  const AccountFacts from = require_facts(root, txn, user, true);
  // Subdomains of the main domain follow it; parked and addon domains are names of their own.
  for (const auto& d : from.domains)
    if (new_domain != from.main_domain && d != from.main_domain && !ends_with(d, "." + from.main_domain))
      throw NotAvailableError(
          "Changing the main domain of an account with parked or addon domains is not "
          "implemented by whmkit yet.");
  AccountFacts to = from;
  to.user = new_user;
  to.main_domain = new_domain;
  for (auto& d : to.domains) d = replace_domain(d, from.main_domain, new_domain);
  if (to.owner == user) to.owner = new_user;
  // A home named after the account follows the new name.
  const auto slash = from.home_rel.rfind('/');
  if (new_user != user && from.home_rel.substr(slash + 1) == user) {
    to.home_rel = from.home_rel.substr(0, slash + 1) + new_user;
    to.home = "/" + to.home_rel;
    if (root.exists(to.home_rel)) throw ApiError("The home directory “" + to.home + "” already exists.");
  }
  std::string raw;
  // Backwards: the home moves last, after the files inside it were rewritten in place.
  const auto& parts = account_parts();
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) (*it)->rename(root, txn, from, to, raw);
  // A reseller's privileges and the accounts it owns are not its own account's parts.
  if (new_user != user && is_reseller(txn, user)) stage_reseller_rename(root, txn, user, new_user);
  txn.on_commit("log RENAME of " + from.user + " in the accounting log", [&root, from, to] {
    log_accounting(root, "RENAME", to.user, to.main_domain, from.user + " " + from.main_domain);
  });
  return raw;
}

RestoreResult restore_account_archive(const StateRoot& root, const std::string& archive_abs,
                                      const std::string& expected_user) {
  AccountArchive arch = inspect_account_archive(archive_abs);
  const std::string user = arch.user;
  if (!expected_user.empty() && user != expected_user)
    throw ApiError("The archive holds the account “" + user + "”, not “" + expected_user + "”.");
  std::string raw = "Extracting tarball...Done\nChecking the archive...Done (" + std::to_string(arch.home_entries) +
                    " home entries)\n";
  AccountStore store(root);
  Transaction txn(root);
  SystemUsers sys;
  sys.load(txn);
  check_new_username(store, sys, user);

  const std::string& cp_text = *arch.file("cp/" + user);
  if (cp_text.find('\0') != std::string::npos) throw ApiError("The archive's cp/" + user + " file holds a NUL byte.");
  FileProblems problems;
  const CpUser cpuser = parse_cpuser(cp_text, &problems);
  if (!problems.empty()) throw ApiError("The archive's cp/" + user + " file is damaged: " + problems.front() + ".");
  if (cpuser.user() != user)
    throw ApiError("The archive's cp/" + user + " file is for the user “" + cpuser.user() + "”.");
  if (cpuser.main_domain().empty()) throw ApiError("The archive's cp/" + user + " file has no main domain (DNS=).");
  for (const auto& d : cpuser.all_domains()) {
    if (auto why = domain_syntax_error(d)) throw ApiError("The archive names an invalid domain “" + d + "”: " + *why);
    if (auto owner = store.domain_owner(d))
      throw ApiError("The domain “" + d + "” already belongs to the account “" + *owner + "”.");
  }
  std::string hash = trim(arch.file("shadow") ? *arch.file("shadow") : "*");
  std::string shell = trim(arch.file("shell") ? *arch.file("shell") : kNoShell);
  if (!is_safe_colon_field(hash) || !is_safe_colon_field(shell) || shell.empty() || shell[0] != '/')
    throw ApiError("The archive's shadow or shell file is malformed.");

  auto [uid, gid] = sys.allocate_ids(root);
  AccountFacts a = facts_of_cpuser(cpuser);
  a.home = load_server_config(root).home_root + "/" + user;
  a.home_rel = paths::rel_from_abs(a.home);
  if (root.exists(a.home_rel)) throw ApiError("The home directory “" + a.home + "” already exists.");
  a.shell = shell;
  a.ids = {static_cast<uid_t>(uid), static_cast<gid_t>(gid)};
  const RestoreSource src{arch, archive_abs, a, cpuser, hash};
  for (const auto* part : account_parts()) part->restore(root, txn, src, raw);
  track_account_ids(txn, a.ids);
  txn.commit();
  log_accounting(root, "RESTORE", user, a.main_domain, archive_abs);
  return {user, raw + "Account Restore Complete\n"};
}

void check_new_username(const AccountStore& store, const SystemUsers& sys, const std::string& user,
                        const std::string& renamed_from) {
  if (auto why = username_syntax_error(user)) throw ApiError(*why);
  if (store.exists(user)) throw ApiError("The account “" + user + "” already exists.");
  if (sys.user(user)) throw ApiError("The system user “" + user + "” already exists.");
  if (sys.group_exists(user)) throw ApiError("The group “" + user + "” already exists.");
  // cPanel keeps the first eight characters unique (database prefixes).
  std::string prefix = user.substr(0, std::min<size_t>(8, user.size()));
  for (const auto& other : store.root().list_dir("var/cpanel/users"))
    if (other != "system" && other != renamed_from && other[0] != '.' &&
        other.compare(0, std::min<size_t>(8, other.size()), prefix) == 0 &&
        std::min<size_t>(8, other.size()) == prefix.size())
      throw ApiError("The username “" + user + "” conflicts with the account “" + other +
                     "”: the first eight characters of a username must be unique.");
}

void check_username_available(const StateRoot& root, const std::string& user) {
  Transaction view(root);
  SystemUsers sys;
  sys.load(view);
  check_new_username(AccountStore(root), sys, user);
}

void save_account(const AccountStore& store, Transaction& txn, const CpUser& u) {
  save_account(store, txn, u, store.domain_rows(u.user()));
}

void save_account(const AccountStore& store, Transaction& txn, const CpUser& u, const std::vector<DomainRow>& rows) {
  SystemUsers sys;
  sys.load(txn);
  auto pw = sys.user(u.user());
  store.save(txn, u, rows, pw ? owner_of(*pw) : FileOwner{});
}

nlohmann::json vhost_userdata(const VhostSpec& v) {
  const std::string& d = v.domain;
  return {
      {"customlog",
       {{{"format", "combined"}, {"target", "/etc/apache2/logs/domlogs/" + d}},
        {{"format", "\"%{%s}t %I .\\n%{%s}t %O .\""}, {"target", "/etc/apache2/logs/domlogs/" + d + "-bytes_log"}}}},
      {"documentroot", v.docroot},
      {"group", v.user},
      {"hascgi", v.cgi ? 1 : 0},
      {"homedir", v.home},
      {"ip", v.ip},
      {"owner", v.owner},
      {"phpopenbasedirprotect", 1},
      {"port", 80},
      {"scriptalias", {{{"path", v.docroot + "/cgi-bin"}, {"url", "/cgi-bin/"}}}},
      {"serveradmin", "webmaster@" + d},
      {"serveralias", v.serveralias},
      {"servername", d},
      {"usecanonicalname", "Off"},
      {"user", v.user},
  };
}

void log_accounting(const StateRoot& root, const std::string& type, const std::string& user, const std::string& domain,
                    const std::string& extra) {
  std::string path = root.path("var/cpanel/accounting.log");
  mkdirs(root.path("var/cpanel"));
  std::string line =
      format_time(now(), "%a %b %e %H:%M:%S %Y") + ":" + type + ":root:" + user + ":" + domain + ":" + extra + "\n";
  for (auto& c : line)
    if (c == '\r' || (c == '\n' && &c != &line.back())) c = ' ';
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;  // the log is informational; the change itself is committed
  (void)!::write(fd, line.data(), line.size());
  ::close(fd);
}

}  // namespace whm
