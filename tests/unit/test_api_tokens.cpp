// Unit tests: what whmkitd asks of the token files (find_api_token,
// api_token_refusal) and the checks of a token's parts.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

#include "api_tokens.hpp"
#include "errors.hpp"
#include "output.hpp"

using namespace whm;
namespace fs = std::filesystem;

namespace {
struct Dir {
  std::string path;
  Dir() {
    char t[] = "/tmp/whmkit-unit-XXXXXX";
    path = ::mkdtemp(t);
  }
  ~Dir() { fs::remove_all(path); }
};

const std::string kToken = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

// A token file holding kToken for `user`, as cPanel writes it.
void write_tokens(const Dir& dir, TokenService service, const std::string& user, const nlohmann::json& entry) {
  StateRoot root(dir.path);
  const std::string abs = root.path(api_tokens_rel(service, user));
  fs::create_directories(fs::path(abs).parent_path());
  atomic_write_file(abs, json_text({{"tokens", {{sha512_hex(kToken), entry}}}}), 0600);
}

ApiToken token_with(std::optional<long long> expires, std::vector<std::string> ips) {
  ApiToken t;
  t.name = "ci";
  t.expires_at = expires;
  t.whitelist_ips = std::move(ips);
  return t;
}
}  // namespace

TEST_CASE("sha512_hex is the digest cPanel stores", "[api_tokens]") {
  CHECK(sha512_hex("abc") ==
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce8"
        "0e2a9ac94fa54ca49f");
}

TEST_CASE("find_api_token: the token whose digest matches, for that user and service", "[api_tokens]") {
  Dir dir;
  StateRoot root(dir.path);
  write_tokens(dir, TokenService::Whostmgr, "root",
               {{"name", "deploy"}, {"create_time", 1}, {"expires_at", nullptr}, {"acls", {"list-accts"}}});
  auto t = find_api_token(root, TokenService::Whostmgr, "root", kToken);
  REQUIRE(t);
  CHECK(t->name == "deploy");
  CHECK(!t->all_acls);
  CHECK(t->acls == std::vector<std::string>{"list-accts"});
  CHECK(!t->expires_at);
  CHECK(!find_api_token(root, TokenService::Whostmgr, "root", kToken.substr(1) + "6"));
  CHECK(!find_api_token(root, TokenService::Cpanel, "root", kToken));   // another service's file
  CHECK(!find_api_token(root, TokenService::Whostmgr, "bob", kToken));  // no file
  CHECK(!find_api_token(root, TokenService::Whostmgr, "../root", kToken));
  CHECK(!find_api_token(root, TokenService::Whostmgr, "", kToken));

  // Without "acls", or with "all" among them: every privilege of the user.
  write_tokens(dir, TokenService::Whostmgr, "res", {{"name", "full"}, {"create_time", 1}, {"expires_at", 0}});
  CHECK(find_api_token(root, TokenService::Whostmgr, "res", kToken)->all_acls);
  write_tokens(dir, TokenService::Whostmgr, "res", {{"name", "full"}, {"create_time", 1}, {"acls", {"all"}}});
  CHECK(find_api_token(root, TokenService::Whostmgr, "res", kToken)->all_acls);

  write_tokens(dir, TokenService::Cpanel, "bob",
               {{"name", "site"},
                {"create_time", 1},
                {"expires_at", 1900000000},
                {"has_full_access", 0},
                {"features", {"ftpaccts"}}});
  auto c = find_api_token(root, TokenService::Cpanel, "bob", kToken);
  REQUIRE(c);
  CHECK(!c->has_full_access);
  CHECK(c->features == std::vector<std::string>{"ftpaccts"});
  CHECK(c->expires_at == 1900000000);
}

TEST_CASE("find_api_token reads a damaged file leniently", "[api_tokens]") {
  Dir dir;
  StateRoot root(dir.path);
  const std::string abs = root.path(api_tokens_rel(TokenService::Whostmgr, "root"));
  fs::create_directories(fs::path(abs).parent_path());
  for (const char* text : {"", "not json", "[]", R"({"tokens": 5})", R"({"tokens": {"abc": {"name": "x"}}})"}) {
    atomic_write_file(abs, text, 0600);
    CHECK(!find_api_token(root, TokenService::Whostmgr, "root", kToken));
  }
  // A bad entry beside a good one: the good one still works.
  atomic_write_file(abs,
                    json_text({{"tokens",
                                {{sha512_hex(kToken), {{"name", "ok"}, {"create_time", 1}}},
                                 {std::string(128, 'a'), {{"name", 5}}}}}}),
                    0600);
  CHECK(find_api_token(root, TokenService::Whostmgr, "root", kToken)->name == "ok");
}

TEST_CASE("api_token_refusal: expiry", "[api_tokens]") {
  CHECK(api_token_refusal(token_with(std::nullopt, {}), "192.0.2.1", 2000000000) == "");
  CHECK(api_token_refusal(token_with(1900000000, {}), "192.0.2.1", 1900000000) == "");
  CHECK(api_token_refusal(token_with(1900000000, {}), "192.0.2.1", 1900000001) == "The API token “ci” has expired.");
}

TEST_CASE("api_token_refusal: IPv4 and IPv6 addresses and ranges", "[api_tokens]") {
  auto t = token_with(std::nullopt, {"192.0.2.8/29", "203.0.113.5", "2620:0000:28a4:0000:0000:0000:0000:0000/48",
                                     "fc00:abcd:0000:0000:0000:0000:0000:000f"});
  for (const char* ok : {"192.0.2.8", "192.0.2.15", "203.0.113.5", "2620:0:28a4:ffff::1", "fc00:abcd::f",
                         "::ffff:192.0.2.9", "2620:0000:28a4::"})
    CHECK(api_token_refusal(t, ok, 0) == "");
  for (const char* no :
       {"192.0.2.7", "192.0.2.16", "203.0.113.6", "2620:0:28a5::1", "fc00:abcd::e", "::1", "::ffff:10.0.0.1"})
    CHECK(api_token_refusal(t, no, 0) == "The API token “ci” may not be used from “" + std::string(no) + "”.");
  CHECK(api_token_refusal(t, "", 0) == "The API token “ci” may not be used from an unknown address.");
  CHECK(api_token_refusal(t, "bad\naddress", 0) == "The API token “ci” may not be used from an unknown address.");
  // A whole-Internet range.
  CHECK(api_token_refusal(token_with(std::nullopt, {"0.0.0.0/0"}), "198.51.100.1", 0) == "");
  CHECK(api_token_refusal(token_with(std::nullopt, {"0.0.0.0/0"}), "2001:db8::1", 0) != "");
}

TEST_CASE("normalize_whitelist: cPanel's forms, sorted, without repeats", "[api_tokens]") {
  CHECK(
      normalize_whitelist({"fc00:abcd::f", "192.0.2.9/32", "10.0.0.0/8", "192.0.2.9", "::1/128", "2620:0:28a4::/48"}) ==
      std::vector<std::string>{"10.0.0.0/8", "192.0.2.9", "0000:0000:0000:0000:0000:0000:0000:0001",
                               "2620:0000:28a4:0000:0000:0000:0000:0000/48",
                               "fc00:abcd:0000:0000:0000:0000:0000:000f"});
  for (const char* bad : {"192.0.2.9/29", "10.0.0.0/33", "::/129", "192.0.2", "01.2.3.4", "1.2.3.4/", "1.2.3.4/-1",
                          "example.com", "fe80::1%eth0", "1.2.3.4/+8", ""})
    CHECK_THROWS_WITH(normalize_whitelist({bad}), Catch::Contains("Invalid IP address or CIDR range specified"));
  CHECK_THROWS_WITH(normalize_whitelist(std::vector<std::string>(101, "192.0.2.1")),
                    "You have entered “101” IP addresses, which is above the limit of 100.");
}

TEST_CASE("token names and expiry as cPanel checks them", "[api_tokens]") {
  CHECK_NOTHROW(check_token_name("a-Z_09"));
  CHECK_NOTHROW(check_token_name(std::string(50, 'x')));
  for (const std::string& bad : std::vector<std::string>{"", std::string(51, 'x'), "a b", "a.b", "ä", "a/b"})
    CHECK_THROWS_WITH(check_token_name(bad), Catch::Contains("is not a valid API token name"));
  CHECK_NOTHROW(check_expiry(0, 100));
  CHECK_NOTHROW(check_expiry(100, 100));
  CHECK_THROWS_WITH(check_expiry(99, 100), "The “99” value must be a future date.");
}
