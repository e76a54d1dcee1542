// The Backup module of UAPI: an account's own full backups (the cpmove
// archive pkgacct writes) into its home or onto a remote FTP or SSH server,
// the list of those in its home, and the restore of its files from one.
// cPanel queues a full backup and answers with the queued process's id;
// whmkit makes it before it answers (see docs/uapi-backup.md).
#include <unistd.h>

#include <functional>

#include "backup_destinations.hpp"
#include "errors.hpp"
#include "home_backup.hpp"
#include "lazy_registrations.hpp"
#include "mail_filters.hpp"
#include "mail_routing.hpp"
#include "registry.hpp"
#include "sysusers.hpp"
#include "user_dir.hpp"
#include "util.hpp"

namespace whm {
namespace {

PkgacctOptions backup_options(const Request& req) {
  PkgacctOptions opts;  // homedir's values are checked by the dispatcher (declared below)
  opts.skip_homedir = req.get_or("homedir", "include") == "skip";
  return opts;
}

// The answer of every fullbackup_* function: the process that made the
// backup (this one: whmkit runs it before answering), and a warning for
// `email`, since whmkit sends no mail.
Response backup_made(const Request& req) {
  Response r;
  r.data = {{"pid", std::to_string(::getpid())}};
  const std::string email = req.get_or("email", "");
  if (!email.empty())
    r.warnings.push_back("whmkit does not send email: no confirmation was sent to “" +
                         req.single_line("email").value_or("") + "”.");
  return r;
}

Response fullbackup_to_homedir(Context& ctx, const Request& req) {
  write_home_backup(ctx.root, ctx.account, backup_options(req));
  return backup_made(req);
}

// Uploads the account's archive to `remote` (a destination that is never
// stored) under the name fullbackup_to_homedir would give it.
Response upload_backup(Context& ctx, const Request& req, BackupDestination remote) {
  const std::string host = req.single_line("host").value_or("");
  if (host.empty() || host.find_first_of("/@ ") != std::string::npos)
    throw invalid_param("host", "it must be a host name or address.");
  remote.fields["name"] = "UAPI Backup";
  remote.fields["host"] = host;
  remote.fields["path"] = req.single_line("directory").value_or("");
  TemporaryAccountArchive archive(ctx.root, ctx.account.user, backup_options(req));
  upload_to_destination(ctx.root, remote, archive.path(), home_backup_name(ctx.account.user, now()));
  return backup_made(req);
}

std::string port_arg(const Request& req, long long fallback) {
  return std::to_string(req.integer("port", 1, 65535).value_or(fallback));
}

Response fullbackup_to_ftp(Context& ctx, const Request& req) {
  const std::string variant = req.get_or("variant", "active");  // or "passive" (declared below)
  BackupDestination remote;
  remote.fields = {{"type", "FTP"},
                   {"port", port_arg(req, 21)},
                   {"username", req.single_line("username").value_or("")},
                   {"password", req.single_line("password").value_or("")},
                   {"passive", variant == "passive" ? "1" : "0"}};
  return upload_backup(ctx, req, remote);
}

Response fullbackup_to_scp_with_password(Context& ctx, const Request& req) {
  BackupDestination remote;
  remote.fields = {{"type", "SFTP"},
                   {"port", port_arg(req, 22)},
                   {"authtype", "password"},
                   {"username", req.single_line("username").value_or("")},
                   {"password", req.single_line("password").value_or("")}};
  return upload_backup(ctx, req, remote);
}

// The key is the account's ~/.ssh/<key_name>. libcurl reads it by path, so
// it is copied (never through a symlink) to a root-only file first.
Response fullbackup_to_scp_with_key(Context& ctx, const Request& req) {
  const std::string key_name = req.require("key_name");
  check_path_component(key_name, "key_name");
  auto home = UserDir::open(ctx.root.path(paths::rel_from_abs(ctx.account.home)), ctx.account.home);
  auto ssh = home ? home->dir(".ssh") : std::nullopt;
  auto key = ssh ? ssh->read(key_name) : std::nullopt;
  if (!key) throw invalid_param("key_name", "there is no key “" + key_name + "” in “" + ctx.account.home + "/.ssh”.");
  std::string tmpl = "/tmp/whmkit-key-XXXXXX";
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) throw ApiError("Cannot create a temporary file.");
  struct Unlink {
    std::string path;
    ~Unlink() { ::unlink(path.c_str()); }
  } cleanup{tmpl};
  const bool written = ::write(fd, key->data(), key->size()) == static_cast<ssize_t>(key->size());
  ::close(fd);
  if (!written) throw ApiError("Cannot write a temporary file.");
  BackupDestination remote;
  remote.fields = {{"type", "SFTP"},     {"port", port_arg(req, 22)},
                   {"authtype", "key"},  {"username", req.get_or("username", ctx.account.user)},
                   {"privatekey", tmpl}, {"passphrase", req.get_or("key_passphrase", "")}};
  return upload_backup(ctx, req, remote);
}

Response list_backups(Context& ctx, const Request&) {
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& b : list_home_backups(ctx.root, ctx.account))
    r.data.push_back(format_time(b.when, "%Y-%m-%d %H:%M:%S", true) + "+00:00");
  return r;
}

// ~/.cpanel/logs/<kind>/<id>.log ("restorefiles", "restore-email-forwarders"),
// as cPanel keeps it: the id is the UTC time and a sequence number
// ("2019-08-13T15:10:07Z.1").
struct RestoreLog {
  std::string id, path;
};
RestoreLog stage_restore_log(Context& ctx, const std::vector<std::string>& lines, const char* kind = "restorefiles") {
  const std::string home_rel = paths::rel_from_abs(ctx.account.home);
  Transaction& txn = ctx.txn();
  SystemUsers sys;
  sys.load(txn);
  const FileOwner owner = owner_of(sys.require_user(ctx.account.user));
  std::string dir;
  for (const char* part : {".cpanel", "logs", kind}) {
    dir += (dir.empty() ? "" : "/") + std::string(part);
    if (!txn.exists(UserPath{home_rel, dir})) txn.make_dir(UserPath{home_rel, dir}, 0700, owner);
  }
  const std::string stamp = format_time(now(), "%Y-%m-%dT%H:%M:%SZ", true);
  std::string id;
  for (int n = 1; id.empty() || txn.exists(UserPath{home_rel, dir + "/" + id + ".log"}); ++n)
    id = stamp + "." + std::to_string(n);
  txn.write(UserPath{home_rel, dir + "/" + id + ".log"}, join(lines, "\n") + "\n", 0600, owner);
  return {id, ctx.account.home + "/" + dir + "/" + id + ".log"};
}

Response restore_files(Context& ctx, const Request& req) {
  const std::string backup = req.single_line("backup").value_or("");
  if (backup.empty()) throw missing_param("backup");
  const std::string given = req.single_line("directory").value_or("");
  const std::string directory = given.empty() ? ctx.account.home : given;
  req.integer("timeout", 0, 1LL << 40);  // checked only: whmkit does not stop a restore part way
  const auto restored = restore_home_files(ctx.root, ctx.account, backup, directory);
  std::vector<std::string> messages;
  for (const auto& name : restored)
    messages.push_back("The system successfully restored the directory " + directory + "/" + name +
                       " from the backup file " + backup.substr(backup.rfind('/') + 1));
  const RestoreLog log = stage_restore_log(ctx, messages);
  Response r;
  r.data = {{"log_id", log.id}, {"log_path", log.path}, {"messages", messages}};
  return r;
}

// The restores of one kind of mail backup file (backup, backup-1, ...): each
// is restored by `restore_one`, which adds its messages; they go to
// ~/.cpanel/logs/<kind>/<id>.log.
Response restore_mail_backups(Context& ctx, const Request& req, const char* kind,
                              const std::function<void(const std::string&, std::vector<std::string>&)>& restore_one) {
  const auto& backups = req.list("backup");
  if (backups.empty() || backups.front().empty()) throw missing_param("backup");
  req.integer("timeout", 0, 1LL << 40);  // checked only: whmkit does not stop a restore part way
  std::vector<std::string> messages;
  for (const auto& backup : backups) restore_one(backup, messages);
  const RestoreLog log = stage_restore_log(ctx, messages, kind);
  Response r;
  r.data = {{"log_id", log.id}, {"log_path", log.path}, {"messages", messages}};
  return r;
}

// Each backup is an aliases-<domain>.gz in the home (lib/store/mail_routing.hpp);
// its forwarders join the domain's.
Response restore_email_forwarders(Context& ctx, const Request& req) {
  return restore_mail_backups(ctx, req, "restore-email-forwarders",
                              [&](const std::string& backup, std::vector<std::string>& messages) {
                                std::string left_out;
                                stage_forwarders_backup_restore(ctx.root, ctx.txn(), ctx.account.user, ctx.account.home,
                                                                ctx.account.domains, backup, left_out);
                                for (const auto& line : split(left_out, '\n'))
                                  if (!line.empty()) messages.push_back(line);
                                messages.push_back("The system successfully restored the email forwarders from the '" +
                                                   backup.substr(backup.rfind('/') + 1) + "' backup.");
                              });
}

// Each backup is a filter_info.<user>.yaml[.gz] in the home
// (lib/store/mail_filters.hpp); it replaces the account-level filters, as in
// cPanel (cPanel's wording for the message).
Response restore_email_filters(Context& ctx, const Request& req) {
  return restore_mail_backups(
      ctx, req, "restore-email-filters", [&](const std::string& backup, std::vector<std::string>& messages) {
        const std::string name = stage_filters_backup_restore(ctx.root, ctx.txn(), ctx.account, backup);
        messages.push_back("The system successfully restored the email filters from the “" + name + "” backup.");
      });
}

// whmkit keeps no databases (issue #23): restore_databases is refused, saying so.
Response restore_databases(Context&, const Request&) {
  throw NotAvailableError(
      "Restoring databases is not implemented by whmkit: whmkit keeps no MySQL or PostgreSQL databases yet "
      "(issue #23), so there is nowhere to restore them to.");
}

ModuleFunction backup_fn(const char* name, Handler h, Access access, std::vector<ParamSpec> params = {}) {
  return {Api::Uapi, "Backup", name, std::move(h), access, needs_feature("backup"), std::move(params)};
}

// An optional parameter with the published default and values.
ParamSpec with_default(const char* name, ParamType type, const char* default_value,
                       std::vector<std::string> allowed = {}) {
  ParamSpec p = optional_param(name, type);
  p.default_value = default_value;
  p.allowed = std::move(allowed);
  return p;
}

std::vector<ParamSpec> full_backup_params(std::vector<ParamSpec> extra) {
  extra.push_back(optional_param("email"));
  extra.push_back(with_default("homedir", ParamType::String, "include", {"include", "skip"}));
  return extra;
}

std::vector<ParamSpec> remote_params(const char* default_port, std::vector<ParamSpec> credentials) {
  credentials.insert(credentials.begin(), make_param("host", ParamType::String, true));
  credentials.push_back(optional_param("directory"));
  credentials.push_back(with_default("port", ParamType::Integer, default_port));
  return full_backup_params(credentials);
}

std::vector<ParamSpec> restore_params(const char* default_timeout, bool with_directory) {
  std::vector<ParamSpec> p = {optional_param("backup"), with_default("timeout", ParamType::Integer, default_timeout),
                              with_default("verbose", ParamType::Integer, "0", {"0", "1"})};
  if (with_directory) p.push_back(optional_param("directory"));
  return p;
}

WHMKIT_REGISTRATIONS(
    backup_functions,
    Registration(backup_fn("fullbackup_to_homedir", fullbackup_to_homedir, Access::Read, full_backup_params({}))),
    Registration(backup_fn("fullbackup_to_ftp", fullbackup_to_ftp, Access::Read,
                           remote_params("21", {make_param("username", ParamType::String, true),
                                                make_param("password", ParamType::String, true),
                                                with_default("variant", ParamType::String, "active",
                                                             {"active", "passive"})}))),
    Registration(backup_fn("fullbackup_to_scp_with_password", fullbackup_to_scp_with_password, Access::Read,
                           remote_params("22", {make_param("username", ParamType::String, true),
                                                make_param("password", ParamType::String, true)}))),
    Registration(backup_fn("fullbackup_to_scp_with_key", fullbackup_to_scp_with_key, Access::Read,
                           remote_params("22", {make_param("key_name", ParamType::String, true),
                                                make_param("key_passphrase", ParamType::String, true),
                                                optional_param("username")}))),
    Registration(backup_fn("list_backups", list_backups, Access::Read)),
    Registration(backup_fn("restore_files", restore_files, Access::Write, restore_params("172800", true))),
    Registration(backup_fn("restore_databases", restore_databases, Access::Read, restore_params("7200", false))),
    Registration(backup_fn("restore_email_forwarders", restore_email_forwarders, Access::Write,
                           restore_params("7200", false))),
    Registration(backup_fn("restore_email_filters", restore_email_filters, Access::Write,
                           restore_params("7200", false))), );

}  // namespace
}  // namespace whm
