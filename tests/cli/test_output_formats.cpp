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
  // YAML::Syck writes the string "1796127959" and the number 80 as '1796127959'
  // and 80, as it would their Perl twins: the values compare as text.
  CHECK(normalize(whm::yaml_to_json(yaml.out)) == normalize(j));
  CHECK_THAT(yaml.out, Contains("    ipv6: []\n\n"));  // Syck's blank line after an empty list
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
  CHECK(yaml.status == 0);
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
  expect_bad_command_line(root, {"version", "oops"}, "key=value");
}

TEST_CASE("exit status: 0 for every printed envelope, 1 only with --fail, 2 for a bad command line", "[output][exit]") {
  TempRoot root;
  // A failed call: the envelope carries the reason and the exit status is 0, as cPanel's tools do.
  auto failed = run(root, {"accountsummary", "user=ghost"});
  CHECK(failed.status == 0);
  CHECK(failed.json()["metadata"]["result"] == 0);
  CHECK_THAT(failed.json()["metadata"]["reason"].get<std::string>(), Contains("ghost"));
  // --fail and WHMKIT_FAIL=1 turn it into exit 1, with the same envelope.
  auto with_flag = run(root, {"--fail", "accountsummary", "user=ghost"});
  CHECK(with_flag.status == 1);
  CHECK(with_flag.out == failed.out);
  auto with_env = run_program({WHMAPI1_PATH, "--root=" + root.path, "--output=json", "accountsummary", "user=ghost"},
                              {{"WHMKIT_FAIL", "1"}});
  CHECK(with_env.status == 1);
  CHECK(run(root, {"--fail", "version"}).status == 0);  // a success stays 0
  // The same for uapi and cpapi2.
  create_account(root, "bob", "bob.example");
  auto uapi = run_cpanel(root, "uapi", "bob", {"Ftp", "delete_ftp", "user=nobody"});
  CHECK(uapi.status == 0);
  CHECK(uapi.json()["result"]["status"] == 0);
  CHECK(run_cpanel(root, "uapi", "bob", {"Ftp", "delete_ftp", "user=nobody"}, {{"WHMKIT_FAIL", "1"}}).status == 1);
  auto api2 = run_cpanel(root, "cpapi2", "bob", {"Ftp", "delftp", "user=nobody"});
  CHECK(api2.status == 0);
  CHECK(api2.json()["cpanelresult"]["event"]["result"] == 0);
  // A bad command line: exit 2, a message on standard error, no envelope.
  auto bad_word = run(root, {"accountsummary", "notkeyvalue"});
  CHECK(bad_word.status == 2);
  CHECK(bad_word.out.empty());
  CHECK_THAT(bad_word.err, Contains("key=value"));
  CHECK(run(root, {"--nosuchoption", "version"}).status == 2);
  CHECK(run_cpanel(root, "uapi", "bob", {"Ftp", "list_ftp", "oops"}).status == 2);
  // An unimplemented function: the envelope says so, exit 2 (with or without --fail).
  auto missing = run(root, {"modsec_add_vendor", "url=https://example.com/vendor.yaml"});
  CHECK(missing.status == 2);
  CHECK(missing.json()["metadata"]["result"] == 0);
}
