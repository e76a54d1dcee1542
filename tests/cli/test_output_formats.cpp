#include <yaml-cpp/yaml.h>
#include <catch2/catch.hpp>

#include "harness.hpp"
#include "syck_yaml.hpp"

using namespace test;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {
// Minimal XML reader for our own output: elements with text, repeated
// elements becoming arrays; numbers compared as text.
nlohmann::json normalize(const nlohmann::json& v) {
  if (v.is_object()) {
    nlohmann::json o = nlohmann::json::object();
    for (auto it = v.begin(); it != v.end(); ++it) o[it.key()] = normalize(it.value());
    return o;
  }
  if (v.is_array()) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& x : v) a.push_back(normalize(x));
    return a;
  }
  if (v.is_null()) return "";
  if (v.is_string()) return v;
  return v.dump();
}
}  // namespace

TEST_CASE("json, jsonpretty, yaml and xml carry the same data", "[output]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  create_account(root, "carol", "carol.example");
  auto json = run(root, {"listaccts"}, "json");
  auto pretty = run(root, {"listaccts"}, "jsonpretty");
  auto yaml = run(root, {"listaccts"}, "yaml");
  auto def = run(root, {"listaccts"}, "");
  auto xml = run(root, {"listaccts"}, "xml");
  for (auto* r : {&json, &pretty, &yaml, &def, &xml}) CHECK(r->status == 0);

  auto j = json.json();
  CHECK(nlohmann::json::parse(pretty.out) == j);
  CHECK_THAT(pretty.out, Contains("\n   \"data\" : {\n"));  // JSON::XS pretty style
  CHECK(def.out == yaml.out);                               // YAML is the default
  CHECK_THAT(yaml.out, StartsWith("--- \n"));
  CHECK(whm::yaml_to_json(yaml.out) == j);
  CHECK_THAT(xml.out, StartsWith("<?xml version=\"1.0\""));
  CHECK_THAT(xml.out, Contains("<result><data><acct>"));
  CHECK_THAT(xml.out, Contains("<user>bob</user>"));
  CHECK_THAT(xml.out, Contains("<user>carol</user>"));
  CHECK_THAT(xml.out, Contains("<metadata><command>listaccts</command><reason>OK</reason><result>1</result>"));
  // Every scalar of the JSON appears in the XML.
  for (const auto& acct : j["data"]["acct"])
    for (auto it = acct.begin(); it != acct.end(); ++it)
      if (!it.value().is_structured()) {
        std::string text =
            it.value().is_string() ? it.value().get<std::string>() : normalize(it.value()).get<std::string>();
        if (it.value().is_null()) text = "";
        CHECK_THAT(xml.out, Contains("<" + it.key() + ">" + text + "</" + it.key() + ">"));
      }
}

TEST_CASE("error envelopes in every format", "[output]") {
  TempRoot root;
  auto yaml = run(root, {"accountsummary", "user=ghost"}, "yaml");
  CHECK(yaml.status == 1);
  CHECK_THAT(yaml.out, Contains("result: 0\n"));
  auto xml = run(root, {"accountsummary", "user=ghost"}, "xml");
  CHECK_THAT(xml.out, Contains("<result>0</result>"));
  auto unknown = run(root, {"no_such_function"});
  CHECK(unknown.status == 2);
  CHECK(unknown.json()["metadata"]["result"] == 0);
}

TEST_CASE("command line: --version, --help, URI decoding, --output after the arguments, WHMKIT_ROOT", "[cli]") {
  TempRoot root;
  auto v = run_program({WHMAPI1_PATH, "--version"});
  CHECK(v.status == 0);
  CHECK_THAT(v.out, StartsWith("whmkit "));
  auto h = run_program({WHMAPI1_PATH, "--help"});
  CHECK(h.status == 0);
  CHECK_THAT(h.out, Contains("--output"));
  auto none = run_program({WHMAPI1_PATH});
  CHECK(none.status == 2);

  auto r = run_program({WHMAPI1_PATH, "--root=" + root.path, "createacct", "username=bob", "domain=bob.example",
                        "contactemail=bob%40mail.example", "--output=json"});
  REQUIRE(r.status == 0);
  CHECK(r.json()["metadata"]["result"] == 1);
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("\nCONTACTEMAIL=bob@mail.example\n"));
  auto env = run_program({WHMAPI1_PATH, "--output=json", "get_current_users_count"}, {{"WHMKIT_ROOT", root.path}});
  CHECK(env.json()["data"]["users"] == 1);
}

TEST_CASE("version", "[version]") {
  TempRoot root;
  auto r = run(root, {"version"});
  REQUIRE(r.status == 0);
  CHECK(r.json()["data"]["version"] == WHMKIT_VERSION);
  expect_refused(root, {"version", "oops"}, "key=value");
}
