// The addon-to-account conversion: the listings, a whole conversion (state,
// files, zone, FTP), its record, and the refusals.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "file_checks.hpp"
#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// bob (bob.example) with the addon domain shop.example and shop.net on the
// subdomain shop.bob.example (document root public_html/shop), files in
// that document root, a custom record in shop.example's zone and an FTP
// login deploy@shop.example.
void build_server(const TempRoot& root) {
  create_account(root, "bob", "bob.example", {"maxsub=5", "maxaddon=5", "maxpark=5", "maxftp=5"});
  run_ok(root, {"create_subdomain", "domain=shop.bob.example", "document_root=public_html/shop"});
  run_ok(root,
         {"create_parked_domain_for_user", "domain=shop.example", "username=bob", "web_vhost_domain=shop.bob.example"});
  run_ok(root,
         {"create_parked_domain_for_user", "domain=shop.net", "username=bob", "web_vhost_domain=shop.bob.example"});
  run_ok(root, {"addzonerecord", "domain=shop.example", "name=api", "type=A", "address=192.0.2.99"});
  root.write("home/bob/public_html/shop/index.html", "<h1>shop</h1>\n");
  root.write("home/bob/public_html/shop/img/logo.txt", "logo\n");
  ::symlink("index.html", (root.path + "/home/bob/public_html/shop/home.html").c_str());
  uapi_ok(root, "bob",
          {"Ftp", "add_ftp", "user=deploy", "domain=shop.example", "pass=S3cure.pass", "quota=50",
           "homedir=public_html/shop/img"});
}

std::string job_file(int id) { return "var/cpanel/convert_addon/" + std::to_string(id) + ".json"; }

}  // namespace

TEST_CASE("convert_addon_list_addon_domains and convert_addon_fetch_domain_details",
          "[convert_addon][convert_addon_list_addon_domains][convert_addon_fetch_domain_details]") {
  TempRoot root;
  build_server(root);
  const auto list = run_ok(root, {"convert_addon_list_addon_domains"});
  CHECK(list["data"] == nlohmann::json::parse(R"({
    "shop.example": {"docroot": "/home/bob/public_html/shop", "domain_type": "addon", "ip": "127.0.0.1",
                     "owner": "root", "subdomain": "shop.bob.example"},
    "shop.net": {"docroot": "/home/bob/public_html/shop", "domain_type": "addon", "ip": "127.0.0.1",
                 "owner": "root", "subdomain": "shop.bob.example"}})"));
  const auto details = run_ok(root, {"convert_addon_fetch_domain_details", "domain=shop.example"});
  CHECK(details["data"] == nlohmann::json::parse(R"({"docroot": "/home/bob/public_html/shop", "has_dedicated_ip": 0,
    "has_ssl_cert_installed": 0, "ip": "127.0.0.1", "is_sni_supported": 1, "number_of_autoresponders": 0,
    "number_of_domain_forwarders": 0, "number_of_email_accounts": 0, "number_of_email_forwarders": 0,
    "owner": "bob"})"));
  expect_refused(root, {"convert_addon_fetch_domain_details", "domain=bob.example"},
                 "The domain “bob.example” is not an addon domain on this server.");
  expect_refused(root, {"convert_addon_fetch_domain_details", "domain=shop.bob.example"}, "is not an addon domain");
}

TEST_CASE("convert_addon_initiate_conversion makes the addon domain a new account",
          "[convert_addon][convert_addon_initiate_conversion]") {
  TempRoot root;
  build_server(root);
  const auto r = run_ok(root, {"convert_addon_initiate_conversion", "domain=shop.example", "username=shopper"});
  INFO(r.dump());
  REQUIRE(r["metadata"]["result"] == 1);
  CHECK(r["data"] == nlohmann::json({{"job_id", 1}}));

  // The domains belong to the new account; the subdomain is gone.
  const std::string userdomains = root.file("etc/userdomains");
  CHECK_THAT(userdomains, Contains("shop.example: shopper\n"));
  CHECK_THAT(userdomains, Contains("shop.net: shopper\n"));
  CHECK(userdomains.find("shop.bob.example") == std::string::npos);
  CHECK_THAT(root.file("etc/trueuserdomains"), Contains("shop.example: shopper\n"));
  CHECK_THAT(root.file("var/cpanel/users/shopper"), Contains("\nDNS=shop.example\n"));
  CHECK_THAT(root.file("var/cpanel/users/shopper"), Contains("\nDNS1=shop.net\n"));
  CHECK(root.file("var/cpanel/users/bob").find("shop") == std::string::npos);
  CHECK(root.file("var/cpanel/userdata/bob/main") ==
        "--- \naddon_domains: {}\n\nmain_domain: bob.example\nparked_domains: []\n\nsub_domains: []\n\n");
  CHECK_FALSE(root.exists("var/cpanel/userdata/bob/shop.bob.example"));
  CHECK_THAT(root.file("var/cpanel/userdata/shopper/main"), Contains("parked_domains: \n  - shop.net\n"));
  CHECK_THAT(root.file("var/cpanel/userdata/shopper/shop.example"),
             Contains("serveralias: mail.shop.example mail.shop.net shop.net www.shop.example www.shop.net\n"));
  CHECK_THAT(root.file("etc/userdatadomains"),
             Contains("shop.net: shopper==root==parked==shop.example==/home/shopper/public_html=="));

  // The zone keeps its own records; the subdomain's records leave bob's zone.
  CHECK_THAT(root.file("var/named/shop.example.db"), Contains("\napi\t86400\tIN\tA\t192.0.2.99\n"));
  CHECK(root.file("var/named/bob.example.db").find("shop") == std::string::npos);
  CHECK(root.exists("var/named/shop.net.db"));

  // The document root's files are copied into the new home (symlinks as symlinks), and stay in the old one.
  CHECK(root.file("home/shopper/public_html/index.html") == "<h1>shop</h1>\n");
  CHECK(root.file("home/shopper/public_html/img/logo.txt") == "logo\n");
  CHECK(fs::read_symlink(root.path + "/home/shopper/public_html/home.html") == "index.html");
  CHECK(root.file("home/bob/public_html/shop/index.html") == "<h1>shop</h1>\n");

  // The FTP login moved, with its quota, into the copied directory.
  CHECK(root.file("etc/proftpd/bob").find("deploy@shop.example") == std::string::npos);
  CHECK_THAT(root.file("etc/proftpd/shopper"), Contains("deploy@shop.example:"));
  CHECK_THAT(root.file("etc/proftpd/shopper"), Contains(":shopper:/home/shopper/public_html/img:"));
  CHECK(root.file("home/shopper/etc/ftpquota") == "deploy@shop.example:50\n");
  const auto ftp = uapi_ok(root, "shopper", {"Ftp", "list_ftp"});
  CHECK(ftp.dump().find("deploy@shop.example") != std::string::npos);

  // The record.
  const auto status = run_ok(root, {"convert_addon_get_conversion_status", "job_id=1"});
  CHECK(status["data"]["1"]["job_id"] == "1");
  CHECK(status["data"]["1"]["job_status"] == "DONE");
  CHECK(status["data"]["1"]["source_acct"] == "bob");
  const auto details = run_ok(root, {"convert_addon_fetch_conversion_details", "job_id=1"});
  CHECK(details["data"]["domain"] == "shop.example");
  CHECK(details["data"]["target_acct"] == "shopper");
  std::vector<std::string> names, statuses;
  for (const auto& s : details["data"]["steps"]) {
    names.push_back(s["step_name"]);
    statuses.push_back(s["status"]);
  }
  CHECK(names == std::vector<std::string>{"Saving email forwarder data", "Saving custom DNS records",
                                          "Removing Addon Domain", "Creating new cPanel account",
                                          "Restoring custom DNS records", "Restoring email forwarders",
                                          "Copying document root content", "Copying email accounts",
                                          "Moving FTP accounts", "Moving cron jobs"});
  CHECK(statuses == std::vector<std::string>(10, "DONE"));
  const auto list = run_ok(root, {"convert_addon_list_conversions"});
  REQUIRE(list["data"]["conversions"].size() == 1);
  CHECK(list["data"]["conversions"][0]["status"] == "DONE");
  CHECK(list["data"]["conversions"][0]["target_acct"] == "shopper");
  CHECK(run_ok(root, {"listaccts", "search=shopper", "searchtype=user"})["data"]["acct"].size() == 1);
  expect_check_clean(root);
}

TEST_CASE("convert_addon_initiate_conversion refuses bad input and changes nothing",
          "[convert_addon][convert_addon_initiate_conversion]") {
  TempRoot root;
  build_server(root);
  expect_refused(root, {"convert_addon_initiate_conversion", "domain=bob.example", "username=shopper"},
                 "The domain “bob.example” is not an addon domain on this server.");
  expect_refused(root, {"convert_addon_initiate_conversion", "domain=nosuch.example", "username=shopper"},
                 "is not an addon domain");
  expect_refused(root, {"convert_addon_initiate_conversion", "domain=shop.example", "username=bob"}, "bob");
  expect_refused(root, {"convert_addon_initiate_conversion", "domain=shop.example", "username=1shop"}, "username");
  expect_refused(root, {"convert_addon_initiate_conversion", "domain=shop.example", "username=shopper", "pkgname=gold"},
                 "The package “gold” does not exist.");
  expect_refused(root,
                 {"convert_addon_initiate_conversion", "domain=shop.example", "username=shopper", "movemysqldb=db1"},
                 "does not manage MySQL databases");
  expect_refused(root, {"convert_addon_initiate_conversion", "domain=shop.example"}, "username");
  // A reseller without "all" may not convert at all.
  run_ok(root, {"setupreseller", "user=bob"});
  expect_refused(root, {"--user=bob", "convert_addon_initiate_conversion", "domain=shop.example", "username=shopper"},
                 "“all” privilege");
  expect_refused(root, {"convert_addon_get_conversion_status", "job_id=1"},
                 "No conversion job with the ID “1” exists.");
  expect_refused(root, {"convert_addon_fetch_conversion_details", "job_id=0"}, "job_id");
}

TEST_CASE("a conversion that fails is recorded as failed and leaves the state as it was",
          "[convert_addon][convert_addon_initiate_conversion]") {
  TempRoot root;
  build_server(root);
  create_account(root, "alice", "alice.example");
  root.write("home/alice/public_html/secret.txt", "alice's\n");
  // bob swaps the addon's document root for a symlink into alice's site.
  fs::remove_all(root.path + "/home/bob/public_html/shop");
  ::symlink((root.path + "/home/alice/public_html").c_str(), (root.path + "/home/bob/public_html/shop").c_str());
  auto before = snapshot(root);

  auto r = run(root, {"convert_addon_initiate_conversion", "domain=shop.example", "username=shopper"});
  auto j = r.json();
  CHECK(j["metadata"]["result"] == 0);
  CHECK_THAT(j["metadata"]["reason"].get<std::string>(), Contains("The conversion of “shop.example” (job 1) failed"));
  CHECK_THAT(j["metadata"]["reason"].get<std::string>(), Contains("symbolic link"));
  // Nothing but the record changed, and nothing of alice's was copied.
  auto after = snapshot(root);
  REQUIRE(after.count(job_file(1)) == 1);
  after.erase(job_file(1));
  after.erase("var/cpanel/convert_addon/");
  CHECK(after == before);
  CHECK_FALSE(root.exists("home/shopper"));
  const auto details = run_ok(root, {"convert_addon_fetch_conversion_details", "job_id=1"});
  CHECK(details["data"]["job_status"] == "FAILED");
  const auto& last = details["data"]["steps"].back();
  CHECK(last["step_name"] == "Copying document root content");
  CHECK(last["status"] == "FAILED");
  // The domain is still bob's addon domain, and converts once the symlink is gone.
  fs::remove(root.path + "/home/bob/public_html/shop");
  auto second = run_ok(root, {"convert_addon_initiate_conversion", "domain=shop.example", "username=shopper"});
  CHECK(second["data"]["job_id"] == 2);
  CHECK(run_ok(root, {"convert_addon_get_conversion_status", "job_id=1", "job_id=2"})["data"].size() == 2);
}

TEST_CASE("the document root copy leaves out hard links and special files, with a warning",
          "[convert_addon][convert_addon_initiate_conversion]") {
  TempRoot root;
  build_server(root);
  root.write("home/bob/private.txt", "not for the new account\n");
  ::link((root.path + "/home/bob/private.txt").c_str(), (root.path + "/home/bob/public_html/shop/linked.txt").c_str());
  ::mkfifo((root.path + "/home/bob/public_html/shop/pipe").c_str(), 0600);
  run_ok(root, {"convert_addon_initiate_conversion", "domain=shop.example", "username=shopper"});
  CHECK_FALSE(root.exists("home/shopper/public_html/linked.txt"));
  CHECK_FALSE(fs::exists(fs::symlink_status(root.path + "/home/shopper/public_html/pipe")));
  const auto details = run_ok(root, {"convert_addon_fetch_conversion_details", "job_id=1"});
  std::string warnings;
  for (const auto& s : details["data"]["steps"])
    if (s["step_name"] == "Copying document root content") warnings = s["warnings"];
  CHECK_THAT(warnings, Contains("/home/bob/public_html/shop/linked.txt: it has other hard links"));
  CHECK_THAT(warnings, Contains("/home/bob/public_html/shop/pipe: not a regular file"));
}

TEST_CASE("the new account stays with the reseller, and the zone follows it to the shared IP",
          "[convert_addon][convert_addon_initiate_conversion]") {
  TempRoot root;
  create_account(root, "alice", "alice.example");
  run_ok(root, {"setupreseller", "user=alice"});
  create_account(root, "bob", "bob.example", {"owner=alice", "customip=192.0.2.5", "maxsub=5", "maxaddon=5"});
  run_ok(root, {"create_subdomain", "domain=shop.bob.example", "document_root=public_html/shop"});
  run_ok(root,
         {"create_parked_domain_for_user", "domain=shop.example", "username=bob", "web_vhost_domain=shop.bob.example"});
  CHECK(run_ok(root, {"convert_addon_fetch_domain_details", "domain=shop.example"})["data"]["has_dedicated_ip"] == 1);
  CHECK_THAT(root.file("var/named/shop.example.db"), Contains("\nshop.example.\t14400\tIN\tA\t192.0.2.5\n"));

  run_ok(root, {"convert_addon_initiate_conversion", "domain=shop.example", "username=shopper"});
  CHECK_THAT(root.file("var/cpanel/users/shopper"), Contains("\nOWNER=alice\n"));
  CHECK_THAT(root.file("var/cpanel/users/shopper"), Contains("\nIP=127.0.0.1\n"));
  const std::string zone = root.file("var/named/shop.example.db");
  CHECK_THAT(zone, Contains("\nshop.example.\t14400\tIN\tA\t127.0.0.1\n"));
  CHECK(zone.find("192.0.2.5") == std::string::npos);
  expect_check_clean(root);
}

TEST_CASE("convert_addon_initiate_conversion brings the domain's mail and cron jobs",
          "[convert_addon][convert_addon_initiate_conversion]") {
  TempRoot root;
  build_server(root);
  run_ok(root, {"modifyacct", "user=bob", "MAXPOP=10"});
  uapi_ok(root, "bob", {"Email", "add_pop", "email=sales", "domain=shop.example", "password=Mail-pass-1x", "quota=25"});
  uapi_ok(root, "bob", {"Email", "add_pop", "email=me", "domain=bob.example", "password=Mail-pass-1x"});
  root.write("home/bob/mail/shop.example/sales/cur/1700000000.M1P1.host:2,S", "Subject: kept\n\nhello\n");
  uapi_ok(root, "bob",
          {"Email", "add_forwarder", "domain=shop.example", "email=orders@shop.example", "fwdopt=fwd",
           "fwdemail=sales@shop.example"});
  uapi_ok(root, "bob",
          {"Email", "add_auto_responder", "email=sales", "domain=shop.example", "from=Sales", "subject=Away",
           "body=Back soon", "interval=8", "is_html=0", "start=1700000000", "stop=1800000000"});
  api2_ok(root, "bob",
          {"Cron", "add_line", "minute=5", "hour=*", "day=*", "month=*", "weekday=*",
           "command=php /home/bob/public_html/shop/cron.php"});
  api2_ok(root, "bob",
          {"Cron", "add_line", "minute=7", "hour=*", "day=*", "month=*", "weekday=*",
           "command=php /home/bob/public_html/shopping/other.php"});

  REQUIRE(run_ok(root, {"convert_addon_initiate_conversion", "domain=shop.example",
                        "username=shopper"})["metadata"]["result"] == 1);
  // The mailbox, with its password, quota and messages; bob keeps his own.
  CHECK_THAT(root.file("home/shopper/etc/shop.example/passwd"),
             Contains("sales:x:" + std::to_string(uid_of(root, "shopper"))));
  CHECK_THAT(root.file("home/shopper/etc/shop.example/passwd"), Contains(":/home/shopper/mail/shop.example/sales:"));
  CHECK(root.file("home/shopper/etc/shop.example/shadow").substr(0, 10) ==
        root.file("home/bob/etc/shop.example/shadow").substr(0, 10));
  CHECK(root.file("home/shopper/etc/shop.example/quota") == "sales:26214400\n");
  CHECK(root.file("home/shopper/mail/shop.example/sales/cur/1700000000.M1P1.host:2,S") == "Subject: kept\n\nhello\n");
  const auto pops = uapi_ok(root, "shopper", {"Email", "list_pops"});
  CHECK(pops.dump().find("sales@shop.example") != std::string::npos);
  CHECK_THAT(root.file("home/bob/etc/bob.example/passwd"), Contains("me:x:"));
  // The forwarders and the autoresponder, its pipe now naming the new home.
  const std::string valiases = root.file("etc/valiases/shop.example");
  CHECK_THAT(valiases, Contains("orders@shop.example: sales@shop.example"));
  CHECK_THAT(valiases, Contains("/home/shopper/.autorespond"));
  CHECK(valiases.find("/home/bob") == std::string::npos);
  CHECK_THAT(root.file("home/shopper/.autorespond/sales@shop.example"), Contains("Back soon"));
  // The site's cron job moved, re-pointed at the copied site; the other stayed.
  const std::string shopper_cron = root.file("var/spool/cron/crontabs/shopper");
  CHECK_THAT(shopper_cron, Contains("5 * * * * php /home/shopper/public_html/cron.php"));
  const std::string bob_cron = root.file("var/spool/cron/crontabs/bob");
  CHECK(bob_cron.find("shop/cron.php") == std::string::npos);
  CHECK_THAT(bob_cron, Contains("7 * * * * php /home/bob/public_html/shopping/other.php"));
  const auto details = run_ok(root, {"convert_addon_fetch_conversion_details", "job_id=1"});
  CHECK(details["data"]["job_status"] == "DONE");
  CHECK(details.dump().find("php /home/shopper/public_html/cron.php") != std::string::npos);
}
