// One account through its whole life, walking every store registered in
// account_parts(): each store must hold something of the account, check
// clean, be gone after removeacct and come back byte for byte from the
// pkgacct archive. A newly registered store is covered without a change here.
#include <catch2/catch.hpp>

#include "account_lifecycle.hpp"
#include "harness.hpp"
#include "output.hpp"
#include "syck_yaml.hpp"
#include "util.hpp"
#include "x509.hpp"

using namespace test;

namespace {

// The snapshot without what a step may legitimately add: logs, the archive,
// the ids accounts have had (var/cpanel/usedids.db outlives them), and (with
// directories = false) the directories a store leaves in place.
std::map<std::string, std::string> state_of(const TempRoot& root, bool directories = true) {
  std::map<std::string, std::string> out;
  for (auto& [rel, content] : snapshot(root)) {
    bool log = rel == "var/cpanel/accounting.log" || rel.rfind("var/cpanel/pkgacct_sessions/", 0) == 0 ||
               rel.rfind("var/cpanel/transfer_sessions/", 0) == 0 || rel.rfind("home/cpmove-", 0) == 0 ||
               rel == "var/cpanel/usedids.db" ||
               rel == "var/cpanel/whmkit/db_owners";  // derived: its stamps follow the maps' inodes and times
    if (!log && (directories || rel.back() != '/')) out[rel] = content;
  }
  return out;
}

whm::AccountFacts facts_of(const TempRoot& root, const std::string& user) {
  whm::StateRoot state(root.path);
  whm::Transaction view(state);
  return whm::load_account_facts(view, whm::parse_cpuser(state.read("var/cpanel/users/" + user).value()));
}

// What every store reports for the account (its paths, its check problems).
struct PartView {
  std::vector<std::string> paths;
  whm::Problems problems;
};
std::vector<PartView> view_parts(const TempRoot& root, const whm::AccountFacts& facts) {
  whm::StateRoot state(root.path);
  whm::Transaction view(state);
  whm::SystemUsers sys;
  sys.load(view);
  std::vector<PartView> out;
  for (const auto* part : whm::account_parts()) {
    PartView v;
    v.paths = part->paths(state, facts);
    part->check(state, view, sys, facts, v.problems);
    out.push_back(v);
  }
  return out;
}

// installssl with a new self-signed certificate for the domain.
void install_certificate(const TempRoot& root, const std::string& domain) {
  auto key = whm::x509::generate_key(whm::x509::KeyType::EcdsaP256);
  whm::x509::Subject subject;
  subject.domains = {domain};
  const std::string crt = whm::x509::make_self_signed(key, subject, 30);
  run_ok(root, {"installssl", "domain=" + domain, "crt=" + whm::uri_encode(crt), "key=" + whm::uri_encode(key.pem)});
}

}  // namespace

TEST_CASE("every store: create, fill, pkgacct, remove to nothing, restore to the same bytes", "[lifecycle]") {
  TempRoot root;
  // Another account, with FTP, so the shared files exist before bob does.
  create_account(root, "alice", "alice.example");
  uapi_ok(root, "alice", {"Ftp", "add_ftp", "user=files", "pass=S3cure.pass"});
  // An Account Enhancement (server-wide: it stays when bob goes).
  root.write("var/cpanel/account_enhancements/config/installed.json", R"({"Deluxe":{"id":"deluxe","plugin_id":"x"}})");
  run_ok(root, {"create_account_enhancement", "name=Deluxe", "id=deluxe"});
  install_certificate(root, "alice.example");  // the SSL index and the mail SNI files exist before bob
  const auto before_create = state_of(root, false);

  create_account(root, "bob", "bob.example", {"quota=500"});
  uapi_ok(root, "bob",
          {"Ftp", "add_ftp", "user=web", "pass=S3cure.pass", "quota=50", "read_only=1",
           "allowed_ips=203.0.113.0/24,127.0.0.1"});
  uapi_ok(root, "bob",
          {"Cron", "add_line", "minute=0", "hour=4", "day=*", "month=*", "weekday=*", "command=backup.sh"});
  run_ok(root, {"addzonerecord", "domain=bob.example", "name=api", "type=A", "address=192.0.2.5"});
  run_ok(root, {"create_subdomain", "domain=shop.bob.example", "document_root=public_html/shop"});
  root.write("home/bob/public_html/index.html", "<h1>bob</h1>\n");
  root.write("home/bob/notes/private.txt", "secret notes\n");
  run_ok(root, {"set_digest_auth", "user=bob", "enabledigest=1", "password=Secret-pass1"});
  run_ok(root, {"forcepasswordchange", R"(users_json={"bob":1})"});
  run_ok(root, {"twofactorauth_set_tfa_config_for_user", R"(bob={"primary_account":{"secret":"JBSWY3DPEHPK3PXP"}})"});
  // bob's WHM personalization (kept while it was a reseller).
  const nlohmann::json nvdata = {{"favorites", "list_accounts"}};
  root.write("var/cpanel/whm/nvdata/bob.yaml", whm::syck_dump(nvdata));
  root.write("var/cpanel/whm/nvdata/bob.cache", whm::json_text(nvdata) + "\n");
  // An Account Enhancement assigned to bob; bob's public contact (kept while it was a reseller).
  run_ok(root, {"assign_account_enhancement", "account=bob", "name=Deluxe"});
  root.write("var/cpanel/public_contact/bob", R"({"name":"Bob's Hosting","url":"http://bob.example"})");
  uapi_ok(root, "bob", {"Tokens", "create_full_access", "name=deploy"});
  uapi_ok(root, "bob",
          {"Email", "store_filter", "filtername=junk", "part1=$header_subject:", "match1=contains", "val1=pills",
           "action1=save", "dest1=/dev/null"});
  uapi_ok(root, "bob", {"EmailAuth", "enable_dkim", "domain=bob.example"});
  uapi_ok(root, "bob", {"Email", "add_list", "list=news", "domain=bob.example", "password=Sx9!kd7Qz-2p"});
  uapi_ok(root, "bob", {"Email", "add_pop", "email=info", "password=S3cure.pass-1"});
  uapi_ok(root, "bob", {"Email", "hold_outgoing", "email=info@bob.example"});
  uapi_ok(root, "bob",
          {"Email", "add_auto_responder", "email=info", "domain=bob.example", "from=Bob", "subject=Away",
           "body=Back soon", "is_html=0", "interval=1", "start=0", "stop=4102444800"});
  install_certificate(root, "bob.example");
  run_ok(root, {"add_autossl_user_excluded_domains", "username=bob", "domain=www.bob.example"});
  uapi_ok(root, "bob", {"SSL", "generate_key", "keytype=ecdsa-prime256v1", "friendly_name=site"});
  run_ok(root, {"suspendacct", "user=bob", "reason=Unpaid", "disallowun=1"});

  const auto bob = facts_of(root, "bob");
  const auto parts = view_parts(root, bob);
  REQUIRE(parts.size() == whm::account_parts().size());
  const auto before_removal = state_of(root);
  for (size_t i = 0; i < parts.size(); ++i) {
    INFO("store #" << i);
    CHECK(!parts[i].paths.empty());  // every store holds something of bob
    CHECK(parts[i].problems.empty());
    for (const auto& rel : parts[i].paths) CHECK((before_removal.count(rel) || before_removal.count(rel + "/")));
  }
  expect_check_clean(root);

  run_ok(root, {"start_background_pkgacct", "user=bob"});
  run_ok(root, {"removeacct", "user=bob"});
  for (const auto& part : view_parts(root, bob)) CHECK(part.paths.empty());
  CHECK(state_of(root, false) == before_create);
  expect_check_clean(root);

  // bob's ids stay tracked after the removal; released, the restore gives them back to bob.
  run_ok(root, {"untrack_acct_id", "uid=" + std::to_string(bob.ids.uid), "gid=" + std::to_string(bob.ids.gid)});
  run_ok(root, {"start_local_cpmove_restore", "cpmovepath=/home/cpmove-bob.tar.gz"});
  const auto restored = state_of(root);
  for (const auto& [rel, content] : before_removal) {
    INFO(rel);
    CHECK((restored.count(rel) && restored.at(rel) == content));
  }
  CHECK(restored.size() == before_removal.size());
  const auto restored_parts = view_parts(root, bob);
  for (size_t i = 0; i < parts.size(); ++i) CHECK(restored_parts[i].paths == parts[i].paths);
  expect_check_clean(root);
}

TEST_CASE("whmkit-check reports the files of accounts that do not exist", "[lifecycle][check]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  expect_check_clean(root);
  const std::vector<std::string> orphans = {
      "var/cpanel/whmkit/ftp/ghost.json",  "etc/proftpd/ghost",
      "etc/proftpd/ghost.suspended",       "var/spool/cron/crontabs.suspended/ghost",
      "var/cpanel/bandwidth/ghost.sqlite", "var/cpanel/suspended/ghost.lock",
      "var/cpanel/users.cache/ghost"};
  for (const auto& rel : orphans) root.write(rel, "{}\n");
  auto check = run_program({WHMKIT_CHECK_PATH, "--root=" + root.path});
  CHECK(check.status == 1);
  for (const auto& rel : orphans)
    CHECK_THAT(check.out, Catch::Matchers::Contains("Orphaned " + rel + " (no account “ghost”)."));
}
