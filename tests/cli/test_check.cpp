// --check (docs/dry-run.md): a call runs fully and prints the answer it would
// give, writes nothing, and reports on standard error what it would change.
#include <catch2/catch.hpp>

#include <cstdio>
#include <regex>
#include <set>

#include "dispatch.hpp"
#include "dry_run.hpp"
#include "harness.hpp"
#include "registry.hpp"
#include "spec.hpp"
#include "state.hpp"

using test::create_account;
using test::run;
using test::run_cpanel;
using test::run_ok;
using test::snapshot;
using test::TempRoot;
using namespace whm;

namespace {

// The JSON report --check --output=json prints as the last line of standard error.
nlohmann::json check_report(const std::string& err) {
  auto end = err.find_last_not_of('\n');
  REQUIRE(end != std::string::npos);
  auto start = err.rfind('\n', end);
  auto j = nlohmann::json::parse(err.substr(start == std::string::npos ? 0 : start + 1, end + 1));
  REQUIRE(j.contains("whmkit_check"));
  return j["whmkit_check"];
}

std::set<std::string> paths_in(const nlohmann::json& report) {
  std::set<std::string> out;
  for (const auto& f : report["files"]) out.insert(f["path"].get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("--check prints createacct's answer, lists its files with a diff, and writes nothing", "[check]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const auto before = snapshot(root);
  auto r = run(root, {"--check", "createacct", "username=carol", "domain=carol.example", "password=Secret-pass1"});
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  auto j = r.json();
  CHECK(j["metadata"]["result"] == 1);
  CHECK(j["metadata"]["reason"] == "Account Creation Ok");
  auto report = check_report(r.err);
  CHECK(report["changed"] == true);
  const auto paths = paths_in(report);
  CHECK(paths.count("var/cpanel/users/carol") == 1);
  CHECK(paths.count("etc/trueuserdomains") == 1);
  CHECK(paths.count("var/named/carol.example.db") == 1);
  for (const auto& f : report["files"])
    if (f["path"] == "etc/trueuserdomains") {
      // One line added to an existing file: a unified diff with context.
      const std::string diff = f["diff"];
      CHECK(diff.find("--- a/etc/trueuserdomains\n+++ b/etc/trueuserdomains\n@@ ") == 0);
      CHECK(diff.find("\n+carol.example: carol\n") != std::string::npos);
      CHECK(diff.find("\n bob.example: bob\n") != std::string::npos);
    }
  bool reload_listed = false;
  for (const auto& a : report["would_run"])
    reload_listed |= a.get<std::string>().find("carol.example") != std::string::npos;
  CHECK(reload_listed);
  CHECK(snapshot(root) == before);
  // The same call for real then makes exactly those files.
  run_ok(root, {"createacct", "username=carol", "domain=carol.example", "password=Secret-pass1"});
  CHECK(root.exists("var/cpanel/users/carol"));
}

TEST_CASE("--check reports no change for a call that would leave the files as they are", "[check]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  run_ok(root, {"modifyacct", "user=bob", "contactemail=bob@example.org"});
  const auto before = snapshot(root);
  auto r = run(root, {"--check", "modifyacct", "user=bob", "contactemail=bob@example.org"});
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.json()["metadata"]["result"] == 1);
  auto report = check_report(r.err);
  CHECK(report["files"].empty());
  CHECK(snapshot(root) == before);
}

TEST_CASE("--check without JSON output prints a unified diff; a refused call reports nothing", "[check]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const auto before = snapshot(root);
  auto r = run(root, {"--check", "suspendacct", "user=bob", "reason=unpaid"}, "yaml");
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("result: 1") != std::string::npos);
  CHECK(r.err.find("+++ b/var/cpanel/suspended/bob\n") != std::string::npos);
  CHECK(r.err.find("+unpaid") != std::string::npos);
  CHECK(snapshot(root) == before);

  auto bad = run(root, {"--check", "suspendacct", "user=nobody-here"});
  REQUIRE(bad.status == 0);
  CHECK(bad.json()["metadata"]["result"] == 0);
  CHECK(check_report(bad.err)["changed"] == false);
  CHECK(snapshot(root) == before);
}

TEST_CASE("uapi --check: a mailbox that would be added, and nothing written", "[check]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const auto before = snapshot(root);
  auto r = run_cpanel(root, "uapi", "bob",
                      {"--check", "Email", "add_pop", "email=info", "domain=bob.example", "password=Str0ng-Pass-99"});
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.json()["result"]["status"] == 1);
  auto paths = paths_in(check_report(r.err));
  CHECK(paths.count("home/bob/etc/bob.example/passwd") == 1);
  CHECK(snapshot(root) == before);
}

// Every implemented function that writes, run in a dry run with the
// reference's example arguments (and again with them pointed at the seeded
// account), leaves every file under the root as it was.
TEST_CASE("every writing function leaves the state root byte-identical under --check", "[check]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  run_ok(root, {"createacct", "username=carol", "domain=carol.example", "password=Secret-pass1", "reseller=1"});
  test::uapi_ok(root, "bob", {"Email", "add_pop", "email=info", "domain=bob.example", "password=Str0ng-Pass-99"});
  test::uapi_ok(root, "bob", {"Ftp", "add_ftp", "user=web", "pass=Str0ng-Pass-99"});
  const auto before = snapshot(root);
  const StateRoot state(root.path);
  const Registry& registry = Registry::instance();
  std::vector<std::string> changed;
  int calls = 0;
  auto dry_call = [&](Api api, const std::string& module, const std::string& name, const std::string& caller,
                      const std::vector<std::string>& words) {
    Call call{api, module, {}, caller};
    try {
      call.request = parse_call_words(name, words);
    } catch (const std::exception&) {
      return;
    }
    {
      DryRun dry;
      run_call_for_json(state, std::move(call));
    }
    ++calls;
    const auto after = snapshot(root);
    if (after == before) return;
    // Name the function and the files, then put them back for the next call.
    std::string files;
    for (const auto& [rel, text] : after)
      if (!before.count(rel) || before.at(rel) != text) files += " " + rel;
    for (const auto& [rel, text] : before)
      if (!after.count(rel)) files += " -" + rel;
    changed.push_back(module + (module.empty() ? "" : "::") + name + ":" + files);
    for (const auto& [rel, text] : after)
      if (!before.count(rel)) std::remove((root.path + "/" + rel).c_str());
    for (const auto& [rel, text] : before)
      if (!after.count(rel) || after.at(rel) != text) root.write(rel, text);
  };
  // The example's key='value' words; and the same aimed at bob and bob.example.
  const std::regex word(R"(([A-Za-z0-9_.\-\[\]]+)='([^']*)')");
  for (const auto& name : registry.names()) {
    const FunctionSpec* f = registry.find(name);
    if (!f || !f->handler || f->access == Access::Read || !f->doc || !f->doc->example_call) continue;
    std::vector<std::string> as_given, aimed;
    const std::string example = f->doc->example_call;
    for (auto it = std::sregex_iterator(example.begin(), example.end(), word); it != std::sregex_iterator(); ++it) {
      std::string key = (*it)[1], value = (*it)[2];
      as_given.push_back(key + "=" + value);
      value = std::regex_replace(value, std::regex("example\\.com"), "bob.example");
      if (value == "username" || value == "user") value = "bob";
      aimed.push_back(key + "=" + value);
    }
    dry_call(Api::Whm1, "", name, "root", as_given);
    dry_call(Api::Whm1, "", name, "root", aimed);
  }
  // cPanel functions: each required parameter with a value that names bob's things.
  auto sample = [](const ParamSpec& p) -> std::string {
    if (!p.allowed.empty()) return p.allowed.front();
    if (p.default_value) return *p.default_value;
    const std::string& n = p.name;
    if (n.find("domain") != std::string::npos) return "bob.example";
    if (n == "email" || n.find("address") != std::string::npos) return "info@bob.example";
    if (n.find("pass") != std::string::npos) return "Str0ng-Pass-99";
    if (n == "user" || n == "username" || n == "login") return "info";
    if (p.type == ParamType::Boolean) return "1";
    if (p.type == ParamType::Integer || p.type == ParamType::IntOrUnlimited) return "1";
    if (p.type == ParamType::Domain) return "bob.example";
    if (p.type == ParamType::Email) return "info@bob.example";
    if (p.type == ParamType::IPv4) return "127.0.0.1";
    return "test";
  };
  for (Api api : {Api::Uapi, Api::Api2})
    for (const FunctionSpec* f : registry.module_functions(api)) {
      if (!f->handler || f->access == Access::Read) continue;
      std::vector<std::string> words;
      for (const auto& p : f->params)
        if (p.required) words.push_back(p.name + "=" + sample(p));
      dry_call(api, f->module, f->name, "bob", words);
    }
  INFO("calls made: " << calls);
  CHECK(calls > 500);
  CHECK(changed == std::vector<std::string>{});
}
