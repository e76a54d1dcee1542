// whmkitd's routes and authentication in-process (no sockets): requests go
// through handle_http_request exactly as the server hands them over, on a
// temporary state root; answers are compared with what the command line
// prints. Also several worker threads writing at once.
#include <catch2/catch.hpp>

#include <thread>

#include "harness.hpp"
#include "http_api.hpp"
#include "request.hpp"
#include "sysusers.hpp"

using namespace whm;
using test::TempRoot;

namespace {

std::string basic(const std::string& user, const std::string& pass) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string in = user + ":" + pass;
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
    out += table[(n >> 18) & 63];
    out += table[(n >> 12) & 63];
    out += i + 1 < in.size() ? table[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? table[n & 63] : '=';
  }
  return "Basic " + out;
}

// A root with a root password, an account and a reseller.
struct Server {
  TempRoot dir;
  StateRoot root{dir.path};
  Server() {
    dir.write("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
    dir.write("etc/shadow", "root:" + hash_password("root-Pass-1") + ":19000:0:99999:7:::\n");
    test::create_account(dir, "bob", "bob.example");  // password Secret-pass1
  }
  HttpResponse get(Port port, const std::string& path, std::vector<std::pair<std::string, std::string>> params,
                   const std::string& authorization = "", const std::string& cookie = "",
                   const std::string& method = "GET") {
    HttpRequest req;
    req.method = method;
    req.path = path;
    req.params = std::move(params);
    req.credentials.authorization = authorization;
    req.credentials.session_cookie = cookie;
    req.credentials.remote_ip = "127.0.0.1";
    return handle_http_request(root, port, req, std::time(nullptr));
  }
};

const std::string kDenied =
    R"({"cpanelresult":{"apiversion":"2","error":"Access denied","data":{"reason":"Access denied","result":"0"},"type":"text"}})"
    "\n";

}  // namespace

TEST_CASE("Basic with the system password answers as the command line", "[http]") {
  Server s;
  auto r = s.get(Port::Whm, "/json-api/version", {{"api.version", "1"}}, basic("root", "root-Pass-1"));
  CHECK(r.status == 200);
  CHECK(r.body == test::run(s.dir, {"version"}).out);
  auto x = s.get(Port::Whm, "/xml-api/version", {{"api.version", "1"}}, basic("root", "root-Pass-1"));
  CHECK(x.content_type.rfind("text/xml", 0) == 0);
  CHECK(x.body == test::run(s.dir, {"version"}, "xml").out);
}

TEST_CASE("every refusal is a 403 with cPanel's body, and changes nothing", "[http]") {
  Server s;
  const auto before = test::snapshot(s.dir);
  const std::vector<std::pair<std::string, std::string>> create = {
      {"api.version", "1"}, {"username", "eve"}, {"domain", "eve.example"}};
  for (const auto& auth : {basic("root", "wrong"), basic("bob", "Secret-pass1"), std::string("cpanel root:ABC"),
                           std::string("whm root:NOTATOKEN"), std::string("Bearer x"), std::string("")}) {
    auto r = s.get(Port::Whm, "/json-api/createacct", create, auth);
    CHECK(r.status == 403);
    CHECK(r.body == kDenied);
    CHECK(!r.failure.empty());
  }
  auto r = s.get(Port::Cpanel, "/execute/DomainInfo/list_domains", {}, basic("root", "root-Pass-1"));
  CHECK(r.status == 403);
  CHECK(test::snapshot(s.dir) == before);
}

TEST_CASE("the cPanel port runs UAPI and API 2 as the account", "[http]") {
  Server s;
  auto r = s.get(Port::Cpanel, "/execute/DomainInfo/list_domains", {}, basic("bob", "Secret-pass1"));
  REQUIRE(r.status == 200);
  auto body = nlohmann::json::parse(r.body);
  CHECK(body["data"]["main_domain"] == "bob.example");
  CHECK(body == test::uapi_ok(s.dir, "bob", {"DomainInfo", "list_domains"})["result"]);
  auto api2 =
      s.get(Port::Cpanel, "/json-api/cpanel", {{"cpanel_jsonapi_module", "Cron"}, {"cpanel_jsonapi_func", "listcron"}},
            basic("bob", "Secret-pass1"));
  CHECK(api2.body == test::run_cpanel(s.dir, "cpapi2", "bob", {"Cron", "listcron"}).out);
  CHECK(s.get(Port::Cpanel, "/json-api/listaccts", {}, basic("bob", "Secret-pass1")).status == 404);
}

TEST_CASE("a password login gives a session that works only under its token", "[http]") {
  Server s;
  auto login =
      s.get(Port::Whm, "/login/", {{"login_only", "1"}, {"user", "root"}, {"pass", "root-Pass-1"}}, "", "", "POST");
  REQUIRE(login.status == 200);
  auto body = nlohmann::json::parse(login.body);
  const std::string token = body["security_token"];
  CHECK(token.size() == 17);
  std::string cookie;
  for (const auto& [k, v] : login.headers)
    if (k == "Set-Cookie") cookie = whm::uri_decode(v.substr(v.find('=') + 1, v.find(';') - v.find('=') - 1));
  REQUIRE(!cookie.empty());
  CHECK(s.get(Port::Whm, token + "/json-api/version", {{"api.version", "1"}}, "", cookie).status == 200);
  CHECK(s.get(Port::Whm, "/json-api/version", {{"api.version", "1"}}, "", cookie).status == 403);
  CHECK(s.get(Port::Whm, "/cpsess0000000000/json-api/version", {{"api.version", "1"}}, "", cookie).status == 403);
  CHECK(s.get(Port::Cpanel, token + "/execute/DomainInfo/list_domains", {}, "", cookie).status == 403);
  auto wrong = s.get(Port::Whm, "/login/", {{"user", "root"}, {"pass", "x"}}, "", "", "POST");
  CHECK(wrong.status == 401);
  CHECK(nlohmann::json::parse(wrong.body)["message"] == "invalid_login");
}

TEST_CASE("create_user_session logs in once", "[http]") {
  Server s;
  auto made = test::run_ok(s.dir, {"create_user_session", "user=bob", "service=cpaneld"});
  const std::string url = made["data"]["url"], token = made["data"]["cp_security_token"];
  const std::string session = made["data"]["session"];
  CHECK(url.find(token + "/login/?session=" + session) != std::string::npos);
  auto first = s.get(Port::Cpanel, token + "/login/", {{"session", session}});
  CHECK(first.status == 302);
  CHECK(s.get(Port::Cpanel, token + "/login/", {{"session", session}}).status == 401);
  CHECK(s.get(Port::Whm, token + "/login/", {{"session", session}}).status == 401);
  const std::string cookie =
      session.substr(0, session.find(":CREATE_USER_SESSION")) + session.substr(session.rfind(','));
  CHECK(s.get(Port::Cpanel, token + "/execute/DomainInfo/list_domains", {}, "", cookie).status == 200);
}

TEST_CASE("a session does not outlive its account: a new account of the same name cannot use it", "[http]") {
  Server s;
  auto made = test::run_ok(s.dir, {"create_user_session", "user=bob", "service=cpaneld"});
  const std::string token = made["data"]["cp_security_token"], session = made["data"]["session"];
  REQUIRE(s.get(Port::Cpanel, token + "/login/", {{"session", session}}).status == 302);
  const std::string cookie =
      session.substr(0, session.find(":CREATE_USER_SESSION")) + session.substr(session.rfind(','));
  REQUIRE(s.get(Port::Cpanel, token + "/execute/DomainInfo/list_domains", {}, "", cookie).status == 200);
  test::run_ok(s.dir, {"removeacct", "user=bob"});
  test::create_account(s.dir, "bob", "bob.example");  // a new uid: ids are never reused
  CHECK(s.get(Port::Cpanel, token + "/execute/DomainInfo/list_domains", {}, "", cookie).status == 403);
}

TEST_CASE("JSON bodies become the same parameters as a form", "[http]") {
  auto params = json_body_params(R"({"api": {"version": 1}, "user": ["a", "b"], "flag": true, "n": 5, "x": null})");
  const std::vector<std::pair<std::string, std::string>> want = {
      {"api.version", "1"}, {"flag", "1"}, {"n", "5"}, {"user", "a"}, {"user", "b"}};
  CHECK(params == want);
  CHECK_THROWS(json_body_params("[1]"));
  CHECK_THROWS(json_body_params("{"));
}

TEST_CASE("worker threads writing at once lose nothing", "[http]") {
  Server s;
  const std::string auth = basic("root", "root-Pass-1");
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t)
    workers.emplace_back([&, t] {
      for (int i = 0; i < 3; ++i) {
        const std::string user = "t" + std::to_string(t) + "u" + std::to_string(i);
        s.get(Port::Whm, "/json-api/createacct",
              {{"api.version", "1"}, {"username", user}, {"domain", user + ".example"}, {"password", "Xx-Pass-123!"}},
              auth);
        s.get(Port::Whm, "/json-api/version", {{"api.version", "1"}}, auth);
      }
    });
  for (auto& w : workers) w.join();
  auto list = test::run_ok(s.dir, {"listaccts", "want=user"});
  CHECK(list["data"]["acct"].size() == 13);
  test::expect_check_clean(s.dir);
}
