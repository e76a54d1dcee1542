#include "account_common.hpp"
#include "backup_store.hpp"

#include <sys/quota.h>
#include <sys/stat.h>
#include <cerrno>
#include <cstring>

#include "errors.hpp"
#include "tweak_settings.hpp"
#include "util.hpp"

namespace whm {

std::string normalize_limit(const std::string& v) { return to_lower(v) == "unlimited" ? "unlimited" : v; }

namespace {

nlohmann::json int_or_string(const std::string& v) {
  if (auto n = parse_int(v)) return *n;
  return v;
}

}  // namespace

std::vector<std::string> home_roots(const StateRoot& root, const ServerConfig& config) {
  std::vector<std::string> roots;
  if (config.home_root != "/") roots.push_back(config.home_root);
  if (config.home_match.empty()) return roots;
  for (const auto& name : root.list_dir("")) {
    struct stat st {};
    const std::string abs = "/" + name;
    if (name.find(config.home_match) == std::string::npos || abs == config.home_root) continue;
    if (::lstat(root.path(name).c_str(), &st) == 0 && S_ISDIR(st.st_mode)) roots.push_back(abs);
  }
  return roots;
}

const std::string* QuotaReader::device_of(const std::string& abs_path) {
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
  return best ? &best->second : nullptr;
}

bool QuotaReader::enabled(const std::string& abs_path) {
  const std::string* device = device_of(abs_path);
  if (!device) return false;
  // Q_GETINFO answers only for a filesystem whose user quotas are on.
  dqinfo info{};
  return ::quotactl(QCMD(Q_GETINFO, USRQUOTA), device->c_str(), 0, reinterpret_cast<caddr_t>(&info)) == 0;
}

QuotaReader::Usage QuotaReader::usage(const std::string& abs_path, uid_t uid) {
  if (unavailable_) return {};
  const std::string* device = device_of(abs_path);
  if (!device) return {};
  dqblk dq{};
  if (::quotactl(QCMD(Q_GETQUOTA, USRQUOTA), device->c_str(), static_cast<int>(uid), reinterpret_cast<caddr_t>(&dq)) !=
      0) {
    if (errno == ESRCH || errno == ENOSYS || errno == ENOTBLK || errno == EPERM || errno == ENODEV) unavailable_ = true;
    return {};
  }
  return {static_cast<long long>(dq.dqb_curspace), static_cast<long long>(dq.dqb_curinodes),
          static_cast<long long>(dq.dqb_bhardlimit), static_cast<long long>(dq.dqb_ihardlimit), true};
}

std::optional<QuotaReader::Usage> QuotaReader::set_block_limit(const std::string& abs_path, uid_t uid,
                                                               long long blocks) {
  if (!enabled(abs_path)) return std::nullopt;
  const std::string& device = *device_of(abs_path);
  dqblk dq{};
  if (::quotactl(QCMD(Q_GETQUOTA, USRQUOTA), device.c_str(), static_cast<int>(uid), reinterpret_cast<caddr_t>(&dq)) !=
      0)
    throw ApiError("The quota of user ID " + std::to_string(uid) + " on " + device +
                   " cannot be read: " + std::strerror(errno) + ".");
  Usage before{static_cast<long long>(dq.dqb_curspace), static_cast<long long>(dq.dqb_curinodes),
               static_cast<long long>(dq.dqb_bhardlimit), static_cast<long long>(dq.dqb_ihardlimit), true};
  dq.dqb_bsoftlimit = dq.dqb_bhardlimit = static_cast<uint64_t>(blocks);
  dq.dqb_valid = QIF_BLIMITS;
  if (::quotactl(QCMD(Q_SETQUOTA, USRQUOTA), device.c_str(), static_cast<int>(uid), reinterpret_cast<caddr_t>(&dq)) !=
      0)
    throw ApiError("The quota of user ID " + std::to_string(uid) + " on " + device +
                   " cannot be set: " + std::strerror(errno) + ".");
  return before;
}

std::string temporary_domain_base(const Transaction& view) {
  std::string base = to_lower(trim(read_tweak_setting(view, tweak_settings::kTemporaryDomainBase).value_or("")));
  while (!base.empty() && base.back() == '.') base.pop_back();
  return base;
}

std::string temporary_domain_for(const std::string& user, const std::string& base) { return user + "." + base; }

bool is_temporary_domain(const std::string& domain, const std::string& base) {
  return !base.empty() && domain.size() > base.size() + 1 && ends_with(domain, "." + base) &&
         domain.find('.') == domain.size() - base.size() - 1;
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
    if (starts_with(k, "WORKER_NODE-"))
      child_nodes.push_back({{"alias", split(v, ':')[0]}, {"workload", k.substr(12)}});

  auto startdate = parse_int(u.get("STARTDATE")).value_or(0);
  auto suspendtime = parse_int(u.get("SUSPENDTIME"));
  std::string contact = u.get("CONTACTEMAIL");

  // emplace, not an initializer list: nlohmann copies every element of those.
  nlohmann::json r = nlohmann::json::object();
  r.emplace("backup", parse_int(u.get("BACKUP", "0")).value_or(0));
  r.emplace("child_nodes", child_nodes);
  // Where quotas are on, the kernel's limit is the one that holds.
  if (usage.known) limit_blocks = usage.block_limit;
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
  r.emplace("is_temporary_domain", is_temporary_domain(u.main_domain(), ctx.temporary_base) ? 1 : 0);
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
  // The cpuser keys hold when the switch was set (a timestamp); the listing says whether it is on.
  r.emplace("outgoing_mail_hold", parse_int(u.get("OUTGOING_MAIL_HOLD", "0")).value_or(0) != 0 ? 1 : 0);
  r.emplace("outgoing_mail_suspended", parse_int(u.get("OUTGOING_MAIL_SUSPENDED", "0")).value_or(0) != 0 ? 1 : 0);
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

}  // namespace whm
