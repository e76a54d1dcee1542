#include "account_common.hpp"
#include "backup_store.hpp"
#include "ftp_store.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/quota.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include "dns_store.hpp"
#include "errors.hpp"
#include "lookup.hpp"
#include "syck_yaml.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace fs = std::filesystem;

namespace whm {

std::string normalize_limit(const std::string& v) { return to_lower(v) == "unlimited" ? "unlimited" : v; }

namespace {

nlohmann::json int_or_string(const std::string& v) {
  if (auto n = parse_int(v)) return *n;
  return v;
}

}  // namespace

QuotaReader::Usage QuotaReader::usage(const std::string& abs_path, uid_t uid) {
  if (unavailable_) return {};
  if (!loaded_) {
    loaded_ = true;
    for (const auto& line : split(read_file("/proc/self/mounts").value_or(""), '\n')) {
      auto f = split(line, ' ');
      if (f.size() > 2 && starts_with(f[0], "/dev/")) mounts_.emplace_back(f[1], f[0]);
    }
  }
  const std::pair<std::string, std::string>* best = nullptr;
  for (const auto& m : mounts_)
    if ((abs_path == m.first || starts_with(abs_path, m.first == "/" ? "/" : m.first + "/")) &&
        (!best || m.first.size() > best->first.size()))
      best = &m;
  if (!best) return {};
  dqblk dq{};
  if (::quotactl(QCMD(Q_GETQUOTA, USRQUOTA), best->second.c_str(), static_cast<int>(uid),
                 reinterpret_cast<caddr_t>(&dq)) != 0) {
    if (errno == ESRCH || errno == ENOSYS || errno == ENOTBLK || errno == EPERM || errno == ENODEV) unavailable_ = true;
    return {};
  }
  return {static_cast<long long>(dq.dqb_curspace), static_cast<long long>(dq.dqb_curinodes)};
}

nlohmann::json account_record(AccountRecordContext& ctx, const CpUser& u) {
  const std::string user = u.user();
  auto pw = ctx.users.user(user);
  std::string home = pw ? pw->home : ctx.config.home_root + "/" + user;
  auto usage = ctx.quotas.usage(ctx.store.root().path(paths::rel_from_abs(home)),
                                static_cast<uid_t>(pw ? parse_int(pw->uid).value_or(0) : 0));
  auto limit_blocks = parse_int(u.get("DISK_BLOCK_LIMIT", "0")).value_or(0);
  auto inode_limit = parse_int(u.get("DISK_INODE_LIMIT", "0")).value_or(0);
  bool suspended = u.suspended();
  // Suspension files exist only for suspended accounts: no reads otherwise.
  auto reason = suspended ? ctx.store.root().read(paths::suspended(user)) : std::nullopt;
  bool locked = suspended && ctx.store.root().exists(paths::suspended_lock(user));
  std::string partition = split(home, '/').size() > 1 ? split(home, '/')[1] : "home";

  nlohmann::json child_nodes = nlohmann::json::array();
  for (const auto& [k, v] : u.kv)
    if (starts_with(k, "WORKER_NODE-")) child_nodes.push_back({{"alias", split(v, ':')[0]}, {"workload", k.substr(12)}});

  auto startdate = parse_int(u.get("STARTDATE")).value_or(0);
  auto suspendtime = parse_int(u.get("SUSPENDTIME"));
  std::string contact = u.get("CONTACTEMAIL");

  // emplace, not an initializer list: nlohmann copies every element of those.
  nlohmann::json r = nlohmann::json::object();
  r.emplace("backup", parse_int(u.get("BACKUP", "0")).value_or(0));
  r.emplace("child_nodes", child_nodes);
  r.emplace("disklimit", limit_blocks > 0 ? std::to_string(limit_blocks / 1024) + "M" : "unlimited");
  r.emplace("diskused", std::to_string((usage.bytes + 524288) / 1048576) + "M");
  r.emplace("domain", u.main_domain());
  r.emplace("email", contact.empty() ? "*unknown*" : contact);
  r.emplace("has_backup", ctx.users_with_backups.count(user) ? 1 : 0);
  r.emplace("inodeslimit", inode_limit > 0 ? int_or_string(std::to_string(inode_limit)) : nlohmann::json("unlimited"));
  r.emplace("inodesused", usage.inodes);
  r.emplace("ip", u.get("IP"));
  r.emplace("ipv6", nlohmann::json::array());
  r.emplace("is_locked", locked ? 1 : 0);
  r.emplace("is_temporary_domain", 0);
  r.emplace("legacy_backup", parse_int(u.get("LEGACY_BACKUP", "0")).value_or(0));
  r.emplace("mailbox_format", u.get("MAILBOX_FORMAT"));
  r.emplace("max_defer_fail_percentage", u.get("MAX_DEFER_FAIL_PERCENTAGE", "unlimited"));
  r.emplace("max_email_per_hour", u.get("MAX_EMAIL_PER_HOUR", "unlimited"));
  r.emplace("max_emailacct_quota", u.get("MAX_EMAILACCT_QUOTA"));
  r.emplace("maxaddons", u.get("MAXADDON"));
  r.emplace("maxftp", u.get("MAXFTP"));
  r.emplace("maxlst", u.get("MAXLST"));
  r.emplace("maxparked", u.get("MAXPARK"));
  r.emplace("maxpop", u.get("MAXPOP"));
  r.emplace("maxsql", u.get("MAXSQL"));
  r.emplace("maxsub", u.get("MAXSUB"));
  r.emplace("min_defer_fail_to_trigger_protection", u.get("MIN_DEFER_FAIL_TO_TRIGGER_PROTECTION", "5"));
  r.emplace("outgoing_mail_hold", parse_int(u.get("OUTGOING_MAIL_HOLD", "0")).value_or(0));
  r.emplace("outgoing_mail_suspended", parse_int(u.get("OUTGOING_MAIL_SUSPENDED", "0")).value_or(0));
  r.emplace("owner", u.get("OWNER"));
  r.emplace("partition", partition);
  r.emplace("plan", u.get("PLAN", "undefined"));
  r.emplace("shell", pw ? pw->shell : "");
  r.emplace("startdate", listaccts_date(static_cast<std::time_t>(startdate)));
  r.emplace("suspended", suspended ? 1 : 0);
  r.emplace("suspendreason", suspended ? (reason ? trim(*reason) : std::string()) : "not suspended");
  r.emplace("suspendtime", suspendtime ? nlohmann::json(*suspendtime) : nlohmann::json(nullptr));
  r.emplace("temporary", 0);
  r.emplace("theme", u.get("RS"));
  r.emplace("uid", pw ? parse_int(pw->uid).value_or(0) : 0);
  r.emplace("unix_startdate", startdate);
  r.emplace("user", user);
  return r;
}

std::set<std::string> find_users_with_backups(const StateRoot& root) {
  Transaction view(root);
  std::set<std::string> users;
  for (const auto& point : list_backup_points(root, load_backup_config(view))) users.insert(point.user);
  return users;
}

void check_new_username(const AccountStore& store, const SystemUsers& sys, const std::string& user) {
  if (auto why = username_syntax_error(user)) throw ApiError(*why);
  if (store.exists(user)) throw ApiError("The account “" + user + "” already exists.");
  if (sys.user(user)) throw ApiError("The system user “" + user + "” already exists.");
  if (sys.group_exists(user)) throw ApiError("The group “" + user + "” already exists.");
  // cPanel keeps the first eight characters unique (database prefixes).
  std::string prefix = user.substr(0, std::min<size_t>(8, user.size()));
  for (const auto& other : store.root().list_dir("var/cpanel/users"))
    if (other != "system" && other[0] != '.' && other.compare(0, std::min<size_t>(8, other.size()), prefix) == 0 &&
        std::min<size_t>(8, other.size()) == prefix.size())
      throw ApiError("The username “" + user + "” conflicts with the account “" + other +
                     "”: the first eight characters of a username must be unique.");
}

// Where a new home is built before it moves into place: beside it, so the
// move is a rename on the same filesystem.
std::string home_staging_rel(const std::string& home_rel) {
  auto slash = home_rel.rfind('/');
  return home_rel.substr(0, slash + 1) + ".whmkit-new-" + home_rel.substr(slash + 1);
}

void check_username_available(const StateRoot& root, const std::string& user) {
  Transaction view(root);
  SystemUsers sys;
  sys.load(view);
  check_new_username(AccountStore(root), sys, user);
}

FileOwner owner_of(const PasswdEntry& pw) {
  return {static_cast<uid_t>(parse_int(pw.uid).value_or(-1)), static_cast<gid_t>(parse_int(pw.gid).value_or(-1))};
}

void save_account(const AccountStore& store, Transaction& txn, const CpUser& u) {
  SystemUsers sys;
  sys.load(txn);
  auto pw = sys.user(u.user());
  store.save(txn, u, store.domain_rows(u.user()), pw ? owner_of(*pw) : FileOwner{});
}

namespace {
std::string crontab_rel(const std::string& user) { return "var/spool/cron/crontabs/" + user; }
std::string suspended_crontab_rel(const std::string& user) { return "var/spool/cron/crontabs.suspended/" + user; }
std::string ftp_rel(const std::string& user) { return ftp_paths::passwd(user); }
}  // namespace

std::string stage_suspension(const StateRoot& root, Transaction& txn, const std::string& user, const SuspendOptions& opts) {
  for (char c : opts.reason)
    if (c == '\n' || c == '\r') throw ValidationError("Invalid value for parameter “reason”: it contains a line break.");
  AccountStore store(root);
  CpUser u = store.require(user);
  SystemUsers sys;
  sys.load(txn);
  const PasswdEntry pw = sys.require_user(user);
  std::string raw;
  if (!u.suspended()) {
    KeyValues info = {{"shell", pw.shell}, {"leave-ftp-accts-enabled", opts.leave_ftp ? "1" : "0"}};
    txn.write(paths::suspendinfo(user), serialize_key_values(info), 0640);
    sys.passwd.upsert({pw.name, pw.password, pw.uid, pw.gid, pw.gecos, pw.home, kSuspendedShell});
    raw += "Changing Shell to " + std::string(kSuspendedShell) + "...Done\n";
    if (auto sh = sys.shadow.find(user); sh && sh->size() > 1 && !starts_with((*sh)[1], "!")) {
      (*sh)[1] = "!" + (*sh)[1];
      sys.shadow.upsert(*sh);
      raw += "Locking Password...Done\n";
}
    if (auto cron = txn.read(crontab_rel(user))) {
      txn.write(suspended_crontab_rel(user), *cron, 0600, owner_of(pw));
      txn.remove(crontab_rel(user));
      raw += "Suspending cron jobs...Done\n";
}
    if (auto ftp = txn.read(ftp_rel(user)); ftp && !opts.leave_ftp) {
      txn.write(ftp_rel(user) + ".suspended", *ftp, 0640);
      txn.write(ftp_rel(user), "# Account suspended\n", 0640);
      stage_pureftpd_sync(txn, user, paths::rel_from_abs(pw.home));
      raw += "Suspending FTP accounts...Done\n";
}
    u.set("SUSPENDED", "1");
    u.set("SUSPENDTIME", std::to_string(now()));
  } else {
    raw += "Account already suspended; updating the reason.\n";
}
  txn.write(paths::suspended(user), opts.reason, 0640);
  if (opts.lock) txn.write(paths::suspended_lock(user), "", 0640);
  sys.save(txn);
  store.save(txn, u, store.domain_rows(user), owner_of(pw));
  txn.on_commit([&root, user, domain = u.main_domain(), reason = opts.reason] {
    log_accounting(root, "SUSPEND", user, domain, reason);
  });
  return raw + "Account has been suspended\n";
}

std::string stage_unsuspension(const StateRoot& root, Transaction& txn, const std::string& user) {
  AccountStore store(root);
  CpUser u = store.require(user);
  if (!u.suspended()) throw ApiError("The account “" + user + "” is not suspended.");
  SystemUsers sys;
  sys.load(txn);
  const PasswdEntry pw = sys.require_user(user);
  KeyValues info;
  if (auto text = txn.read(paths::suspendinfo(user))) info = parse_key_values(*text);
  std::string shell = info.count("shell") && !info["shell"].empty() ? info["shell"] : kNoShell;
  sys.passwd.upsert({pw.name, pw.password, pw.uid, pw.gid, pw.gecos, pw.home, shell});
  if (auto sh = sys.shadow.find(user); sh && sh->size() > 1 && starts_with((*sh)[1], "!")) {
    (*sh)[1] = (*sh)[1].substr(1);
    sys.shadow.upsert(*sh);
}
  if (auto cron = txn.read(suspended_crontab_rel(user))) {
    txn.write(crontab_rel(user), *cron, 0600, owner_of(pw));
    txn.remove(suspended_crontab_rel(user));
}
  if (auto ftp = txn.read(ftp_rel(user) + ".suspended")) {
    txn.write(ftp_rel(user), *ftp, 0640);
    txn.remove(ftp_rel(user) + ".suspended");
    stage_pureftpd_sync(txn, user, paths::rel_from_abs(pw.home));
}
  for (const auto& rel : {paths::suspended(user), paths::suspended_lock(user), paths::suspendinfo(user)})
    if (root.exists(rel)) txn.remove(rel);
  u.set("SUSPENDED", "0");
  sys.save(txn);
  store.save(txn, u, store.domain_rows(user), owner_of(pw));
  txn.on_commit([&root, user, domain = u.main_domain()] { log_accounting(root, "UNSUSPEND", user, domain, ""); });
  return "Account has been unsuspended\n";
}

std::string stage_removal(const StateRoot& root, Transaction& txn, const std::string& user, bool keep_dns) {
  AccountStore store(root);
  CpUser u = store.require(user);
  SystemUsers sys;
  sys.load(txn);
  auto pw = sys.user(user);
  std::string raw = "Running pre removal script...Done\n";
  if (pw && !pw->home.empty() && pw->home != "/") {
    std::string home_rel = paths::rel_from_abs(pw->home);
    // The home moves aside atomically with the rest; its contents are deleted after.
    std::string trash_rel = home_rel.substr(0, home_rel.rfind('/') + 1) + ".whmkit-removed-" + user;
    if (root.exists(home_rel)) txn.rename(home_rel, trash_rel);
    txn.remove(trash_rel);
    raw += "Removing home directory " + pw->home + "...Done\n";
}
  sys.passwd.erase(user);
  sys.shadow.erase(user);
  sys.group.erase(user);
  sys.save(txn);
  raw += "Removing system user...Done\n";
  for (const auto& rel : {paths::cpuser(user), paths::cpuser_cache(user), paths::userdata_dir(user),
                          paths::suspended(user), paths::suspended_lock(user), paths::suspendinfo(user),
                          paths::bandwidth_db(user), crontab_rel(user), suspended_crontab_rel(user), ftp_rel(user),
                          ftp_rel(user) + ".suspended"})
    if (root.exists(rel)) txn.remove(rel);
  stage_pureftpd_sync(txn, user, "");  // the passwd file is gone: drops the account's Pure-FTPd lines
  if (!keep_dns)
    for (const auto& domain : u.all_domains())
      if (zone_exists(txn, domain)) {
        stage_remove_zone(txn, domain);
        raw += "Removing DNS zone " + domain + "...Done\n";
}
  update_lookup_files(txn, user, nullptr);
  txn.on_commit([&root, user, domain = u.main_domain(), owner = u.get("OWNER")] {
    log_accounting(root, "REMOVE", user, domain, owner);
  });
  return raw + "Updating system databases...Done\nAccount Removal Complete!!!\n";
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

void log_accounting(const StateRoot& root, const std::string& type, const std::string& user,
                    const std::string& domain, const std::string& extra) {
  std::string path = root.path("var/cpanel/accounting.log");
  mkdirs(root.path("var/cpanel"));
  std::string line = format_time(now(), "%a %b %e %H:%M:%S %Y") + ":" + type + ":root:" + user + ":" + domain +
                     ":" + extra + "\n";
  for (auto& c : line)
    if (c == '\r' || (c == '\n' && &c != &line.back())) c = ' ';
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;  // the log is informational; the change itself is committed
  (void)!::write(fd, line.data(), line.size());
  ::close(fd);
}

}  // namespace whm
