// whmkit-check: verifies a state root (and can rebuild the /etc lookup files).
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "consistency.hpp"
#include "damage.hpp"
#include "state.hpp"

int main(int argc, char** argv) {
  CLI::App app{"whmkit-check - verify that a state root is consistent (whmkit " WHMKIT_VERSION ")", "whmkit-check"};
  std::string root_opt;
  bool rebuild = false, quiet = false;
  app.add_option("--root", root_opt, "State root directory (default: $WHMKIT_ROOT or /)");
  app.add_flag("--rebuild-lookups", rebuild, "Rewrite the /etc lookup files from the cpuser files first");
  app.add_flag("--quiet", quiet, "Print problems only");
  CLI11_PARSE(app, argc, argv);
  if (root_opt.empty())
    if (const char* env = std::getenv("WHMKIT_ROOT")) root_opt = env;
  whm::StateRoot root(root_opt.empty() ? "/" : root_opt);
  try {
    if (rebuild)
      for (const auto& rel : whm::rebuild_lookups(root))
        std::cout << "Rebuilt " << whm::server_path(rel) << " from the cpuser files.\n";
    auto report = whm::check_state(root);
    for (const auto& p : report.problems) std::cout << p << "\n";
    if (!quiet)
      std::cout << (report.ok() ? "consistent: " : "INCONSISTENT: ") << report.accounts << " accounts, "
                << report.problems.size() << " problems\n";
    return report.ok() ? 0 : 1;
  } catch (const std::exception& e) {  // the state could not be opened at all (a journal it cannot replay...)
    std::cerr << "whmkit-check: " << e.what() << "\n";
    return 2;
  }
}
