#include "harness.hpp"

#include <algorithm>

#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace test {

TempRoot::TempRoot() {
  char tmpl[] = "/tmp/whmkit-test-XXXXXX";
  path = ::mkdtemp(tmpl);
}

TempRoot::~TempRoot() {
  std::error_code ec;
  fs::remove_all(path, ec);
}

std::string TempRoot::file(const std::string& rel) const {
  std::ifstream in(path + "/" + rel, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool TempRoot::exists(const std::string& rel) const {
  std::error_code ec;
  return fs::exists(fs::symlink_status(path + "/" + rel, ec));
}

void TempRoot::write(const std::string& rel, const std::string& content) const {
  fs::create_directories(fs::path(path + "/" + rel).parent_path());
  std::ofstream(path + "/" + rel, std::ios::binary) << content;
}

nlohmann::json RunResult::json() const {
  try {
    return nlohmann::json::parse(out);
  } catch (const std::exception& e) {
    FAIL("output is not JSON: " << e.what() << "\n" << out << "\nstderr: " << err);
  }
  return nullptr;
}

static std::string slurp_fd(int fd) {
  std::string s;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
  return s;
}

RunResult run_program(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
  char out_tmpl[] = "/tmp/whmkit-out-XXXXXX", err_tmpl[] = "/tmp/whmkit-err-XXXXXX";
  int out_fd = ::mkstemp(out_tmpl), err_fd = ::mkstemp(err_tmpl);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  RunResult r;
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  ::lseek(out_fd, 0, SEEK_SET);
  ::lseek(err_fd, 0, SEEK_SET);
  r.out = slurp_fd(out_fd);
  r.err = slurp_fd(err_fd);
  ::close(out_fd);
  ::close(err_fd);
  ::unlink(out_tmpl);
  ::unlink(err_tmpl);
  return r;
}

RunResult run(const TempRoot& root, const std::vector<std::string>& args, const std::string& format) {
  std::vector<std::string> argv = {WHMAPI1_PATH, "--root=" + root.path};
  if (!format.empty()) argv.push_back("--output=" + format);
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv);
}

RunResult run_cpanel(const TempRoot& root, const std::string& prog, const std::string& user,
                     const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
  std::string bin = fs::path(WHMAPI1_PATH).parent_path() / prog;
  std::vector<std::string> argv = {bin, "--root=" + root.path, "--output=json", "--user=" + user};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, env);
}

std::string cpanel_error(const nlohmann::json& envelope) {
  if (envelope.contains("cpanelresult")) return envelope["cpanelresult"].value("error", "");
  const auto& errors = envelope["result"]["errors"];
  return errors.is_array() && !errors.empty() ? errors[0].get<std::string>() : "";
}

std::map<std::string, std::string> snapshot(const TempRoot& root) {
  std::map<std::string, std::string> files;
  for (auto it = fs::recursive_directory_iterator(root.path); it != fs::recursive_directory_iterator(); ++it) {
    std::string rel = fs::relative(it->path(), root.path).string();
    if (it->is_directory())
      files[rel + "/"] = "";
    else if (it->is_regular_file())
      files[rel] = root.file(rel);
    else
      files[rel] = "(special)";
  }
  return files;
}

nlohmann::json run_ok(const TempRoot& root, const std::vector<std::string>& args) {
  auto r = run(root, args);
  INFO(args.at(0) << " -> " << r.out << r.err);
  REQUIRE(r.status == 0);
  return r.json();
}

nlohmann::json uapi_ok(const TempRoot& root, const std::string& user, const std::vector<std::string>& args) {
  auto r = run_cpanel(root, "uapi", user, args);
  INFO(args.at(0) << " " << args.at(1) << " -> " << r.out << r.err);
  REQUIRE(r.status == 0);
  return r.json();
}

nlohmann::json api2_ok(const TempRoot& root, const std::string& user, const std::vector<std::string>& args) {
  auto r = run_cpanel(root, "cpapi2", user, args);
  INFO("cpapi2 " << args.at(0) << " " << args.at(1) << " -> " << r.out << r.err);
  REQUIRE(r.status == 0);
  auto j = r.json();
  REQUIRE(j["cpanelresult"]["event"]["result"] == 1);
  return j["cpanelresult"];
}

nlohmann::json api2_data(const TempRoot& root, const std::string& user, const std::vector<std::string>& args) {
  return api2_ok(root, user, args)["data"];
}

void expect_check_clean(const TempRoot& root) {
  auto check = run_program({WHMKIT_CHECK_PATH, "--root=" + root.path});
  INFO(check.out);
  CHECK(check.status == 0);
}

nlohmann::json create_account(const TempRoot& root, const std::string& user, const std::string& domain,
                              std::vector<std::string> extra) {
  std::vector<std::string> args = {"createacct", "username=" + user, "domain=" + domain, "password=Secret-pass1"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = run(root, args);
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  auto j = r.json();
  REQUIRE(j["metadata"]["result"] == 1);
  return j;
}

}  // namespace test

namespace test {
int& refused_cases() {
  static int count = 0;
  return count;
}

void expect_refused(const TempRoot& root, const std::vector<std::string>& args, const std::string& reason_part) {
  ++refused_cases();
  auto before = snapshot(root);
  auto r = run(root, args);
  INFO("call: " << args.at(0) << " -> " << r.out << r.err);
  auto j = r.json();
  // An answered call exits 0 and the envelope says why it failed; one that
  // whmkit does not implement exits 2.
  bool not_implemented = j["metadata"]["reason"].get<std::string>().find("not implemented") != std::string::npos;
  CHECK(r.status == (not_implemented ? 2 : 0));
  CHECK(j["metadata"]["result"] == 0);
  CHECK_THAT(j["metadata"]["reason"].get<std::string>(), Catch::Matchers::Contains(reason_part));
  CHECK(snapshot(root) == before);
}
}  // namespace test

namespace test {
void expect_cpanel_refused(const TempRoot& root, const std::string& prog, const std::string& user,
                           const std::vector<std::string>& args, const std::string& reason_part) {
  ++refused_cases();
  auto before = snapshot(root);
  auto r = run_cpanel(root, prog, user, args);
  INFO(prog << " --user=" << user << " " << args.at(0) << " " << args.at(1) << " -> " << r.out << r.err);
  CHECK(r.status == 0);
  auto j = r.json();
  if (prog == "cpapi2")
    CHECK(j["cpanelresult"]["event"]["result"] == 0);
  else
    CHECK(j["result"]["status"] == 0);
  CHECK_THAT(cpanel_error(j), Catch::Matchers::Contains(reason_part));
  CHECK(snapshot(root) == before);
}
}  // namespace test

namespace test {
void expect_bad_command_line(const TempRoot& root, const std::vector<std::string>& args,
                             const std::string& message_part) {
  ++refused_cases();
  auto before = snapshot(root);
  auto r = run(root, args);
  INFO("call: " << args.at(0) << " -> " << r.out << r.err);
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Matchers::Contains(message_part));
  CHECK(snapshot(root) == before);
}

std::vector<std::string> with_args(std::vector<std::string> args, const std::vector<std::string>& more) {
  for (const auto& arg : more) {
    const std::string key = arg.substr(0, arg.find('=') + 1);
    auto it = std::find_if(args.begin(), args.end(), [&](const std::string& a) { return a.rfind(key, 0) == 0; });
    if (it != args.end())
      *it = arg;
    else
      args.push_back(arg);
  }
  return args;
}

}  // namespace test
