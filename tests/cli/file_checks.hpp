// What the tests check about files an account's calls leave on disk: their
// lstat (never followed through a symlink) and the account's uid.
#pragma once
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <sstream>
#include <string>

#include "harness.hpp"

namespace test {

inline struct stat lstat_of(const TempRoot& root, const std::string& rel) {
  struct stat st {};
  REQUIRE(::lstat((root.path + "/" + rel).c_str(), &st) == 0);
  return st;
}

// The account's uid from the root's etc/passwd.
inline unsigned uid_of(const TempRoot& root, const std::string& user) {
  std::istringstream lines(root.file("etc/passwd"));
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(user + ":", 0) == 0) {
      size_t a = line.find(':', user.size() + 1);
      return static_cast<unsigned>(std::stoul(line.substr(a + 1)));
    }
  FAIL("no passwd line for " << user);
  return 0;
}

}  // namespace test
