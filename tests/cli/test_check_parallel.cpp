// whmkit-check shares the accounts out among threads: the report must be the
// one a single thread gives, the same findings in the same order.
#include <catch2/catch.hpp>

#include <cstdio>

#include "harness.hpp"

using namespace test;

TEST_CASE("whmkit-check on several threads reports what one thread reports, in the same order", "[check][parallel]") {
  TempRoot root;
  for (int i = 0; i < 12; ++i) create_account(root, "user" + std::to_string(i), "d" + std::to_string(i) + ".example");
  expect_check_clean(root);
  // Damage spread over the accounts, so every thread finds some of it.
  std::remove((root.path + "/var/named/d1.example.db").c_str());
  std::remove((root.path + "/var/cpanel/userdata/user4/main").c_str());
  std::remove((root.path + "/var/cpanel/users.cache/user7").c_str());
  root.write("var/cpanel/users/user9", root.file("var/cpanel/users/user9") + "a line without an equals sign\n");
  std::remove((root.path + "/var/named/d10.example.db").c_str());
  root.write("var/cpanel/users.cache/ghost", "{}\n");
  const auto before = snapshot(root);

  auto serial = run_program({WHMKIT_CHECK_PATH, "--root=" + root.path}, {{"WHMKIT_CHECK_THREADS", "1"}});
  INFO(serial.out << serial.err);
  CHECK(serial.status == 1);
  for (const char* finding : {"d1.example", "user4", "user7", "var/cpanel/users/user9", "d10.example", "ghost"})
    CHECK_THAT(serial.out, Catch::Matchers::Contains(finding));
  CHECK(serial.out.find("d1.example") < serial.out.find("user4"));  // account order
  CHECK(serial.out.find("user4") < serial.out.find("user7"));
  for (const char* threads : {"2", "3", "8"}) {
    auto parallel = run_program({WHMKIT_CHECK_PATH, "--root=" + root.path}, {{"WHMKIT_CHECK_THREADS", threads}});
    INFO("threads " << threads);
    CHECK(parallel.status == serial.status);
    CHECK(parallel.out == serial.out);
    CHECK(parallel.err == serial.err);
  }
  CHECK(snapshot(root) == before);  // checking changes nothing
}
