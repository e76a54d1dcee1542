// The Exim configuration as WHM checks it: the real Exim reads it (exim -C
// FILE -bV, the syntax check cPanel's Exim Configuration Manager runs).
//   etc/exim.conf   the installed configuration (cPanel's /etc/exim.conf)
//   etc/exim.conf.{local,localopts,localopts.shadow}.dry_run and
//   usr/local/cpanel/etc/exim/acls/<block>/<name>.dry_run
//                   an edit in progress: the Advanced Editor's copies,
//                   left behind when an update failed
#pragma once
#include <string>
#include <vector>

#include "state.hpp"

namespace whm {

namespace exim_config_paths {
constexpr const char* kInstalled = "etc/exim.conf";
constexpr const char* kAclBlocks = "usr/local/cpanel/etc/exim/acls";
}  // namespace exim_config_paths

// The Exim binary of this machine (/usr/sbin/exim, exim4, /usr/local/sbin/exim); "" when there is none.
std::string installed_exim();

// What Exim said of a configuration.
struct EximCheck {
  bool ok = false;
  std::string output;  // everything Exim printed (its version and build, then any error)
  std::string error;   // the error lines ("... Exim configuration error in line 5 of ...:\n  ..."), if any
  int error_line = 0;  // the line the error names (1 = the first), 0 if none
};

// Checks the configuration text with Exim, as the Exim user (`label` names
// it in Exim's messages). With a `section` ("acl"), the text is that
// section's alone: it is checked under "begin <section>", and the line
// numbers stay the text's. Text given by a caller can run code when Exim
// reads it (perl_startup), so Exim never reads it as root. Throws ApiError
// when Exim is not installed.
EximCheck check_exim_text(const std::string& text, const std::string& label, const std::string& section = "");
// Checks the installed configuration (as root, like the daemon that reads
// it); throws ApiError when Exim or the file is missing.
EximCheck check_installed_exim_config(const StateRoot& root);

// The files of an edit in progress (root-relative), in a stable order.
std::vector<std::string> exim_edit_in_progress(const StateRoot& root);

}  // namespace whm
