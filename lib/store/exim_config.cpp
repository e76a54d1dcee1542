#include "exim_config.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <regex>

#include "damage.hpp"
#include "errors.hpp"
#include "process.hpp"
#include "util.hpp"

namespace whm {

namespace {

constexpr const char* kStdin = "/dev/stdin";

// Lines about how Exim was run, not about the configuration.
bool is_run_notice(const std::string& line) {
  return line.find("Warning: purging the environment.") != std::string::npos ||
         line.find("Suggested action: use keep_environment.") != std::string::npos ||
         line.find("lost privilege for using -C option") != std::string::npos;
}

// Runs `argv` (an Exim command line ending in "-C FILE -bV"; FILE
// "/dev/stdin" reads `input`) and reads the answer, naming FILE `label`;
// line numbers are counted from the file's line `line_offset` + 1.
EximCheck run_check(const std::vector<std::string>& argv, const std::string& input, const std::string& label,
                    int line_offset = 0) {
  const std::string file = argv.at(argv.size() - 2);
  auto run = run_with_input(argv, input);
  if (!run) throw ApiError("Exim could not be run to check the configuration.");
  EximCheck check;
  bool in_error = false;
  static const std::regex error_line(R"(onfiguration error in line (\d+))");
  for (auto line : split(run->output, '\n')) {
    if (is_run_notice(line)) continue;
    for (size_t at = 0; (at = line.find(file, at)) != std::string::npos; at += label.size())
      line.replace(at, file.size(), label);
    check.output += line + "\n";
    // An error is its line and the indented lines after it.
    const bool starts_error = to_lower(line).find("error") != std::string::npos;
    in_error = starts_error || (in_error && !line.empty() && (line[0] == ' ' || line[0] == '\t'));
    if (!in_error) continue;
    std::smatch m;
    if (std::regex_search(line, m, error_line)) {
      const int n = std::stoi(m[1]) - line_offset;
      line.replace(m.position(1), m.length(1), std::to_string(n));
      if (check.error_line == 0) check.error_line = n;
    }
    check.error += line + "\n";
  }
  check.output = trim(check.output) + "\n";
  check.ok = run->status == 0 && check.output.find("Configuration file is") != std::string::npos;
  if (check.ok) check.error.clear();
  if (!check.ok && check.error.empty()) check.error = "Syntax check failed.\n";
  return check;
}

std::string require_exim() {
  const std::string exim = installed_exim();
  if (exim.empty()) throw ApiError("Exim is not installed on this server.");
  return exim;
}

// The user Exim runs as (Debian's, cPanel's, the source build's).
const passwd* exim_user() {
  for (const char* name : {"Debian-exim", "mailnull", "exim"})
    if (const passwd* pw = ::getpwnam(name)) return pw;
  return nullptr;
}

}  // namespace

std::string installed_exim() {
  for (const char* p : {"/usr/sbin/exim", "/usr/sbin/exim4", "/usr/local/sbin/exim"})
    if (::access(p, X_OK) == 0) return p;
  return "";
}

EximCheck check_exim_text(const std::string& text, const std::string& label, const std::string& section) {
  const std::string exim = require_exim();
  std::vector<std::string> argv;
  if (::geteuid() == 0) {
    const passwd* pw = exim_user();
    if (!pw || !program_available("setpriv"))
      throw ApiError("The configuration cannot be checked: Exim's user or setpriv (util-linux) is missing.");
    argv = {"setpriv", "--reuid=" + std::to_string(pw->pw_uid), "--regid=" + std::to_string(pw->pw_gid),
            "--clear-groups", "--"};
  }
  argv.insert(argv.end(), {exim, "-C", kStdin, "-bV"});
  if (section.empty()) return run_check(argv, text, label);
  return run_check(argv, "begin " + section + "\n" + text, label, 1);
}

EximCheck check_installed_exim_config(const StateRoot& root) {
  const std::string exim = require_exim();
  if (!root.exists(exim_config_paths::kInstalled))
    throw ApiError("This server has no Exim configuration (" + server_path(exim_config_paths::kInstalled) + ").");
  // The file itself, as the daemon reads it: Exim, as root, also checks its owner and mode.
  return run_check({exim, "-C", root.path(exim_config_paths::kInstalled), "-bV"}, "",
                   server_path(exim_config_paths::kInstalled));
}

std::vector<std::string> exim_edit_in_progress(const StateRoot& root) {
  std::vector<std::string> out;
  for (const char* part : {"local", "localopts", "localopts.shadow"}) {
    const std::string rel = std::string(exim_config_paths::kInstalled) + "." + part + ".dry_run";
    if (root.exists(rel)) out.push_back(rel);
  }
  auto blocks = root.list_dir(exim_config_paths::kAclBlocks);
  std::sort(blocks.begin(), blocks.end());
  for (const auto& block : blocks) {
    const std::string dir = std::string(exim_config_paths::kAclBlocks) + "/" + block;
    auto files = root.list_dir(dir);
    std::sort(files.begin(), files.end());
    for (const auto& f : files)
      if (ends_with(f, ".dry_run")) out.push_back(dir + "/" + f);
  }
  return out;
}

}  // namespace whm
