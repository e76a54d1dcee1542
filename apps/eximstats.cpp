// whmkit-eximstats: reads Exim's main log into the mail tracking database
// (var/cpanel/eximstats_db.sqlite3), what cPanel's tailwatchd does as the
// log grows. Run it from cron (or after Exim's log rotation); each run goes
// on from where the last one stopped, and reading a line twice adds nothing.
// Prints what it read; exit 0, or 1 with the reason on standard error.
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "errors.hpp"
#include "eximstats.hpp"

int main(int argc, char** argv) {
  CLI::App app{"whmkit-eximstats - import Exim's main log into the mail tracking database (whmkit " WHMKIT_VERSION ")",
               "whmkit-eximstats"};
  std::string root_opt, log;
  bool from_start = false;
  app.add_option("--root", root_opt, "State root directory (default: $WHMKIT_ROOT or /)");
  app.add_option("--log", log, "The Exim main log (default: <root>/var/log/exim_mainlog)");
  app.add_flag("--reimport", from_start, "Read the log from its start (rows already there are not doubled)");
  CLI11_PARSE(app, argc, argv);
  if (root_opt.empty())
    if (const char* env = std::getenv("WHMKIT_ROOT")) root_opt = env;
  try {
    whm::StateRoot root(root_opt.empty() ? "/" : root_opt);
    const whm::ImportResult r = whm::import_exim_mainlog(root, log, from_start);
    std::cout << "lines " << r.lines << "\nsends " << r.sends << "\ndeliveries " << r.deliveries << "\ndefers "
              << r.defers << "\nfailures " << r.failures << "\nposition " << r.position << "\n";
    return 0;
  } catch (const whm::ApiError& e) {
    std::cerr << "whmkit-eximstats: " << e.what() << "\n";
    return 1;
  }
}
