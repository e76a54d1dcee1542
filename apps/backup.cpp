// whmkit-backup: the backup run a cron job starts (what cPanel's
// /usr/local/cpanel/bin/backup does), and pkgacct for one account.
//   whmkit-backup run [--date YYYY-MM-DD]   on a day of the week listed in
//       BACKUPDAYS (backup_config_set backupdays=0,2,4,6; 0 = Sunday), archive
//       every account that takes backups into BACKUPDIR/<date>/accounts/<user>.tar.gz,
//       then copy each archive to every enabled destination (FTP/SFTP/WebDAV/Local).
//       The day is the --date's, else today's (WHMKIT_NOW, seconds since the
//       epoch, pins "today" for tests); on other days the run does nothing and says so.
//       Each copy is recorded in BACKUPDIR/transports.db (pending, running,
//       completed or failed: backup_get_transport_status, backup_list_transported).
//   whmkit-backup pkgacct USER [DIR]         write DIR/cpmove-USER.tar.gz now, logged as
//       a pkgacct session (fetch_pkgacct_master_log, get_pkgacct_session_state)
//   whmkit-backup google-auth STATE CODE     finish a Google Drive authorization: what
//       Google's redirect to .../googledriveauth/callback brings back (see
//       backup_generate_google_oauth_uri); stores the client ID's credentials
#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <iostream>

#include <CLI/CLI.hpp>

#include "account_store.hpp"
#include "backup_destinations.hpp"
#include "backup_store.hpp"
#include "cpmove.hpp"
#include "curl_api.hpp"
#include "errors.hpp"
#include "google_drive.hpp"
#include "pkgacct_session.hpp"
#include "state.hpp"
#include "transport_history.hpp"
#include "util.hpp"

using namespace whm;

namespace {

// Archives one account under the shared lock (a consistent snapshot).
void archive_account(const StateRoot& root, const std::string& user, const std::string& out_abs,
                     const PkgacctOptions& opts) {
  StateReader reader(root);
  Transaction view(root);
  write_account_archive(root, view, user, out_abs, opts);
}

// One change to the transport history, committed now (short: no network I/O under the lock).
void record_transport(const StateRoot& root, const BackupConfig& config,
                      const std::function<void(Transaction&, const BackupConfig&)>& change) {
  StateWriter writer(root);
  change(writer.txn(), config);
  writer.commit();
}

int run_backups(const StateRoot& root, std::string date) {
  if (date.empty()) date = format_time(now(), "%Y-%m-%d");
  if (!restore_point_date(date)) {
    std::cerr << "whmkit-backup: --date must be YYYY-MM-DD\n";
    return 2;
  }
  BackupConfig config;
  std::vector<std::string> users;
  std::vector<BackupDestination> destinations;
  {
    StateReader reader(root);
    Transaction view(root);
    config = load_backup_config(view);
    AccountStore store(root);
    for (const auto& name : store.usernames()) {
      auto u = store.load(name);
      if (!u || u->get("BACKUP", "1") != "1") continue;
      if (u->suspended() && config["BACKUPSUSPENDEDACCTS"] != "yes") continue;
      users.push_back(name);
    }
    for (auto& d : load_destinations(root, view))
      if (!d.disabled() && d.fields.value("only_used_for_logs", 0) != 1) destinations.push_back(d);
  }
  if (config["BACKUPENABLE"] != "yes") {
    std::cout << "Backups are disabled (backup_config_set backupenable=1 turns them on).\n";
    return 0;
  }
  if (!is_daily_backup_day(config, date)) {
    static const char* const names[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
    std::cout << "No backup on " << date << ", a " << names[backup_weekday(date)]
              << ": daily backups run on the days backupdays lists (" << config["BACKUPDAYS"] << ", 0 = Sunday).\n";
    return 0;
  }
  if (config["BACKUPACCTS"] != "yes") users.clear();
  PkgacctOptions opts;
  opts.compress = config["BACKUPTYPE"] != "uncompressed";
  if (config["BACKUPTYPE"] == "incremental")
    std::cout << "Incremental backups are not implemented by whmkit; writing compressed archives.\n";
  const std::string dir_rel = paths::rel_from_abs(config["BACKUPDIR"]) + "/" + date + "/accounts";
  mkdirs(root.path(dir_rel), 0711);
  int failures = 0;
  std::vector<std::string> destination_ids;
  for (const auto& d : destinations) destination_ids.push_back(d.id);
  const std::string restore_point = restore_point_name(date);
  if (!destinations.empty()) record_transport(root, config, stage_abandoned_transports_failed);
  for (const auto& user : users) {
    const std::string file = user + (opts.compress ? ".tar.gz" : ".tar");
    const std::string local = root.path(dir_rel + "/" + file);
    try {
      archive_account(root, user, local, opts);
      std::cout << "archived " << user << " -> " << config["BACKUPDIR"] << "/" << date << "/accounts/" << file << "\n";
    } catch (const ApiError& e) {
      std::cout << "FAILED to archive " << user << ": " << e.what() << "\n";
      ++failures;
      continue;
    }
    bool uploaded_everywhere = true;
    if (!destinations.empty())
      record_transport(root, config, [&](Transaction& txn, const BackupConfig& c) {
        stage_transports_pending(txn, c, destination_ids, user, restore_point);
      });
    for (const auto& d : destinations) {
      record_transport(root, config, [&](Transaction& txn, const BackupConfig& c) {
        stage_transport_started(txn, c, d.id, user, restore_point);
      });
      std::string error;
      try {
        upload_to_destination(root, d, local, date + "/accounts/" + file);
        std::cout << "  copied to " << d.type() << " destination “" << d.name() << "”\n";
      } catch (const ApiError& e) {
        error = e.what();
        std::cout << "  FAILED to copy to “" << d.name() << "”: " << error << "\n";
        uploaded_everywhere = false;
        ++failures;
      }
      record_transport(root, config, [&](Transaction& txn, const BackupConfig& c) {
        stage_transport_finished(txn, c, d.id, user, restore_point, error);
      });
    }
    if (config["KEEPLOCAL"] == "0" && !destinations.empty() && uploaded_everywhere) ::unlink(local.c_str());
  }
  std::cout << users.size() << " accounts, " << destinations.size() << " destinations, " << failures << " failures\n";
  return failures ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"whmkit-backup - run backups, or archive one account (whmkit " WHMKIT_VERSION ")", "whmkit-backup"};
  std::string root_opt, date, user, dir, state, code;
  app.add_option("--root", root_opt, "State root directory (default: $WHMKIT_ROOT or /)");
  app.require_subcommand(1);
  auto* run = app.add_subcommand("run", "Archive every account that takes backups and copy the archives out");
  run->add_option("--date", date,
                  "The backup's date (default: today, YYYY-MM-DD); it runs only on a day backupdays lists");
  auto* pkgacct = app.add_subcommand("pkgacct", "Write DIR/cpmove-USER.tar.gz now");
  pkgacct->add_option("user", user, "The account")->required();
  pkgacct->add_option("dir", dir, "Target directory (default: the home root, e.g. /home)");
  auto* google =
      app.add_subcommand("google-auth", "Finish a Google Drive authorization (the redirect's state and code)");
  google->add_option("state", state, "The state parameter of the redirect")->required();
  google->add_option("code", code, "The code parameter of the redirect")->required();
  CLI11_PARSE(app, argc, argv);
  if (root_opt.empty())
    if (const char* env = std::getenv("WHMKIT_ROOT")) root_opt = env;
  StateRoot root(root_opt.empty() ? "/" : root_opt);
  allow_connections_beyond_loopback(root.is_system_root());  // curl_api.hpp
  try {
    if (*run) return run_backups(root, date);
    if (*google) {
      complete_google_authorization(root, state, code);
      std::cout << "Google Drive credentials stored.\n";
      return 0;
    }
    if (dir.empty()) dir = load_server_config(root).home_root;
    const std::string out = root.path(paths::rel_from_abs(dir)) + "/cpmove-" + user + ".tar.gz";
    check_path_component(user, "user");
    mkdirs(root.path(paths::rel_from_abs(dir)), 0711);
    PkgacctSession session(root, user);
    session.out("pkgacct started.\n");
    session.out("Creating Archive ....", true);
    try {
      archive_account(root, user, out, PkgacctOptions{});
    } catch (const ApiError& e) {
      session.error(e.what());
      throw;
    }
    session.out("Done\n");
    session.out("pkgacct completed\n");
    std::cout << dir << "/cpmove-" << user << ".tar.gz\n";
    std::cerr << "pkgacct session " << session.id() << "\n";
    return 0;
  } catch (const ApiError& e) {
    std::cerr << "whmkit-backup: " << e.what() << "\n";
    return 1;
  }
}
