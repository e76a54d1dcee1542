#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;

TEST_CASE("DomainInfo list_domains and main_domain_builtin_subdomain_aliases", "[domaininfo]") {
  TempRoot root;
  create_account(root, "bob", "bob.example", {"maxsub=5", "maxpark=2", "maxaddon=2"});
  run_ok(root, {"create_subdomain", "domain=blog.bob.example", "document_root=public_html/blog"});
  run_ok(root, {"create_parked_domain_for_user", "domain=bob.net", "username=bob", "web_vhost_domain=bob.example"});
  run_ok(root,
         {"create_parked_domain_for_user", "domain=addon.org", "username=bob", "web_vhost_domain=blog.bob.example"});
  const auto before = snapshot(root);

  auto list = uapi_ok(root, "bob", {"DomainInfo", "list_domains"});
  CHECK(list["result"]["data"] == nlohmann::json({{"addon_domains", {"addon.org"}},
                                                  {"main_domain", "bob.example"},
                                                  {"parked_domains", {"bob.net"}},
                                                  {"sub_domains", {"blog.bob.example"}}}));
  CHECK(list["result"]["metadata"] == nlohmann::json::object());

  // The main vhost also answers for the parked domain: only mail. and www. of the main domain count.
  auto aliases = uapi_ok(root, "bob", {"DomainInfo", "main_domain_builtin_subdomain_aliases"});
  CHECK(aliases["result"]["data"] == nlohmann::json({"mail", "www"}));
  CHECK(aliases["result"]["metadata"]["transformed"] == 1);
  CHECK(snapshot(root) == before);  // reading changed nothing

  // A fresh account: no other domains, as empty lists.
  create_account(root, "amy", "amy.example");
  auto amy = uapi_ok(root, "amy", {"DomainInfo", "list_domains"});
  CHECK(amy["result"]["data"] == nlohmann::json({{"addon_domains", nlohmann::json::array()},
                                                 {"main_domain", "amy.example"},
                                                 {"parked_domains", nlohmann::json::array()},
                                                 {"sub_domains", nlohmann::json::array()}}));
}

TEST_CASE("DomainInfo bad input: no such account, unreadable userdata", "[domaininfo]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  expect_cpanel_refused(root, "uapi", "ghost", {"DomainInfo", "list_domains"}, "not a cPanel account");
  root.write("var/cpanel/userdata/bob/main", "--- [unclosed\n");
  expect_cpanel_refused(root, "uapi", "bob", {"DomainInfo", "list_domains"}, "Invalid YAML");
  root.write("var/cpanel/userdata/bob/bob.example", "");
  expect_cpanel_refused(root, "uapi", "bob", {"DomainInfo", "main_domain_builtin_subdomain_aliases"}, "cannot be read");
}
