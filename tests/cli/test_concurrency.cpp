#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>
#include <set>

#include "harness.hpp"

using namespace test;

TEST_CASE("two processes creating 50 accounts each lose no update", "[concurrency]") {
  TempRoot root;
  std::vector<pid_t> children;
  for (int p = 0; p < 2; ++p) {
    pid_t pid = ::fork();
    if (pid == 0) {
      int failures = 0;
      for (int i = 0; i < 50; ++i) {
        std::string user = std::string(1, static_cast<char>('a' + p)) + "user" + std::to_string(i);
        auto r = run(
            root, {"--fail", "createacct", "username=" + user, "domain=" + user + ".example", "password=Pass-word1"});
        if (r.status != 0) ++failures;
      }
      ::_exit(failures == 0 ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  auto list = run(root, {"listaccts", "want=user,domain,uid"}).json()["data"]["acct"];
  CHECK(list.size() == 100);
  CHECK(run(root, {"get_current_users_count"}).json()["data"]["users"] == 100);

  // Every lookup file has exactly one line per account, matching the cpuser files.
  std::set<long> uids;
  auto count_lines = [&](const std::string& rel) {
    auto text = root.file(rel);
    return std::count(text.begin(), text.end(), '\n');
  };
  CHECK(count_lines("etc/trueuserdomains") == 100);
  CHECK(count_lines("etc/domainusers") == 100);
  CHECK(count_lines("etc/userdomains") == 101);  // plus "*: nobody"
  CHECK(count_lines("etc/trueuserowners") == 100);
  CHECK(count_lines("etc/userdatadomains") == 100);
  CHECK(count_lines("etc/passwd") == 100);
  CHECK(count_lines("etc/shadow") == 100);
  CHECK(count_lines("etc/group") == 100);
  for (const auto& a : list) {
    std::string user = a["user"], domain = a["domain"];
    CHECK(root.file("etc/trueuserdomains").find(domain + ": " + user + "\n") != std::string::npos);
    CHECK(root.exists("var/cpanel/userdata/" + user + "/" + domain));
    CHECK(root.exists("home/" + user));
    uids.insert(a["uid"].get<long>());
  }
  CHECK(uids.size() == 100);  // no uid handed out twice
  CHECK_FALSE(root.exists("var/cpanel/.whmkit.journal"));
}

TEST_CASE("four processes with 100 mixed writes each lose nothing", "[concurrency]") {
  TempRoot root;
  std::vector<pid_t> children;
  for (int p = 0; p < 4; ++p) {
    pid_t pid = ::fork();
    if (pid == 0) {
      int failures = 0;
      std::string prefix = std::string("p") + static_cast<char>('a' + p);
      // 25 accounts, each then modified, given a zone record, and a plan change: 100 writes.
      for (int i = 0; i < 25; ++i) {
        std::string user = prefix + "u" + std::to_string(i);
        failures += run(root, {"--fail", "createacct", "username=" + user, "domain=" + user + ".example",
                               "password=Pass-word1"})
                        .status != 0;
        failures += run(root, {"--fail", "modifyacct", "user=" + user, "MAXFTP=" + std::to_string(i + 1)}).status != 0;
        failures += run(root, {"--fail", "addzonerecord", "domain=" + user + ".example", "name=svc", "type=A",
                               "address=192.0.2." + std::to_string(i + 1)})
                        .status != 0;
        failures += run(root, {"--fail", "suspendacct", "user=" + user, "reason=" + prefix}).status != 0;
      }
      ::_exit(failures == 0 ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  auto list = run(root, {"listaccts", "want=user,maxftp,suspended,suspendreason"}).json()["data"]["acct"];
  REQUIRE(list.size() == 100);
  for (const auto& a : list) {
    std::string user = a["user"];
    int i = std::stoi(user.substr(3));
    CHECK(a["maxftp"] == std::to_string(i + 1));
    CHECK(a["suspended"] == 1);
    CHECK(a["suspendreason"] == user.substr(0, 2));
    CHECK(root.file("var/named/" + user + ".example.db")
              .find("svc\t86400\tIN\tA\t192.0.2." + std::to_string(i + 1) + "\n") != std::string::npos);
  }
  auto check = run_program({WHMKIT_CHECK_PATH, "--root=" + root.path});
  INFO(check.out);
  CHECK(check.status == 0);
  CHECK_THAT(check.out, Catch::Matchers::Contains("consistent: 100 accounts, 0 problems"));
}
