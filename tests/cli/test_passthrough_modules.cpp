// WHM API 1's passthrough (`cpanel` with cpanel_jsonapi_apiversion 2 and 3,
// and `uapi_cpanel`) for the usage modules, UAPI Backup, DomainInfo and
// WebVhosts: each gives the data the direct `uapi`/`cpapi2` call gives.
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {

void build_bob(const TempRoot& root) {
  create_account(root, "bob", "bob.example", {"maxsub=5", "maxpark=5", "maxaddon=5", "maxpop=10"});
  run_ok(root, {"create_subdomain", "domain=shop.bob.example", "document_root=public_html/shop"});
  run_ok(root, {"create_parked_domain_for_user", "domain=bob.net", "username=bob", "web_vhost_domain=bob.example"});
  run_ok(root,
         {"create_parked_domain_for_user", "domain=addon.org", "username=bob", "web_vhost_domain=shop.bob.example"});
  uapi_ok(root, "bob", {"Email", "add_pop", "email=info@bob.example", "password=Sx9!kd7Qz-2p"});
  uapi_ok(root, "bob",
          {"Email", "add_forwarder", "domain=bob.example", "email=sales@bob.example", "fwdopt=fwd",
           "fwdemail=info@bob.example"});
}

// The UAPI call as `uapi`, through `uapi_cpanel` and through `cpanel` with
// apiversion 3: the same result (data, errors, warnings, messages, status).
void same_through_passthrough(const TempRoot& root, const std::string& module, const std::string& function,
                              const std::vector<std::string>& args = {}) {
  INFO(module + "::" + function);
  std::vector<std::string> direct_args = {module, function};
  direct_args.insert(direct_args.end(), args.begin(), args.end());
  auto direct = uapi_ok(root, "bob", direct_args)["result"];
  direct.erase("metadata");

  std::vector<std::string> uapi_cpanel = {"uapi_cpanel", "cpanel.user=bob", "cpanel.module=" + module,
                                          "cpanel.function=" + function};
  uapi_cpanel.insert(uapi_cpanel.end(), args.begin(), args.end());
  auto through = run_ok(root, uapi_cpanel);
  CHECK(through["metadata"]["result"] == 1);
  auto via_uapi_cpanel = through["data"]["uapi"];
  via_uapi_cpanel.erase("metadata");
  CHECK(via_uapi_cpanel == direct);

  std::vector<std::string> cpanel = {"cpanel", "cpanel_jsonapi_user=bob", "cpanel_jsonapi_module=" + module,
                                     "cpanel_jsonapi_func=" + function, "cpanel_jsonapi_apiversion=3"};
  cpanel.insert(cpanel.end(), args.begin(), args.end());
  auto v3 = run_ok(root, cpanel);
  CHECK(v3["metadata"]["result"] == 1);
  auto via_cpanel = v3["data"]["uapi"];
  via_cpanel.erase("metadata");
  CHECK(via_cpanel == direct);
}

}  // namespace

TEST_CASE("the usage modules through the WHM passthrough", "[passthrough][passthrough_usage]") {
  TempRoot root;
  build_bob(root);
  same_through_passthrough(root, "Quota", "get_quota_info");
  same_through_passthrough(root, "Quota", "get_local_quota_info");
  same_through_passthrough(root, "StatsBar", "get_stats",
                           {"display=emailaccounts|emailforwarders|subdomains|parkeddomains|addondomains|diskusage"});
  same_through_passthrough(root, "ResourceUsage", "get_usages");
  same_through_passthrough(root, "Bandwidth", "query", {"grouping=domain", "start=1700000000"});
  same_through_passthrough(root, "Bandwidth", "get_retention_periods");
  same_through_passthrough(root, "Bandwidth", "get_enabled_protocols");
  // The passthrough sees the account's mail as the direct call does.
  auto usages = run_ok(root, {"uapi_cpanel", "cpanel.user=bob", "cpanel.module=ResourceUsage",
                              "cpanel.function=get_usages"})["data"]["uapi"]["data"];
  for (const auto& row : usages) {
    if (row["id"] == "email_accounts") CHECK(row["usage"] == 1);
    if (row["id"] == "forwarders") CHECK(row["usage"] == 1);
  }
}

TEST_CASE("UAPI Backup through the WHM passthrough", "[passthrough][passthrough_backup]") {
  TempRoot root;
  build_bob(root);
  same_through_passthrough(root, "Backup", "list_backups");  // none yet
  // A backup made through the passthrough lands in the home, as the direct call's does.
  auto made = run_ok(root, {"uapi_cpanel", "cpanel.user=bob", "cpanel.module=Backup",
                            "cpanel.function=fullbackup_to_homedir", "homedir=skip"});
  CHECK(made["data"]["uapi"]["status"] == 1);
  auto listed = uapi_ok(root, "bob", {"Backup", "list_backups"})["result"]["data"];
  REQUIRE(listed.size() == 1);
  same_through_passthrough(root, "Backup", "list_backups");
}

TEST_CASE("DomainInfo and WebVhosts through the WHM passthrough", "[passthrough][passthrough_domains]") {
  TempRoot root;
  build_bob(root);
  same_through_passthrough(root, "DomainInfo", "list_domains");
  same_through_passthrough(root, "DomainInfo", "domains_data");
  same_through_passthrough(root, "DomainInfo", "domains_data", {"format=list"});
  same_through_passthrough(root, "DomainInfo", "single_domain_data", {"domain=shop.bob.example"});
  same_through_passthrough(root, "DomainInfo", "main_domain_builtin_subdomain_aliases");
  same_through_passthrough(root, "WebVhosts", "list_domains");
  same_through_passthrough(root, "WebVhosts", "list_ssl_capable_domains");

  // cPanel API 2 (apiversion 2): the account's domain listings, as cpapi2 gives them.
  for (const auto& [module, function] : std::vector<std::pair<std::string, std::string>>{
           {"SubDomain", "listsubdomains"}, {"Park", "listparkeddomains"}, {"AddonDomain", "listaddondomains"}}) {
    INFO(module + "::" + function);
    auto direct = api2_ok(root, "bob", {module, function});
    auto through = run_ok(root, {"cpanel", "cpanel_jsonapi_user=bob", "cpanel_jsonapi_module=" + module,
                                 "cpanel_jsonapi_func=" + function, "cpanel_jsonapi_apiversion=2"});
    CHECK(through["data"]["cpanelresult"]["data"] == direct["data"]);
    CHECK(through["data"]["cpanelresult"]["event"] == direct["event"]);
  }
  // A refusal comes through as the direct call's.
  auto refused = run(root, {"uapi_cpanel", "cpanel.user=bob", "cpanel.module=DomainInfo",
                            "cpanel.function=single_domain_data", "domain=example.org"});
  CHECK(refused.json()["metadata"]["result"] == 0);
  CHECK(refused.json()["data"]["uapi"]["errors"] ==
        run_cpanel(root, "uapi", "bob", {"DomainInfo", "single_domain_data", "domain=example.org"})
            .json()["result"]["errors"]);
}

TEST_CASE("cpanel: API 1 and unknown API versions are refused, saying why", "[passthrough][passthrough_api1]") {
  TempRoot root;
  build_bob(root);
  const auto before = snapshot(root);
  auto v1 = run(root, {"cpanel", "cpanel_jsonapi_user=bob", "cpanel_jsonapi_module=Email", "cpanel_jsonapi_func=addpop",
                       "cpanel_jsonapi_apiversion=1", "arg-0=x", "arg-1=Sx9!kd7Qz-2p"});
  CHECK(v1.status == 2);  // not available, as every function whmkit does not implement
  CHECK(v1.json()["metadata"]["result"] == 0);
  CHECK(v1.json()["metadata"]["reason"] ==
        "cPanel API 1 is not available: whmkit implements no cPanel API 1 functions (cPanel deprecated API 1 in "
        "favour of UAPI). Call the function through cPanel API 2 (cpanel_jsonapi_apiversion=2) or UAPI "
        "(cpanel_jsonapi_apiversion=3).");
  for (const char* version : {"4", "0", "two"}) {
    auto r = run(root, {"cpanel", "cpanel_jsonapi_user=bob", "cpanel_jsonapi_module=Park",
                        "cpanel_jsonapi_func=listparkeddomains", std::string("cpanel_jsonapi_apiversion=") + version});
    INFO(version << ": " << r.out);
    CHECK(r.json()["metadata"]["result"] == 0);
    // The reference's values (1, 2, 3) are checked before the call: no other version runs as API 2.
    CHECK(r.json()["metadata"]["reason"] == std::string("Invalid value for parameter “cpanel_jsonapi_apiversion”: “") +
                                                version + "” is not one of: 1, 2, 3.");
  }
  CHECK(snapshot(root) == before);
}
