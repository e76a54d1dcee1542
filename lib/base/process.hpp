// Running the helper programs a real server has (rndc, pure-pw, pure-ftpwho),
// without a shell: arguments are passed as they are.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace whm {

// Runs argv[0] (looked up in PATH) and waits; its exit status, or -1 if it
// could not be started or was killed. Its output goes to /dev/null.
int run_program(const std::vector<std::string>& argv);
// Runs and returns what it printed on stdout; nullopt if it could not be
// started or exited non-zero.
std::optional<std::string> run_capture(const std::vector<std::string>& argv);
// Whether `name` is an executable in PATH (or an existing executable path).
bool program_available(const std::string& name);

}  // namespace whm
