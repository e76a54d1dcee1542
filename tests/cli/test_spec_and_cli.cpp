// The reference spec as the program exposes it: every function known, help
// for each, required parameters enforced, unimplemented ones refused honestly.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "cli_support.hpp"
#include "harness.hpp"
#include "registry.hpp"
#include "spec.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {
std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}
}  // namespace

TEST_CASE("the spec holds every function of the reference", "[spec]") {
  CHECK(whm::kSpecBlockCount == 595);
  CHECK(whm::kSpecFunctionCount == 594);
  for (size_t i = 1; i < whm::kSpecFunctionCount; ++i)
    CHECK(std::string(whm::kSpecFunctions[i - 1].name) < whm::kSpecFunctions[i].name);  // sorted, unique
  // Every implemented function is a function of the reference.
  for (const auto& name : whm::Registry::instance().names()) CHECK(whm::find_spec_function(name.c_str()) != nullptr);
}

TEST_CASE("--list-functions prints all 594 names; help works for each", "[spec][cli]") {
  auto r = run_program({WHMAPI1_PATH, "--list-functions"});
  REQUIRE(r.status == 0);
  auto names = lines_of(r.out);
  REQUIRE(names.size() == 594);
  for (size_t i = 0; i < names.size(); ++i) {
    CHECK(names[i] == whm::kSpecFunctions[i].name);
    std::string help = whm::function_help(names[i]);
    CHECK_THAT(help, Contains(names[i] + " - "));
    CHECK_THAT(help, Contains("Parameters:"));
  }
  auto h = run_program({WHMAPI1_PATH, "help", "createacct"});
  CHECK(h.status == 0);
  CHECK_THAT(h.out, Contains("username (string, required)"));
  CHECK_THAT(h.out, Contains("allowed: local, secondary, remote, auto"));
  CHECK_THAT(h.out, Contains("whmapi1 --output=jsonpretty"));
  auto typo = run_program({WHMAPI1_PATH, "help", "listacct"});
  CHECK(typo.status == 2);
  CHECK_THAT(typo.err, Contains("did you mean: listaccts"));
}

TEST_CASE("a mistyped function gets the nearest names", "[cli]") {
  TempRoot root;
  auto r = run(root, {"creatacct", "username=x"});
  CHECK(r.status == 2);
  CHECK_THAT(r.json()["metadata"]["reason"].get<std::string>(), Contains("Did you mean: createacct"));
}

TEST_CASE("unimplemented functions say so, after checking their parameters", "[spec][cli]") {
  TempRoot root;
  // The first function without a handler (in the program: applist names what it implements)
  // that has exactly one required parameter.
  const auto applist = run_ok(root, {"applist"});
  std::set<std::string> implemented;
  for (const auto& app : applist["data"]["app"]) implemented.insert(app.get<std::string>());
  const whm::FunctionSpec* target = nullptr;
  for (const auto& name : whm::Registry::instance().names()) {
    if (implemented.count(name)) continue;
    const auto* f = whm::Registry::instance().find(name);
    int required = 0;
    for (const auto& p : f->params) required += p.required && p.name.rfind("api.", 0) != 0;
    if (!f->handler && required == 1 && f->params.size() == 1 && f->params[0].type == whm::ParamType::String) {
      target = f;
      break;
    }
  }
  REQUIRE(target);
  const std::string name = target->name, param = target->params[0].name;
  auto r = run(root, {name, param + "=x"});
  CHECK(r.status == 2);
  auto j = r.json();
  CHECK(j["metadata"]["result"] == 0);
  CHECK(j["metadata"]["reason"] == "Function '" + name + "' is not implemented by whmkit yet");
  CHECK_FALSE(j.contains("data"));
  auto missing = run(root, {name});
  CHECK(missing.status == 0);
  CHECK_THAT(missing.json()["metadata"]["reason"].get<std::string>(), Contains("“" + param + "”"));
  CHECK(snapshot(root).empty());

  auto cov = run_program({WHMAPI1_PATH, "--coverage"});
  CHECK(cov.status == 0);
  CHECK_THAT(cov.out, Contains("Accounts"));
  CHECK_THAT(cov.out, Contains("/594"));
}

TEST_CASE("required parameters left out are named, across 20 functions of different categories", "[spec][cli]") {
  TempRoot root;
  // The first function with required parameters in each category, then more until there are 20.
  std::map<std::string, int> per_category;
  std::vector<const whm::SpecFunction*> picked;
  for (int round = 0; picked.size() < 20 && round < 5; ++round)
    for (size_t i = 0; i < whm::kSpecFunctionCount && picked.size() < 20; ++i) {
      const auto& f = whm::kSpecFunctions[i];
      bool has_required = false;
      for (int p = 0; p < f.param_count; ++p)
        has_required |= f.params[p].required && std::string(f.params[p].name).rfind("api.", 0) != 0;
      // backup_destination_add: the reference marks every destination type's
      // fields required; which are depends on type= (test_backups.cpp covers it).
      if (std::string(f.name) == "backup_destination_add") continue;
      if (!has_required || per_category[f.category] != round) continue;
      per_category[f.category]++;
      picked.push_back(&f);
    }
  REQUIRE(picked.size() == 20);
  std::set<std::string> categories;
  for (const auto* f : picked) {
    categories.insert(f->category);
    const whm::FunctionSpec* spec = whm::Registry::instance().find(f->name);
    REQUIRE(spec);
    for (const auto& omitted : spec->params) {
      if (!omitted.required || omitted.name.rfind("api.", 0) == 0) continue;  // api.version is implied
      std::vector<std::string> args = {f->name};
      for (const auto& other : spec->params) {
        if (!other.required || other.name == omitted.name || other.name.rfind("api.", 0) == 0) continue;
        std::string value = other.allowed.empty() ? "1" : other.allowed.front();
        if (other.type == whm::ParamType::Domain) value = "example.com";
        if (other.type == whm::ParamType::Email) value = "user@example.com";
        if (other.type == whm::ParamType::IPv4) value = "192.0.2.1";
        if (other.min && *other.min > 1) value = std::to_string(*other.min);
        args.push_back(other.name + "=" + value);
      }
      auto r = run(root, args);
      INFO(f->name << " without " << omitted.name << ": " << r.out);
      CHECK(r.status == 0);
      CHECK(r.json()["metadata"]["reason"] == "Missing required parameter “" + omitted.name + "”.");
    }
  }
  CHECK(categories.size() >= 15);
  CHECK(snapshot(root).empty());
}

TEST_CASE("api.filter, api.sort, api.chunk and api.columns on listaccts with 250 accounts", "[api-args]") {
  TempRoot root;
  for (int i = 0; i < 250; ++i) {
    std::string n = std::to_string(i);
    auto r = run(root, {"createacct", "username=acct" + n, "domain=site" + n + (i % 2 ? ".org" : ".example"),
                        "password=Pass-word1", "maxftp=" + std::to_string(i % 10), "showpass=n"});
    REQUIRE(r.status == 0);
  }
  auto users = [](const nlohmann::json& j) {
    std::vector<std::string> out;
    for (const auto& a : j["data"]["acct"]) out.push_back(a["user"]);
    return out;
  };
  // Paging: 250 records in pages of 100.
  auto page3 =
      run(root, {"listaccts", "api.chunk.enable=1", "api.chunk.verbose=1", "api.chunk.size=100", "api.chunk.start=201"})
          .json();
  CHECK(page3["data"]["acct"].size() == 50);
  CHECK(page3["metadata"]["chunk"] ==
        nlohmann::json({{"chunks", 3}, {"current", 3}, {"records", 250}, {"size", 100}, {"start", 201}}));
  auto select2 = run(root, {"listaccts", "api.chunk.enable=1", "api.chunk.size=100", "api.chunk.select=2"}).json();
  CHECK(select2["data"]["acct"].size() == 100);
  CHECK_FALSE(select2["metadata"].contains("chunk"));  // no metadata without verbose
  auto past =
      run(root, {"listaccts", "api.chunk.enable=1", "api.chunk.verbose=1", "api.chunk.size=10", "api.chunk.start=999"})
          .json();
  CHECK(past["data"]["acct"].empty());  // a start past the end: an empty page
  CHECK(past["metadata"]["chunk"] ==
        nlohmann::json({{"chunks", 25}, {"current", 100}, {"records", 250}, {"size", 10}, {"start", 999}}));

  // Filtering: a string filter and a numeric one, ANDed.
  auto f = run(root, {"listaccts", "api.filter.enable=1", "api.filter.verbose=1", "api.filter.a.field=domain",
                      "api.filter.a.type=contains", "api.filter.a.arg0=.ORG", "api.filter.b.field=maxftp",
                      "api.filter.b.type=gt_equal", "api.filter.b.arg0=8"})
               .json();
  CHECK(f["data"]["acct"].size() == 25);  // odd numbers ending in 9 (maxftp 9) : 25
  for (const auto& a : f["data"]["acct"]) CHECK(a["maxftp"] == "9");
  CHECK(f["metadata"]["filter"]["filtered"] == 250);
  CHECK(f["metadata"]["filter"]["a"]["valid"] == 1);
  auto eq = run(root, {"listaccts", "api.filter.enable=1", "api.filter.a.field=user", "api.filter.a.type=eq",
                       "api.filter.a.arg0=acct42"})
                .json();
  CHECK(users(eq) == std::vector<std::string>{"acct42"});
  auto any =
      run(root, {"listaccts", "api.filter.enable=1", "api.filter.a.field=*", "api.filter.a.arg0=site17.org"}).json();
  CHECK(users(any) == std::vector<std::string>{"acct17"});

  // Sorting: by maxftp numerically descending, then by user.
  auto s = run(root, {"listaccts", "api.sort.enable=1", "api.sort.verbose=1", "api.sort.a.field=maxftp",
                      "api.sort.a.method=numeric", "api.sort.a.reverse=1", "api.sort.b.field=user"})
               .json();
  auto su = users(s);
  REQUIRE(su.size() == 250);
  CHECK(su.front() == "acct109");  // maxftp 9, smallest name among them lexicographically
  CHECK(s["data"]["acct"][0]["maxftp"] == "9");
  CHECK(s["data"]["acct"][249]["maxftp"] == "0");
  CHECK(s["metadata"]["sort"]["a"] == nlohmann::json({{"field", 1}, {"method", "numeric"}, {"reverse", 1}}));

  // Columns, then everything together.
  auto c = run(root, {"listaccts", "api.columns.enable=1", "api.columns.a=user", "api.columns.b=domain",
                      "api.columns.c=nosuchcolumn"})
               .json();
  CHECK(c["data"]["acct"][0].size() == 2);
  CHECK(c["metadata"]["columns"]["invalid"] == nlohmann::json({"nosuchcolumn"}));
  // Filtering and sorting on a column that is not selected.
  auto hidden = run(root, {"listaccts", "api.columns.enable=1", "api.columns.a=user", "api.filter.enable=1",
                           "api.filter.a.field=domain", "api.filter.a.type=eq", "api.filter.a.arg0=site42.example"})
                    .json();
  CHECK(hidden["data"]["acct"] == nlohmann::json::array({{{"user", "acct42"}}}));
  auto all =
      run(root, {"listaccts", "api.columns.enable=1", "api.columns.a=user", "api.columns.b=maxftp",
                 "api.filter.enable=1", "api.filter.a.field=maxftp", "api.filter.a.type===", "api.filter.a.arg0=3",
                 "api.sort.enable=1", "api.sort.a.field=user", "api.sort.a.method=lexicographic",
                 "api.sort.a.reverse=1", "api.chunk.enable=1", "api.chunk.size=5"})
          .json();
  CHECK(users(all) == std::vector<std::string>{"acct93", "acct83", "acct73", "acct63", "acct53"});
  CHECK(all["data"]["acct"][0] == nlohmann::json({{"maxftp", "3"}, {"user", "acct93"}}));
}

TEST_CASE("uapi/cpapi2 help Module function needs no account and covers every cPanel function", "[cli]") {
  const std::string dir = std::filesystem::path(WHMAPI1_PATH).parent_path().string();
  for (const std::string prog : {"uapi", "cpapi2"}) {
    auto list = run_program({dir + "/" + prog, "--list-functions"});
    REQUIRE(list.status == 0);
    int helped = 0;
    for (const auto& line : lines_of(list.out)) {
      auto space = line.find(' ');
      auto h = run_program({dir + "/" + prog, "help", line.substr(0, space), line.substr(space + 1)});
      CHECK(h.status == 0);
      CHECK_THAT(h.out, Catch::Matchers::StartsWith(line.substr(0, space) + "::" + line.substr(space + 1)));
      CHECK_THAT(h.out, Catch::Matchers::Contains("Parameters:"));
      ++helped;
    }
    CHECK(helped > 5);
  }
  auto add = run_program({dir + "/uapi", "help", "Ftp", "add_ftp"});
  CHECK_THAT(add.out, Catch::Matchers::Contains("  user (string, required)"));
  // pass or pass_hash (exactly one), neither required alone, as UAPI's OpenAPI description has them;
  // the example names pass, so that it runs once filled in.
  CHECK_THAT(add.out, Catch::Matchers::Contains("  pass (string)"));
  CHECK_THAT(add.out,
             Catch::Matchers::Contains("uapi --user=USER --output=jsonpretty Ftp add_ftp user=USER pass=PASS\n"));
  CHECK_THAT(add.out, Catch::Matchers::Contains("Give pass or pass_hash, not both."));
  auto unknown = run_program({dir + "/uapi", "help", "Ftp", "nosuch"});
  CHECK(unknown.status == 2);
  CHECK_THAT(unknown.err, Catch::Matchers::Contains("unknown function"));
}

namespace {
// The lines of a help text under "Example:", up to the next blank line.
std::string example_of(const std::string& help) {
  auto start = help.find("\nExample:\n");
  if (start == std::string::npos) return "";
  start += 10;
  auto end = help.find("\n\n", start);
  return help.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// Runs a printed example in bash, whmapi1/cpapi2/uapi standing for the built
// programs on `root`: the shell reads the text exactly as a user pasting it.
RunResult run_example(const TempRoot& root, const std::string& example) {
  const std::string prelude =
      "set -f\n"
      "whmapi1() { \"$WHMKIT_BIN/whmapi1\" --root=\"$WHMKIT_ROOT\" \"$@\"; }\n"
      "cpapi2() { \"$WHMKIT_BIN/cpapi2\" --root=\"$WHMKIT_ROOT\" \"$@\"; }\n"
      "uapi() { \"$WHMKIT_BIN/uapi\" --root=\"$WHMKIT_ROOT\" \"$@\"; }\n";
  return run_program(
      {"/bin/bash", "-c", prelude + example},
      {{"WHMKIT_BIN", std::filesystem::path(WHMAPI1_PATH).parent_path().string()}, {"WHMKIT_ROOT", root.path}});
}
}  // namespace

TEST_CASE("every example help prints is a command line the program accepts", "[spec][cli][help]") {
  TempRoot root;
  const std::string dir = std::filesystem::path(WHMAPI1_PATH).parent_path().string();
  int implemented = 0;
  // WHM API 1: all 594 functions. An implemented one runs for real (on a
  // scratch root) and prints its envelope with exit status 0; an
  // unimplemented one gets past the command line to "not implemented" (or
  // a refused parameter). A bad command line would exit 2 with no envelope.
  for (const auto& name : whm::Registry::instance().names()) {
    auto help = run_program({WHMAPI1_PATH, "help", name});
    REQUIRE(help.status == 0);
    std::string example = example_of(help.out);
    INFO(name << " example:\n" << example);
    REQUIRE_FALSE(example.empty());
    CHECK(example.find("--input") == std::string::npos);
    auto r = run_example(root, example);
    INFO("exit " << r.status << "\n" << r.out << r.err);
    CHECK_THAT(r.out, Contains(name));  // an envelope of this function
    if (help.out.find("Status: implemented by whmkit") != std::string::npos) {
      ++implemented;
      CHECK(r.status == 0);
    } else {
      CHECK((r.status == 0 || r.out.find("is not implemented by whmkit yet") != std::string::npos));
    }
  }
  CHECK(implemented > 100);
  // cPanel functions (all implemented) through cpapi2 and uapi.
  for (const std::string prog : {"uapi", "cpapi2"}) {
    auto list = run_program({dir + "/" + prog, "--list-functions"});
    for (const auto& line : lines_of(list.out)) {
      auto space = line.find(' ');
      auto help = run_program({dir + "/" + prog, "help", line.substr(0, space), line.substr(space + 1)});
      std::string example = example_of(help.out);
      INFO(prog << " " << line << " example:\n" << example);
      auto r = run_example(root, example);
      INFO("exit " << r.status << "\n" << r.out << r.err);
      CHECK(r.status == 0);
      CHECK_THAT(r.out, Contains(line.substr(space + 1)));
    }
  }
}

TEST_CASE("addzonerecord's help lists every parameter with its type, default and description", "[spec][cli][help]") {
  auto h = run_program({WHMAPI1_PATH, "help", "addzonerecord"});
  REQUIRE(h.status == 0);
  for (const char* param :
       {"domain", "name", "type", "class", "ttl", "address", "cname", "exchange", "preference", "nsdname", "ptrdname",
        "priority", "weight", "port", "target", "flag", "tag", "value", "txtdata"})
    CHECK_THAT(h.out, Contains("\n  " + std::string(param) + " ("));
  CHECK_THAT(h.out, Contains("  preference (integer)\n      range: 0..65535\n      MX records:"));
  CHECK_THAT(h.out, Contains("  exchange (string)\n      MX records: the mail server's host name."));
  CHECK_THAT(h.out, Contains("  ttl (integer)  default: 86400\n"));
  // The whole type description, not its first line.
  CHECK_THAT(h.out, Contains("        MX: preference, exchange\n"));
  CHECK_THAT(h.out, Contains("        SRV: priority, weight, port, target\n"));
  CHECK_THAT(h.out, Contains("Example:\n  whmapi1 --output=jsonpretty addzonerecord domain=example.com"));
  // A reference parameter's description is shown whole too.
  auto create = run_program({WHMAPI1_PATH, "help", "createacct"});
  CHECK_THAT(create.out, Contains("      This parameter defaults to the server's default cPanel theme.\n"));
}
