// Running the helper programs a real server has (rndc, pure-pw, pure-ftpwho),
// without a shell: arguments are passed as they are.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace whm {

// Runs argv[0] (looked up in PATH) for its effect and waits; its exit
// status, or -1 if it could not be started or was killed. Its output goes to
// /dev/null. In a dry run (dry_run.hpp) it is recorded, not run, and "succeeds".
int run_program(const std::vector<std::string>& argv);
// The same for a program that only looks (`rndc status`, `systemctl
// is-active`): it runs in a dry run too.
int run_query(const std::vector<std::string>& argv);
// Runs and returns what it printed on stdout; nullopt if it could not be
// started or exited non-zero.
std::optional<std::string> run_capture(const std::vector<std::string>& argv);
// What a program printed (stdout and stderr together, in order) and its exit status.
struct ProgramOutput {
  int status = -1;  // -1: killed
  std::string output;
};
// Runs argv[0] with `input` on its stdin and waits; nullopt if it could not be started.
std::optional<ProgramOutput> run_with_input(const std::vector<std::string>& argv, const std::string& input);
// Whether `name` is an executable in PATH (or an existing executable path).
bool program_available(const std::string& name);

}  // namespace whm
