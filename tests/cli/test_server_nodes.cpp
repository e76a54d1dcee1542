#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {

const char* kNodes = "var/cpanel/linked_nodes/master.json";

// The index as cPanel writes it, with one Mail node.
const std::string kIndex = R"({"mailnode":{"api_token":"SECRETTOKEN","enabled_services":["exim","imap"],)"
                           R"("hostname":"mail.example.net","last_check":1556576165,)"
                           R"("remote_node_linkages":[],"system_settings":{"Mail":{"globalspamassassin":0}},)"
                           R"("tls_verified":1,"username":"root","version":"11.110.0.5",)"
                           R"("worker_capabilities":{"Mail":{}}}})";

RunResult run_with_env(const TempRoot& root, const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv = {WHMAPI1_PATH, "--root=" + root.path, "--output=json"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, env);
}

}  // namespace

TEST_CASE("linked server nodes are listed and shown without their API token",
          "[server_nodes][list_linked_server_nodes][get_linked_server_node]") {
  TempRoot root;
  CHECK(run_ok(root, {"list_linked_server_nodes"})["data"] == nlohmann::json({{"payload", nlohmann::json::array()}}));
  root.write(kNodes, kIndex);
  const nlohmann::json shown = {{"enabled_services", {"exim", "imap"}},
                                {"hostname", "mail.example.net"},
                                {"last_check", 1556576165},
                                {"system_settings", {{"Mail", {{"globalspamassassin", 0}}}}},
                                {"tls_verified", 1},
                                {"username", "root"},
                                {"version", "11.110.0.5"},
                                {"worker_capabilities", {{"Mail", nlohmann::json::object()}}}};
  auto listed = run_ok(root, {"list_linked_server_nodes"});
  nlohmann::json item = shown;
  item["alias"] = "mailnode";
  CHECK(listed["data"]["payload"] == nlohmann::json::array({item}));
  auto one = run_ok(root, {"get_linked_server_node", "alias=mailnode"});
  CHECK(one["data"] == shown);
  CHECK(one.dump().find("SECRETTOKEN") == std::string::npos);
  CHECK(listed.dump().find("SECRETTOKEN") == std::string::npos);

  expect_refused(root, {"get_linked_server_node", "alias=nosuch"},
                 "No node link with alias “nosuch” exists on this system.");
  expect_refused(root, {"update_linked_server_node", "alias=nosuch"}, "No node link with alias “nosuch”");
  // A verified node's TLS verification cannot be turned off.
  expect_refused(root, {"update_linked_server_node", "alias=mailnode", "skip_tls_verification=1"},
                 "is already TLS verified");
  // A damaged index reads as no nodes, with a warning.
  root.write(kNodes, "{\"mailnode\":");
  auto damaged = run_ok(root, {"list_linked_server_nodes"});
  CHECK(damaged["data"]["payload"].empty());
  CHECK_THAT(damaged["metadata"]["output"]["warnings"][0].get<std::string>(), Contains("is damaged"));
}

TEST_CASE("list_user_child_nodes reads the accounts' worker nodes", "[server_nodes][list_user_child_nodes]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  create_account(root, "carl", "carl.example");
  root.write("var/cpanel/users/bob", root.file("var/cpanel/users/bob") + "WORKER_NODE-Mail=mailnode:TOKEN123\n");
  auto j = run_ok(root, {"list_user_child_nodes"});
  CHECK(j["data"]["payload"] == nlohmann::json::array({{{"alias", "mailnode"}, {"type", "Mail"}, {"user", "bob"}}}));
  CHECK(j.dump().find("TOKEN123") == std::string::npos);
}

TEST_CASE("get_server_node_status reports a node that cannot be reached", "[server_nodes][get_server_node_status]") {
  TempRoot root;
  // A closed loopback port: nothing leaves the machine.
  auto r = run_with_env(
      root,
      {"get_server_node_status", "hostname=127.0.0.1", "username=root", "api_token=ABC", "skip_tls_verification=1"},
      {{"WHMKIT_REMOTE_WHM_PORT", "9"}});
  REQUIRE(r.status == 0);
  CHECK(r.json()["metadata"]["result"] == 0);
  CHECK_THAT(r.json()["metadata"]["reason"].get<std::string>(), Contains("The system could not query “127.0.0.1”"));
  expect_refused(root, {"get_server_node_status", "hostname=127.0.0.1", "username=root"}, "“api_token”");
  // Nothing that would change the URL or the Authorization header.
  expect_refused(root, {"get_server_node_status", "hostname=a.example/x?y=", "username=root", "api_token=A"},
                 "“hostname”");
  expect_refused(root, {"get_server_node_status", "hostname=a.example", "username=ro:ot", "api_token=A"}, "“username”");
  expect_refused(root, {"get_server_node_status", "hostname=a.example", "username=root", "api_token=A B"},
                 "“api_token”");
}

TEST_CASE("service proxy backends are set, shown and removed", "[server_nodes][set_service_proxy_backends]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  run_ok(root, {"set_service_proxy_backends", "username=bob", "general=192.0.2.10", "service_group=Mail",
                "service_group_backend=mail.example.net"});
  const std::string cpuser = root.file("var/cpanel/users/bob");
  CHECK_THAT(cpuser, Contains("\nPROXY_BACKEND=192.0.2.10\n"));
  CHECK_THAT(cpuser, Contains("\nPROXY_BACKEND-Mail=mail.example.net\n"));
  // The website is proxied to the general backend.
  CHECK_THAT(root.file("var/cpanel/userdata/bob/bob.example"), Contains("proxy_backend: 192.0.2.10\n"));
  auto shown = run_ok(root, {"get_service_proxy_backends", "username=bob"});
  CHECK(shown["data"]["payload"] ==
        nlohmann::json::array({{{"backend", "192.0.2.10"}, {"service_group", nullptr}},
                               {{"backend", "mail.example.net"}, {"service_group", "Mail"}}}));
  // Numbered parameters name several groups (one known group here).
  run_ok(root, {"set_service_proxy_backends", "username=bob", "service_group-1=Mail",
                "service_group_backend-1=mx.example.net"});
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("\nPROXY_BACKEND-Mail=mx.example.net\n"));

  run_ok(root, {"unset_all_service_proxy_backends", "username=bob"});
  CHECK(root.file("var/cpanel/users/bob").find("PROXY_BACKEND") == std::string::npos);
  CHECK(root.file("var/cpanel/userdata/bob/bob.example").find("proxy_backend") == std::string::npos);
  CHECK(run_ok(root, {"get_service_proxy_backends", "username=bob"})["data"]["payload"].empty());
}

TEST_CASE("bad service proxy settings are refused and change nothing", "[server_nodes][set_service_proxy_backends]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  expect_refused(root,
                 {"set_service_proxy_backends", "username=bob", "general=a.example.net", "service_group=Web",
                  "service_group_backend=b.example.net"},
                 "Invalid service group name(s) (Web); recognized names are: Mail");
  expect_refused(
      root, {"set_service_proxy_backends", "username=bob", "service_group=Mail", "service_group_backend=b.example.net"},
      "Set a general backend before setting “Mail” backend!");
  expect_refused(root, {"set_service_proxy_backends", "username=bob", "general=127.0.0.1"},
                 "resolves to the local server");
  expect_refused(root, {"set_service_proxy_backends", "username=bob", "general=../x"}, "“general”");
  expect_refused(root, {"set_service_proxy_backends", "username=bob", "general=a.example.net", "service_group=Mail"},
                 "mismatches");
  expect_refused(root, {"set_service_proxy_backends", "username=nosuch", "general=a.example.net"}, "nosuch");
  expect_refused(root, {"get_service_proxy_backends", "username=nosuch"}, "nosuch");
}
