// The Mailman mailing-list functions of UAPI Email, run as the real programs:
// what they answer and what they leave under the state root (the list's
// directory and whmkit.json, one-time passwords) and in the home (the
// delegates' _privs.json, exported CSV files).
#include <catch2/catch.hpp>
#include <regex>

#include "harness.hpp"

using test::create_account;
using test::expect_cpanel_refused;
using test::run_ok;
using test::TempRoot;
using test::uapi_ok;

namespace {

constexpr const char* kPassword = "Sx9!kd7Qz-2p";
constexpr const char* kListDir = "usr/local/cpanel/3rdparty/mailman/lists/";

nlohmann::json data_of(const TempRoot& root, const std::vector<std::string>& args) {
  return uapi_ok(root, "bob", args)["result"]["data"];
}

// bob with bob.example and the list news@bob.example.
void with_list(const TempRoot& root, std::vector<std::string> extra = {}) {
  create_account(root, "bob", "bob.example", extra);
  uapi_ok(root, "bob", {"Email", "add_list", "list=News", "domain=bob.example", "password=" + std::string(kPassword)});
}

nlohmann::json settings_of(const TempRoot& root, const std::string& id) {
  return nlohmann::json::parse(root.file(kListDir + id + "/whmkit.json"));
}

}  // namespace

TEST_CASE("add_list makes the list directory with its settings; list_lists and count_lists show it",
          "[email][lists][add_list][list_lists]") {
  TempRoot root;
  with_list(root);
  CHECK(root.exists(std::string(kListDir) + "news_bob.example"));
  const auto settings = settings_of(root, "news_bob.example");
  CHECK(settings["password_hash"].get<std::string>().rfind("$6$", 0) == 0);
  CHECK(root.file(std::string(kListDir) + "news_bob.example/whmkit.json").find(kPassword) == std::string::npos);
  CHECK(settings["advertised"] == 1);
  CHECK(settings["archive_private"] == 0);
  CHECK(settings["subscribe_policy"] == 1);

  const auto lists = data_of(root, {"Email", "list_lists"});
  REQUIRE(lists.size() == 1);
  CHECK(lists[0]["list"] == "news@bob.example");
  CHECK(lists[0]["listid"] == "news_bob.example");
  CHECK(lists[0]["accesstype"] == "public");
  CHECK(lists[0]["listadmin"] == "bob@bob.example");
  CHECK(lists[0]["diskused"].get<long long>() > 0);
  CHECK(lists[0]["humandiskused"].get<std::string>().find("\u00a0bytes") != std::string::npos);
  CHECK(data_of(root, {"Email", "count_lists"}) == 1);
  CHECK(data_of(root, {"Email", "get_lists_total_disk_usage"}) == lists[0]["diskused"]);
  CHECK(data_of(root, {"Email", "list_lists", "regex=^nomatch"}).empty());

  uapi_ok(root, "bob",
          {"Email", "add_list", "list=staff", "domain=bob.example", "password=" + std::string(kPassword), "private=1"});
  const auto both = data_of(root, {"Email", "list_lists", "domain=bob.example"});
  REQUIRE(both.size() == 2);
  CHECK(both[1]["list"] == "staff@bob.example");
  CHECK(both[1]["accesstype"] == "private");
  CHECK(both[1]["advertised"] == 0);
  CHECK(both[1]["archive_private"] == 1);
}

TEST_CASE("add_list refuses bad names, duplicates, taken addresses and the package limit, changing nothing",
          "[email][lists][add_list]") {
  TempRoot root;
  with_list(root, {"maxlst=2"});
  uapi_ok(root, "bob", {"Email", "add_pop", "email=info", "password=" + std::string(kPassword)});
  uapi_ok(root, "bob",
          {"Email", "add_forwarder", "domain=bob.example", "email=sales", "fwdopt=fwd", "fwdemail=info@bob.example"});
  const std::string pw = "password=" + std::string(kPassword);
  const std::vector<std::string> add = {"Email", "add_list", "domain=bob.example", pw};
  auto with = [&](const std::string& list) {
    auto args = add;
    args.push_back("list=" + list);
    return args;
  };
  expect_cpanel_refused(root, "uapi", "bob", with("a/b"), "“a/b” is not a valid name for a mailing list.");
  expect_cpanel_refused(root, "uapi", "bob", with("..x"), "is not a valid name for a mailing list.");
  expect_cpanel_refused(root, "uapi", "bob", with("a..b"), "is not a valid name for a mailing list.");
  expect_cpanel_refused(root, "uapi", "bob", with("news"),
                        "The mailing list “news@bob.example” is already configured.");
  expect_cpanel_refused(root, "uapi", "bob", with("info"), "The email account “info@bob.example” already exists");
  expect_cpanel_refused(root, "uapi", "bob", with("sales"), "The forwarder “sales@bob.example” already exists");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "add_list", "list=x", "domain=other.example", pw},
                        "other.example");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "add_list", "list=weak", "domain=bob.example", "password=a"},
                        "password");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "add_list", "list=y", "domain=bob.example", pw, "private=2"},
                        "private");
  uapi_ok(root, "bob", with("second"));
  expect_cpanel_refused(root, "uapi", "bob", with("third"), "Your account exceeds the maximum allowed mailing lists.");
}

TEST_CASE("delete_list removes the list, its archives, one-time passwords and delegates",
          "[email][lists][delete_list]") {
  TempRoot root;
  with_list(root);
  root.write("usr/local/cpanel/3rdparty/mailman/archives/private/news_bob.example.mbox/news_bob.example.mbox", "x\n");
  uapi_ok(root, "bob", {"Email", "generate_mailman_otp", "list=news_bob.example"});
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "delete_list", "list=gone@bob.example"},
                        "You do not have a mailing list named “gone@bob.example”.");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "delete_list", "list=../news"},
                        "You do not have a mailing list");
  uapi_ok(root, "bob", {"Email", "delete_list", "list=news@bob.example"});
  CHECK_FALSE(root.exists(std::string(kListDir) + "news_bob.example"));
  CHECK_FALSE(root.exists("usr/local/cpanel/3rdparty/mailman/archives/private/news_bob.example.mbox"));
  for (const auto& [rel, content] : test::snapshot(root))
    CHECK(rel.find("var/cpanel/cpses/mailman/news") == std::string::npos);
  CHECK(data_of(root, {"Email", "count_lists"}) == 0);
}

TEST_CASE("passwd_list and set_list_privacy_options change the settings", "[email][lists][passwd_list]") {
  TempRoot root;
  with_list(root);
  const auto before = settings_of(root, "news_bob.example")["password_hash"];
  uapi_ok(root, "bob", {"Email", "passwd_list", "list=news@bob.example", "password=Vt4#mw8Lq-7r"});
  CHECK(settings_of(root, "news_bob.example")["password_hash"] != before);
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "passwd_list", "list=nope@bob.example", "password=Vt4#mw8Lq-7r"},
                        "You do not have a mailing list named “nope@bob.example”.");

  uapi_ok(
      root, "bob",
      {"Email", "set_list_privacy_options", "list=news", "advertised=0", "archive_private=1", "subscribe_policy=2"});
  const auto list = data_of(root, {"Email", "list_lists"})[0];
  CHECK(list["advertised"] == 0);
  CHECK(list["archive_private"] == 1);
  CHECK(list["subscribe_policy"] == 2);
  CHECK(list["accesstype"] == "private");
  expect_cpanel_refused(
      root, "uapi", "bob",
      {"Email", "set_list_privacy_options", "list=news", "advertised=0", "archive_private=1", "subscribe_policy=4"},
      "subscribe_policy");
}

TEST_CASE("mailing list delegates are kept in the domain's _privs.json", "[email][lists][delegates]") {
  TempRoot root;
  with_list(root);
  uapi_ok(root, "bob", {"Email", "add_pop", "email=info", "password=" + std::string(kPassword)});
  uapi_ok(root, "bob", {"Email", "add_pop", "email=boss", "password=" + std::string(kPassword)});
  CHECK(data_of(root, {"Email", "has_delegated_mailman_lists", "delegate=info@bob.example"}) == 0);
  auto data = data_of(
      root, {"Email", "add_mailman_delegates", "list=news@bob.example", "delegates=info@bob.example,boss@bob.example"});
  CHECK(data["delegates"] == nlohmann::json({"boss@bob.example", "info@bob.example"}));
  const auto privs = nlohmann::json::parse(root.file("home/bob/etc/bob.example/_privs.json"));
  CHECK(privs["mailman"]["news_bob.example"]["delegates"]["info@bob.example"] == 1);
  CHECK(data_of(root, {"Email", "get_mailman_delegates", "list=news"})["delegates"].size() == 2);
  CHECK(data_of(root, {"Email", "has_delegated_mailman_lists", "delegate=info@bob.example"}) == 1);
  CHECK(data_of(root, {"Email", "has_delegated_mailman_lists", "delegate=bob"}) == 0);
  CHECK(data_of(root, {"Email", "list_lists"})[0]["listadmin"] == "bob@bob.example,boss@bob.example,info@bob.example");
  data = data_of(root, {"Email", "remove_mailman_delegates", "list=news", "delegates=boss@bob.example"});
  CHECK(data["delegates"] == nlohmann::json({"info@bob.example"}));

  expect_cpanel_refused(root, "uapi", "bob",
                        {"Email", "add_mailman_delegates", "list=news", "delegates=nobody@bob.example"},
                        "The email account “nobody@bob.example” does not exist.");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Email", "add_mailman_delegates", "list=news", "delegates=x@other.example"},
                        "“other.example” is not a domain that you control.");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "has_delegated_mailman_lists", "delegate=x@other.example"},
                        "“other.example” is not a domain that you control.");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "get_mailman_delegates", "list=nope"},
                        "You do not have a mailing list named “nope”.");
}

TEST_CASE("generate_mailman_otp stores only a hash of the password, with an expiry", "[email][lists][otp]") {
  TempRoot root;
  with_list(root);
  const std::string otp = data_of(root, {"Email", "generate_mailman_otp", "list=news@bob.example"});
  REQUIRE(std::regex_match(otp, std::regex("[A-Za-z0-9]{8}_[A-Za-z0-9]{32}")));
  const std::string rel = "var/cpanel/cpses/mailman/news_bob.example_" + otp.substr(0, 8);
  REQUIRE(root.exists(rel));
  const auto doc = nlohmann::json::parse(root.file(rel));
  CHECK(doc["hash"].get<std::string>().rfind("$6$", 0) == 0);
  CHECK(root.file(rel).find(otp.substr(9)) == std::string::npos);
  CHECK(doc["expires"].get<long long>() > std::time(nullptr));
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "generate_mailman_otp", "list=other_bob.example"},
                        "You do not have a mailing list named");
}

TEST_CASE("export_lists writes a CSV per list in ~/mail/exported_lists", "[email][lists][export_lists]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "export_lists"},
                        "The system could not find a mailing list for this user.");
  uapi_ok(root, "bob", {"Email", "add_list", "list=news", "domain=bob.example", "password=" + std::string(kPassword)});
  auto settings = settings_of(root, "news_bob.example");
  settings["members"] = {"ann@example.net", "joe@example.org"};
  root.write(std::string(kListDir) + "news_bob.example/whmkit.json", settings.dump());
  uapi_ok(root, "bob", {"Email", "export_lists"});
  CHECK(root.file("home/bob/mail/exported_lists/news.csv") ==
        "email,name\nann@example.net,\"ann\"\njoe@example.org,\"joe\"\n");
}

TEST_CASE("the list functions need the lists feature", "[email][lists][features]") {
  TempRoot root;
  with_list(root);
  run_ok(root, {"add_override_features_for_user", "user=bob", R"(features={"lists":0})"});
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "list_lists"}, "You do not have the feature “lists”.");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Email", "add_list", "list=x", "domain=bob.example", "password=" + std::string(kPassword)},
                        "You do not have the feature “lists”.");
}

TEST_CASE("a new main domain takes the account's lists along", "[email][lists][rename]") {
  TempRoot root;
  with_list(root);
  run_ok(root, {"modifyacct", "user=bob", "domain=new.example"});
  CHECK(root.exists(std::string(kListDir) + "news_new.example/whmkit.json"));
  CHECK_FALSE(root.exists(std::string(kListDir) + "news_bob.example"));
  CHECK(data_of(root, {"Email", "list_lists"})[0]["list"] == "news@new.example");
  test::expect_check_clean(root);
}
