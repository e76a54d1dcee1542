#include "convert_addon.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "account_domains.hpp"
#include "account_lifecycle.hpp"
#include "autoresponders.hpp"
#include "cron_store.hpp"
#include "dns_store.hpp"
#include "email_accounts.hpp"
#include "errors.hpp"
#include "ftp_store.hpp"
#include "notices.hpp"
#include "output.hpp"
#include "sysusers.hpp"
#include "util.hpp"

namespace whm {

// ---------------------------------------------------------------- records

namespace {

constexpr const char* kRecordsDir = "var/cpanel/convert_addon";

std::string record_rel(long long id) { return std::string(kRecordsDir) + "/" + std::to_string(id) + ".json"; }

ConversionJob parse_conversion(const nlohmann::json& j) {
  ConversionJob job;
  job.id = j.at("job_id").get<long long>();
  job.domain = j.at("domain").get<std::string>();
  job.source_user = j.at("source_acct").get<std::string>();
  job.target_user = j.at("target_acct").get<std::string>();
  job.status = j.at("job_status").get<std::string>();
  job.start = j.at("job_start_time").get<std::time_t>();
  job.end = j.at("job_end_time").get<std::time_t>();
  for (const auto& s : j.at("steps"))
    job.steps.push_back({s.at("step_name").get<std::string>(), s.at("status").get<std::string>(),
                         s.at("warnings").get<std::string>(), s.at("start_time").get<std::time_t>(),
                         s.at("end_time").get<std::time_t>()});
  return job;
}

// The record `name` ("12.json") holds, or nullopt with a warning when it does not parse.
std::optional<ConversionJob> read_record(const StateRoot& root, const std::string& name) {
  const std::string rel = std::string(kRecordsDir) + "/" + name;
  auto text = root.read(rel);
  if (!text) return std::nullopt;
  try {
    return parse_conversion(nlohmann::json::parse(*text));
  } catch (const std::exception&) {
    add_notice("The conversion record /" + rel + " could not be read; it is left out.");
    return std::nullopt;
  }
}

// "12.json" -> 12; nullopt for any other name.
std::optional<long long> record_id(const std::string& name) {
  if (!ends_with(name, ".json")) return std::nullopt;
  const std::string digits = name.substr(0, name.size() - 5);
  if (!is_digits(digits) || digits[0] == '0') return std::nullopt;
  return parse_int(digits);
}

}  // namespace

std::string ConversionJob::outcome() const {
  bool skipped = false;
  for (const auto& s : steps) {
    if (s.status == conversion_status::kFailed) return conversion_status::kFailed;
    skipped |= s.status == conversion_status::kSkipped;
  }
  return skipped ? conversion_status::kSkipped : conversion_status::kDone;
}

nlohmann::json conversion_json(const ConversionJob& job) {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : job.steps)
    steps.push_back({{"end_time", s.end},
                     {"start_time", s.start},
                     {"status", s.status},
                     {"step_name", s.name},
                     {"warnings", s.warnings}});
  return {{"domain", job.domain},     {"job_end_time", job.end},
          {"job_id", job.id},         {"job_start_time", job.start},
          {"job_status", job.status}, {"source_acct", job.source_user},
          {"steps", steps},           {"target_acct", job.target_user}};
}

std::vector<ConversionJob> load_conversions(const StateRoot& root) {
  std::vector<ConversionJob> jobs;
  for (const auto& name : root.list_dir(kRecordsDir))
    if (record_id(name))
      if (auto job = read_record(root, name)) jobs.push_back(std::move(*job));
  std::sort(jobs.begin(), jobs.end(), [](const ConversionJob& a, const ConversionJob& b) { return a.id < b.id; });
  return jobs;
}

std::optional<ConversionJob> load_conversion(const StateRoot& root, long long id) {
  return read_record(root, std::to_string(id) + ".json");
}

long long next_conversion_id(const StateRoot& root) {
  long long last = 0;
  for (const auto& name : root.list_dir(kRecordsDir))
    if (auto id = record_id(name)) last = std::max(last, *id);
  return last + 1;
}

void stage_conversion_record(Transaction& txn, const ConversionJob& job) {
  txn.write(record_rel(job.id), json_pretty(conversion_json(job)), 0600);
}

// ---------------------------------------------------------------- the domain

std::optional<AddonDomain> find_addon_domain(const AccountStore& store, const std::string& domain) {
  auto user = store.domain_owner(domain);
  if (!user) return std::nullopt;
  const auto rows = store.domain_rows(*user);
  auto row = std::find_if(rows.begin(), rows.end(), [&](const DomainRow& r) { return r.domain == domain; });
  if (row == rows.end() || row->type != "addon") return std::nullopt;
  AddonDomain a{domain, *user, row->owner, row->parent, row->docroot, row->ip, {}};
  for (const auto& r : rows)
    if (r.type == "addon" && r.parent == a.subdomain && r.domain != domain) a.parked.push_back(r.domain);
  return a;
}

std::vector<DomainRow> addon_domain_rows(const AccountStore& store) {
  std::vector<DomainRow> out;
  for (const auto& user : store.usernames())
    for (const auto& r : store.domain_rows(user))
      if (r.type == "addon") out.push_back(r);
  std::sort(out.begin(), out.end(), [](const DomainRow& a, const DomainRow& b) { return a.domain < b.domain; });
  return out;
}

void stage_addon_release(const StateRoot& root, Transaction& txn, const AddonDomain& addon) {
  AccountDomains domains(root, txn, addon.user);
  // The addon domains first: a subdomain is not removed while it serves one.
  for (const auto& parked : addon.parked) domains.remove(parked, ZoneFate::Keep);
  domains.remove(addon.domain, ZoneFate::Keep);
  domains.remove(addon.subdomain);
  domains.stage();
}

void stage_parked_on_new_account(const StateRoot& root, Transaction& txn, const AccountFacts& a, CpUser cpuser,
                                 const std::vector<std::string>& parked) {
  if (parked.empty()) return;
  AccountStore store(root);
  const std::string docroot = a.home + "/public_html";
  std::vector<DomainRow> rows;
  DomainRow main_row;
  main_row.domain = a.main_domain;
  main_row.type = "main";
  main_row.parent = a.main_domain;
  main_row.docroot = docroot;
  main_row.ip = cpuser.get("IP");
  main_row.user = a.user;
  main_row.owner = a.owner;
  rows.push_back(main_row);
  std::vector<std::string> aliases = {"mail." + a.main_domain, "www." + a.main_domain};
  for (const auto& d : parked) {
    DomainRow r = main_row;
    r.domain = d;
    r.type = "parked";
    rows.push_back(r);
    for (const auto& alias : {d, "www." + d, "mail." + d}) aliases.push_back(alias);
  }
  std::sort(aliases.begin(), aliases.end());
  nlohmann::json main = {{"addon_domains", nlohmann::json::object()},
                         {"main_domain", a.main_domain},
                         {"parked_domains", parked},
                         {"sub_domains", nlohmann::json::array()}};
  VhostSpec vhost{
      a.user, a.owner, a.home, a.main_domain, docroot, main_row.ip, cpuser.get("HASCGI") == "1", join(aliases, " ")};
  store.save_userdata(txn, a.user, "main", main, a.ids);
  store.save_userdata(txn, a.user, a.main_domain, vhost_userdata(vhost), a.ids);
  store.save_userdata_cache(txn, a.user, rows);
  cpuser.set_other_domains(parked);
  store.save(txn, cpuser, rows, a.ids);
}

void stage_zone_kept(Transaction& txn, const std::string& domain, const std::string& original,
                     const std::string& old_ip, const std::string& new_ip) {
  Zone zone = Zone::parse(domain, original);
  if (old_ip != new_ip)
    for (auto [line, r] : zone.records())
      if (r.type == "A" && r.rdata.size() == 1 && r.rdata[0] == old_ip) {
        r.rdata[0] = new_ip;
        zone.replace(line, r);
      }
  stage_zone(txn, zone, now());
}

// ---------------------------------------------------------------- files

namespace {

// Deeper trees are left out (each level holds a directory descriptor open).
constexpr size_t kMaxCopyDepth = 200;

struct TreeCopy {
  FileOwner owner;
  bool as_root = ::geteuid() == 0;
  std::vector<std::string> warnings;

  void skip(const UserDir& from, const std::string& name, const std::string& why) {
    warnings.push_back(from.shown(name) + ": " + why);
  }

  // Copies the regular file `name` of `from` into `to`.
  void file(const UserDir& from, const UserDir& to, const std::string& name) {
    Fd in = from.open_file(name);
    struct stat st;
    if (!in || ::fstat(in.get(), &st) != 0) return skip(from, name, "it vanished or could not be read; not copied.");
    if (st.st_nlink > 1)
      return skip(from, name, "it has other hard links (it may be another account's file); not copied.");
    Fd out(::openat(to.fd(), name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!out) return skip(from, name, std::string("cannot create ") + to.shown(name) + ": " + std::strerror(errno));
    char buf[65536];
    for (ssize_t n; (n = ::read(in.get(), buf, sizeof buf)) != 0;) {
      if (n < 0 || ::write(out.get(), buf, static_cast<size_t>(n)) != n)
        return skip(from, name, std::string("copying failed: ") + std::strerror(errno));
    }
    if (as_root) (void)::fchown(out.get(), owner.uid, owner.gid);
    ::fchmod(out.get(), st.st_mode & 01777);  // no setuid/setgid bits for the new owner
    const struct timespec times[2] = {st.st_atim, st.st_mtim};
    ::futimens(out.get(), times);
  }

  void symlink(const UserDir& from, const UserDir& to, const std::string& name) {
    auto target = from.link_target(name);
    if (!target) return skip(from, name, "the symlink vanished; not copied.");
    ::unlinkat(to.fd(), name.c_str(), 0);  // a file of the skeleton with the same name
    if (::symlinkat(target->c_str(), to.fd(), name.c_str()) != 0)
      return skip(from, name, std::string("cannot create the symlink: ") + std::strerror(errno));
    if (as_root) (void)::fchownat(to.fd(), name.c_str(), owner.uid, owner.gid, AT_SYMLINK_NOFOLLOW);
  }

  void tree(const UserDir& from, const UserDir& to, size_t depth) {
    for (const auto& name : from.entries()) {
      struct stat st;
      if (::fstatat(from.fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // vanished
      try {
        if (S_ISREG(st.st_mode)) {
          file(from, to, name);
        } else if (S_ISLNK(st.st_mode)) {
          symlink(from, to, name);
        } else if (S_ISDIR(st.st_mode)) {
          if (depth >= kMaxCopyDepth) {
            skip(from, name, "nested too deeply; not copied.");
            continue;
          }
          auto sub = from.dir(name);  // refuses a directory swapped for a symlink meanwhile
          if (!sub) continue;
          UserDir dest = to.make_dirs(name, st.st_mode & 01777, owner);
          tree(*sub, dest, depth + 1);
          ::fchmod(dest.fd(), st.st_mode & 01777);
        } else {
          skip(from, name, "not a regular file, directory or symlink; not copied.");
        }
      } catch (const ApiError& e) {
        skip(from, name, std::string(e.what()) + " Not copied.");
      }
    }
  }
};

}  // namespace

std::vector<std::string> copy_tree(const UserDir& from, const UserDir& to, FileOwner owner) {
  TreeCopy copy;
  copy.owner = owner;
  copy.tree(from, to, 0);
  ::syncfs(to.fd());  // on disk before the transaction that moves the new home into place commits
  return copy.warnings;
}

std::vector<std::string> stage_ftp_move(Transaction& txn, const CpanelAccount& from, const CpanelAccount& to,
                                        const std::vector<std::string>& domains, const std::string& old_docroot) {
  FtpAccounts source(txn, from), target(txn, to);
  std::vector<std::string> warnings;
  std::vector<FtpLogin> moving;
  for (const auto& l : source.logins()) {
    const auto at = l.login.rfind('@');
    if (at != std::string::npos && std::find(domains.begin(), domains.end(), l.login.substr(at + 1)) != domains.end())
      moving.push_back(l);
  }
  const std::string new_docroot = to.home + "/public_html";
  for (FtpLogin l : moving) {
    const auto quota = source.quota_mb(l.login);
    const auto extras = source.extras(l.login);
    const std::string old_home = l.home;
    l.home = rehome(l.home, old_docroot, new_docroot);
    if (l.home == old_home) {  // outside the copied document root
      l.home = new_docroot;
      warnings.push_back("The FTP account “" + l.login + "” had the directory " + old_home +
                         ", which is outside the document root; it now has " + new_docroot + ".");
    }
    if (l.gecos == from.user) l.gecos = to.user;  // cPanel's gecos of a login: its account
    l.uid = std::to_string(to.owner.uid);
    l.gid = std::to_string(to.owner.gid);
    source.erase(l.login);
    target.add(l);
    target.set_quota_mb(l.login, quota);
    target.set_extras(l.login, extras);
  }
  if (moving.empty()) return warnings;
  source.stage(txn);
  target.stage(txn);
  return warnings;
}

namespace {

// `command` with every path inside `from` (the directory itself, or below it)
// moved inside `to`; a longer name that merely starts the same stays.
std::string repoint_paths(const std::string& command, const std::string& from, const std::string& to, bool& changed) {
  std::string out;
  size_t pos = 0;
  for (size_t hit; (hit = command.find(from, pos)) != std::string::npos;) {
    const size_t end = hit + from.size();
    const bool whole = end == command.size() || command[end] == '/' ||
                       std::string(" \t;&|'\")<>").find(command[end]) != std::string::npos;
    out += command.substr(pos, hit - pos) + (whole ? to : from);
    changed = changed || whole;
    pos = end;
  }
  return out + command.substr(pos);
}

}  // namespace

std::vector<std::string> stage_mail_copy(const StateRoot& root, Transaction& txn, const CpanelAccount& from,
                                         const CpanelAccount& to, const std::vector<std::string>& domains) {
  CpanelAccount moving = from;  // only the converted domains' mail
  moving.domains = domains;
  EmailAccounts source(txn, moving), target(txn, to);
  const std::string from_rel = paths::rel_from_abs(from.home), to_rel = paths::rel_from_abs(to.home);
  auto from_home = UserDir::open(root.path(from_rel), from.home);
  auto to_home = UserDir::open(root.path(to_rel), to.home);
  if (!to_home) throw ApiError("The new home directory " + to.home + " does not exist.");
  std::vector<std::string> warnings;
  auto copy_dir = [&](const std::string& rel, mode_t mode) {
    auto dir = from_home ? from_home->dir(rel) : std::nullopt;
    if (!dir) return false;
    for (auto& w : copy_tree(*dir, to_home->make_dirs(rel, mode, to.owner), to.owner)) warnings.push_back(std::move(w));
    return true;
  };
  for (const Mailbox* box : source.all()) {
    const EmailAddress& a = box->address;
    target.add(a, box->hash, box->quota_bytes);
    if (!copy_dir(mail_paths::maildir("", a).rel, 0751)) stage_new_maildir(txn, to, a);
    copy_dir(mailbox_settings_dir("", a).rel, 0750);
  }
  target.stage(txn);
  if (from_home)
    for (const auto& a : autoresponder_addresses(root.path(from_rel), from.home))
      if (std::find(domains.begin(), domains.end(), a.domain) != domains.end())
        if (auto reply = load_autoresponder(txn, from_rel, a)) stage_autoresponder(txn, to_rel, to.owner, *reply);
  return warnings;
}

std::vector<std::string> stage_cron_move(Transaction& txn, const CpanelAccount& from, const CpanelAccount& to,
                                         const std::string& old_docroot) {
  Crontab source = load_crontab(txn, from.user), target = load_crontab(txn, to.user);
  const std::string new_docroot = to.home + "/public_html";
  std::vector<std::string> moved;
  const auto jobs = source.jobs();
  for (size_t i = jobs.size(); i-- > 0;) {
    bool changed = false;
    CronJob job = jobs[i];
    job.command = repoint_paths(job.command, old_docroot, new_docroot, changed);
    if (!changed) continue;
    target.add(job);
    source.remove(i);
    moved.insert(moved.begin(), "The cron job “" + jobs[i].schedule + " " + jobs[i].command + "” moved to " + to.user +
                                    " as “" + job.schedule + " " + job.command + "”.");
  }
  if (moved.empty()) return moved;
  stage_crontab(txn, from.user, from.owner, source);
  stage_crontab(txn, to.user, to.owner, target);
  return moved;
}

}  // namespace whm
