// Runs the real whmapi1 binary against a temporary state root and inspects
// what it printed and what it left on disk.
#pragma once
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace test {

struct TempRoot {
  TempRoot();
  ~TempRoot();
  TempRoot(const TempRoot&) = delete;
  std::string path;
  std::string file(const std::string& rel) const;  // contents, "" if missing
  bool exists(const std::string& rel) const;
  void write(const std::string& rel, const std::string& content) const;
};

struct RunResult {
  int status = -1;
  std::string out, err;
  nlohmann::json json() const;  // parses `out` as JSON
};

// Runs whmapi1 --root=ROOT --output=FORMAT args... (format "" = default).
RunResult run(const TempRoot& root, const std::vector<std::string>& args, const std::string& format = "json");
RunResult run_program(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {});

// Runs `uapi` or `cpapi2` (links to whmapi1 beside it): PROG --root=ROOT
// --output=json --user=USER Module function args...
RunResult run_cpanel(const TempRoot& root, const std::string& prog, const std::string& user,
                     const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {});
// The errors of a UAPI envelope or the error of an API 2 one ("" if none).
std::string cpanel_error(const nlohmann::json& envelope);

// Every regular file under the root with its contents,
// to prove that a refused call changed nothing.
std::map<std::string, std::string> snapshot(const TempRoot& root);

// A call that must succeed (REQUIREs exit status 0); its JSON output.
nlohmann::json run_ok(const TempRoot& root, const std::vector<std::string>& args);
// A uapi call as `user` that must succeed; its JSON envelope.
nlohmann::json uapi_ok(const TempRoot& root, const std::string& user, const std::vector<std::string>& args);
// `args` with each key=value of `more` replacing the argument of that key, or added.
std::vector<std::string> with_args(std::vector<std::string> args, const std::vector<std::string>& more);
// A cpapi2 call as `user` that must succeed (exit 0, event.result 1); its "cpanelresult".
nlohmann::json api2_ok(const TempRoot& root, const std::string& user, const std::vector<std::string>& args);
// The same call's data.
nlohmann::json api2_data(const TempRoot& root, const std::string& user, const std::vector<std::string>& args);
// whmkit-check finds nothing wrong.
void expect_check_clean(const TempRoot& root);

// createacct with sensible defaults; REQUIREs success.
nlohmann::json create_account(const TempRoot& root, const std::string& user, const std::string& domain,
                              std::vector<std::string> extra = {});

}  // namespace test

namespace test {
// How many hostile or careless calls the expect_* checks below saw refused
// (the security suite prints it at the end).
int& refused_cases();
// Runs a call that must be refused: exit 0 with metadata.result 0, a
// reason containing `reason_part`, and not one byte changed under the root.
void expect_refused(const TempRoot& root, const std::vector<std::string>& args, const std::string& reason_part);
// A command line that is itself wrong (a word that is not key=value): exit
// 2, a message on standard error containing `message_part`, no envelope,
// nothing changed.
void expect_bad_command_line(const TempRoot& root, const std::vector<std::string>& args,
                             const std::string& message_part);
// The same for a uapi/cpapi2 call: exit 0 with status 0 / event.result 0,
// the error containing `reason_part`, nothing changed under the root.
void expect_cpanel_refused(const TempRoot& root, const std::string& prog, const std::string& user,
                           const std::vector<std::string>& args, const std::string& reason_part);
}  // namespace test
