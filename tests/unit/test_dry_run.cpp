// The dry run's pieces: unified diffs (checked by GNU patch applying them),
// and a transaction that records instead of applying.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "dry_run.hpp"
#include "process.hpp"
#include "state.hpp"
#include "unified_diff.hpp"

using namespace whm;
namespace fs = std::filesystem;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// `patch` applied to `before` with our diff gives `after`.
void check_applies(const std::string& before, const std::string& after) {
  if (before == after) {
    CHECK(unified_diff("f", before, after).empty());
    return;
  }
  char tmpl[] = "/tmp/whmkit-diff-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  spit(dir + "/f", before);
  spit(dir + "/d", unified_diff("f", before, after));
  auto out = run_capture({"patch", "-s", "-p1", "-d", dir, "-i", dir + "/d"});
  INFO("before:\n" << before << "after:\n" << after << "diff:\n" << slurp(dir + "/d"));
  CHECK(out.has_value());
  CHECK(slurp(dir + "/f") == after);
  fs::remove_all(dir);
}

}  // namespace

TEST_CASE("unified_diff: headers, hunks with three lines of context, no-newline markers") {
  CHECK(unified_diff("a", std::string("x\n"), std::string("x\n")).empty());
  CHECK(unified_diff("etc/f", std::nullopt, std::string("one\ntwo\n")) ==
        "--- /dev/null\n+++ b/etc/f\n@@ -0,0 +1,2 @@\n+one\n+two\n");
  CHECK(unified_diff("etc/f", std::string("one\n"), std::nullopt) ==
        "--- a/etc/f\n+++ /dev/null\n@@ -1 +0,0 @@\n-one\n");
  CHECK(unified_diff("f", std::string("1\n2\n3\n4\n5\n6\n7\n8\n9\n"), std::string("1\n2\n3\n4\nfive\n6\n7\n8\n9\n")) ==
        "--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
  CHECK(unified_diff("f", std::string("a\nb\n"), std::string("a\nb")) ==
        "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n");
  CHECK(unified_diff("f", std::string("a"), std::string("b")) ==
        "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n");
  CHECK(unified_diff("f", std::string("a\0b", 3), std::string("c")) == "Binary files a/f and b/f differ\n");
}

TEST_CASE("unified_diff: GNU patch turns the old text into the new one") {
  if (!program_available("patch")) {
    WARN("patch is not installed: skipped");
    return;
  }
  std::mt19937 rng(20261202);
  auto random_text = [&](int lines) {
    std::string t;
    for (int i = 0; i < lines; ++i) t += "line " + std::to_string(rng() % 8) + "\n";
    return t;
  };
  for (int round = 0; round < 60; ++round) {
    std::string before = random_text(static_cast<int>(rng() % 30));
    std::string after = random_text(static_cast<int>(rng() % 30));
    if (round % 3 == 0) {  // a few edits far apart in a long file: separate hunks
      before = random_text(60);
      std::istringstream lines(before);
      after.clear();
      for (std::string line; std::getline(lines, line);) after += (rng() % 15 == 0 ? "edited" : line) + "\n";
    }
    if (round % 5 == 0 && !after.empty()) after.pop_back();  // no final newline
    check_applies(before, after);
  }
}

TEST_CASE("a transaction in a dry run records its changes and applies none") {
  char tmpl[] = "/tmp/whmkit-dry-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  StateRoot root(dir);
  spit(dir + "/kept", "same\n");
  spit(dir + "/old", "1\n2\n");
  {
    DryRun dry;
    {
      StateWriter writer(root);
      writer.txn().write("kept", "same\n");
      writer.txn().write("old", "1\n2\n3\n");
      writer.txn().write("etc/new", "n\n");
      writer.txn().remove("missing");
      bool ran = false;
      writer.txn().on_commit("reload something", [&] { ran = true; });
      writer.commit();
      CHECK_FALSE(ran);
      CHECK(writer.txn().read("old") == std::optional<std::string>("1\n2\n3\n"));  // the call sees its own change
    }
    REQUIRE(dry.changes().size() == 2);
    CHECK(dry.changes()[0].path == "old");
    CHECK(dry.changes()[1].path == "etc/new");
    CHECK(dry.actions() == std::vector<std::string>{"reload something"});
    CHECK(dry.report_text().find("+3\n") != std::string::npos);
    CHECK(run_program({"true"}) == 0);
    CHECK(dry.actions().back() == "true");
  }
  CHECK(slurp(dir + "/old") == "1\n2\n");
  CHECK_FALSE(fs::exists(dir + "/etc"));
  CHECK_FALSE(fs::exists(dir + "/var"));  // not even the journal's directory
  fs::remove_all(dir);
}
