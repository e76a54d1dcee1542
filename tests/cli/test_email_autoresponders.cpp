// Autoresponders: UAPI Email add_auto_responder, get_auto_responder,
// list_auto_responders, delete_auto_responder, count_auto_responders and API 2
// addautoresponder, listautoresponders, delautoresponder; the files in
// ~/.autorespond and bad input refused with nothing changed.
#include <algorithm>

#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;

namespace {
const std::vector<std::string> kAdd = {
    "Email",          "add_auto_responder",   "email=info", "domain=bob.example", "from=Bob Example",
    "subject=Away",   "body=Back soon.\nBob", "is_html=0",  "interval=24",        "start=1700000000",
    "stop=1800000000"};
}  // namespace

TEST_CASE("add_auto_responder writes the message and its settings", "[email][autoresponders]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto j = uapi_ok(root, "bob", kAdd);
  CHECK(j["result"]["data"].is_null());
  CHECK(root.file("home/bob/.autorespond/info@bob.example") ==
        "From: Bob Example\nSubject: Away\nCharset: utf-8\n\nBack soon.\nBob");
  CHECK(nlohmann::json::parse(root.file("home/bob/.autorespond/info@bob.example.json")) ==
        nlohmann::json({{"interval", 86400}, {"start", 1700000000}, {"stop", 1800000000}}));

  auto got = uapi_ok(root, "bob", {"Email", "get_auto_responder", "email=info@bob.example"})["result"]["data"];
  CHECK(got == nlohmann::json({{"from", "Bob Example"},
                               {"subject", "Away"},
                               {"body", "Back soon.\nBob"},
                               {"charset", "utf-8"},
                               {"is_html", 0},
                               {"interval", 24},
                               {"start", 1700000000},
                               {"stop", 1800000000}}));

  // HTML, replaced in place; another address; the listing and the count.
  uapi_ok(root, "bob", with_args(kAdd, {"is_html=1", "subject=Gone", "charset=ISO-8859-1"}));
  CHECK(root.file("home/bob/.autorespond/info@bob.example") ==
        "From: Bob Example\nSubject: Gone\nCharset: ISO-8859-1\nContent-type: text/html; "
        "charset=ISO-8859-1\n\nBack soon.\nBob");
  uapi_ok(root, "bob", with_args(kAdd, {"email=sales@bob.example", "subject=Sales"}));
  auto list = uapi_ok(root, "bob", {"Email", "list_auto_responders", "domain=bob.example"})["result"]["data"];
  CHECK(list == nlohmann::json::array({{{"email", "info@bob.example"}, {"subject", "Gone"}},
                                       {{"email", "sales@bob.example"}, {"subject", "Sales"}}}));
  list = uapi_ok(root, "bob", {"Email", "list_auto_responders", "domain=bob.example", "regex=^sal"})["result"]["data"];
  CHECK(list.size() == 1);
  CHECK(uapi_ok(root, "bob", {"Email", "count_auto_responders"})["result"]["data"] == 2);

  uapi_ok(root, "bob", {"Email", "delete_auto_responder", "email=info@bob.example"});
  CHECK(!root.exists("home/bob/.autorespond/info@bob.example"));
  CHECK(!root.exists("home/bob/.autorespond/info@bob.example.json"));
  CHECK(uapi_ok(root, "bob", {"Email", "count_auto_responders"})["result"]["data"] == 1);
}

TEST_CASE("add_auto_responder refuses bad input and other accounts' domains", "[email][autoresponders]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  create_account(root, "eve", "eve.example");
  expect_cpanel_refused(root, "uapi", "bob", with_args(kAdd, {"domain=eve.example"}), "eve.example");
  expect_cpanel_refused(root, "uapi", "bob", with_args(kAdd, {"subject=Hi\nBcc: victim@example.com"}),
                        "control character");
  expect_cpanel_refused(root, "uapi", "bob", with_args(kAdd, {"from=Bob\r\nX: y"}), "control character");
  expect_cpanel_refused(root, "uapi", "bob", with_args(kAdd, {"email=../../etc"}),
                        "Invalid value for parameter “email”");
  expect_cpanel_refused(root, "uapi", "bob", with_args(kAdd, {"charset=utf-8\"; x"}),
                        "Invalid value for parameter “charset”");
  expect_cpanel_refused(root, "uapi", "bob", with_args(kAdd, {"stop=1600000000"}),
                        "Invalid value for parameter “stop”");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "get_auto_responder", "email=none@bob.example"},
                        "has no autoresponder");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "delete_auto_responder", "email=info@eve.example"},
                        "does not belong");
}

TEST_CASE("API 2 addautoresponder, listautoresponders, delautoresponder", "[email][autoresponders][api2]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  std::vector<std::string> add = kAdd;
  add[1] = "addautoresponder";
  api2_ok(root, "bob", add);
  auto list = api2_data(root, "bob", {"Email", "listautoresponders", "domain=bob.example"});
  CHECK(list == nlohmann::json::array({{{"email", "info@bob.example"}, {"subject", "Away"}}}));
  api2_ok(root, "bob", {"Email", "delautoresponder", "email=info@bob.example"});
  CHECK(api2_data(root, "bob", {"Email", "listautoresponders", "domain=bob.example"}).empty());
}

TEST_CASE("the Autoresponders feature gates the autoresponder functions", "[email][autoresponders][features]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  run_ok(root, {"add_override_features_for_user", "user=bob", R"(features={"autoresponders":0})"});
  expect_cpanel_refused(root, "uapi", "bob", kAdd, "You do not have the feature “autoresponders”.");
  expect_cpanel_refused(root, "cpapi2", "bob", {"Email", "listautoresponders", "domain=bob.example"},
                        "You do not have the feature “autoresponders”.");
}
