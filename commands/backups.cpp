// Backups and account restoration: backup settings, destinations, account
// archives (pkgacct layout, see cpmove.hpp), the backups under BACKUPDIR,
// and restores — one transaction each, so a restore that fails halfway
// leaves no half-made account.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "account_common.hpp"
#include "backup_destinations.hpp"
#include "backup_store.hpp"
#include "cpmove.hpp"
#include "damage.hpp"
#include "errors.hpp"
#include "google_drive.hpp"
#include "lazy_registrations.hpp"
#include "legacy_backup_config.hpp"
#include "notices.hpp"
#include "output.hpp"
#include "pkgacct_session.hpp"
#include "registry.hpp"
#include "transport_history.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {
namespace {

// ---------------------------------------------------------------- settings

Response backup_config_get(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = {{"backup_config", backup_config_api_view(load_backup_config(view))}};
  return r;
}

Response backup_config_set(Context& ctx, const Request& req) {
  Transaction txn(ctx.root);
  BackupConfig c = load_backup_config(txn);
  std::map<std::string, std::string> args;
  for (const auto& [key, values] : req.args)
    if (!values.empty()) args[key] = values.back();
  apply_backup_config_args(c, args);
  stage_backup_config(txn, c);
  txn.commit();
  return {};
}

// ---------------------------------------------------------------- destinations

const char* const kDestinationFields[] = {"host",
                                          "port",
                                          "path",
                                          "username",
                                          "password",
                                          "passive",
                                          "authtype",
                                          "privatekey",
                                          "passphrase",
                                          "ssl",
                                          "script",
                                          "mount",
                                          "no_mount_fail",
                                          "timeout",
                                          "upload_system_backup",
                                          "only_used_for_logs",
                                          "disabled",
                                          "folder",
                                          "client_id",
                                          "client_secret"};

bool is_number_field(const std::string& f) {
  return f == "port" || f == "passive" || f == "ssl" || f == "mount" || f == "no_mount_fail" || f == "timeout" ||
         f == "upload_system_backup" || f == "only_used_for_logs" || f == "disabled";
}

void check_destination_value(const StateRoot& root, const std::string& key, const std::string& value) {
  check_single_line(key, value);
  if ((key == "script" || key == "privatekey") && !value.empty()) check_destination_file(root, key, value);
  if (key == "host" && (value.empty() || value.find_first_of("/:@ ") != std::string::npos))
    throw invalid_param("host", "“" + value + "” is not a host name or address.");
  if (key == "port") {
    auto n = parse_int(value);
    if (!n || *n < 1 || *n > 65535) throw invalid_param("port", "it must be 1 to 65535.");
  }
  if (key == "timeout") {
    auto n = parse_int(value);
    if (!n || *n < 1 || *n > 50000) throw invalid_param("timeout", "it must be 1 to 50000.");
  }
  if ((key == "path" || key == "folder") && value.find("..") != std::string::npos)
    for (const auto& part : split(value, '/'))
      if (part == "..") throw invalid_param(key, "it contains “..”.");
  if (key == "client_id") check_google_client_id(value);
  if (key == "authtype" && value != "password" && value != "key")
    throw invalid_param("authtype", "it must be password or key.");
}

void apply_destination_args(const StateRoot& root, BackupDestination& d, const Request& req) {
  if (auto name = req.get("name")) {
    if (trim(*name).empty()) throw missing_param("name");
    check_destination_value(root, "name", *name);
    d.fields["name"] = *name;
  }
  for (const char* key : kDestinationFields) {
    auto v = req.get(key);
    if (!v) continue;
    check_destination_value(root, key, *v);
    if (is_number_field(key) && !v->empty())
      d.fields[key] = *parse_int(*v);
    else
      d.fields[key] = *v;
  }
  for (const auto& f : required_destination_fields(d.type()))
    if (!d.fields.contains(f) || d.fields[f] == "") throw missing_param(f, "for a " + d.type() + " destination");
  if (d.type() == "SFTP" && d.fields.value("authtype", "password") == "key" && d.fields.value("privatekey", "") == "")
    throw missing_param("privatekey", "for key authentication");
  if (d.type() == "SFTP" && d.fields.value("authtype", "password") == "password" &&
      d.fields.value("password", "") == "")
    throw missing_param("password", "for password authentication");
}

// What the API shows of a destination: everything but the secrets.
nlohmann::json destination_view(const BackupDestination& d) {
  nlohmann::json j = d.fields;
  j.erase("password");
  j.erase("passphrase");
  j["id"] = d.id;
  return j;
}

BackupDestination require_destination(const Context& ctx, const Transaction& txn, const Request& req) {
  std::string id = req.require("id");
  auto d = find_destination(ctx.root, txn, id);
  if (!d) throw ApiError("No backup destination has the ID “" + id + "”.");
  return *d;
}

Response backup_destination_add(Context& ctx, const Request& req) {
  BackupDestination d;
  std::string type = req.require("type");
  if (!destination_type_supported(type)) {
    static const std::set<std::string> known = {"AmazonS3", "S3Compatible", "Backblaze", "Rsync"};
    if (known.count(type))
      throw NotAvailableError("Destinations of type “" + type + "” are not implemented by whmkit (supported: " +
                              join(supported_destination_types(), ", ") + ").");
    throw invalid_param("type", "“" + type + "” is not one of " + join(supported_destination_types(), ", ") + ".");
  }
  req.require("name");
  d.id = new_destination_id();
  d.fields = {{"type", type}, {"disabled", 0}, {"upload_system_backup", 0}, {"only_used_for_logs", 0}, {"timeout", 30}};
  if (type == "FTP") d.fields["passive"] = 1;
  apply_destination_args(ctx.root, d, req);
  Transaction txn(ctx.root);
  for (const auto& other : load_destinations(ctx.root, txn))
    if (other.name() == d.name()) throw ApiError("A backup destination named “" + d.name() + "” already exists.");
  stage_destination(ctx.root, txn, d);
  txn.commit();
  Response r;
  r.data = {{"id", d.id}};
  return r;
}

Response backup_destination_set(Context& ctx, const Request& req) {
  Transaction txn(ctx.root);
  BackupDestination d = require_destination(ctx, txn, req);
  if (auto t = req.get("type"); t && *t != d.type())
    throw ApiError("A destination's type cannot be changed; delete it and add a new one.");
  apply_destination_args(ctx.root, d, req);
  for (const auto& other : load_destinations(ctx.root, txn))
    if (other.id != d.id && other.name() == d.name())
      throw ApiError("A backup destination named “" + d.name() + "” already exists.");
  stage_destination(ctx.root, txn, d);
  txn.commit();
  return {};
}

Response backup_destination_get(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  Response r;
  r.data = destination_view(require_destination(ctx, view, req));
  return r;
}

Response backup_destination_list(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& d : load_destinations(ctx.root, view)) list.push_back(destination_view(d));
  Response r;
  r.data = {{"destination_list", list}};
  return r;
}

Response backup_destination_delete(Context& ctx, const Request& req) {
  Transaction txn(ctx.root);
  BackupDestination d = require_destination(ctx, txn, req);
  stage_destination_removal(ctx.root, txn, d.id);
  stage_transport_history_removal(txn, load_backup_config(txn), d.id);
  txn.commit();
  return {};
}

// Network I/O does not hold the state lock: the destination is read under a
// shared lock, checked without it, and (disableonfail=1) updated under the
// exclusive lock.
Response backup_destination_validate(Context& ctx, const Request& req) {
  BackupDestination d;
  {
    StateReader reader(ctx.root);
    Transaction view(ctx.root);
    d = require_destination(ctx, view, req);
  }
  Response r;
  r.data = {{"id", d.id}};
  try {
    validate_destination(ctx.root, d);
    return r;
  } catch (const NotAvailableError&) {
    throw;
  } catch (const ApiError& e) {
    r.ok = false;
    r.reason = std::string("Validation for transport “") + d.name() + "” failed: " + e.what();
    if (req.flag("disableonfail")) {
      StateWriter writer(ctx.root);
      if (auto current = find_destination(ctx.root, writer.txn(), d.id)) {
        current->fields["disabled"] = 1;
        current->fields["disable_reason"] = e.what();
        stage_destination(ctx.root, writer.txn(), *current);
        writer.commit();
      }
    }
    return r;
  }
}

// ---------------------------------------------------------------- archives

// Session logs are informational and written after the change: plainly, not
// through a temporary file, so a kill mid-write leaves a short log, not a
// leftover temporary file.
void write_log(const std::string& abs, const std::string& text) {
  int fd = ::open(abs.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;
  (void)!::write(fd, text.data(), text.size());
  ::close(fd);
}

// An absolute directory given by the caller, as a path under the state root.
std::string directory_arg(const Context& ctx, const std::string& abs, const char* param) {
  if (abs.empty() || abs[0] != '/') throw invalid_param(param, "it must be an absolute path.");
  check_single_line(param, abs);
  return ctx.root.path(paths::rel_from_abs(abs));  // refuses ".."
}

Response start_background_pkgacct(Context& ctx, const Request& req) {
  const std::string user = req.require("user");
  check_path_component(user, "user");
  ServerConfig config = load_server_config(ctx.root);
  const std::string dir_shown = req.get_or("tarroot", config.home_root);
  const std::string dir = directory_arg(ctx, dir_shown, "tarroot");
  PkgacctOptions opts;
  opts.compress = req.get_or("compressionsetting", "compress") != "nocompress";
  opts.skip_homedir = req.flag("skiphomedir");
  opts.skip_dnszones = req.flag("skipdnszones");
  opts.skip_ftpusers = req.flag("skipftpusers");
  if (req.flag("incremental")) throw NotAvailableError("Incremental pkgacct archives are not implemented by whmkit.");
  if (req.flag("split")) throw NotAvailableError("Split pkgacct archives are not implemented by whmkit.");
  AccountStore(ctx.root).require(user);

  const std::string file = "cpmove-" + user + (opts.compress ? ".tar.gz" : ".tar");
  mkdirs(dir, 0711);
  PkgacctSession session(ctx.root, user);
  session.out("pkgacct started.\n");
  session.out("pkgacct (whmkit) - user : " + user + " - tarball: 1 - compressed: " + (opts.compress ? "1" : "0") +
              " - homedir: " + (opts.skip_homedir ? "0" : "1") + " - running with uid " + std::to_string(::getuid()) +
              "\n");
  session.out("Creating Archive ....", true);
  Transaction view(ctx.root);
  try {
    size_t entries = write_account_archive(ctx.root, view, user, dir + "/" + file, opts);
    session.out("Done\n");
    session.out("Archived " + std::to_string(entries) + " entries to " + dir_shown + "/" + file + "\n");
    session.out("pkgacct completed\n");
  } catch (const ApiError& e) {
    session.error(e.what());
    throw;
  }
  Response r;
  r.data = {{"complete_master_error_log", "master.error_log"},
            {"complete_master_log", "master.log"},
            {"session_id", session.id()}};
  return r;
}

Response fetch_pkgacct_master_log(Context& ctx, const Request& req) {
  Response r;
  r.data = {{"log", pkgacct_master_log(ctx.root, req.require("session_id"))}};
  return r;
}

Response get_pkgacct_session_state(Context& ctx, const Request& req) {
  Response r;
  r.data = {{"state", pkgacct_session_state(ctx.root, req.require("session_id"))}};
  return r;
}

// cpmove-<user>.tar.gz / .tar files in the home root (where transfers put them).
Response list_cparchive_files(Context& ctx, const Request&) {
  ServerConfig config = load_server_config(ctx.root);
  nlohmann::json files = nlohmann::json::array();
  for (const auto& name : ctx.root.list_dir(paths::rel_from_abs(config.home_root))) {
    if (!starts_with(name, "cpmove-")) continue;
    std::string user = name.substr(7);
    bool archive = false;
    for (const char* ext : {".tar.gz", ".tar"})
      if (ends_with(user, ext)) {
        user = user.substr(0, user.size() - std::string(ext).size());
        archive = true;
        break;
      }
    if (archive && !user.empty()) files.push_back({{"file", name}, {"path", config.home_root}, {"user", user}});
  }
  Response r;
  r.data = {{"quickrestore_files", files}};
  return r;
}

// ---------------------------------------------------------------- restore

// The newest archive of `user` of the given kind under BACKUPDIR.
std::optional<BackupPoint> latest_backup(const Context& ctx, const std::string& user, const std::string& kind,
                                         const std::string& date = "") {
  Transaction view(ctx.root);
  std::optional<BackupPoint> best;
  for (const auto& p : list_backup_points(ctx.root, load_backup_config(view)))
    if (p.user == user && (kind.empty() || p.kind == kind) && (date.empty() || p.date == date)) best = p;
  return best;
}

Response restoreaccount(Context& ctx, const Request& req) {
  const std::string user = req.require("user");
  check_path_component(user, "user");
  const std::string kind = req.require("type");
  if (req.flag("ip")) throw NotAvailableError("Restoring a dedicated IP address is not implemented by whmkit.");
  if (req.flag("mysql")) throw NotAvailableError("Restoring MySQL databases is not implemented by whmkit.");
  auto point = latest_backup(ctx, user, kind);
  if (!point) throw ApiError("There is no " + kind + " backup of the account “" + user + "”.");
  check_archive_outside_homes(ctx.root, "/" + point->archive_rel);  // BACKUPDIR could be in one
  auto result = restore_account_archive(ctx.root, ctx.root.path(point->archive_rel), user);
  Response r;
  r.metadata["output"] = {{"raw", result.raw}};
  return r;
}

Response start_local_cpmove_restore(Context& ctx, const Request& req) {
  const std::string path = req.require("cpmovepath");
  if (path.empty() || path[0] != '/') throw invalid_param("cpmovepath", "it must be an absolute path.");
  const std::string abs = ctx.root.path(paths::rel_from_abs(path));
  if (req.flag("overwrite")) throw NotAvailableError("Overwriting an existing account is not implemented by whmkit.");
  if (req.flag("dedicated_ip")) throw NotAvailableError("Restoring with a dedicated IP is not implemented by whmkit.");
  check_archive_outside_homes(ctx.root, path);
  struct stat st {};
  if (::stat(abs.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    throw ApiError("The archive “" + path + "” does not exist.");
  std::string wanted = req.get_or("username", "");
  if (!wanted.empty()) {
    auto arch = inspect_account_archive(abs);
    if (arch.user != wanted)
      throw NotAvailableError("Restoring under a different username is not implemented by whmkit (the archive holds “" +
                              arch.user + "”).");
  }
  const std::string session = format_time(now(), "%Y%m%d%H%M%S") + random_alphanumeric(4);
  auto result = restore_account_archive(ctx.root, abs, wanted);
  const std::string session_dir = ctx.root.path("var/cpanel/transfer_sessions/" + session);
  mkdirs(session_dir, 0700);
  write_log(session_dir + "/restore.log", result.raw);
  if (req.flag("delete_archive")) ::unlink(abs.c_str());
  Response r;
  r.data = {{"transfer_session_id", session}};
  r.metadata["output"] = {{"raw", result.raw}};
  return r;
}

Response verify_new_username_for_restore(Context& ctx, const Request& req) {
  check_username_available(ctx.root, req.require("user"));
  return {};
}

Response restore_modules_summary(Context&, const Request&) {
  const std::pair<const char*, const char*> modules[] = {
      {"Account",
       "This creates the cPanel account and system user (cpuser file, passwd, shadow, group, lookup files)."},
      {"Homedir", "This restores the home directory, with its files' modes and times."},
      {"Userdata", "This restores the web vhost configuration (userdata files)."},
      {"ZoneFile", "This restores the account's DNS zones and their named.conf entries."},
      {"Ftp", "This restores the account's FTP accounts."},
      {"Cron", "This restores the account's cron jobs."},
      {"Suspension", "This restores the account's suspension state."},
  };
  nlohmann::json list = nlohmann::json::array();
  for (auto [name, summary] : modules)
    list.push_back({{"module", name}, {"restricted_available", 1}, {"summary", nlohmann::json::array({summary})}});
  Response r;
  r.data = {{"modules", list}};
  return r;
}

// ---------------------------------------------------------------- backups on disk

Response backup_date_list(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  std::set<std::string> dates;
  for (const auto& p : list_backup_points(ctx.root, load_backup_config(view))) dates.insert(p.date);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& d : dates) list.push_back(restore_point_name(d));
  Response r;
  r.data = {{"backup_set", list}};
  return r;
}

Response backup_user_list(Context& ctx, const Request& req) {
  auto date = restore_point_date(req.require("restore_point"));
  if (!date) throw invalid_param("restore_point", "use YYYY-MM-DDT00:00:00.000Z.");
  Transaction view(ctx.root);
  AccountStore store(ctx.root);
  std::set<std::string> users;
  for (const auto& p : list_backup_points(ctx.root, load_backup_config(view)))
    if (p.date == *date) users.insert(p.user);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& u : users) list.push_back({{"status", store.exists(u) ? "active" : "inactive"}, {"username", u}});
  Response r;
  r.data = {{"user", list}};
  return r;
}

// Users with their restore points: {user: [{when, where}]}.
nlohmann::json backups_by_user(const Context& ctx) {
  Transaction view(ctx.root);
  nlohmann::json by_user = nlohmann::json::object();
  for (const auto& p : list_backup_points(ctx.root, load_backup_config(view))) {
    if (!by_user.contains(p.user)) by_user[p.user] = nlohmann::json::array();
    by_user[p.user].push_back({{"when", restore_point_name(p.date)}, {"where", "local"}});
  }
  return by_user;
}

Response backup_set_list(Context& ctx, const Request&) {
  nlohmann::json sets = nlohmann::json::array();
  auto by_user = backups_by_user(ctx);
  for (auto it = by_user.begin(); it != by_user.end(); ++it) {
    nlohmann::json points = nlohmann::json::array();
    for (const auto& p : it.value()) points.push_back(p["when"]);
    sets.push_back({{"restore_points", points}, {"user", it.key()}});
  }
  Response r;
  r.data = {{"backup_set", sets}};
  return r;
}

Response backup_set_list_combined(Context& ctx, const Request&) {
  Response r;
  r.data = {{"backup_set", backups_by_user(ctx)}, {"destination_legend", nlohmann::json::object()}};
  return r;
}

Response get_users_with_backup_metadata(Context& ctx, const Request&) {
  auto users = find_users_with_backups(ctx.root);
  Response r;
  r.data = {{"accounts", std::vector<std::string>(users.begin(), users.end())}};
  return r;
}

// {user: main domain} for the accounts that have backups (cPanel leaves out
// backups of accounts that are gone).
Response get_users_and_domains_with_backup_metadata(Context& ctx, const Request&) {
  AccountStore store(ctx.root);
  nlohmann::json users = nlohmann::json::object();
  for (const auto& user : find_users_with_backups(ctx.root))
    if (auto u = store.load(user)) users[user] = u->get("DNS");
  Response r;
  r.data = users;
  return r;
}

// cpuser BACKUP (or LEGACY_BACKUP) flips between 1 and 0.
Response toggle_user_backup_state(Context& ctx, const Request& req) {
  AccountStore store(ctx.root);
  CpUser u = store.require(req.require("user"));
  const std::string key = req.flag("legacy") ? "LEGACY_BACKUP" : "BACKUP";
  const bool enabled = u.get(key, key == "BACKUP" ? "1" : "0") == "1";
  u.set(key, enabled ? "0" : "1");
  Transaction txn(ctx.root);
  save_account(store, txn, u);
  txn.commit();
  Response r;
  r.data = {{"toggle_status", enabled ? 0 : 1}};
  return r;
}

constexpr const char* kSkipStatusRel = "var/cpanel/backups/skip_users_all_status.json";

Response backup_skip_users_all(Context& ctx, const Request& req) {
  const std::string key = req.require("backupversion") == "legacy" ? "LEGACY_BACKUP" : "BACKUP";
  const std::string state = req.flag("state") ? "1" : "0";
  AccountStore store(ctx.root);
  Transaction txn(ctx.root);
  for (const auto& name : store.usernames()) {
    CpUser u = store.require(name);
    if (u.get(key) == state) continue;
    u.set(key, state);
    save_account(store, txn, u);
  }
  txn.write(kSkipStatusRel, json_text({{"msg", "Done"}, {"perc", 100}, {"running", 0}}) + "\n", 0600);
  txn.commit();
  return {};
}

Response backup_skip_users_all_status(Context& ctx, const Request&) {
  nlohmann::json status = {{"msg", "Done"}, {"perc", 100}, {"running", 0}};
  if (auto text = ctx.root.read(kSkipStatusRel)) {
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_object()) status = j;
  }
  Response r;
  r.reason = "OK.";
  r.data = {{"reason", status}};
  return r;
}

// ---------------------------------------------------------------- legacy configuration

// /etc/cpbackup.conf leaves its place for /etc/cpbackup.conf-<epoch>, as it was.
std::string stage_legacy_config_kept(const Context& ctx, Transaction& txn) {
  const std::string kept = std::string(kLegacyBackupConfigRel) + "-" + std::to_string(now());
  struct stat st {};
  mode_t mode = ::stat(ctx.root.path(kLegacyBackupConfigRel).c_str(), &st) == 0 ? (st.st_mode & 07777) : 0600;
  txn.write(kept, *txn.read(kLegacyBackupConfigRel), mode);
  txn.remove(kLegacyBackupConfigRel);
  return "/" + kept;
}

// The FTP destination a legacy configuration that uploaded by FTP becomes.
BackupDestination legacy_ftp_destination(const StateRoot& root, const KeyValues& legacy) {
  auto value = [&](const char* key) {
    auto it = legacy.find(key);
    return it == legacy.end() ? std::string() : it->second;
  };
  BackupDestination d;
  d.id = new_destination_id();
  d.fields = {{"name", "Legacy FTP Destination"}, {"type", "FTP"}, {"disabled", 0}, {"upload_system_backup", 0},
              {"only_used_for_logs", 0},          {"passive", 1},  {"timeout", 30}};
  const std::pair<const char*, const char*> fields[] = {{"host", "BACKUPFTPHOST"},
                                                        {"username", "BACKUPFTPUSER"},
                                                        {"password", "BACKUPFTPPASS"},
                                                        {"path", "BACKUPFTPDIR"}};
  for (auto [field, key] : fields) {
    check_destination_value(root, field, value(key));
    d.fields[field] = value(key);
  }
  if (!value("BACKUPFTPTIMEOUT").empty()) {
    check_destination_value(root, "timeout", value("BACKUPFTPTIMEOUT"));
    d.fields["timeout"] = *parse_int(value("BACKUPFTPTIMEOUT"));
  }
  d.fields["passive"] = value("BACKUPFTPPASSIVE") == "no" ? 0 : 1;
  for (const char* f : {"username", "password"})
    if (d.fields[f] == "") throw missing_param(f, "for a FTP destination");
  return d;
}

// Network I/O (checking the FTP destination) does not hold the state lock:
// the files are read under a shared lock and written under the exclusive
// one, checked again there.
Response convert_and_migrate_from_legacy_config(Context& ctx, const Request& req) {
  Response r;
  const std::string shown = std::string("/") + kLegacyBackupConfigRel;
  std::optional<BackupDestination> ftp;
  {
    StateReader reader(ctx.root);
    Transaction view(ctx.root);
    if (!view.exists(kLegacyBackupConfigRel)) {
      r.ok = false;
      r.reason = "No " + shown + " file, nothing to convert.";
      return r;
    }
    if (!req.flag("no_convert")) {
      KeyValues legacy = load_legacy_backup_config(view);
      convert_legacy_backup_config(legacy, load_backup_config(view));  // refuses a value before anything else
      try {
        if (legacy["BACKUPTYPE"] == "ftp") ftp = legacy_ftp_destination(ctx.root, legacy);
      } catch (const ApiError& e) {
        r.ok = false;
        r.reason = std::string("Failed to validate transport configuration settings: ") + e.what();
        return r;
      }
    }
  }
  if (ftp) {
    try {
      validate_destination(ctx.root, *ftp);
    } catch (const NotAvailableError&) {
      throw;
    } catch (const ApiError& e) {
      r.ok = false;
      r.reason = std::string(
                     "There was a failure trying to convert the existing Legacy Backup Config's FTP "
                     "settings, no changes have been made: ") +
                 e.what();
      return r;
    }
  }
  StateWriter writer(ctx.root);
  Transaction& txn = writer.txn();
  if (!txn.exists(kLegacyBackupConfigRel)) throw ApiError("No " + shown + " file, nothing to convert.");
  if (req.flag("no_convert")) {
    const std::string kept = stage_legacy_config_kept(ctx, txn);
    writer.commit();
    r.reason =
        "Legacy Backup configuration was renamed from " + shown + " to " + kept + " as a backup copy for your records.";
    return r;
  }
  stage_backup_config(txn, convert_legacy_backup_config(load_legacy_backup_config(txn), load_backup_config(txn)));
  if (ftp) stage_destination(ctx.root, txn, *ftp);
  // Accounts the legacy system backed up keep being backed up.
  AccountStore store(ctx.root);
  for (const auto& name : store.usernames()) {
    CpUser u = store.require(name);
    if (u.get("LEGACY_BACKUP") != "1" || u.get("BACKUP") == "1") continue;
    u.set("BACKUP", "1");
    save_account(store, txn, u);
  }
  const std::string kept = stage_legacy_config_kept(ctx, txn);
  writer.commit();
  r.reason = "Conversion from Legacy Backup configuration was successful. We renamed " + shown + " to " + kept +
             " as a backup copy for your records.";
  return r;
}

// ---------------------------------------------------------------- restore queue

// UNCONFIRMED in the reference; whmkit keeps the queue in one JSON file so a
// cron run of restore_queue_activate can pick it up.
constexpr const char* kQueueRel = "var/cpanel/backups/restore_queue.json";

// A task as whmkit writes it: the fields the queue functions compare are of their kind.
bool is_restore_task(const nlohmann::json& t) {
  return t.is_object() && t.contains("user") && t["user"].is_string() &&
         (!t.contains("restore_point") || t["restore_point"].is_string()) &&
         (!t.contains("status") || t["status"].is_string()) &&
         (!t.contains("start_time") || t["start_time"].is_number_integer());
}

// The queue as `txn` sees it, as far as it can be read; `problems` lists
// the rest: a file that is not a JSON object, a part that is not a list of
// tasks.
nlohmann::json read_queue(const Transaction& txn, FileProblems& problems) {
  nlohmann::json q = {{"active", nlohmann::json::array()},
                      {"completed", nlohmann::json::array()},
                      {"is_active", 0},
                      {"pending", nlohmann::json::array()}};
  auto text = txn.read(kQueueRel);
  if (!text) return q;
  const nlohmann::json stored = parse_json_object(*text, problems);
  for (auto it = stored.begin(); it != stored.end(); ++it) {
    const nlohmann::json& v = it.value();
    if (it.key() == "active" || it.key() == "completed" || it.key() == "pending") {
      if (!v.is_array()) {
        problems.push_back("its “" + it.key() + "” is not a list");
        continue;
      }
      for (size_t i = 0; i < v.size(); ++i)
        if (is_restore_task(v[i]))
          q[it.key()].push_back(v[i]);
        else
          problems.push_back("task " + std::to_string(i + 1) + " of its “" + it.key() + "” is not a restore task");
    } else if (it.key() == "is_active" && !v.is_number_integer()) {
      problems.push_back("its “is_active” is not a number");
    } else {
      q[it.key()] = v;
    }
  }
  return q;
}

// For an answer: a damaged queue file is shown as far as it goes, with a warning.
nlohmann::json queue_to_show(const Transaction& txn) {
  FileProblems problems;
  nlohmann::json q = read_queue(txn, problems);
  if (!problems.empty())
    add_notice(damage_summary(kQueueRel, problems) +
               " What could be read is shown; changes to the restore queue are refused until the file is repaired.");
  return q;
}

// For a change: a damaged queue file is refused, as rewriting it would lose what did not parse.
nlohmann::json queue_to_change(const Transaction& txn) {
  FileProblems problems;
  nlohmann::json q = read_queue(txn, problems);
  refuse_if_damaged(kQueueRel, problems);
  return q;
}

void save_queue(const StateRoot& root, const nlohmann::json& q) {
  Transaction txn(root);
  txn.write(kQueueRel, json_pretty(q), 0600);
  txn.commit();
}

Response restore_queue_add_task(Context& ctx, const Request& req) {
  const std::string user = req.require("user");
  check_path_component(user, "user");
  auto date = restore_point_date(req.require("restore_point"));
  if (!date) throw invalid_param("restore_point", "use YYYY-MM-DDT00:00:00.000Z.");
  const std::string destid = req.get_or("destid", "local");
  if (destid != "local") throw NotAvailableError("Restoring from a remote destination is not implemented by whmkit.");
  auto point = latest_backup(ctx, user, "", *date);
  if (!point) throw ApiError("There is no backup of the account “" + user + "” for " + restore_point_name(*date) + ".");
  check_archive_outside_homes(ctx.root, "/" + point->archive_rel);
  Transaction txn(ctx.root);
  nlohmann::json q = queue_to_change(txn);
  for (const auto& t : q["pending"])
    if (t.value("user", "") == user) throw ApiError("A restore of “" + user + "” is already queued.");
  std::string id = random_alphanumeric(15);
  q["pending"].push_back({{"options",
                           {{"destid", destid},
                            {"give_ip", req.flag("give_ip") ? 1 : 0},
                            {"mail_config", req.flag("mail_config") ? 1 : 0},
                            {"mysql", req.flag("mysql") ? 1 : 0},
                            {"subdomains", req.flag("subdomains", true) ? 1 : 0}}},
                          {"queue_id", id},
                          {"restore_point", restore_point_name(*date)},
                          {"user", user}});
  txn.write(kQueueRel, json_pretty(q), 0600);
  txn.commit();
  Response r;
  r.data = {{"queue_id", id}};
  return r;
}

// Runs every pending task now. The queue file is saved at each step, so a
// crash leaves the task visible as active; each restore is all-or-nothing.
Response restore_queue_activate(Context& ctx, const Request&) {
  nlohmann::json q;
  {
    Transaction view(ctx.root);
    q = queue_to_change(view);
  }
  q["is_active"] = 1;
  save_queue(ctx.root, q);
  while (!q["pending"].empty()) {
    nlohmann::json task = q["pending"][0];
    task["start_time"] = now();
    q["pending"].erase(0);
    q["active"].push_back(task);
    save_queue(ctx.root, q);
    try {
      auto date = restore_point_date(task.value("restore_point", "")).value_or("");
      auto point = latest_backup(ctx, task.value("user", ""), "", date);
      if (!point) throw ApiError("The backup for this restore point is gone.");
      check_archive_outside_homes(ctx.root, "/" + point->archive_rel);
      auto result = restore_account_archive(ctx.root, ctx.root.path(point->archive_rel), task.value("user", ""));
      task["status"] = "success";
      task["message"] = result.raw;
    } catch (const std::exception& e) {
      task["status"] = "failed";
      task["message"] = e.what();
    }
    task["completed_at"] = now();
    q["active"] = nlohmann::json::array();
    q["completed"].push_back(task);
    save_queue(ctx.root, q);
  }
  q["is_active"] = 0;
  save_queue(ctx.root, q);
  return {};
}

nlohmann::json queue_now(const Context& ctx) {
  Transaction view(ctx.root);
  return queue_to_show(view);
}

Response restore_queue_is_active(Context& ctx, const Request&) {
  Response r;
  r.data = {{"is_active", queue_now(ctx)["is_active"]}};
  return r;
}

Response restore_queue_state(Context& ctx, const Request&) {
  Response r;
  r.data = queue_now(ctx);
  return r;
}

Response list_part(Context& ctx, const char* part) {
  Response r;
  r.data = {{"restore_job", queue_now(ctx)[part]}};
  return r;
}

// Removes tasks from one part of the queue; `match` picks them.
Response clear_tasks(Context& ctx, const char* part, const std::function<bool(const nlohmann::json&)>& match,
                     const std::string& none_message = "") {
  Transaction txn(ctx.root);
  nlohmann::json q = queue_to_change(txn);
  nlohmann::json kept = nlohmann::json::array();
  size_t removed = 0;
  for (const auto& t : q[part]) {
    if (match(t))
      ++removed;
    else
      kept.push_back(t);
  }
  if (removed == 0 && !none_message.empty()) throw ApiError(none_message);
  q[part] = kept;
  txn.write(kQueueRel, json_pretty(q), 0600);
  txn.commit();
  return {};
}

auto all = [](const nlohmann::json&) { return true; };

Response clear_pending_task(Context& ctx, const Request& req) {
  std::string user = req.require("user");
  return clear_tasks(
      ctx, "pending", [&](const nlohmann::json& t) { return t.value("user", "") == user; },
      "No pending restore for the user “" + user + "”.");
}
Response clear_completed_task(Context& ctx, const Request& req) {
  std::string user = req.require("user");
  long long start = parse_int(req.require("start_time")).value_or(-1);
  return clear_tasks(
      ctx, "completed",
      [&](const nlohmann::json& t) { return t.value("user", "") == user && t.value("start_time", -1LL) == start; },
      "No completed restore for the user “" + user + "” started at " + std::to_string(start) + ".");
}
Response clear_all_failed(Context& ctx, const Request&) {
  return clear_tasks(ctx, "completed", [](const nlohmann::json& t) { return t.value("status", "") == "failed"; });
}
Response clear_all_tasks(Context& ctx, const Request&) {
  clear_tasks(ctx, "pending", all);
  return clear_tasks(ctx, "completed", all);
}

// backup_destination_add/set: the reference lists every type's fields as
// required; which are needed depends on the type (checked by the handler).
std::vector<ParamSpec> destination_params(bool adding) {
  std::vector<ParamSpec> v = {make_param("type", ParamType::String, adding),
                              make_param("name", ParamType::String, adding),
                              optional_param("port", ParamType::Integer),
                              optional_param("timeout", ParamType::Integer),
                              optional_param("disabled", ParamType::Boolean),
                              optional_param("upload_system_backup", ParamType::Boolean),
                              optional_param("only_used_for_logs", ParamType::Boolean),
                              optional_param("passive", ParamType::Boolean),
                              optional_param("ssl", ParamType::Boolean),
                              optional_param("mount", ParamType::Boolean),
                              optional_param("no_mount_fail", ParamType::Boolean)};
  for (const char* f : {"host", "path", "username", "password", "authtype", "privatekey", "passphrase", "script",
                        "folder", "aws_access_key_id", "bucket", "bucket_id", "bucket_name", "client_id",
                        "client_secret", "application_key", "application_key_id"})
    v.push_back(optional_param(f));
  if (!adding) v.push_back(make_param("id", ParamType::String, true));
  return v;
}

std::vector<ParamSpec> config_params() {
  std::vector<ParamSpec> v;
  for (const auto& name : backup_config_api_names()) v.push_back(optional_param(name.c_str()));
  return v;
}

WHMKIT_REGISTRATIONS(
    registrations, Registration({"backup_config_get", backup_config_get, Access::Read, root_only()}),
    Registration({"backup_config_set", backup_config_set, Access::Write, root_only(), config_params()}),
    Registration({"backup_destination_add", backup_destination_add, Access::Write, root_only(),
                  destination_params(true)}),
    Registration({"backup_destination_set", backup_destination_set, Access::Write, root_only(),
                  destination_params(false)}),
    Registration({"backup_destination_get", backup_destination_get, Access::Read, root_only()}),
    Registration({"backup_destination_list", backup_destination_list, Access::Read, root_only()}),
    Registration({"backup_destination_delete", backup_destination_delete, Access::Write, root_only()}),
    Registration({"backup_destination_validate", backup_destination_validate, Access::Delegated, root_only()}),
    Registration({"start_background_pkgacct", start_background_pkgacct, Access::Read, root_only()}),
    Registration({"fetch_pkgacct_master_log", fetch_pkgacct_master_log, Access::Read, root_only()}),
    Registration({"get_pkgacct_session_state", get_pkgacct_session_state, Access::Read, root_only()}),
    Registration({"list_cparchive_files", list_cparchive_files, Access::Read, root_only()}),
    Registration({"restoreaccount", restoreaccount, Access::Write, root_only()}),
    Registration({"start_local_cpmove_restore", start_local_cpmove_restore, Access::Write, root_only()}),
    Registration({"verify_new_username_for_restore", verify_new_username_for_restore, Access::Read, root_only()}),
    Registration({"restore_modules_summary", restore_modules_summary, Access::Read, root_only()}),
    Registration({"backup_date_list", backup_date_list, Access::Read, root_only()}),
    Registration({"backup_user_list", backup_user_list, Access::Read, root_only()}),
    Registration({"backup_set_list", backup_set_list, Access::Read, root_only()}),
    Registration({"backup_set_list_combined", backup_set_list_combined, Access::Read, root_only()}),
    Registration({"get_users_with_backup_metadata", get_users_with_backup_metadata, Access::Read, root_only()}),
    Registration({"get_users_and_domains_with_backup_metadata", get_users_and_domains_with_backup_metadata,
                  Access::Read, root_only()}),
    Registration({"convert_and_migrate_from_legacy_config", convert_and_migrate_from_legacy_config, Access::Delegated,
                  root_only()}),
    Registration({"toggle_user_backup_state", toggle_user_backup_state, Access::Write, root_only()}),
    Registration({"backup_skip_users_all", backup_skip_users_all, Access::Write, root_only()}),
    Registration({"backup_skip_users_all_status", backup_skip_users_all_status, Access::Read, root_only()}),
    Registration({"restore_queue_add_task", restore_queue_add_task, Access::Write, root_only()}),
    Registration({"restore_queue_activate", restore_queue_activate, Access::Write, root_only()}),
    Registration({"restore_queue_is_active", restore_queue_is_active, Access::Read, root_only()}),
    Registration({"restore_queue_state", restore_queue_state, Access::Read, root_only()}),
    Registration({"restore_queue_list_pending", [](Context& c, const Request&) { return list_part(c, "pending"); },
                  Access::Read, root_only()}),
    Registration({"restore_queue_list_active", [](Context& c, const Request&) { return list_part(c, "active"); },
                  Access::Read, root_only()}),
    Registration({"restore_queue_list_completed", [](Context& c, const Request&) { return list_part(c, "completed"); },
                  Access::Read, root_only()}),
    Registration({"restore_queue_clear_pending_task", clear_pending_task, Access::Write, root_only()}),
    Registration({"restore_queue_clear_all_pending_tasks",
                  [](Context& c, const Request&) { return clear_tasks(c, "pending", all); }, Access::Write,
                  root_only()}),
    Registration({"restore_queue_clear_completed_task", clear_completed_task, Access::Write, root_only()}),
    Registration({"restore_queue_clear_all_completed_tasks",
                  [](Context& c, const Request&) { return clear_tasks(c, "completed", all); }, Access::Write,
                  root_only()}),
    Registration({"restore_queue_clear_all_failed_tasks", clear_all_failed, Access::Write, root_only()}),
    Registration({"restore_queue_clear_all_tasks", clear_all_tasks, Access::Write, root_only()}), );

}  // namespace
}  // namespace whm
