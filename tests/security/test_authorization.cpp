// Authorization: a reseller acting through --user=RESELLER reaches only what
// its privileges and its accounts allow. The table below is the expected
// answer, written independently of the declarations in commands/: every
// implemented WHM API 1 function is called as root, as the owning reseller
// with the privilege, as the owning reseller without it, and as another
// reseller, and must be allowed or refused as the table says.
#include <catch2/catch.hpp>
#include <filesystem>
#include <set>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

struct Expected {
  std::string function;
  std::string acl;                // what a reseller needs ("" = any reseller)
  std::vector<std::string> args;  // naming objects of alice's (her account carol, her plan alice_basic)
  bool names_owned_object;        // another reseller is refused
};

const char* kStrongPassword = "v9#Lq2!xT7$wRz4p";

// Every function a reseller may call; every other implemented function is root's.
const std::vector<Expected> kResellerFunctions = {
    {"_getpkgextensionform", "list-pkgs", {"pkg=alice_basic"}, true},
    {"accesshash", "", {"user=alice", "generate=0"}, true},
    {"accountsummary", "list-accts", {"user=carol"}, true},
    {"acctcounts", "", {"user=alice"}, true},
    {"activate_zone_key", "edit-dns", {"domain=carol.example", "key_id=1"}, true},
    {"add_zone_key", "edit-dns", {"domain=carol.example", "algo_num=13", "key_type=zsk"}, true},
    {"adddns", "create-dns", {"domain=newzone.example", "ip=127.0.0.1", "trueowner=carol"}, true},
    {"addpkg", "add-pkg", {"name=alice_new"}, true},
    {"addzonerecord", "edit-dns", {"domain=carol.example", "name=www2", "type=A", "address=127.0.0.2"}, true},
    {"api_token_create", "manage-api-tokens", {"token_name=t"}, false},
    {"api_token_get_details", "manage-api-tokens", {"token=ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"}, false},
    {"api_token_list", "manage-api-tokens", {}, false},
    {"api_token_revoke", "manage-api-tokens", {"token_name=t"}, false},
    {"api_token_update", "manage-api-tokens", {"token_name=t", "new_name=u"}, false},
    {"applist", "", {}, false},
    {"assign_account_enhancement", "assign-root-account-enhancements", {"account=carol", "name=x"}, true},
    {"batch", "", {"command=version"}, false},
    {"changepackage", "upgrade-account", {"user=carol", "pkg=alice_basic"}, true},
    {"cluster_member_has_trust_with", "clustering", {"host=127.0.0.1"}, false},
    {"configureservice", "clustering", {"service=named", "monitored=1"}, false},
    {"restartservice", "clustering", {"service=named"}, false},
    {"cpanel",
     "",
     {"cpanel_jsonapi_user=carol", "cpanel_jsonapi_module=Ftp", "cpanel_jsonapi_func=listftp",
      "cpanel_jsonapi_apiversion=2"},
     true},
    {"create_parked_domain_for_user", "park-dns", {"username=carol", "domain=park.example"}, true},
    {"create_user_session", "create-user-session", {"user=carol", "service=cpaneld"}, true},
    {"create_subdomain", "create-dns", {"domain=sub.carol.example", "document_root=public_html/sub"}, true},
    {"createacct", "create-acct", {"username=frank", "domain=frank.example", "owner=alice"}, true},
    {"deactivate_zone_key", "edit-dns", {"domain=carol.example", "key_id=1"}, true},
    {"delete_domain", "park-dns", {"domain=carol.example"}, true},
    {"disable_dnssec_for_domains", "edit-dns", {"domain=carol.example"}, true},
    {"domainuserdata", "list-accts", {"domain=carol.example"}, true},
    {"dumpzone", "", {"domain=carol.example"}, true},
    {"editpkg", "edit-pkg", {"name=alice_basic", "quota=50"}, true},
    {"editquota", "quota", {"user=carol", "quota=100"}, true},
    {"editzonerecord", "edit-dns", {"domain=carol.example", "line=1", "ttl=300"}, true},
    {"enable_dnssec_for_domains", "edit-dns", {"domain=carol.example", "algo_num=13"}, true},
    {"export_zone_dnskey", "edit-dns", {"domain=carol.example", "key_id=1"}, true},
    {"export_zone_files", "", {"zone=carol.example"}, true},
    {"export_zone_key", "edit-dns", {"domain=carol.example", "key_id=1"}, true},
    {"expunge_mailbox_messages", "", {"account=carol", "mailbox=INBOX", "query=all"}, true},
    {"expunge_messages_for_mailbox_guid",
     "",
     {"account=carol", "mailbox_guid=0123456789abcdef0123456789abcdef", "query=all"},
     true},
    {"fetch_connected_application", "connected-applications", {"name=app"}, false},
    {"fetch_ds_records_for_domains", "edit-dns", {"domain=carol.example"}, true},
    {"fetchcrtinfo", "", {"user=carol", "id=nosuch"}, true},
    {"forcepasswordchange", "passwd", {R"(users_json={"carol":1})"}, true},
    {"generate_mobileconfig", "", {"account=carol", "use_ssl=1"}, true},
    {"get_best_ssldomain_for_service", "", {"service=cpanel"}, false},
    {"get_current_users_count", "", {}, false},
    {"get_disk_usage", "list-accts", {}, false},
    {"get_feature_metadata", "", {}, false},
    {"get_feature_names", "", {}, false},
    {"get_featurelist_data", "", {"featurelist=default"}, false},
    {"get_featurelists", "", {}, false},
    {"get_maximum_users", "", {}, false},
    {"get_mailbox_status", "", {"account=carol"}, true},
    {"get_mailbox_status_list", "", {"account=carol"}, true},
    {"get_nameserver_config", "", {}, false},
    {"get_public_contact", "public-contact", {}, false},
    {"get_shared_ip", "", {"user=alice"}, true},
    {"get_password_strength", "", {"password=x"}, false},
    {"get_upgrade_opportunities", "list-accts", {}, false},
    {"get_users_features_settings", "", {"user=carol", "feature=ftp"}, true},
    {"getdomainowner", "list-accts", {"domain=carol.example"}, true},
    {"getminimumpasswordstrengths", "", {}, false},
    {"getpkginfo", "list-pkgs", {"pkg=alice_basic"}, true},
    {"getresellerips", "", {"user=alice"}, true},
    {"getzonerecord", "", {"domain=carol.example", "line=1"}, true},
    {"has_digest_auth", "digest-auth", {"user=carol"}, true},
    {"has_local_authority", "", {"domain=carol.example"}, false},
    {"has_mycnf_for_cpuser", "mysql-info", {"user=carol"}, true},
    {"import_zone_key",
     "edit-dns",
     {"domain=carol.example", "key_type=ksk", "key_data=Private-key-format: v1.2"},
     true},
    {"is_alias_available", "", {}, false},
    {"killdns", "kill-dns", {"domain=carol.example"}, true},
    {"killpkg", "edit-pkg", {"pkgname=alice_basic"}, true},
    {"limitbw", "limit-bandwidth", {"user=carol", "bwlimit=100"}, true},
    {"list_account_enhancements", "assign-root-account-enhancements", {}, false},
    {"list_connected_applications", "connected-applications", {}, false},
    {"list_enhancement_limits", "assign-root-account-enhancements", {"account=alice"}, true},
    {"list_mysql_databases_and_users", "list-accts", {"user=carol"}, true},
    {"list_pops_for", "", {"user=carol"}, true},
    {"list_users", "", {}, false},
    {"listaccts", "list-accts", {}, false},
    {"listcrts", "", {"user=carol"}, true},
    {"listmxs", "", {"domain=carol.example"}, true},
    {"listpkgs", "list-pkgs", {}, false},
    {"listsuspended", "list-accts", {}, false},
    {"listzones", "", {}, false},
    {"lookupnsip", "", {"host=localhost"}, false},
    {"generatessl", "ssl-gencrt", {"domains=alice.example"}, false},
    {"get_available_applications", "", {}, false},
    {"get_in_product_survey_url", "", {}, false},
    {"lookupnsips", "", {"host=localhost"}, false},
    {"mail_sni_status", "", {"domain=carol.example"}, true},
    {"mass_edit_dns_zone", "edit-dns", {"zone=carol.example", "serial=1"}, true},
    {"massmodifyacct", "edit-account", {"user=carol", "MAXFTP=5"}, true},
    {"matchpkgs", "list-pkgs", {}, false},
    {"modifyacct", "edit-account", {"user=carol", "MAXFTP=5"}, true},
    {"myprivs", "", {}, false},
    {"normalize_user_email_configuration", "", {"username=carol"}, true},
    {"parse_dns_zone", "", {"zone=carol.example"}, true},
    {"passwd", "passwd", {"user=carol", std::string("password=") + kStrongPassword}, true},
    {"personalization_get", "", {"names=x"}, false},
    {"personalization_set", "", {R"(personalization={"x":"1"})"}, false},
    {"quota_enabled", "", {}, false},
    {"rebuilduserssldb", "", {"user=carol"}, true},
    {"remove_connected_application", "connected-applications", {"name=app"}, false},
    {"remove_zone_key", "edit-dns", {"domain=carol.example", "key_id=1"}, true},
    {"removeacct", "kill-acct", {"user=carol"}, true},
    {"removezonerecord", "edit-dns", {"zone=carol.example", "line=20"}, true},
    {"resellerstats", "", {"user=alice"}, true},
    {"resetzone", "edit-dns", {"domain=carol.example"}, true},
    {"resolvedomainname", "", {"domain=localhost"}, false},
    {"save_connected_application", "connected-applications", {"name=app", "data={}"}, false},
    {"savemxs", "edit-mx", {"domain=carol.example", "exchange=mail.carol.example", "preference=10"}, true},
    {"set_digest_auth", "digest-auth", {"user=carol", "enabledigest=0"}, true},
    {"set_nsec3_for_domains",
     "edit-dns",
     {"domain=carol.example", "nsec3_iterations=0", "nsec3_narrow=0", "nsec3_opt_out=0", "nsec3_salt="},
     true},
    {"set_public_contact", "public-contact", {"name=x"}, false},
    {"showbw", "show-bandwidth", {}, false},
    {"suspendacct", "suspend-acct", {"user=carol"}, true},
    {"terminate_cpuser_mailbox_sessions", "", {"username=carol"}, true},
    {"twofactorauth_generate_tfa_config", "", {}, false},
    {"twofactorauth_get_issuer", "", {}, false},
    {"twofactorauth_get_user_configs", "", {"user=carol"}, true},
    {"twofactorauth_policy_status", "", {}, false},
    // Another reseller's call answers, with carol under "failed".
    {"twofactorauth_remove_user_config", "", {"user=carol"}, false},
    {"twofactorauth_set_issuer", "", {"issuer=Alice Hosting"}, false},
    {"twofactorauth_set_tfa_config", "", {"secret=JBSWY3DPEHPK3PXP", "tfa_token=000000"}, false},
    {"uapi_cpanel", "", {"cpanel.user=carol", "cpanel.module=Ftp", "cpanel.function=list_ftp"}, true},
    {"unassign_account_enhancement", "assign-root-account-enhancements", {"account=carol", "name=x"}, true},
    {"unset_nsec3_for_domains", "edit-dns", {"domain=carol.example"}, true},
    {"unsuspendacct", "suspend-acct", {"user=carol"}, true},
    {"verify_new_username", "create-acct", {"user=frank"}, false},
    {"verify_user_has_feature", "", {"user=carol", "feature=ftp"}, true},
    {"version", "", {}, false},
    // Mail authentication records (commands/email_auth.cpp): DNS work.
    {"apply_dmarc", "edit-dns", {"domain=carol.example", "policy=v=DMARC1; p=none;"}, true},
    {"disable_dkim", "edit-dns", {"domain=carol.example"}, true},
    {"enable_dkim", "edit-dns", {"domain=carol.example"}, true},
    {"ensure_dkim_keys_exist", "edit-dns", {"domain=carol.example"}, true},
    {"fetch_dkim_private_keys", "edit-dns", {"domain=carol.example"}, true},
    {"install_dkim_private_keys", "edit-dns", {"domain=carol.example", "key=x"}, true},
    {"install_spf_records", "edit-dns", {"domain=carol.example", "record=v=spf1 ~all"}, true},
    {"remove_dmarc", "edit-dns", {"domain=carol.example"}, true},
    {"validate_current_dkims", "edit-dns", {"domain=carol.example"}, true},
    {"validate_current_dmarcs", "edit-dns", {"domain=carol.example"}, true},
    {"validate_current_ptrs", "edit-dns", {"domain=carol.example"}, true},
    {"validate_current_spfs", "edit-dns", {"domain=carol.example"}, true},
    // Mail tracking statistics (commands/mail_tracking.cpp): the reseller's accounts.
    {"emailtrack_stats", "track-email", {"user=carol"}, true},
    {"emailtrack_user_stats", "track-email", {}, false},
    // SSL installation (commands/ssl_install.cpp).
    {"installssl", "ssl", {"domain=carol.example", "crt=x", "key=x"}, true},
    {"delete_ssl_vhost", "ssl", {"host=carol.example"}, true},
    {"fetch_ssl_vhosts", "ssl", {}, false},
    {"enqueue_deferred_ssl_installations",
     "ssl",
     {"username=carol", "crt=x", "key=x", "cab=", "vhost_name=carol.example"},
     true},
};

// A refusal by the authorization step, not by the function itself.
bool refused_for_rights(const std::string& reason) {
  for (const char* marker : {"does not have the", "does not own", "may only"})
    if (reason.find(marker) != std::string::npos) return true;
  return false;
}

std::vector<std::string> every_acl(const TempRoot& root) {
  std::vector<std::string> out;
  const auto privs = run_ok(root, {"myprivs"});
  for (auto& [acl, on] : privs["data"]["privileges"][0].items()) out.push_back(acl);
  return out;
}

// The `key` of every record of a list in a call's data (the whole item if key is "").
std::set<std::string> listed(const nlohmann::json& envelope, const std::string& list, const std::string& key = "") {
  std::set<std::string> out;
  for (const auto& item : envelope["data"][list]) out.insert(key.empty() ? item : item[key]);
  return out;
}

// alice holds `acls`: setacls replaces her list.
void give_acls(const TempRoot& root, const std::string& reseller, const std::vector<std::string>& acls) {
  std::vector<std::string> args = {"setacls", "reseller=" + reseller};
  for (const auto& acl : acls) args.push_back("acl-" + acl + "=1");
  run_ok(root, args);
}

std::vector<std::string> all_but(const std::vector<std::string>& acls, const std::string& left_out) {
  std::vector<std::string> out;
  for (const auto& a : acls)
    if (a != left_out && a != "all") out.push_back(a);
  return out;
}

// Two resellers, alice (owning carol, plan alice_basic) and dave (owning erin).
void build_server(const TempRoot& root) {
  create_account(root, "alice", "alice.example");
  create_account(root, "dave", "dave.example");
  run_ok(root, {"setupreseller", "user=alice"});
  run_ok(root, {"setupreseller", "user=dave"});
  run_ok(root, {"addpkg", "name=alice_basic", "quota=100"});
  create_account(root, "carol", "carol.example", {"owner=alice", "plan=alice_basic"});
  create_account(root, "erin", "erin.example", {"owner=dave"});
}

void copy_root(const TempRoot& from, const TempRoot& to) {
  fs::copy(from.path, to.path, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
}

std::vector<std::string> call(const std::string& caller, const Expected& e) {
  std::vector<std::string> args = {"--user=" + caller, e.function};
  args.insert(args.end(), e.args.begin(), e.args.end());
  return args;
}

void expect_allowed(const TempRoot& root, const std::vector<std::string>& args) {
  auto r = run(root, args);
  INFO(args.at(0) << " " << args.at(1) << " -> " << r.out << r.err);
  auto reason = r.json()["metadata"]["reason"].get<std::string>();
  CHECK_FALSE(refused_for_rights(reason));
}

}  // namespace

TEST_CASE("every function x {root, owning reseller with and without the ACL, another reseller}",
          "[security][authorization]") {
  TempRoot server;
  build_server(server);
  const auto acls = every_acl(server);

  // The functions a reseller holding every privilege but "all" may call are
  // exactly the table's: every other implemented function is root's work.
  TempRoot probe;
  copy_root(server, probe);
  give_acls(probe, "alice", all_but(acls, "all"));
  std::set<std::string> callable = listed(run_ok(probe, {"--user=alice", "applist"}), "app"), expected;
  for (const auto& e : kResellerFunctions) expected.insert(e.function);
  CHECK(callable == expected);

  std::vector<Expected> cases = kResellerFunctions;
  for (const auto& name : listed(run_ok(server, {"applist"}), "app"))  // root's functions: no arguments needed
    if (!expected.count(name)) cases.push_back({name, "all", {}, false});

  for (const auto& e : cases) {
    INFO("function: " << e.function);
    {
      TempRoot root;
      copy_root(server, root);
      // Another reseller, with every privilege but "all", naming alice's objects.
      give_acls(root, "dave", all_but(acls, "all"));
      if (e.acl == "all")
        expect_refused(root, call("dave", e), "“all” privilege");
      else if (e.names_owned_object)
        expect_refused(root, call("dave", e), "");
      // The owner without the privilege.
      if (!e.acl.empty()) {
        give_acls(root, "alice", all_but(acls, e.acl));
        expect_refused(root, call("alice", e), "“" + e.acl + "” privilege");
      }
      // The owner with it, then root.
      give_acls(root, "alice", {e.acl.empty() ? "list-accts" : e.acl});
      expect_allowed(root, call("alice", e));
      expect_allowed(root, call("root", e));
    }
  }
}

TEST_CASE("a refused reseller is told why, and nothing of the object is touched", "[security][authorization]") {
  TempRoot root;
  build_server(root);
  // Without create-acct.
  expect_refused(root, {"--user=alice", "createacct", "username=frank", "domain=frank.example"},
                 "The reseller “alice” does not have the “create-acct” privilege.");
  give_acls(root, "alice", every_acl(root));  // includes "all": root's equal
  give_acls(root, "dave", all_but(every_acl(root), "all"));
  // Another reseller's account, zone and plan; its own limits and ACLs.
  expect_refused(root, {"--user=dave", "removeacct", "user=carol"},
                 "The user “dave” does not own the account “carol”.");
  expect_refused(root, {"--user=dave", "suspendacct", "user=carol"}, "does not own the account “carol”");
  expect_refused(root, {"--user=dave", "passwd", "user=carol", std::string("password=") + kStrongPassword},
                 "does not own the account “carol”");
  expect_refused(root, {"--user=dave", "changepackage", "user=erin", "pkg=alice_basic"},
                 "may only use its own hosting plans");
  expect_refused(root, {"--user=dave", "killdns", "domain=carol.example"}, "does not own the domain “carol.example”");
  expect_refused(root, {"--user=dave", "addzonerecord", "domain=carol.example", "name=x", "type=A", "address=1.2.3.4"},
                 "does not own the domain");
  expect_refused(root, {"--user=dave", "setacls", "reseller=dave", "acl-all=1"}, "“all” privilege");
  expect_refused(root, {"--user=dave", "setresellerlimits", "user=dave", "account_limit=1000"}, "“all” privilege");
  expect_refused(root, {"--user=dave", "backup_config_set", "backupdir=/tmp"}, "“all” privilege");
  expect_refused(root, {"--user=dave", "editpkg", "name=default", "quota=1"}, "may only use its own hosting plans");
  expect_refused(root, {"--user=dave", "massmodifyacct", "user=erin", "user=carol", "MAXFTP=1"},
                 "does not own the account “carol”");
  expect_refused(root,
                 {"--user=dave", "uapi_cpanel", "cpanel.user=carol", "cpanel.module=Ftp", "cpanel.function=add_ftp",
                  "user=x", std::string("pass=") + kStrongPassword},
                 "does not own the account “carol”");
  // A user that is not a reseller at all.
  expect_refused(root, {"--user=carol", "listaccts"}, "is not a reseller");
}

TEST_CASE("listings show a reseller only what it owns", "[security][authorization]") {
  TempRoot root;
  build_server(root);
  give_acls(root, "dave", {"list-accts", "list-pkgs", "show-bandwidth", "suspend-acct"});
  run_ok(root, {"suspendacct", "user=carol"});
  run_ok(root, {"suspendacct", "user=erin"});
  CHECK(listed(run_ok(root, {"--user=dave", "listaccts"}), "acct", "user") == std::set<std::string>{"dave", "erin"});
  CHECK(listed(run_ok(root, {"--user=dave", "listsuspended"}), "account", "user") == std::set<std::string>{"erin"});
  CHECK(listed(run_ok(root, {"--user=dave", "showbw"}), "acct", "user") == std::set<std::string>{"dave", "erin"});
  CHECK(listed(run_ok(root, {"--user=dave", "listzones"}), "zone", "domain") ==
        std::set<std::string>{"dave.example", "erin.example"});
  CHECK(run_ok(root, {"--user=dave", "listpkgs"})["data"]["pkg"].empty());
  CHECK(run_ok(root, {"--user=dave", "get_current_users_count"})["data"]["users"] == 2);
  CHECK(run_ok(root, {"listaccts"})["data"]["acct"].size() == 4);  // root sees all
}

TEST_CASE("a cPanel user touches only its own domains", "[security][authorization]") {
  TempRoot root;
  build_server(root);
  expect_cpanel_refused(root, "uapi", "carol", {"Ftp", "allow_anonymous_ftp", "domain=erin.example"},
                        "does not belong to the account “carol”");
  expect_cpanel_refused(root, "uapi", "carol",
                        {"Ftp", "add_ftp", "user=x", "domain=erin.example", std::string("pass=") + kStrongPassword},
                        "does not belong to the account “carol”");
  expect_cpanel_refused(root, "cpapi2", "carol", {"Ftp", "setquota", "user=x", "domain=alice.example", "quota=5"},
                        "does not belong");
}
